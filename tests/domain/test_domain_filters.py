"""Filtering rules: validation messages, and SOQL compilation in which values stay values.

The SOQL reader below is written from the SOQL reference (quoted string escapes, and \\% \\_ in
LIKE), independently of the code under test, to parse what it produces.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plx_desktop.domain import FilterRule, InvalidFilter, Operator, compile_soql_where
from plx_desktop.domain.filters import operator

_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
WILD = "<any>"  # an unescaped % (a LIKE wildcard), as opposed to a literal '%'
ONE = "<one>"  # an unescaped _ (a LIKE wildcard)


def read_soql(fragment: str) -> tuple[str, list[list]]:
    """The fragment with each string literal replaced by '?', and the literals' decoded contents
    (characters, or WILD / ONE for an unescaped % / _)."""
    skeleton, literals, i = [], [], 0
    while i < len(fragment):
        char = fragment[i]
        if char != "'":
            skeleton.append(char)
            i += 1
            continue
        i += 1
        content: list = []
        while True:
            assert i < len(fragment), f"unterminated literal in {fragment!r}"
            char = fragment[i]
            if char == "'":
                i += 1
                break
            if char == "\\":
                nxt = fragment[i + 1]
                if nxt in "%_":
                    content.append(nxt)
                else:
                    assert nxt in _ESCAPES, f"invalid escape \\{nxt} in {fragment!r}"
                    content.append(_ESCAPES[nxt])
                i += 2
                continue
            assert char not in "\n\r\t\b\f", "raw control character inside a literal"
            content.append({"%": WILD, "_": ONE}.get(char, char))
            i += 1
        skeleton.append("?")
        literals.append(content)
    return "".join(skeleton), literals


NASTY = st.text(alphabet=st.sampled_from(list("a%_'\"\\\n\r\t\b\f OR AND LIKE()=!*;-")) |
                st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(NASTY)
def test_like_values_stay_literal(value):
    for op, expected in [(Operator.CONTAINS, [WILD, *value, WILD]),
                         (Operator.STARTS_WITH, [*value, WILD]),
                         (Operator.ENDS_WITH, [WILD, *value])]:
        skeleton, literals = read_soql(FilterRule("Email", op, value).to_soql())
        assert skeleton == "Email LIKE ?"
        assert literals == [expected]


@given(NASTY, NASTY)
def test_equality_values_stay_literal_even_when_combined(first, second):
    where = compile_soql_where([FilterRule("LastName", Operator.EQUALS, first),
                                FilterRule("Title", Operator.NOT_EQUALS, second),
                                FilterRule("Email", Operator.IS_NOT_EMPTY)])
    skeleton, literals = read_soql(where)
    assert skeleton == "(LastName = ?) AND (Title != ?) AND (Email != null)"
    # '=' has no wildcards: an unescaped % or _ is the character itself
    plain = {WILD: "%", ONE: "_"}
    assert ["".join(plain.get(c, c) for c in lit) for lit in literals] == [first, second]


def test_examples():
    assert FilterRule("Email", Operator.ENDS_WITH, "@acme.com").to_soql() == \
        "Email LIKE '%@acme.com'"
    assert FilterRule("Name", Operator.CONTAINS, "50%_off").to_soql() == \
        "Name LIKE '%50\\%\\_off%'"
    assert FilterRule("Name", Operator.EQUALS, "O'Brien").to_soql() == "Name = 'O\\'Brien'"
    assert FilterRule("Phone", Operator.IS_EMPTY).to_soql() == "Phone = null"
    assert FilterRule("NumberOfEmployees", Operator.GREATER_THAN, " 500 ", "int").to_soql() == \
        "NumberOfEmployees > 500"
    assert FilterRule("AnnualRevenue", Operator.LESS_THAN, "1.5", "currency").to_soql() == \
        "AnnualRevenue < 1.5"
    assert FilterRule("Birthdate", Operator.LESS_THAN, "1990-01-31", "date").to_soql() == \
        "Birthdate < 1990-01-31"
    assert FilterRule("LastModifiedDate", Operator.GREATER_THAN, "2026-01-31T13:00:00+01:00",
                      "datetime").to_soql() == "LastModifiedDate > 2026-01-31T12:00:00Z"
    assert FilterRule("HasOptedOutOfEmail", Operator.EQUALS, "TRUE", "boolean").to_soql() == \
        "HasOptedOutOfEmail = true"
    assert FilterRule("Account.Industry", Operator.EQUALS, "Energy").to_soql() == \
        "Account.Industry = 'Energy'"
    assert compile_soql_where([]) is None


@pytest.mark.parametrize("rule,message", [
    (FilterRule("Email", Operator.GREATER_THAN, "b"), "works on numbers and dates only"),
    (FilterRule("NumberOfEmployees", Operator.CONTAINS, "5", "int"), "works on text fields only"),
    (FilterRule("NumberOfEmployees", Operator.EQUALS, "5 OR Id != null", "int"), "is not a number"),
    (FilterRule("NumberOfEmployees", Operator.EQUALS, "", "int"), "enter a value"),
    (FilterRule("Birthdate", Operator.LESS_THAN, "last year", "date"), "is not a date"),
    (FilterRule("CreatedDate", Operator.LESS_THAN, "2026-13-01T00:00:00Z", "datetime"),
     "is not a date and time"),
    (FilterRule("Active__c", Operator.EQUALS, "yes please", "boolean"), "true or false"),
    (FilterRule("Email) OR (Name", Operator.EQUALS, "x"), "not a Salesforce field name"),
    (FilterRule("Email", Operator.EQUALS, "x", "blob"), "unknown field type"),
])
def test_bad_rules_are_refused_with_a_reason(rule, message):
    with pytest.raises(InvalidFilter, match=message):
        rule.validate()
    with pytest.raises(InvalidFilter):
        rule.to_soql()


def test_operator_names():
    assert operator("starts_with") is Operator.STARTS_WITH
    assert Operator.NOT_EQUALS.label == "not equals"
    with pytest.raises(InvalidFilter, match="unknown operator 'between'"):
        operator("between")


@pytest.mark.parametrize(("operator_", "value"), [
    (Operator.ENDS_WITH, "@@not a domain,,"), (Operator.ENDS_WITH, "@acme"),
    (Operator.ENDS_WITH, "acme .com"), (Operator.EQUALS, "ada"), (Operator.NOT_EQUALS, "a@b"),
    (Operator.CONTAINS, "a b"), (Operator.STARTS_WITH, "a@b@c"), (Operator.CONTAINS, "x,y")])
def test_an_email_value_that_could_match_no_address_is_refused(operator_, value):
    with pytest.raises(InvalidFilter, match="Email: '"):
        FilterRule("Email", operator_, value, "email").validate()


@pytest.mark.parametrize(("operator_", "value"), [
    (Operator.ENDS_WITH, "@acme.com"), (Operator.ENDS_WITH, "acme.com"),
    (Operator.ENDS_WITH, ".co.uk"), (Operator.ENDS_WITH, "ada@acme.com"),
    (Operator.EQUALS, "ada@acme.com"), (Operator.CONTAINS, "lovelace"),
    (Operator.STARTS_WITH, "ada@"), (Operator.CONTAINS, "")])
def test_plausible_email_values_are_taken(operator_, value):
    FilterRule("Email", operator_, value, "email").validate()


def test_phone_and_url_values_are_checked_too():
    FilterRule("Phone", Operator.STARTS_WITH, "+44 (20)", "phone").validate()
    with pytest.raises(InvalidFilter, match="phone number"):
        FilterRule("Phone", Operator.CONTAINS, "call me", "phone").validate()
    with pytest.raises(InvalidFilter, match="no spaces"):
        FilterRule("Website", Operator.CONTAINS, "acme com", "url").validate()

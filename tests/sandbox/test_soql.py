"""The sandbox's SOQL engine: syntax, escapes, types, operators, parents, ordering, errors, hints."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from simple_salesforce.format import format_soql

from plx_desktop.sandbox.salesforce.soql import (
    BoundQuery,
    SoqlError,
    bind,
    parse,
    prepare,
)
from plx_desktop.sandbox.salesforce.soql_syntax import And, Comparison, Literal, Not, Or
from plx_desktop.sandbox.salesforce.soql_values import id_to_18

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)  # a Sunday


# -- a small org -----------------------------------------------------------------------------------

@dataclass
class Field:
    name: str
    type: str
    reference_to: list[str] = field(default_factory=list)
    relationship_name: str | None = None


def _fields(*specs: Field) -> dict[str, Field]:
    return {f.name: f for f in specs}


_AUDIT = (Field("SystemModstamp", "datetime"), Field("LastModifiedDate", "datetime"),
          Field("CreatedDate", "datetime"))

OBJECTS = {
    "Account": _fields(Field("Id", "id"), Field("Name", "string"), Field("Industry", "picklist"),
                       Field("NumberOfEmployees", "int"), Field("AnnualRevenue", "currency"),
                       *_AUDIT),
    "Contact": _fields(Field("Id", "id"), Field("FirstName", "string"),
                       Field("LastName", "string"), Field("Name", "string"),
                       Field("Email", "email"), Field("Birthdate", "date"),
                       Field("HasOptedOutOfEmail", "boolean"), Field("PeopleLinx_Id__c", "string"),
                       Field("AccountId", "reference", ["Account"], "Account"), *_AUDIT),
    "Lead": _fields(Field("Id", "id"), Field("FirstName", "string"), Field("LastName", "string"),
                    Field("Name", "string"), Field("Email", "email"), Field("Company", "string"),
                    Field("Status", "picklist"), Field("IsConverted", "boolean"),
                    Field("ConvertedContactId", "reference", ["Contact"], "ConvertedContact"),
                    *_AUDIT),
    "Task": _fields(Field("Id", "id"), Field("Subject", "string"), Field("Status", "picklist"),
                    Field("ActivityDate", "date"), Field("CallDurationInSeconds", "int"),
                    Field("WhoId", "reference", ["Contact", "Lead"], "Who"), *_AUDIT),
}
PREFIXES = {"001": "Account", "003": "Contact", "00Q": "Lead", "00T": "Task"}


class OrgSchema:
    def object_name(self, name: str) -> str | None:
        return next((o for o in OBJECTS if o.lower() == name.lower()), None)

    def field(self, sobject: str, name: str) -> Field | None:
        return next((f for f in OBJECTS[sobject].values() if f.name.lower() == name.lower()), None)

    def relationship(self, sobject: str, rel_name: str) -> Field | None:
        return next((f for f in OBJECTS[sobject].values()
                     if (f.relationship_name or "").lower() == rel_name.lower()), None)

    def key_prefixes(self) -> dict[str, str]:
        return PREFIXES


SCHEMA = OrgSchema()


def sfid(prefix: str, n: int) -> str:
    return id_to_18(f"{prefix}{n:012d}")


ACME, GLOBEX = sfid("001", 1), sfid("001", 2)
ADA, BOB, CY, DEE = (sfid("003", n) for n in (1, 2, 3, 4))
LEO, LIZ = sfid("00Q", 1), sfid("00Q", 2)
T1, T2, T3 = (sfid("00T", n) for n in (1, 2, 3))


def stamp(day: int, hour: int = 12) -> str:
    return f"2026-03-{day:02d}T{hour:02d}:00:00.000+0000"


ACCOUNTS = [
    {"Id": ACME, "Name": "Acme", "Industry": "Energy", "NumberOfEmployees": 50,
     "AnnualRevenue": 1.5e6, "SystemModstamp": stamp(1)},
    {"Id": GLOBEX, "Name": "Globex", "Industry": None, "NumberOfEmployees": None,
     "AnnualRevenue": None, "SystemModstamp": stamp(2)},
]
CONTACTS = [
    {"Id": ADA, "FirstName": "Ada", "LastName": "Lovelace", "Name": "Ada Lovelace",
     "Email": "ada@acme.example", "Birthdate": "1990-12-10", "HasOptedOutOfEmail": False,
     "AccountId": ACME, "PeopleLinx_Id__c": "p-1", "SystemModstamp": stamp(10, 9),
     "CreatedDate": stamp(1)},
    {"Id": BOB, "FirstName": "bob", "LastName": "O'Brien", "Name": "bob O'Brien",
     "Email": "BOB@Globex.example", "Birthdate": None, "HasOptedOutOfEmail": True,
     "AccountId": GLOBEX, "PeopleLinx_Id__c": None, "SystemModstamp": stamp(14, 23),
     "CreatedDate": stamp(2)},
    {"Id": CY, "FirstName": None, "LastName": "Zed 50%_off", "Name": "Zed 50%_off",
     "Email": "", "Birthdate": "1985-01-31", "HasOptedOutOfEmail": None, "AccountId": None,
     "PeopleLinx_Id__c": "p-3", "SystemModstamp": stamp(15, 1), "CreatedDate": stamp(3)},
    {"Id": DEE, "FirstName": "Dee", "LastName": "back\\slash", "Name": "Dee back\\slash",
     "Email": "dee@acme.example", "Birthdate": "2000-02-29", "HasOptedOutOfEmail": False,
     "AccountId": ACME, "PeopleLinx_Id__c": "p-4",
     # written by something else than the store: another format, same kind of instant
     "SystemModstamp": "2026-03-12T14:00:00+02:00", "CreatedDate": stamp(4)},
]
LEADS = [
    {"Id": LEO, "FirstName": "Leo", "LastName": "Lead", "Name": "Leo Lead", "Company": "L Co",
     "Status": "Open - Not Contacted", "IsConverted": False, "ConvertedContactId": None,
     "SystemModstamp": stamp(5)},
    {"Id": LIZ, "FirstName": "Liz", "LastName": "Done", "Name": "Liz Done", "Company": "D Co",
     "Status": "Closed - Converted", "IsConverted": True, "ConvertedContactId": ADA,
     "SystemModstamp": stamp(6)},
]
TASKS = [
    {"Id": T1, "Subject": "Call", "WhoId": ADA, "ActivityDate": "2026-03-15",
     "CallDurationInSeconds": 30, "SystemModstamp": stamp(15)},
    {"Id": T2, "Subject": "Email", "WhoId": LEO, "ActivityDate": "2026-03-14",
     "CallDurationInSeconds": None, "SystemModstamp": stamp(14)},
    {"Id": T3, "Subject": "Note", "WhoId": None, "ActivityDate": None,
     "CallDurationInSeconds": 0, "SystemModstamp": stamp(13)},
]
TABLES = {"Account": ACCOUNTS, "Contact": CONTACTS, "Lead": LEADS, "Task": TASKS}
BY_ID = {r["Id"]: (name, r) for name, rows in TABLES.items() for r in rows}
LOOKUPS: list[tuple[str | None, str]] = []


def parent(sobject: str | None, record_id: str) -> dict | None:
    LOOKUPS.append((sobject, record_id))
    found = BY_ID.get(record_id)
    if found is None or (sobject is not None and found[0] != sobject):
        return None
    return found[1]


def url_for(sobject: str, record_id: str) -> str:
    return f"/services/data/v60.0/sobjects/{sobject}/{record_id}"


def q(text: str) -> BoundQuery:
    return prepare(text, SCHEMA, now=NOW)


def ids(text: str) -> list[str]:
    query = q(text)
    return [r["Id"] for r in query.run(TABLES[query.sobject], parent)]


def names(text: str) -> set[str]:
    query = q(text)
    key = "Subject" if query.sobject == "Task" else "Name"
    return {r[key] for r in query.run(TABLES[query.sobject], parent)}


def fails(text: str, code: str) -> str:
    with pytest.raises(SoqlError) as caught:
        q(text)
    assert caught.value.error_code == code, caught.value.message
    return caught.value.message


# -- syntax ----------------------------------------------------------------------------------------

def test_keywords_are_case_insensitive_and_names_become_canonical():
    query = q("select id, firstname, ACCOUNT.name from contact wHeRe lastname = 'Lovelace' "
              "order by LastName desc nulls last limit 5 offset 0")
    assert query.sobject == "Contact"
    assert query.select == ["Id", "FirstName", "Account.Name"]
    assert (query.limit, query.offset) == (5, 0)
    assert [r["Id"] for r in query.run(CONTACTS, parent)] == [ADA]


def test_the_tree_keeps_and_or_not_and_parentheses():
    tree = parse("SELECT Id FROM Contact WHERE (Name = 'a' OR Name = 'b') AND NOT Email = null")
    assert isinstance(tree.where, And)
    first, second = tree.where.terms
    assert isinstance(first, Or) and len(first.terms) == 2
    assert isinstance(second, Not) and isinstance(second.term, Comparison)
    assert parse("SELECT Id FROM Contact WHERE Name <> 'x'").where.op == "!="


@pytest.mark.parametrize("text", [
    "SELECT Id FROM Contact WHERE Name = 'a' AND Name = 'b' OR Name = 'c'",
    "SELECT Id FROM Contact WHERE Name = 'a' OR Name = 'b' AND Name = 'c'",
])
def test_mixing_and_with_or_needs_parentheses_as_in_salesforce(text):
    message = fails(text, "MALFORMED_QUERY")
    assert "unexpected token" in message


@pytest.mark.parametrize("text", [
    "SELECT FROM Contact",
    "SELECT Id Contact",
    "SELECT Id FROM Contact WHERE",
    "SELECT Id FROM Contact WHERE Name = ",
    "SELECT Id FROM Contact WHERE Name = Ada",  # a bare word is not a value
    "SELECT Id FROM Contact WHERE Name = \"Ada\"",  # double quotes are not strings
    "SELECT Id FROM Contact WHERE Name = :name",  # bind variables are Apex only
    "SELECT Id FROM Contact WHERE Name = 'unterminated",
    "SELECT Id FROM Contact LIMIT ten",
    "SELECT Id FROM Contact LIMIT -1",
    "SELECT Id FROM Contact OFFSET 1 LIMIT 2",
    "SELECT Id FROM Contact GROUP BY Name",
    "SELECT Id, (SELECT Id FROM Contacts) FROM Account",
    "SELECT MAX(NumberOfEmployees) FROM Account",
    "SELECT Id FROM Contact WHERE Id IN (SELECT WhoId FROM Task)",
    "SELECT Id FROM Contact WHERE Birthdate = 2026-01-31T10",
    "SELECT Id FROM Contact WHERE CreatedDate > LAST_N_DAYS",
    "SELECT Id FROM Contact trailing words",
    "SELECT Id, Id FROM Contact",
    "SELECT Id, COUNT() FROM Contact",
    "SELECT Name, COUNT(Id) FROM Contact",
    "SELECT COUNT(Id) FROM Contact ORDER BY Name",
    "SELECT Id FROM Contact WHERE Birthdate = 2026-02-30",
    "SELECT Id FROM Contact WHERE CreatedDate > 2026-13-01T00:00:00Z",
    "SELECT Id FROM Contact WHERE Name < null",
    "",
])
def test_malformed_queries(text):
    fails(text, "MALFORMED_QUERY")


# -- string literals, escapes and injection ----------------------------------------------------------

@pytest.mark.parametrize(("literal", "value"), [
    (r"'a\'b'", "a'b"), (r"'a\"b'", 'a"b'), (r"'a\\b'", "a\\b"), (r"'a\nb'", "a\nb"),
    (r"'a\Nb'", "a\nb"), (r"'a\rb'", "a\rb"), (r"'a\tb'", "a\tb"), (r"'a\bb'", "a\bb"),
    (r"'a\fb'", "a\fb"), (r"'\u0041\u00e9'", "Aé"), (r"'50\%\_'", "50%_"),
    ("'it''s'", None),  # SQL's doubled quote is not SOQL: two literals side by side
])
def test_string_escapes(literal, value):
    text = f"SELECT Id FROM Contact WHERE Name = {literal}"
    if value is None:
        fails(text, "MALFORMED_QUERY")
        return
    assert parse(text).where.value.value == value


@pytest.mark.parametrize("bad", [r"'\x41'", r"'\q'", r"'\u00G1'", "'trailing\\"])
def test_illegal_escapes_are_malformed(bad):
    fails(f"SELECT Id FROM Contact WHERE Name = {bad}", "MALFORMED_QUERY")


NASTY = [
    "x' OR Name != '",
    "bob O'Brien",
    "a\\' OR '1'='1",
    "Zed 50%_off",
    "Dee back\\slash",
    "') OR (Name LIKE '%",
    "x' LIMIT 1 --",
    "x AND y OR NOT z",
    "line\nbreak\ttab\rcr",
    "\\",
    "'",
]


@pytest.mark.parametrize("value", NASTY)
def test_escaped_values_stay_one_literal(value):
    text = format_soql("SELECT Id FROM Contact WHERE Name = {} AND Email != null", value)
    tree = parse(text)
    assert isinstance(tree.where, And) and len(tree.where.terms) == 2
    literal = tree.where.terms[0].value
    assert isinstance(literal, Literal) and literal.kind == "string" and literal.value == value
    assert tree.limit is None
    expected = [c["Id"] for c in CONTACTS if c["Name"] == value and c["Email"]]
    assert ids(text) == expected


def test_injected_values_match_only_themselves():
    assert ids(format_soql("SELECT Id FROM Contact WHERE Name = {}", "bob O'Brien")) == [BOB]
    assert ids(format_soql("SELECT Id FROM Contact WHERE Name = {}", "x' OR Name != '")) == []
    assert ids(format_soql("SELECT Id FROM Contact WHERE Name IN {}",
                           ["Dee back\\slash", "') OR ('"])) == [DEE]


def test_like_escapes_make_wildcards_literal():
    pattern = format_soql("SELECT Id FROM Contact WHERE Name LIKE '{:like}%'", "Zed 50%_")
    assert ids(pattern) == [CY]
    assert ids(format_soql("SELECT Id FROM Contact WHERE Name LIKE '{:like}%'", "Zed 5_")) == []
    assert ids(r"SELECT Id FROM Contact WHERE Name LIKE 'Zed 50\%\_off'") == [CY]
    assert ids(r"SELECT Id FROM Contact WHERE Name LIKE 'Zed 50\%\_of'") == []
    assert ids(r"SELECT Id FROM Contact WHERE Name LIKE '%\\%'") == [DEE]


@given(st.text(max_size=40))
def test_any_text_quoted_by_simple_salesforce_round_trips(value):
    tree = parse(format_soql("SELECT Id FROM Contact WHERE Name = {} LIMIT 3", value))
    assert tree.where.value.value == value
    assert tree.limit == 3


@given(st.text(max_size=20))
def test_any_text_escaped_for_like_matches_only_itself(value):
    text = format_soql("SELECT Id FROM Contact WHERE Name LIKE '{:like}'", value)
    query = q(text)
    # '' stands for null in Salesforce text fields, so LIKE '' finds the empty ones
    assert query.matches({"Name": value}, parent) is True
    assert query.matches({"Name": value + "x"}, parent) is False
    assert query.matches({"Name": None}, parent) is (value == "")


# -- operators by type ---------------------------------------------------------------------------------

def test_text_comparison_is_case_insensitive():
    assert ids("SELECT Id FROM Contact WHERE Email = 'bob@globex.EXAMPLE'") == [BOB]
    assert ids("SELECT Id FROM Contact WHERE FirstName != 'BOB'") == [ADA, CY, DEE]
    assert ids("SELECT Id FROM Contact WHERE FirstName IN ('ADA', 'dee')") == [ADA, DEE]
    assert ids("SELECT Id FROM Contact WHERE FirstName NOT IN ('ADA', 'dee')") == [BOB, CY]
    assert ids("SELECT Id FROM Contact WHERE FirstName < 'C'") == [ADA, BOB]
    assert ids("SELECT Id FROM Contact WHERE FirstName <= 'bob'") == [ADA, BOB]
    assert ids("SELECT Id FROM Contact WHERE FirstName > 'BOB'") == [DEE]
    assert ids("SELECT Id FROM Contact WHERE FirstName >= 'Bob'") == [BOB, DEE]


def test_like_wildcards_are_case_insensitive():
    assert ids("SELECT Id FROM Contact WHERE Email LIKE '%@ACME.%'") == [ADA, DEE]
    assert ids("SELECT Id FROM Contact WHERE FirstName LIKE '_o_'") == [BOB]
    assert ids("SELECT Id FROM Contact WHERE FirstName LIKE 'a%'") == [ADA]
    assert ids("SELECT Id FROM Contact WHERE FirstName LIKE '%'") == [ADA, BOB, DEE]
    assert ids("SELECT Id FROM Contact WHERE NOT FirstName LIKE 'a%'") == [BOB, CY, DEE]
    assert ids("SELECT Id FROM Contact WHERE Name LIKE 'ada lovelace'") == [ADA]
    assert ids("SELECT Id FROM Contact WHERE Name LIKE 'Ada.*'") == []  # no regex leaks


def test_null_and_empty_text_are_the_same_and_not_equal_includes_nulls():
    assert ids("SELECT Id FROM Contact WHERE FirstName = null") == [CY]
    assert ids("SELECT Id FROM Contact WHERE FirstName != null") == [ADA, BOB, DEE]
    assert ids("SELECT Id FROM Contact WHERE Email = null") == [CY]
    assert ids("SELECT Id FROM Contact WHERE Email = ''") == [CY]
    assert ids("SELECT Id FROM Contact WHERE FirstName != 'Ada'") == [BOB, CY, DEE]
    assert ids("SELECT Id FROM Contact WHERE FirstName IN ('Ada', null)") == [ADA, CY]
    assert ids("SELECT Id FROM Contact WHERE FirstName NOT IN ('Ada', null)") == [BOB, DEE]
    assert ids("SELECT Id FROM Contact WHERE AccountId = null") == [CY]


def test_booleans_and_a_missing_checkbox_reads_false():
    assert ids("SELECT Id FROM Contact WHERE HasOptedOutOfEmail = true") == [BOB]
    assert ids("SELECT Id FROM Contact WHERE HasOptedOutOfEmail = FALSE") == [ADA, CY, DEE]
    assert ids("SELECT Id FROM Contact WHERE HasOptedOutOfEmail != false") == [BOB]
    assert ids("SELECT Id FROM Lead WHERE IsConverted = true") == [LIZ]
    message = fails("SELECT Id FROM Lead WHERE IsConverted = 'true'", "INVALID_FIELD")
    assert ("value of filter criterion for field 'IsConverted' must be of type boolean and "
            "should not be enclosed in quotes") in message
    fails("SELECT Id FROM Lead WHERE IsConverted > false", "INVALID_FIELD")
    fails("SELECT Id FROM Lead WHERE IsConverted = 1", "INVALID_FIELD")


def test_numbers():
    assert ids("SELECT Id FROM Account WHERE NumberOfEmployees = 50") == [ACME]
    assert ids("SELECT Id FROM Account WHERE NumberOfEmployees > 49.5") == [ACME]
    assert ids("SELECT Id FROM Account WHERE NumberOfEmployees < 50") == []
    assert ids("SELECT Id FROM Account WHERE NumberOfEmployees >= -1") == [ACME]
    assert ids("SELECT Id FROM Account WHERE NumberOfEmployees != 50") == [GLOBEX]
    assert ids("SELECT Id FROM Account WHERE AnnualRevenue <= 1500000") == [ACME]
    assert ids("SELECT Id FROM Account WHERE NumberOfEmployees IN (1, 50)") == [ACME]
    assert ids("SELECT Id FROM Task WHERE CallDurationInSeconds = 0") == [T3]
    message = fails("SELECT Id FROM Account WHERE NumberOfEmployees = '50'", "INVALID_FIELD")
    assert "must be of type integer and should not be enclosed in quotes" in message
    message = fails("SELECT Id FROM Account WHERE Name = 50", "INVALID_FIELD")
    assert "must be of type string and should be enclosed in quotes" in message


def test_ids_accept_15_and_18_characters_and_refuse_garbage():
    assert ids(f"SELECT Id FROM Contact WHERE Id = '{BOB}'") == [BOB]
    assert ids(f"SELECT Id FROM Contact WHERE Id = '{BOB[:15]}'") == [BOB]
    assert ids(f"SELECT Id FROM Contact WHERE Id = '{BOB[:15]}{BOB[15:].lower()}'") == [BOB]
    assert ids(f"SELECT Id FROM Contact WHERE AccountId IN ('{ACME[:15]}')") == [ADA, DEE]
    message = fails("SELECT Id FROM Contact WHERE Id = 'abc'", "INVALID_QUERY_FILTER_OPERATOR")
    assert "invalid ID field: abc" in message
    fails(f"SELECT Id FROM Contact WHERE Id = '{BOB[:15]}ZZZ'", "INVALID_QUERY_FILTER_OPERATOR")


def test_dates_and_date_literals():
    assert ids("SELECT Id FROM Contact WHERE Birthdate = 1990-12-10") == [ADA]
    assert ids("SELECT Id FROM Contact WHERE Birthdate < 1990-12-10") == [CY]
    assert ids("SELECT Id FROM Contact WHERE Birthdate >= 1990-12-10") == [ADA, DEE]
    assert ids("SELECT Id FROM Contact WHERE Birthdate != 1990-12-10") == [BOB, CY, DEE]
    assert ids("SELECT Id FROM Task WHERE ActivityDate = TODAY") == [T1]
    assert ids("SELECT Id FROM Task WHERE ActivityDate = YESTERDAY") == [T2]
    assert ids("SELECT Id FROM Task WHERE ActivityDate < TODAY") == [T2]
    assert ids("SELECT Id FROM Task WHERE ActivityDate = LAST_N_DAYS:1") == [T1, T2]
    assert ids("SELECT Id FROM Task WHERE ActivityDate = THIS_WEEK") == [T1]
    assert ids("SELECT Id FROM Task WHERE ActivityDate = LAST_WEEK") == [T2]
    assert ids("SELECT Id FROM Task WHERE ActivityDate = THIS_MONTH") == [T1, T2]
    message = fails("SELECT Id FROM Task WHERE ActivityDate = '2026-03-15'", "INVALID_FIELD")
    assert "must be of type date and should not be enclosed in quotes" in message
    fails("SELECT Id FROM Task WHERE ActivityDate = 2026-03-15T00:00:00Z", "INVALID_FIELD")


@pytest.mark.parametrize("literal", [
    "2026-03-14T23:00:00Z", "2026-03-14T23:00:00.000Z", "2026-03-15T01:00:00+02:00",
    "2026-03-14T23:00:00.000+0000", "2026-03-14T18:00:00-05:00", "2026-03-14T23:00:00.0Z",
])
def test_datetime_literals_compare_instants(literal):
    # BOB was modified at 23:00 UTC on the 14th; every literal above names that instant.
    assert ids(f"SELECT Id FROM Contact WHERE SystemModstamp = {literal}") == [BOB]
    assert ids(f"SELECT Id FROM Contact WHERE SystemModstamp >= {literal}") == [BOB, CY]
    assert ids(f"SELECT Id FROM Contact WHERE SystemModstamp > {literal}") == [CY]
    assert ids(f"SELECT Id FROM Contact WHERE SystemModstamp < {literal}") == [ADA, DEE]


def test_datetimes_stored_in_another_format_compare_as_instants():
    # DEE: 2026-03-12T14:00:00+02:00 is 12:00 UTC
    assert ids("SELECT Id FROM Contact WHERE SystemModstamp = 2026-03-12T12:00:00Z") == [DEE]
    query = q("SELECT Id FROM Contact ORDER BY SystemModstamp")
    assert [r["Id"] for r in query.run(CONTACTS, parent)] == [ADA, DEE, BOB, CY]


def test_datetime_fields_with_date_literals_use_whole_days():
    assert ids("SELECT Id FROM Contact WHERE SystemModstamp = TODAY") == [CY]
    assert ids("SELECT Id FROM Contact WHERE SystemModstamp = YESTERDAY") == [BOB]
    assert ids("SELECT Id FROM Contact WHERE SystemModstamp >= LAST_N_DAYS:3") == [BOB, CY, DEE]
    assert ids("SELECT Id FROM Contact WHERE SystemModstamp > YESTERDAY") == [CY]
    assert ids("SELECT Id FROM Contact WHERE SystemModstamp <= YESTERDAY") == [ADA, BOB, DEE]
    assert ids("SELECT Id FROM Contact WHERE SystemModstamp = N_DAYS_AGO:5") == [ADA]


def test_datetime_field_refuses_dates_and_quoted_datetimes():
    expected = ("value of filter criterion for field 'SystemModstamp' must be of type dateTime "
                "and should not be enclosed in quotes")
    assert expected in fails("SELECT Id FROM Contact WHERE SystemModstamp > 2026-03-01",
                             "INVALID_FIELD")
    assert expected in fails("SELECT Id FROM Contact WHERE SystemModstamp > "
                             "'2026-03-01T00:00:00Z'", "INVALID_FIELD")
    fails("SELECT Id FROM Contact WHERE SystemModstamp > 5", "INVALID_FIELD")
    fails("SELECT Id FROM Contact WHERE SystemModstamp LIKE '2026%'", "INVALID_FIELD")


def test_not_and_nested_parentheses():
    text = ("SELECT Id FROM Contact WHERE (FirstName = 'Ada' OR (Email LIKE '%globex%' AND "
            "HasOptedOutOfEmail = true)) AND NOT (LastName = 'Lovelace')")
    assert ids(text) == [BOB]
    assert ids("SELECT Id FROM Contact WHERE NOT NOT FirstName = 'Ada'") == [ADA]
    assert ids("SELECT Id FROM Contact WHERE NOT (FirstName = 'Ada' OR FirstName = 'bob')") == \
        [CY, DEE]


# -- parents ------------------------------------------------------------------------------------------

def test_parent_fields_filter_and_project():
    query = q("SELECT Id, Name, Account.Name, account.industry FROM Contact "
              "WHERE Account.Name LIKE 'ac%' OR Account.Name = null")
    rows = query.run(CONTACTS, parent)
    assert [r["Id"] for r in rows] == [ADA, CY, DEE]
    projected = [query.project(r, parent, url_for) for r in rows]
    assert projected[0] == {
        "attributes": {"type": "Contact", "url": url_for("Contact", ADA)},
        "Id": ADA, "Name": "Ada Lovelace",
        "Account": {"attributes": {"type": "Account", "url": url_for("Account", ACME)},
                    "Name": "Acme", "Industry": "Energy"},
    }
    assert list(projected[0]) == ["attributes", "Id", "Name", "Account"]
    assert projected[1]["Account"] is None


def test_run_asks_once_per_parent():
    LOOKUPS.clear()
    q("SELECT Id FROM Contact WHERE Account.Name != 'x'").run(CONTACTS * 50, parent)
    assert sorted(LOOKUPS) == sorted([("Account", ACME), ("Account", GLOBEX)])


def test_polymorphic_who_uses_the_any_lookup_and_names_the_type():
    LOOKUPS.clear()
    query = q("SELECT Subject, Who.Name FROM Task WHERE Who.Name LIKE 'L%' OR Who.Name = 'Ada "
              "Lovelace' ORDER BY Subject")
    rows = query.run(TASKS, parent)
    assert [r["Id"] for r in rows] == [T1, T2]
    assert all(sobject is None for sobject, _ in LOOKUPS)
    projected = [query.project(r, parent, url_for) for r in rows]
    assert projected[0]["Who"] == {"attributes": {"type": "Contact", "url": url_for("Contact", ADA)},
                                   "Name": "Ada Lovelace"}
    assert projected[1]["Who"]["attributes"]["type"] == "Lead"
    assert query.project(TASKS[2], parent, url_for) == {
        "attributes": {"type": "Task", "url": url_for("Task", T3)}, "Subject": "Note", "Who": None}


def test_two_level_parent_paths():
    query = q("SELECT Name, ConvertedContact.Account.Name FROM Lead "
              "WHERE ConvertedContact.Account.Name = 'ACME'")
    rows = query.run(LEADS, parent)
    assert [r["Id"] for r in rows] == [LIZ]
    assert query.select == ["Name", "ConvertedContact.Account.Name"]
    assert query.project(rows[0], parent, url_for)["ConvertedContact"] == {
        "attributes": {"type": "Contact", "url": url_for("Contact", ADA)},
        "Account": {"attributes": {"type": "Account", "url": url_for("Account", ACME)},
                    "Name": "Acme"},
    }
    assert query.project(LEADS[0], parent, url_for)["ConvertedContact"] is None


def test_unknown_names_are_invalid_field_or_invalid_type():
    message = fails("SELECT Id, Foo FROM Contact", "INVALID_FIELD")
    assert message.startswith("\nSELECT Id, Foo FROM Contact\n           ^\n"
                              "ERROR at Row:1:Column:12\nNo such column 'Foo' on entity 'Contact'.")
    assert "Didn't understand relationship 'Acount'" in fails(
        "SELECT Acount.Name FROM Contact", "INVALID_FIELD")
    assert "No such column 'Nope' on entity 'Account'" in fails(
        "SELECT Account.Nope FROM Contact", "INVALID_FIELD")
    fails("SELECT Id FROM Contact WHERE Nope = 'x'", "INVALID_FIELD")
    fails("SELECT Id FROM Contact ORDER BY Nope", "INVALID_FIELD")
    fails("SELECT Id FROM Contact WHERE Name.Foo = 'x'", "INVALID_FIELD")
    message = fails("SELECT Id\nFROM Foo", "INVALID_TYPE")
    assert "ERROR at Row:2:Column:6" in message and "sObject type 'Foo' is not supported." in message
    fails("SELECT Id FROM Contact WHERE HasOptedOutOfEmail LIKE 'x'", "INVALID_FIELD")


def test_the_object_name_may_prefix_its_own_fields():
    assert q("SELECT Contact.Email FROM Contact").select == ["Email"]


# -- ORDER BY, LIMIT, OFFSET ------------------------------------------------------------------------

def test_order_by_puts_nulls_first_by_default_in_both_directions():
    assert ids("SELECT Id FROM Contact ORDER BY FirstName") == [CY, ADA, BOB, DEE]
    assert ids("SELECT Id FROM Contact ORDER BY FirstName DESC") == [CY, DEE, BOB, ADA]
    assert ids("SELECT Id FROM Contact ORDER BY FirstName NULLS LAST") == [ADA, BOB, DEE, CY]
    assert ids("SELECT Id FROM Contact ORDER BY FirstName DESC NULLS LAST") == [DEE, BOB, ADA, CY]
    assert ids("SELECT Id FROM Contact ORDER BY FirstName ASC NULLS FIRST") == [CY, ADA, BOB, DEE]


def test_order_by_several_keys_and_parent_fields():
    assert ids("SELECT Id FROM Contact ORDER BY Account.Name DESC NULLS LAST, Birthdate DESC") == \
        [BOB, DEE, ADA, CY]
    assert ids("SELECT Id FROM Contact ORDER BY HasOptedOutOfEmail DESC, Id DESC") == \
        [BOB, DEE, CY, ADA]
    assert ids("SELECT Id FROM Account ORDER BY NumberOfEmployees DESC NULLS LAST") == \
        [ACME, GLOBEX]


def test_limit_and_offset():
    assert ids("SELECT Id FROM Contact ORDER BY Id LIMIT 2") == [ADA, BOB]
    assert ids("SELECT Id FROM Contact ORDER BY Id LIMIT 2 OFFSET 1") == [BOB, CY]
    assert ids("SELECT Id FROM Contact ORDER BY Id OFFSET 3") == [DEE]
    assert ids("SELECT Id FROM Contact LIMIT 0") == []
    assert ids("SELECT Id FROM Contact WHERE Email != null LIMIT 1") == [ADA]


# -- COUNT ------------------------------------------------------------------------------------------

def test_count():
    query = q("SELECT COUNT() FROM Contact WHERE Account.Name = 'Acme'")
    assert query.is_count and query.select == [] and not query.aggregate
    assert query.count(CONTACTS, parent) == 2
    assert q("select count() from Contact limit 3").count(CONTACTS, parent) == 3
    assert q("select count() from Contact offset 3").count(CONTACTS, parent) == 1


def test_count_of_a_field_gives_aggregate_rows():
    query = q("SELECT COUNT(Id), COUNT(FirstName) named FROM Contact")
    assert not query.is_count
    assert [(a.function, a.field, a.alias) for a in query.aggregate] == [
        ("COUNT", "Id", "expr0"), ("COUNT", "FirstName", "named")]
    assert query.aggregate_rows(CONTACTS, parent) == [
        {"attributes": {"type": "AggregateResult"}, "expr0": 4, "named": 3}]
    assert q("SELECT COUNT(Id) n FROM Lead WHERE IsConverted = false").aggregate_rows(
        LEADS, parent)[0]["n"] == 1


# -- hints for the store ---------------------------------------------------------------------------

def test_hints_come_only_from_top_level_conjuncts():
    hints = q("SELECT Id FROM Contact WHERE SystemModstamp >= 2026-03-14T23:00:00+00:00 "
              f"AND Id IN ('{ADA[:15]}', '{BOB}') AND Email != null").hints()
    assert hints.modstamp_from == ("SystemModstamp", "2026-03-14T23:00:00.000+0000", True)
    assert hints.ids == {ADA, BOB}
    hints = q("SELECT Id FROM Contact WHERE LastModifiedDate > 2026-03-01T00:00:00Z").hints()
    assert hints.modstamp_from == ("LastModifiedDate", "2026-03-01T00:00:00.000+0000", False)
    hints = q("SELECT Id FROM Contact WHERE CreatedDate > 2026-03-01T00:00:00Z AND "
              "CreatedDate >= 2026-03-02T00:00:00Z AND Id = '" + ADA + "' AND Id = '" + BOB + "'"
              ).hints()
    assert hints.modstamp_from == ("CreatedDate", "2026-03-02T00:00:00.000+0000", True)
    assert hints.ids == set()
    hints = q("SELECT Id FROM Contact WHERE SystemModstamp >= YESTERDAY").hints()
    assert hints.modstamp_from == ("SystemModstamp", "2026-03-14T00:00:00.000+0000", True)


@pytest.mark.parametrize("where", [
    f"SystemModstamp > 2026-03-01T00:00:00Z OR Id = '{ADA}'",
    f"NOT (SystemModstamp > 2026-03-01T00:00:00Z AND Id = '{ADA}')",
    "SystemModstamp < 2026-03-01T00:00:00Z",
    f"Id != '{ADA}'",
    f"Account.Id = '{ACME}'",
])
def test_no_hints_under_or_not_or_other_operators(where):
    hints = q(f"SELECT Id FROM Contact WHERE {where}").hints()
    assert hints.modstamp_from is None and hints.ids is None


def test_matches_agrees_with_run_and_bind_checks_parsed_trees():
    query = bind(parse("SELECT Id FROM Contact WHERE Email LIKE '%acme%'"), SCHEMA, now=NOW)
    assert [c["Id"] for c in CONTACTS if query.matches(c, parent)] == [ADA, DEE]
    assert q("SELECT Id FROM Contact").matches({}, parent)


def test_values_formatted_by_simple_salesforce_bind_as_salesforce_reads_them():
    moment = datetime(2026, 3, 14, 18, 0, 0, 123456, tzinfo=UTC)
    text = format_soql("SELECT Id FROM Contact WHERE SystemModstamp >= {} AND Birthdate != {} "
                       "AND HasOptedOutOfEmail = {} AND PeopleLinx_Id__c IN {}",
                       moment, datetime(1990, 12, 10).date(), False, ["p-1", "p-3", "p-4"])
    assert ids(text) == [CY]


def test_more_date_literals():
    assert ids("SELECT Id FROM Task WHERE ActivityDate = TOMORROW") == []
    assert ids("SELECT Id FROM Task WHERE ActivityDate < NEXT_N_DAYS:3") == [T1, T2]
    assert ids("SELECT Id FROM Task WHERE ActivityDate IN (YESTERDAY, 2026-03-15)") == [T1, T2]
    assert ids("SELECT Id FROM Task WHERE ActivityDate NOT IN (YESTERDAY)") == [T1, T3]
    assert ids("SELECT Id FROM Task WHERE ActivityDate = LAST_90_DAYS") == [T1, T2]
    assert ids("SELECT Id FROM Task WHERE ActivityDate = THIS_YEAR") == [T1, T2]


def test_malformed_messages_point_at_the_token():
    message = fails("SELECT Id FROM Contact WHERE Name = 'a' AND Name = 'b' OR Name = 'c'",
                    "MALFORMED_QUERY")
    assert message.endswith("ERROR at Row:1:Column:56\nunexpected token: 'OR'")
    assert "\n" + " " * 55 + "^\n" in message

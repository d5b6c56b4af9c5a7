"""Filtering rules: which records a step takes. Salesforce-sourced steps compile their rules to a
SOQL WHERE fragment (values escaped by simple-salesforce's format_soql, so no value can change the
query's meaning); PeopleLinx-sourced steps use a saved People filter instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from simple_salesforce.format import format_soql

from plx_desktop.domain.datetimes import parse_datetime
from plx_desktop.domain.errors import InvalidFilter
from plx_desktop.domain.fields import SALESFORCE_TYPES, is_salesforce_field_name, salesforce_kind


class Operator(StrEnum):
    EQUALS = "equals"
    NOT_EQUALS = "not_equals"
    CONTAINS = "contains"
    STARTS_WITH = "starts_with"
    ENDS_WITH = "ends_with"
    IS_EMPTY = "is_empty"
    IS_NOT_EMPTY = "is_not_empty"
    GREATER_THAN = "greater_than"
    LESS_THAN = "less_than"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def takes_value(self) -> bool:
        return self not in (Operator.IS_EMPTY, Operator.IS_NOT_EMPTY)


_TEXT_OPERATORS = (Operator.CONTAINS, Operator.STARTS_WITH, Operator.ENDS_WITH)
_ORDER_OPERATORS = (Operator.GREATER_THAN, Operator.LESS_THAN)
_TEXT_KINDS = ("text", "email", "phone", "url")
_ORDERED_KINDS = ("number", "date", "datetime")
_LIKE = {Operator.CONTAINS: "%{:like}%", Operator.STARTS_WITH: "{:like}%",
         Operator.ENDS_WITH: "%{:like}"}
_COMPARE = {Operator.EQUALS: "=", Operator.NOT_EQUALS: "!=", Operator.GREATER_THAN: ">",
            Operator.LESS_THAN: "<"}
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# What an email's end can be: a domain ("acme.com"), with its "@" or a leading dot (".co.uk").
_EMAIL_END = re.compile(rf"^(?:@{_LABEL}(?:\.{_LABEL})+|\.?{_LABEL}(?:\.{_LABEL})*)$")
_EMAIL_PART = re.compile(r"^[^\s@,;:<>()\[\]\\\"]+@?[^\s@,;:<>()\[\]\\\"]*$")
_EMAIL = re.compile(rf"^[^\s@,;:<>()\[\]\\\"]+@{_LABEL}(?:\.{_LABEL})+$")
_PHONE = re.compile(r"^[0-9+\-(). /x]+$")


def operators_for(field_type: str) -> tuple[Operator, ...]:
    """The operators a rule on a field of this Salesforce type accepts, in the order an admin
    reads them: equals, does not equal, then the text or ordering ones, then the emptiness ones.

    The same rules FilterRule.validate applies, so a rule built from this list always validates
    (given a value of the right type).
    """
    kind = salesforce_kind(field_type)
    by_kind = _TEXT_OPERATORS if kind in _TEXT_KINDS else \
        _ORDER_OPERATORS if kind in _ORDERED_KINDS else ()
    return (Operator.EQUALS, Operator.NOT_EQUALS, *by_kind, Operator.IS_EMPTY,
            Operator.IS_NOT_EMPTY)


def operator(value: str) -> Operator:
    """The operator named `value`; InvalidFilter naming the choices when there is none."""
    try:
        return Operator(value)
    except ValueError:
        choices = ", ".join(op.value for op in Operator)
        raise InvalidFilter(f"unknown operator '{value}' (one of: {choices})") from None


@dataclass(frozen=True)
class FilterRule:
    """Field, operator, value: e.g. Email ends with @acme.com. `field_type` is the describe type.

    The value is kept as the admin typed it; numbers, dates and checkboxes are parsed when the
    rule is validated and compiled.
    """

    field: str
    operator: Operator
    value: str = ""
    field_type: str = "string"

    def validate(self) -> None:
        """Raise InvalidFilter with a message for the admin when the rule cannot be applied."""
        if not is_salesforce_field_name(self.field):
            raise InvalidFilter(f"'{self.field}' is not a Salesforce field name")
        if self.field_type not in SALESFORCE_TYPES:
            raise InvalidFilter(f"unknown field type '{self.field_type}' for {self.field}")
        if not isinstance(self.operator, Operator):
            raise InvalidFilter(f"unknown operator '{self.operator}'")
        kind = salesforce_kind(self.field_type)
        if self.operator in _ORDER_OPERATORS and kind not in _ORDERED_KINDS:
            raise InvalidFilter(f"{self.field} ({kind}): '{self.operator.label}' works on numbers "
                                "and dates only")
        if self.operator in _TEXT_OPERATORS and kind not in _TEXT_KINDS:
            raise InvalidFilter(f"{self.field} ({kind}): '{self.operator.label}' works on text "
                                "fields only")
        if self.operator.takes_value:
            if self.value == "" and kind not in _TEXT_KINDS:
                raise InvalidFilter(f"{self.field}: enter a value to compare with")
            self._literal()  # raises on a value of the wrong type
            self._check_text(kind)

    def _check_text(self, kind: str) -> None:
        """An email, phone or URL value must be able to match such a value at all: "ends with"
        `@@not a domain,,` on an email field would quietly take no record, so it is refused."""
        value = self.value.strip()
        if not value or kind == "text":
            return
        if kind == "email":
            if self.operator is Operator.ENDS_WITH and not (_EMAIL_END.match(value)
                                                           or _EMAIL.match(value)):
                raise InvalidFilter(f"{self.field}: '{self.value}' does not look like the end of "
                                    "an email address; enter a domain such as @acme.com")
            if self.operator in (Operator.EQUALS, Operator.NOT_EQUALS) and not _EMAIL.match(value):
                raise InvalidFilter(f"{self.field}: '{self.value}' is not an email address "
                                    "(name@acme.com)")
            if self.operator in (Operator.CONTAINS, Operator.STARTS_WITH) and \
                    not _EMAIL_PART.match(value):
                raise InvalidFilter(f"{self.field}: '{self.value}' cannot be part of an email "
                                    "address (no spaces, commas or a second @)")
        elif kind == "phone" and not _PHONE.match(value):
            raise InvalidFilter(f"{self.field}: '{self.value}' cannot be part of a phone number "
                                "(digits, spaces, + - ( ) only)")
        elif kind == "url" and any(c.isspace() for c in value):
            raise InvalidFilter(f"{self.field}: a web address has no spaces")

    def _literal(self) -> object:
        """The value as a Python value of the field's kind (for format_soql to quote)."""
        kind = salesforce_kind(self.field_type)
        value = self.value.strip() if kind in ("number", "boolean", "date", "datetime") else self.value
        if kind == "number":
            if not _NUMBER.match(value):
                raise InvalidFilter(f"{self.field}: '{self.value}' is not a number")
            return float(value) if "." in value else int(value)
        if kind == "boolean":
            if value.lower() not in ("true", "false"):
                raise InvalidFilter(f"{self.field}: a checkbox is compared with true or false")
            return value.lower() == "true"
        if kind == "date":
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise InvalidFilter(f"{self.field}: '{self.value}' is not a date "
                                    "(YYYY-MM-DD)") from None
        if kind == "datetime":
            try:
                return parse_datetime(value)
            except ValueError:
                raise InvalidFilter(f"{self.field}: '{self.value}' is not a date and time "
                                    "(YYYY-MM-DDTHH:MM:SSZ)") from None
        return self.value

    def to_soql(self) -> str:
        """This rule as a SOQL condition, e.g. "Email LIKE '%@acme.com'"."""
        self.validate()
        if self.operator is Operator.IS_EMPTY:
            return f"{self.field} = null"
        if self.operator is Operator.IS_NOT_EMPTY:
            return f"{self.field} != null"
        if self.operator in _LIKE:
            # :like escapes quotes and backslashes and also % and _, so they match literally.
            return format_soql(f"{self.field} LIKE '{_LIKE[self.operator]}'", self.value)
        literal = self._literal()
        if isinstance(literal, datetime):
            # SOQL's plainest datetime form; built from the parsed value, never from the text.
            stamp = literal.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            return f"{self.field} {_COMPARE[self.operator]} {stamp}"
        return format_soql(f"{self.field} {_COMPARE[self.operator]} {{}}", literal)


def compile_soql_where(rules: tuple[FilterRule, ...] | list[FilterRule]) -> str | None:
    """All rules joined with AND, each parenthesised; None when there are none."""
    if not rules:
        return None
    return " AND ".join(f"({rule.to_soql()})" for rule in rules)


@dataclass(frozen=True)
class SavedFilter:
    """A saved PeopleLinx People filter (loaded by id; the name is shown to the admin)."""

    id: str
    name: str

    def validate(self) -> None:
        if not str(self.id).strip():
            raise InvalidFilter("a saved People filter needs an id")

"""Value conversion between the two systems' field types, and fingerprints of synced values.

Salesforce datetimes: "2026-01-31T12:00:00.000+0000" (ms, UTC); PeopleLinx: RFC 3339 with
microseconds and Z, "2026-01-31T12:00:00.123456Z". Dates are "YYYY-MM-DD" on both sides.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from plx_desktop.domain import json_text
from plx_desktop.domain.datetimes import parse_datetime as parse_datetime  # also read from here
from plx_desktop.domain.errors import ConversionError

_TRUE = frozenset({"true", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "off", ""})


@dataclass(frozen=True)
class Converted:
    """A converted value, and a warning for the log when something was lost (e.g. truncation)."""

    value: Any
    warning: str | None = None


def salesforce_datetime(value: str | datetime | date) -> str:
    """'2026-01-31T12:00:00.000+0000'."""
    dt = parse_datetime(value)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}+0000"


def peoplelinx_datetime(value: str | datetime | date) -> str:
    """'2026-01-31T12:00:00.123456Z'."""
    return parse_datetime(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_date(value: Any) -> str:
    """'YYYY-MM-DD' from a date, a datetime (its UTC day) or such text."""
    if isinstance(value, datetime) or (isinstance(value, str) and "T" in value):
        return parse_datetime(value).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ConversionError(f"'{value}' is not a date") from None


def to_number(value: Any) -> int | float:
    """A number from a number or text ('1,200.50' is refused: no guessing of locales)."""
    if isinstance(value, bool):
        raise ConversionError(f"'{value}' is a checkbox, not a number")
    if isinstance(value, (int, float)):
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ConversionError(f"'{value}' is not a number") from None
    if not number.is_finite():
        raise ConversionError(f"'{value}' is not a number")
    return int(number) if number == number.to_integral_value() else float(number)


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConversionError(f"'{value}' is not true or false")


def to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def truncate(text: str, max_length: int | None, field_label: str = "the field") -> Converted:
    """Cut text to fit a field, with a warning saying what was cut."""
    if max_length is None or len(text) <= max_length:
        return Converted(text)
    return Converted(text[:max_length], f"{field_label} was cut from {len(text)} to {max_length} "
                                        "characters to fit")


_KIND_OF = {
    # Salesforce describe types and PeopleLinx types, folded onto conversion kinds
    "string": "text", "textarea": "text", "text": "text", "picklist": "text", "email": "text",
    "phone": "text", "url": "text", "reference": "text", "id": "text", "boolean": "boolean",
    "int": "int", "double": "number", "currency": "number", "percent": "number", "number": "number",
    "date": "date", "datetime": "datetime",
}


def is_text_type(target_type: str) -> bool:
    """Whether a field of this type holds text (a string that fits is kept as it is)."""
    return _KIND_OF.get(target_type) == "text"


def convert_value(value: Any, target_type: str, *, to_salesforce: bool,
                  max_length: int | None = None, field_label: str = "the field") -> Converted:
    """Convert `value` for a field of `target_type` on the target side.

    None stays None (clears the field). ConversionError when the value cannot fit; the engine logs
    it for the record and goes on.
    """
    if value is None:
        return Converted(None)
    kind = _KIND_OF.get(target_type)
    if kind is None:
        raise ConversionError(f"unknown field type '{target_type}'")
    if kind == "text":
        if value == "":
            return Converted(None if to_salesforce else "")
        return truncate(to_text(value), max_length, field_label)
    if isinstance(value, str) and not value.strip():
        return Converted(None)
    if kind == "boolean":
        return Converted(to_bool(value))
    if kind == "int":
        number = to_number(value)
        if isinstance(number, float):
            raise ConversionError(f"'{value}' is not a whole number")
        return Converted(number)
    if kind == "number":
        return Converted(to_number(value))
    if kind == "date":
        return Converted(to_date(value))
    return Converted(salesforce_datetime(value) if to_salesforce else peoplelinx_datetime(value))


def fingerprint(values: dict[str, Any]) -> str:
    """A stable hash of mapped values (key order and JSON spacing do not matter)."""
    return hashlib.sha256(json_text.canonical(values).encode("utf-8")).hexdigest()

"""Field-level validation of writes, with Salesforce's error codes and messages."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from plx_desktop.sandbox.salesforce.ids import to_18
from plx_desktop.sandbox.salesforce.records import format_datetime, parse_datetime
from plx_desktop.sandbox.salesforce.schema import FieldInfo, ObjectInfo

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class RecordError:
    """One error on one record: statusCode in Collections, errorCode in REST bodies."""

    status_code: str
    message: str
    fields: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. a DuplicateError's duplicateResult


class Invalid(Exception):
    """A write is refused; carries the errors to report."""

    def __init__(self, *errors: RecordError):
        super().__init__(errors[0].message if errors else "invalid")
        self.errors = list(errors)


# Looks up a referenced record: (sobject, is_deleted) or None when no such record exists.
Lookup = Callable[[str], tuple[str, bool] | None]


def clean_values(obj: ObjectInfo, values: dict[str, Any], *, creating: bool,
                 lookup: Lookup) -> dict[str, Any]:
    """Canonical field names and stored values for a create or update; raises Invalid."""
    fields: list[tuple[FieldInfo, Any]] = []
    for key, value in values.items():
        if key == "attributes":
            continue
        info = obj.field(key)
        if info is None:
            raise Invalid(RecordError(
                "INVALID_FIELD", f"No such column '{key}' on sobject of type {obj.name}", []))
        fields.append((info, value))
    if creating and any(f.name == "Id" for f, _ in fields):
        raise Invalid(RecordError("INVALID_FIELD_FOR_INSERT_UPDATE",
                                  "cannot specify Id in an insert call", ["Id"]))
    fields = [(f, v) for f, v in fields if f.name != "Id"]
    locked = [f.name for f, _ in fields if not (f.createable if creating else f.updateable)]
    if locked:
        raise Invalid(RecordError(
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            f"Unable to create/update fields: {', '.join(locked)}. Please check the security "
            "settings of this field and verify that it is read/write for your profile or "
            "permission set.", locked))
    return {f.name: _clean(f, v, lookup) for f, v in fields}


def check_required(obj: ObjectInfo, record: dict[str, Any]) -> None:
    """REQUIRED_FIELD_MISSING for required fields that end up empty; restricted picklists set to null."""
    missing = [f.name for f in obj.fields.values() if f.required and record.get(f.name) in (None, "")]
    if missing:
        raise Invalid(RecordError("REQUIRED_FIELD_MISSING",
                                  f"Required fields are missing: [{', '.join(missing)}]", missing))
    for f in obj.fields.values():
        if f.restricted_picklist and not f.nillable and record.get(f.name) is None:
            raise Invalid(RecordError("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                                      f"{f.label}: bad value for restricted picklist field: null",
                                      [f.name]))


def _clean(f: FieldInfo, value: Any, lookup: Lookup) -> Any:
    if value is None or (value == "" and f.type not in ("boolean",)):
        if f.type == "boolean":
            return False
        return None
    if f.is_text:
        return _text(f, value)
    if f.type in ("reference", "id"):
        return _reference(f, value, lookup)
    if f.type == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise _parse_error("boolean", value)
    if f.type == "int":
        number = _number(f, value)
        if number != int(number):
            raise _parse_error("int", value)
        return int(number)
    if f.type in ("double", "currency", "percent"):
        return _number(f, value)
    if f.type == "date":
        return _date(value)
    if f.type == "datetime":
        try:
            return format_datetime(int(parse_datetime(str(value)).timestamp() * 1000))
        except ValueError:
            raise _parse_error("datetime", value) from None
    return value


def _text(f: FieldInfo, value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise _parse_error("string", value)
    text = str(value)
    if f.length and len(text) > f.length:
        raise Invalid(RecordError("STRING_TOO_LONG",
                                  f"{f.label}: data value too large: {_clip(text)} "
                                  f"(max length={f.length})", [f.name]))
    if f.type == "email" and not _EMAIL.match(text):
        raise Invalid(RecordError("INVALID_EMAIL_ADDRESS", f"{f.label}: invalid email address: {text}",
                                  [f.name]))
    if f.restricted_picklist and text not in {p.value for p in f.picklist_values if p.active}:
        raise Invalid(RecordError("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                                  f"{f.label}: bad value for restricted picklist field: {text}",
                                  [f.name]))
    return text


def _reference(f: FieldInfo, value: Any, lookup: Lookup) -> str:
    record_id = to_18(value) if isinstance(value, str) else None
    if record_id is None:
        raise Invalid(RecordError("MALFORMED_ID", f"{f.label}: id value of incorrect type: {value}",
                                  [f.name]))
    found = lookup(record_id)
    if found is None:
        raise Invalid(RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id",
                                  [f.name]))
    sobject, deleted = found
    if f.reference_to and sobject not in f.reference_to:
        raise Invalid(RecordError("FIELD_INTEGRITY_EXCEPTION",
                                  f"{f.label}: id value of incorrect type: {value}", [f.name]))
    if deleted:
        raise Invalid(RecordError("ENTITY_IS_DELETED", "entity is deleted", [f.name]))
    return record_id


def _number(f: FieldInfo, value: Any) -> float | int:
    if isinstance(value, bool):
        raise _parse_error(f.type, value)
    if isinstance(value, (int, float)):
        return value
    try:
        number = float(str(value))
    except ValueError:
        raise _parse_error(f.type, value) from None
    return int(number) if number.is_integer() and f.type == "int" else number


def _date(value: Any) -> str:
    text = str(value)
    if "T" in text:
        try:
            return parse_datetime(text).date().isoformat()
        except ValueError:
            raise _parse_error("date", value) from None
    if not _DATE.match(text):
        raise _parse_error("date", value)
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise _parse_error("date", value) from None


def _parse_error(kind: str, value: Any) -> Invalid:
    return Invalid(RecordError(
        "JSON_PARSER_ERROR",
        f"Cannot deserialize instance of {kind} from VALUE_STRING value {value} or request may be "
        "missing a required field", []))


def _clip(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "..."

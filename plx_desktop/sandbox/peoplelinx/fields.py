"""People fields: the standard ones, the custom ones kept in the store, and checking a value's type."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from plx_desktop.sandbox.peoplelinx.errors import ItemError
from plx_desktop.sandbox.peoplelinx.store import Store, WriteTx, normalise_timestamp

FIELD_TYPES = ("string", "email", "phone", "url", "text", "number", "boolean", "date", "datetime",
               "picklist")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
PHONE_RE = re.compile(r"^[0-9+().\-\s/x]{3,}$", re.IGNORECASE)


def _field(key: str, label: str, type_: str, max_length: int | None = None, *,
           required: bool = False, read_only: bool = False,
           options: list[str] | None = None) -> dict[str, Any]:
    return {"key": key, "label": label, "type": type_, "custom": False, "required": required,
            "read_only": read_only, "max_length": max_length, "options": options}


# Columns of the people table that a client may write, with their definitions.
STANDARD_FIELDS: list[dict[str, Any]] = [
    _field("first_name", "First Name", "string", 80),
    _field("last_name", "Last Name", "string", 80),
    _field("email", "Email", "email", 254, required=True),
    _field("account", "Company Name", "string", 255),
    _field("title", "Title", "string", 128),
    _field("phone", "Phone", "phone", 40),
    _field("salesforce_id", "Salesforce Id", "string", 18),
    _field("salesforce_object", "Salesforce Object", "picklist", options=["Contact", "Lead"]),
    _field("salesforce_url", "Salesforce URL", "url", 1024),
    _field("salesforce_contact_id", "Salesforce Contact Id", "string", 18),
    _field("salesforce_lead_id", "Salesforce Lead Id", "string", 18),
    _field("id", "PeopleLinx Id", "string", 24, read_only=True),
    _field("synced_with_salesforce", "Synced with Salesforce", "boolean", read_only=True),
    _field("salesforce_deleted", "Deleted in Salesforce", "boolean"),
    _field("inbox_state", "Inbox State", "picklist", read_only=True,
           options=["new", "interested", "not_interested", "meeting_booked", "out_of_office",
                    "wrong_person", "unsubscribed"]),
    _field("created_at", "Created At", "datetime", read_only=True),
    _field("updated_at", "Updated At", "datetime", read_only=True),
]
STANDARD_BY_KEY = {f["key"]: f for f in STANDARD_FIELDS}
CUSTOM_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
DEFAULT_MAX_LENGTH = {"string": 255, "email": 254, "phone": 40, "url": 1024, "text": 32000}


def custom_fields(store: Store) -> list[dict[str, Any]]:
    rows = store.query("SELECT * FROM custom_fields ORDER BY position, key")
    return [{"key": r["key"], "label": r["label"], "type": r["type"], "custom": True,
             "required": False, "read_only": False, "max_length": r["max_length"],
             "options": json.loads(r["options"]) if r["options"] else None} for r in rows]


def all_fields(store: Store) -> list[dict[str, Any]]:
    return STANDARD_FIELDS + custom_fields(store)


def add_custom_field(tx: WriteTx, spec: dict[str, Any]) -> dict[str, Any]:
    """Define a custom people field; raises ItemError when the definition is wrong."""
    key, type_ = spec.get("key"), spec.get("type", "string")
    if not isinstance(key, str) or not CUSTOM_KEY_RE.match(key):
        raise ItemError(400, "invalid_field", "key must be lower_snake_case, 1-40 characters.")
    if key in STANDARD_BY_KEY or key == "custom_fields":
        raise ItemError(409, "conflict", f"'{key}' is a standard field.")
    if tx.execute("SELECT 1 FROM custom_fields WHERE key = ?", (key,)).fetchone():
        raise ItemError(409, "conflict", f"A custom field '{key}' exists already.")
    if type_ not in FIELD_TYPES:
        raise ItemError(400, "invalid_field", f"type must be one of {', '.join(FIELD_TYPES)}.")
    options = spec.get("options")
    if type_ == "picklist":
        if not (isinstance(options, list) and options and all(isinstance(o, str) for o in options)):
            raise ItemError(400, "invalid_field", "A picklist needs options: a list of strings.")
    else:
        options = None
    max_length = spec.get("max_length", DEFAULT_MAX_LENGTH.get(type_))
    if max_length is not None and (not isinstance(max_length, int) or max_length < 1):
        raise ItemError(400, "invalid_field", "max_length must be a positive integer.")
    label = spec.get("label") or key.replace("_", " ").title()
    position = tx.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM custom_fields").fetchone()[0]
    tx.execute("INSERT INTO custom_fields VALUES (?, ?, ?, ?, ?, ?)",
               (key, label, type_, max_length, json.dumps(options) if options else None, position))
    return {"key": key, "label": label, "type": type_, "custom": True, "required": False,
            "read_only": False, "max_length": max_length, "options": options}


def check_value(field: dict[str, Any], value: Any, where: str) -> Any:
    """`value` as stored for `field` (None clears it); raises ItemError 422 when it does not fit."""
    if value is None:
        if field["required"]:
            raise ItemError(422, "required_field_missing", f"{where} is required.", field=where)
        return None
    type_ = field["type"]

    def bad(why: str) -> ItemError:
        return ItemError(422, "invalid_value", f"{where} {why}.", field=where)

    if type_ == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad("must be a number")
        return value
    if type_ == "boolean":
        if not isinstance(value, bool):
            raise bad("must be true or false")
        return value
    if not isinstance(value, str):
        raise bad("must be a string")
    value = value.strip()
    if field["max_length"] and len(value) > field["max_length"]:
        raise ItemError(422, "value_too_long",
                        f"{where} is {len(value)} characters; the most allowed is "
                        f"{field['max_length']}.", field=where)
    if value == "":
        if field["required"]:
            raise ItemError(422, "required_field_missing", f"{where} is required.", field=where)
        return None
    if type_ == "email" and not EMAIL_RE.match(value):
        raise bad(f"is not a valid email address: {value!r}")
    if type_ == "url" and not URL_RE.match(value):
        raise bad("must be an http(s) URL")
    if type_ == "phone" and not PHONE_RE.match(value):
        raise bad("is not a phone number")
    if type_ == "picklist" and value not in (field["options"] or []):
        raise bad(f"must be one of {', '.join(field['options'] or [])}")
    if type_ == "date":
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise bad("must be a date (YYYY-MM-DD)") from None
    if type_ == "datetime":
        try:
            return normalise_timestamp(value)
        except ValueError:
            raise bad("must be an RFC 3339 date-time") from None
    return value

"""Field paths on records: reading one, turning flat mapped values into a body, checking an email.

Field paths are those of fields.py: "Account.Name" reads a Salesforce record's nested
{"Account": {"Name": ...}}; "custom_fields.score" reads a person's {"custom_fields": {...}}.
Mapped values are keyed by the target field's path; `nested` turns them into a request body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Deliberately plain: one @, a dot in the domain, no spaces; Salesforce refuses worse ones anyway.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_valid_email(email: str | None) -> bool:
    return bool(email and _EMAIL.match(email.strip()))


def read_value(record: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path; None when any part is missing."""
    if type(record) is dict and "." not in path:  # the common case, without the ABC check
        return record.get(path)
    value: Any = record
    for part in path.split("."):
        # A plain dict first: the ABC check costs more than the lookup, once a field a record.
        if type(value) is not dict and not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def nested(values: Mapping[str, Any]) -> dict[str, Any]:
    """{"custom_fields.score": 1, "email": "x"} -> {"custom_fields": {"score": 1}, "email": "x"}."""
    out: dict[str, Any] = {}
    for path, value in values.items():
        if "." not in path:
            out[path] = value
            continue
        *parents, leaf = path.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out

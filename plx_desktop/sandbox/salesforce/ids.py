"""Salesforce record ids: key prefixes, 15- and 18-character forms, and the case-safe suffix."""

from __future__ import annotations

import random
import re
import string

KEY_PREFIXES = {
    "Account": "001", "Contact": "003", "User": "005", "Task": "00T", "Lead": "00Q",
    "Organization": "00D", "PermissionSet": "0PS", "FieldPermissions": "01k",
    "PermissionSetAssignment": "0Pa", "AssignmentRule": "01Q", "LeadStatus": "01J",
    "TaskStatus": "01J", "TaskPriority": "01J",
}
_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID_SHAPE = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$")
_POD = "8d"  # the stand-in's "instance" characters, after the key prefix
_rng = random.SystemRandom()


def case_safe_suffix(id15: str) -> str:
    """The 3 characters Salesforce appends so that an id survives case-insensitive systems."""
    out = []
    for chunk in (id15[0:5], id15[5:10], id15[10:15]):
        flags = sum(1 << i for i, ch in enumerate(chunk) if "A" <= ch <= "Z")
        out.append(_SUFFIX_CHARS[flags])
    return "".join(out)


def to_18(value: str) -> str | None:
    """The 18-character form of a 15- or 18-character id, or None when it is not a well-formed id."""
    if not isinstance(value, str) or not _ID_SHAPE.match(value):
        return None
    id15 = value[:15]
    suffix = case_safe_suffix(id15)
    if len(value) == 18 and value[15:].upper() != suffix:
        return None
    return id15 + suffix


def new_id(key_prefix: str, rng: random.Random | None = None) -> str:
    """A fresh 18-character id with the object's key prefix."""
    n = (rng or _rng).randrange(62 ** 9)
    body = []
    for _ in range(9):
        n, r = divmod(n, 62)
        body.append(_BASE62[r])
    id15 = key_prefix + _POD + "0" + "".join(body)
    return id15 + case_safe_suffix(id15)


def object_for_id(value: str) -> str | None:
    """The object an id belongs to, from its key prefix."""
    prefix = value[:3] if isinstance(value, str) else ""
    for name, key in KEY_PREFIXES.items():
        if key == prefix:
            return name
    return None

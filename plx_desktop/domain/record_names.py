"""How a record is named to the admin in the Log, Sync health, Preview and the commands' output."""

from __future__ import annotations

from typing import Any


def record_name(item: Any) -> str:
    """The record as the admin knows it: its label, else its Salesforce id, else its PeopleLinx id.

    `item` is anything with record_label, sf_id and plx_id: a log entry, a Sync health record, a
    conflict (a dataclass, a Peewee row), or a dict with those keys (the Log tab's live entries).
    """
    values: tuple[Any, ...]
    if isinstance(item, dict):
        values = (item.get("record_label"), item.get("sf_id"), item.get("plx_id"))
    else:
        values = tuple(getattr(item, name, None) for name in ("record_label", "sf_id", "plx_id"))
    return str(next((v for v in values if v), ""))

"""What the Log tab shows: the outcome/step/search filter, and reading a log entry's attributes.

The same filter is applied twice: by the store to past entries (SQL) and here to live entries
arriving from the engine, so that both agree on what a row is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from plx_desktop.domain.record_names import record_name

OUTCOMES = ("created", "updated", "skipped", "failed", "conflict")

# The attributes of a store log entry the Log tab reads (dataclass, Peewee row or dict).
ENTRY_FIELDS = ("id", "time", "run_id", "step_uid", "step_label", "direction", "sf_id", "plx_id",
                "record_label", "outcome", "error_code", "message", "sf_url")


def entry_value(entry: Any, name: str) -> Any:
    """One attribute of a log entry, whatever shape the store hands over."""
    if isinstance(entry, dict):
        return entry.get(name)
    return getattr(entry, name, None)


def entry_id(entry: Any) -> int:
    return int(entry_value(entry, "id") or 0)


def entry_time_text(entry: Any) -> str:
    """The entry's time in local time, to the second, as an admin reads a log."""
    value = entry_value(entry, "time")
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    return str(value or "")


record_text = record_name  # the Log tab's name for it (log_model reads it from here)


def coded_message(code: str | None, message: str) -> str:
    """An entry's message led by its error code ("CODE: message"), unless it names the code."""
    if code and code not in message:
        return f"{code}: {message}" if message else code
    return message


@dataclass(frozen=True)
class LogQuery:
    """Which entries the Log tab shows. Empty outcomes/None step means all; search is a substring."""

    outcomes: frozenset[str] = frozenset()
    step_uid: str | None = None
    search: str = ""

    def matches(self, entry: Any) -> bool:
        """Does a live entry belong in the view (the store applies the same rules to past ones)?"""
        if self.outcomes and entry_value(entry, "outcome") not in self.outcomes:
            return False
        if self.step_uid is not None and entry_value(entry, "step_uid") != self.step_uid:
            return False
        if self.search:
            needle = self.search.casefold()
            haystack = (entry_value(entry, name) for name in
                        ("message", "record_label", "sf_id", "plx_id", "step_label"))
            return any(needle in str(value).casefold() for value in haystack if value)
        return True

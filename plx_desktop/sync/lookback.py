"""The look-back window of a Salesforce-sourced step: where its next read starts, and what it covers.

A long transaction (a data load, a flow) commits rows stamped before a cursor that has already
passed them. So each read starts a window behind both the cursor and the previous read's time on
Salesforce's clock (the setting, 10 minutes by default), floored to the second because Salesforce
ignores milliseconds in datetime comparisons. A record read again inside the window whose
mapped values match its link's fingerprint is dropped: it costs no write and no log line.

Why the previous read's time and not the cursor alone: a row missed by a read at time t was
stamped after t minus the window (transactions shorter than the window) and commits before the
next read, so starting at min(cursor, t − window) is enough.

A read that went to the end (every page, not cut off by a cancel or a crash) has seen every row
stamped before t − window, wherever its cursor stands: the next read starts at t − window even
when that is past the cursor. That is what makes a quiet org's poll one empty page at any size,
also when a data load gave many records the cursor's very second (a Bulk API batch or a mass
update can stamp thousands alike), which the cursor alone would read again at every poll. The
cursor text is "stamp|Id|read-at|done" (older cursors lack the mark, the read time, or the Id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from plx_desktop.connectors.salesforce import to_json_value
from plx_desktop.domain.convert import fingerprint
from plx_desktop.domain.datetimes import parse_datetime
from plx_desktop.store import RecordLink
from plx_desktop.store.settings import LOOKBACK_SECONDS
from plx_desktop.sync.values import sf_get

DEFAULT_SECONDS = 600
_DONE = "done"


@dataclass(frozen=True)
class Cursor:
    """Where a step stands: the last record synced (stamp and Id), and when it last read."""

    stamp: datetime | None = None
    record_id: str = ""
    read_at: datetime | None = None
    complete: bool = False  # the read at read_at went to its end

    @classmethod
    def parse(cls, text: str | None) -> Cursor:
        if not text:
            return cls()
        stamp, _, rest = text.partition("|")
        record_id, _, rest = rest.partition("|")
        read_at, _, mark = rest.partition("|")
        return cls(parse_datetime(stamp), record_id,
                   parse_datetime(read_at) if read_at else None, mark == _DONE and bool(read_at))

    def text(self) -> str | None:
        if self.stamp is None:
            return None
        read_at = to_json_value(self.read_at) if self.read_at else ""
        mark = _DONE if self.complete and self.read_at else ""
        return f"{to_json_value(self.stamp)}|{self.record_id}|{read_at}|{mark}".rstrip("|")

    def completed(self, read_at: datetime | None) -> Cursor:
        """The cursor once a read begun at `read_at` has gone through every page."""
        if read_at is None:
            return self
        return Cursor(self.stamp, self.record_id, read_at, complete=True)

    def covers(self, record: dict[str, Any]) -> bool:
        """Whether a record at this (stamp, Id) was already read by an earlier batch or run."""
        if self.stamp is None:
            return False
        stamp = parse_datetime(record["SystemModstamp"])
        return (stamp, record["Id"]) <= (self.stamp, self.record_id)

    def after(self, record: dict[str, Any], read_at: datetime | None) -> Cursor:
        """The cursor once `record` is synced: it never moves back (a late commit read inside
        the window stays behind it)."""
        stamp = parse_datetime(record["SystemModstamp"])
        if self.covers(record):
            return Cursor(self.stamp, self.record_id, read_at or self.read_at)
        return Cursor(stamp, record["Id"], read_at or self.read_at)


def window_seconds(settings: Any) -> int:
    try:
        return max(0, int(settings.get(LOOKBACK_SECONDS)))
    except (TypeError, ValueError):
        return DEFAULT_SECONDS


def read_from(cursor: Cursor, seconds: int) -> datetime | None:
    """Where the read starts: the window before the earlier of the cursor and the last read,
    floored to the second (None: read everything)."""
    if cursor.stamp is None:
        return None
    if cursor.complete and cursor.read_at is not None and seconds:
        # Everything stamped before read_at − window had committed by read_at and was read.
        return (cursor.read_at - timedelta(seconds=seconds)).replace(microsecond=0)
    start = cursor.stamp
    if cursor.read_at is not None:
        start = min(start, cursor.read_at - timedelta(seconds=seconds))
    elif seconds:
        start = start - timedelta(seconds=seconds)
    return start.replace(microsecond=0)


def unchanged(record: dict[str, Any], link: RecordLink | None, fields: list[str]) -> bool:
    """A record read again whose mapped values are the ones last synced for its link."""
    synced = link.sf_print() if link is not None else ""
    return bool(synced) and fingerprint({f: sf_get(record, f) for f in fields}) == synced

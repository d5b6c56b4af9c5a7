"""Where the sandbox org's records live: rows of JSON in SQLite, indexed by object and SystemModstamp.

Every record keeps its canonical field names and JSON values; deleted records stay (IsDeleted true)
so that queryAll and getDeleted can see them, as Salesforce's recycle bin does.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import orjson

from plx_desktop.sandbox.clock import SandboxClock
from plx_desktop.sandbox.salesforce.db import (
    INDEXED_TEXT_FIELDS,
    TEXT_INDEX_EXPRESSION,
    TEXT_INDEX_NAME,
    Database,
)

_SQL_VARIABLES = 900  # stay under SQLite's host-parameter limit


class Record(dict):
    """A record: a missing field reads as None, as it does in SOQL."""

    def __missing__(self, key: str) -> None:
        return None


def loads(text: str) -> Any:
    """A stored record: orjson, several times the standard library's speed where reading 100,000
    records is most of a query; the standard library for the rare text orjson refuses (a lone
    UTF-16 surrogate that a client sent escaped)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


@functools.lru_cache(maxsize=256)
def format_datetime(ms: int) -> str:
    """Salesforce's datetime format, e.g. 2026-01-31T12:00:00.000+0000. (Remembered: every
    record of one write call is stamped with the one moment, formatted again for each.)"""
    stamp = datetime.fromtimestamp(ms // 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}.{ms % 1000:03d}+0000"


class Clock:
    """The org's time (the sandbox clock) and its SystemModstamp values.

    One write call's records share one stamp, as the records of one transaction do in Salesforce
    (`one_moment`), and each write call stamps later than the last: a bulk load of 100,000
    records no longer runs the stamps 100 s ahead of the time, as 1 ms a record did.
    """

    def __init__(self, latest: str | None, source: SandboxClock | None = None):
        self.source = source or SandboxClock()
        self._lock = threading.Lock()
        self._held = threading.local()
        self._last = parse_ms(latest) if latest else 0

    def time(self) -> float:
        return self.source.time()

    def datetime(self) -> datetime:
        return self.source.datetime()

    def now_ms(self) -> int:
        held = getattr(self._held, "ms", None)
        if held is not None:
            return held
        with self._lock:
            self._last = max(int(self.source.time() * 1000), self._last + 1)
            return self._last

    def now(self) -> str:
        return format_datetime(self.now_ms())

    @contextmanager
    def one_moment(self) -> Iterator[None]:
        """Every stamp taken inside (on this thread) is the same one."""
        if getattr(self._held, "ms", None) is not None:
            yield
            return
        self._held.ms = self.now_ms()
        try:
            yield
        finally:
            self._held.ms = None


def parse_ms(value: str) -> int:
    """Milliseconds since the epoch for a Salesforce datetime string."""
    return int(parse_datetime(value).timestamp() * 1000)


def parse_datetime(value: str) -> datetime:
    """Parse the ISO-8601 forms clients send (Z, +0000, +00:00, with or without fractions)."""
    text = value.strip().replace(" ", "+") if "T" in value else value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    if len(text) >= 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = text[:-2] + ":" + text[-2:]
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


class RecordStore:
    """Reads and writes record rows; writes take the connection of an open transaction."""

    def __init__(self, db: Database):
        self.db = db

    def latest_modstamp(self) -> str | None:
        return self.db.connection().execute("SELECT MAX(modstamp) FROM records").fetchone()[0]

    def get(self, record_id: str, conn: sqlite3.Connection | None = None) -> tuple[str, bool, Record] | None:
        """(sobject, is_deleted, record) for an 18-character id."""
        row = (conn or self.db.connection()).execute(
            "SELECT sobject, is_deleted, data FROM records WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            return None
        return row[0], bool(row[1]), Record(loads(row[2]))

    def get_many(self, ids: Iterable[str]) -> dict[str, tuple[str, bool, Record]]:
        ids = list(ids)
        out: dict[str, tuple[str, bool, Record]] = {}
        conn = self.db.connection()
        for start in range(0, len(ids), _SQL_VARIABLES):
            chunk = ids[start:start + _SQL_VARIABLES]
            marks = ",".join("?" * len(chunk))
            for rid, sobject, deleted, data in conn.execute(
                    f"SELECT id, sobject, is_deleted, data FROM records WHERE id IN ({marks})", chunk):
                out[rid] = (sobject, bool(deleted), Record(loads(data)))
        return out

    def candidates(self, sobject: str, *, include_deleted: bool, modstamp_from: str | None = None,
                   modstamp_to: str | None = None, ids: set[str] | None = None,
                   equal: tuple[str, set[str]] | None = None,
                   in_modstamp_order: bool = False) -> Iterator[dict[str, Any]]:
        """Records of one object that a query might match, narrowed by the query's hints, one at
        a time (a query keeps only what it matched, never the whole object in memory).

        `modstamp_from` / `modstamp_to` bound SystemModstamp (both inclusive); `equal` is an
        indexed text field (INDEXED_TEXT_FIELDS) and the text keys it must have.
        `in_modstamp_order`: in (SystemModstamp, Id) order (only without `ids` and `equal`).
        """
        if in_modstamp_order and (ids is not None or equal is not None):
            raise ValueError("in_modstamp_order narrows by the modstamp bounds only")
        if ids is not None:
            found = self.get_many(ids)
            return (dict(rec) for sob, is_del, rec in found.values()
                    if sob == sobject and (include_deleted or not is_del))
        where, params = ["sobject = ?"], [sobject]
        if not include_deleted:
            where.append("is_deleted = 0")
        if modstamp_from is not None:
            where.append("modstamp >= ?")
            params.append(modstamp_from)
        if modstamp_to is not None:
            where.append("modstamp <= ?")
            params.append(modstamp_to)
        if equal is not None and equal[0] in INDEXED_TEXT_FIELDS:
            return self._by_text_keys(" AND ".join(where), params, *equal)
        # The modstamp column holds SystemModstamp's own text (28 characters, +0000), which
        # sorts as the time does; the 18-character Id sorts as its 15-character form does.
        order = " ORDER BY modstamp, id" if in_modstamp_order else ""
        return self._rows(f"SELECT data FROM records WHERE {' AND '.join(where)}{order}", params)

    def _by_text_keys(self, where: str, params: list[Any], name: str,
                      keys: set[str]) -> Iterator[dict[str, Any]]:
        ordered = sorted(keys)
        # The expression is the index's, word for word (db.py), or SQLite could not use it; and
        # the index is named, because without statistics SQLite took (sobject, is_deleted) for
        # as good and read every record of the object: 109 ms for 200 emails over 100,000
        # contacts, 0.2 ms through the index.
        expression = TEXT_INDEX_EXPRESSION.format(field=name)
        index = TEXT_INDEX_NAME.format(field=name.lower())
        for start in range(0, len(ordered), _SQL_VARIABLES):
            chunk = ordered[start:start + _SQL_VARIABLES]
            marks = ",".join("?" * len(chunk))
            yield from self._rows(f"SELECT data FROM records INDEXED BY {index} WHERE {where} "
                                  f"AND {expression} IN ({marks}) ORDER BY rowid",
                                  [*params, *chunk])

    def _rows(self, sql: str, params: list[Any]) -> Iterator[dict[str, Any]]:
        # Plain dicts: wrapping 100k rows in Record costs a third of a large query's time.
        for (data,) in self.db.connection().execute(sql, params):
            yield loads(data)

    def put(self, conn: sqlite3.Connection, record: dict[str, Any], sobject: str) -> None:
        conn.execute(
            "INSERT INTO records (id, sobject, modstamp, is_deleted, deleted_at, data) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET modstamp = excluded.modstamp, "
            "is_deleted = excluded.is_deleted, deleted_at = excluded.deleted_at, data = excluded.data",
            _row(record, sobject))

    def put_many(self, conn: sqlite3.Connection, records: Iterable[dict[str, Any]], sobject: str) -> None:
        conn.executemany(
            "INSERT INTO records (id, sobject, modstamp, is_deleted, deleted_at, data) "
            "VALUES (?, ?, ?, ?, ?, ?)", (_row(r, sobject) for r in records))

    # -- external ids (unique values, matched case-insensitively) ---------------------------
    def owner_of(self, conn: sqlite3.Connection, sobject: str, field: str, value: str) -> str | None:
        row = conn.execute("SELECT id FROM external_ids WHERE sobject = ? AND field = ? AND value = ?",
                           (sobject, field, value.lower())).fetchone()
        return None if row is None else row[0]

    def set_unique_values(self, conn: sqlite3.Connection, sobject: str, record_id: str,
                          values: dict[str, str | None]) -> None:
        for field, value in values.items():
            conn.execute("DELETE FROM external_ids WHERE id = ? AND field = ?", (record_id, field))
            if value is not None and value != "":
                conn.execute("INSERT INTO external_ids (sobject, field, value, id) VALUES (?, ?, ?, ?)",
                             (sobject, field, str(value).lower(), record_id))

    def drop_unique_values(self, conn: sqlite3.Connection, record_id: str) -> None:
        conn.execute("DELETE FROM external_ids WHERE id = ?", (record_id,))

    # -- replication (getUpdated / getDeleted) ----------------------------------------------
    def updated_ids(self, sobject: str, start: str, end: str) -> list[str]:
        rows = self.db.connection().execute(
            "SELECT id FROM records WHERE sobject = ? AND modstamp >= ? AND modstamp < ? "
            "AND is_deleted = 0 ORDER BY modstamp, id", (sobject, start, end))
        return [r[0] for r in rows]

    def deleted_since(self, sobject: str, start: str, end: str) -> list[tuple[str, str]]:
        rows = self.db.connection().execute(
            "SELECT id, deleted_at FROM records WHERE sobject = ? AND is_deleted = 1 "
            "AND deleted_at >= ? AND deleted_at < ? ORDER BY deleted_at, id", (sobject, start, end))
        return [(r[0], r[1]) for r in rows]

    def all_of(self, sobject: str) -> list[Record]:
        rows = self.db.connection().execute(
            "SELECT data FROM records WHERE sobject = ? ORDER BY modstamp, id", (sobject,))
        return [Record(loads(d)) for (d,) in rows]

    def count(self) -> int:
        return self.db.connection().execute("SELECT COUNT(*) FROM records").fetchone()[0]

    def clear(self, keep: tuple[str, ...]) -> None:
        marks = ",".join("?" * len(keep))
        with self.db.transaction() as conn:
            conn.execute(f"DELETE FROM external_ids WHERE sobject NOT IN ({marks})", keep)
            conn.execute(f"DELETE FROM records WHERE sobject NOT IN ({marks})", keep)


def _row(record: dict[str, Any], sobject: str) -> tuple[Any, ...]:
    deleted = bool(record.get("IsDeleted"))
    return (record["Id"], sobject, record["SystemModstamp"], int(deleted),
            record["SystemModstamp"] if deleted else None, _data_text(record))


def _data_text(record: dict[str, Any]) -> str:
    """A record's row text: orjson (the standard library's encoder was a twentieth of a Bulk
    job's time in the stand-in), the standard library for what orjson refuses (a lone UTF-16
    surrogate, an integer past 64 bits); `loads` reads either."""
    try:
        return orjson.dumps(record).decode("utf-8")
    except TypeError:
        return json.dumps(record, separators=(",", ":"))

"""Scratch tables: key → value data one run needs but that is too big to hold in memory.

A TEMP table on the store's connection: SQLite keeps it in its own temporary file, within the
connection's page cache, and drops it with the connection; nothing of it reaches the store file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import peewee as pw

from plx_desktop.domain import json_text

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CHUNK = 500


class ScratchIndex:
    def __init__(self, db: pw.Database, name: str):
        if not _NAME.match(name):
            raise ValueError(f"not a scratch table name: {name!r}")
        self._db, self._table = db, f"scratch_{name}"
        self._db.execute_sql(f"CREATE TEMP TABLE IF NOT EXISTS {self._table} "
                             "(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self._db.execute_sql(f"DELETE FROM {self._table}")

    def put_many(self, items: Iterable[tuple[str, Any]]) -> None:
        """Keep these values (a key given again keeps its last value)."""
        rows = [(key, json_text.dumps(value)) for key, value in items]
        with self._db.atomic():
            self._db.cursor().executemany(
                f"INSERT OR REPLACE INTO {self._table} (key, value) VALUES (?, ?)", rows)

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """The values of those keys that are kept."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, Any] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start:start + _CHUNK]
            cursor = self._db.execute_sql(
                f"SELECT key, value FROM {self._table} WHERE key IN "
                f"({', '.join('?' * len(chunk))})", chunk)
            found.update((key, json_text.loads(value)) for key, value in cursor)
        return found

    def items_after(self, key: str, limit: int = _CHUNK) -> list[tuple[str, Any]]:
        """Up to `limit` (key, value) pairs with keys after `key`, in key order: a table kept in
        order (keys that sort as they were put) is read back a chunk at a time."""
        cursor = self._db.execute_sql(
            f"SELECT key, value FROM {self._table} WHERE key > ? ORDER BY key LIMIT ?",
            (key, limit))
        return [(k, json_text.loads(value)) for k, value in cursor]

    def count(self) -> int:
        count: int = self._db.execute_sql(f"SELECT COUNT(*) FROM {self._table}").fetchone()[0]
        return count

    def drop(self) -> None:
        self._db.execute_sql(f"DROP TABLE IF EXISTS {self._table}")

"""The sandbox's SQLite files: WAL, one connection per server thread, explicit write transactions.

Connections are in autocommit mode and writes take BEGIN IMMEDIATE, so two server threads (or
two processes sharing the state directory) queue for the write lock instead of deadlocking.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class SQLiteFile:
    def __init__(self, path: Path, schema: str, *, row_factory: Any = None,
                 functions: dict[str, Callable[[Any], Any]] | None = None):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._row_factory = row_factory
        # One-argument deterministic SQL functions, on every connection: the schema's indexes on
        # expressions call them, so every connection that writes must have them.
        self._functions = dict(functions or {})
        self._local = threading.local()
        conn = self.connection()
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(schema)

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (the servers are multi-threaded)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                   check_same_thread=False)
            if self._row_factory is not None:
                conn.row_factory = self._row_factory
            for name, function in self._functions.items():
                conn.create_function(name, 1, function, deterministic=True)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; rolled back if the block raises."""
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

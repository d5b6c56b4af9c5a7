"""Where the sandbox's Bulk API 2.0 jobs are kept: bulk2.sqlite3, one connection per thread."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plx_desktop.sandbox.sqlite import SQLiteFile

DB_FILE = "bulk2.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bulk_jobs (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL, created REAL NOT NULL,
    info TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bulk_uploads (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS bulk_uploads_by_job ON bulk_uploads (job_id, seq);
CREATE TABLE IF NOT EXISTS bulk_rows (
    job_id TEXT NOT NULL, kind TEXT NOT NULL, n INTEGER NOT NULL, row TEXT NOT NULL,
    PRIMARY KEY (job_id, kind, n));
"""


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"


class JobStore(SQLiteFile):
    """Jobs, their uploaded CSV and their result rows; one connection per thread."""

    def __init__(self, path: Path):
        super().__init__(path, _SCHEMA)

    def get(self, job_id: str, kind: str) -> dict[str, Any] | None:
        row = self.connection().execute("SELECT info, state FROM bulk_jobs WHERE id = ? AND kind = ?",
                                  (job_id, kind)).fetchone()
        return None if row is None else {**json.loads(row[0]), "state": row[1]}

    def put(self, info: dict[str, Any], conn: sqlite3.Connection | None = None) -> None:
        info["systemModstamp"] = now()
        (conn or self.connection()).execute(
            "INSERT INTO bulk_jobs (id, kind, state, created, info) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET state = excluded.state, info = excluded.info",
            (info["id"], info["_kind"], info["state"], time.time(), json.dumps(info)))

    def move(self, job_id: str, from_states: tuple[str, ...], to_state: str) -> bool:
        """Change a job's state only if it is still in one of `from_states` (safe across processes)."""
        marks = ",".join("?" * len(from_states))
        with self.transaction() as conn:
            row = conn.execute(f"SELECT info FROM bulk_jobs WHERE id = ? AND state IN ({marks})",
                               (job_id, *from_states)).fetchone()
            if row is None:
                return False
            info = {**json.loads(row[0]), "state": to_state}
            self.put(info, conn)
        return True

    def all(self, kind: str) -> list[dict[str, Any]]:
        rows = self.connection().execute("SELECT info, state FROM bulk_jobs WHERE kind = ? ORDER BY created",
                                   (kind,)).fetchall()
        return [{**json.loads(info), "state": state} for info, state in rows]

    def rows(self, job_id: str, kind: str, offset: int = 0, limit: int = -1) -> list[list[Any]]:
        found = self.connection().execute(
            "SELECT row FROM bulk_rows WHERE job_id = ? AND kind = ? AND n >= ? ORDER BY n LIMIT ?",
            (job_id, kind, offset, limit)).fetchall()
        return [json.loads(r[0]) for r in found]

    def delete(self, job_id: str) -> None:
        with self.transaction() as conn:
            for table, column in (("bulk_jobs", "id"), ("bulk_uploads", "job_id"),
                                  ("bulk_rows", "job_id")):
                conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (job_id,))

"""The PeopleLinx stand-in's SQLite file: schema, per-thread connections, write transactions, clock.

Every write goes through `Store.write()`, a BEGIN IMMEDIATE transaction whose clock hands out
strictly increasing timestamps (kept in the file, so several processes sharing it agree); that is
what makes `updated_since` + cursor reads exact.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
import string
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from plx_desktop.sandbox.clock import SandboxClock
from plx_desktop.sandbox.sqlite import SQLiteFile

DB_FILE = "peoplelinx.sqlite3"
_ID_ALPHABET = string.ascii_lowercase + string.digits

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS people (
    id TEXT PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT NOT NULL,
    email_key TEXT NOT NULL, account TEXT, title TEXT, phone TEXT,
    custom_fields TEXT NOT NULL DEFAULT '{}',
    salesforce_contact_id TEXT, salesforce_lead_id TEXT, salesforce_url TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS people_email ON people (email_key);
CREATE INDEX IF NOT EXISTS people_updated ON people (updated_at, id);
CREATE INDEX IF NOT EXISTS people_sf_contact ON people (salesforce_contact_id);
CREATE INDEX IF NOT EXISTS people_sf_lead ON people (salesforce_lead_id);
CREATE TABLE IF NOT EXISTS custom_fields (
    key TEXT PRIMARY KEY, label TEXT NOT NULL, type TEXT NOT NULL, max_length INTEGER,
    options TEXT, position INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS saved_filters (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, criteria TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sequences (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL, step_count INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sequence_memberships (
    id TEXT PRIMARY KEY, sequence_id TEXT NOT NULL, person_id TEXT NOT NULL, status TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (sequence_id, person_id));
CREATE INDEX IF NOT EXISTS memberships_updated ON sequence_memberships (updated_at, id);
CREATE TABLE IF NOT EXISTS inbox_states (
    person_id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS inbox_updated ON inbox_states (updated_at, person_id);
CREATE TABLE IF NOT EXISTS emails (
    id TEXT PRIMARY KEY, person_id TEXT NOT NULL, direction TEXT NOT NULL, subject TEXT,
    body TEXT, sent_at TEXT NOT NULL, updated_at TEXT NOT NULL, user_email TEXT);
CREATE INDEX IF NOT EXISTS emails_updated ON emails (updated_at, id);
CREATE TABLE IF NOT EXISTS tasks (
    id TEXT PRIMARY KEY, person_id TEXT NOT NULL, type TEXT NOT NULL, title TEXT, note TEXT,
    due_date TEXT, status TEXT NOT NULL, completed_at TEXT, updated_at TEXT NOT NULL,
    user_email TEXT);
CREATE INDEX IF NOT EXISTS tasks_updated ON tasks (updated_at, id);
CREATE TABLE IF NOT EXISTS calls (
    id TEXT PRIMARY KEY, person_id TEXT NOT NULL, direction TEXT NOT NULL,
    disposition TEXT NOT NULL, duration_seconds INTEGER NOT NULL, notes TEXT,
    called_at TEXT NOT NULL, updated_at TEXT NOT NULL, user_email TEXT);
CREATE INDEX IF NOT EXISTS calls_updated ON calls (updated_at, id);
CREATE TABLE IF NOT EXISTS deleted_people (
    id TEXT PRIMARY KEY, email TEXT, merged_into TEXT, deleted_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS deleted_people_at ON deleted_people (deleted_at, id);
CREATE TABLE IF NOT EXISTS salesforce_deletions (
    person_id TEXT PRIMARY KEY, deleted_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER NOT NULL, body BLOB NOT NULL,
    created_at TEXT NOT NULL);
"""

# Tables emptied by reset(); meta (the API key, the clock) survives.
DATA_TABLES = ("people", "custom_fields", "saved_filters", "sequences", "sequence_memberships",
               "inbox_states", "emails", "tasks", "calls", "idempotency_keys", "deleted_people",
               "salesforce_deletions")


_ID_LENGTH = 20
_ID_SPACE = len(_ID_ALPHABET) ** _ID_LENGTH


def new_id(prefix: str) -> str:
    """A PeopleLinx id: a type prefix and 20 random lower-case letters and digits."""
    # One draw of a number below 36**20, written in base 36: as uniform as 20 draws of a
    # character, at a tenth of their cost (a batch of 500 creates made 10,000 draws).
    number, digits = secrets.randbelow(_ID_SPACE), []
    for _ in range(_ID_LENGTH):
        number, digit = divmod(number, len(_ID_ALPHABET))
        digits.append(_ID_ALPHABET[digit])
    return prefix + "".join(digits)


@lru_cache(maxsize=64)
def _second_text(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def format_timestamp(micros: int) -> str:
    """RFC 3339 with microseconds and Z; fixed width, so text order is time order."""
    # A batch's hundreds of stamps share their second: the datetime is made once a second, not
    # once a write (it was a tenth of the stand-in's time through a 100,000-contact sync).
    seconds, rest = divmod(micros, 1_000_000)
    return f"{_second_text(seconds)}.{rest:06d}Z"


def parse_timestamp(text: str) -> dt.datetime:
    """An RFC 3339 timestamp (any offset, any fraction) as an aware datetime; ValueError if not one."""
    moment = dt.datetime.fromisoformat(text.strip().replace("z", "Z"))
    if moment.tzinfo is None:
        raise ValueError("timestamp needs a time zone (Z or +hh:mm)")
    return moment


def normalise_timestamp(text: str) -> str:
    """Any RFC 3339 timestamp in this API's own format (UTC, microseconds, Z)."""
    return parse_timestamp(text).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class WriteTx:
    """One write transaction: its connection and its share of the strictly increasing clock."""

    def __init__(self, conn: sqlite3.Connection, clock: SandboxClock):
        self.conn = conn
        self._clock = clock
        row = conn.execute("SELECT value FROM meta WHERE key = 'clock'").fetchone()
        self._last = int(row[0]) if row else 0

    def now(self) -> str:
        self._last = max(int(self._clock.time() * 1_000_000), self._last + 1)
        return format_timestamp(self._last)

    def reserve(self, count: int) -> int:
        """Microsecond ticks for `count` rows written at once (a seed); returns the first."""
        first = max(int(self._clock.time() * 1_000_000), self._last + 1)
        self._last = first + count - 1
        return first

    def execute(self, sql: str, params: tuple | list | dict = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def _save_clock(self) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('clock', ?)",
                          (str(self._last),))


class Store(SQLiteFile):
    """The SQLite file, one connection per thread (the server is multi-threaded)."""

    def __init__(self, state_dir: Path, clock: SandboxClock | None = None):
        super().__init__(state_dir / DB_FILE, SCHEMA, row_factory=sqlite3.Row)
        self.clock = clock or SandboxClock()
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """A state file from before activities carried `user_email` gains the column."""
        with self.transaction() as conn:
            for table in ("emails", "tasks", "calls"):
                columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
                if "user_email" not in columns:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN user_email TEXT")

    def query(self, sql: str, params: tuple | list | dict = ()) -> list[sqlite3.Row]:
        return self.connection().execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple | list | dict = ()) -> sqlite3.Row | None:
        return self.connection().execute(sql, params).fetchone()

    @contextmanager
    def write(self) -> Iterator[WriteTx]:
        with self.transaction() as conn:
            tx = WriteTx(conn, self.clock)
            yield tx
            tx._save_clock()

    def meta(self, key: str) -> str | None:
        row = self.one("SELECT value FROM meta WHERE key = ?", (key,))
        return row[0] if row else None

    def set_meta_default(self, key: str, value: str) -> str:
        """Store `value` under `key` unless something is there already; return what is stored."""
        with self.write() as tx:
            tx.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
        return self.meta(key) or value

    def clear(self) -> None:
        with self.write() as tx:
            for table in DATA_TABLES:
                tx.execute(f"DELETE FROM {table}")

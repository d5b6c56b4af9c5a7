"""The Salesforce sandbox's SQLite file: one connection per thread, WAL, and small settings."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from plx_desktop.sandbox.salesforce.soql_values import text_key
from plx_desktop.sandbox.sqlite import SQLiteFile

DB_FILE = "salesforce.sqlite3"
# Fields that SOQL's `=` and `IN` find through an index, as Salesforce indexes them by default
# (Name, Email on contacts and leads); the key is SOQL's own text comparison key (case-folded).
INDEXED_TEXT_FIELDS = ("Email", "Name")
TEXT_INDEX_EXPRESSION = "soql_text(json_extract(data, '$.{field}'))"
TEXT_INDEX_NAME = "records_by_{field}"  # with the field in lower case, as _SCHEMA names them

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    sobject TEXT NOT NULL,
    modstamp TEXT NOT NULL,
    is_deleted INTEGER NOT NULL DEFAULT 0,
    deleted_at TEXT,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_modstamp ON records (sobject, modstamp);
CREATE INDEX IF NOT EXISTS records_by_deleted ON records (sobject, is_deleted, deleted_at);
CREATE INDEX IF NOT EXISTS records_by_email ON records (sobject, soql_text(json_extract(data, '$.Email')));
CREATE INDEX IF NOT EXISTS records_by_name ON records (sobject, soql_text(json_extract(data, '$.Name')));
-- query locators: what each query found (ids in result order), read a page at a time
CREATE TABLE IF NOT EXISTS query_cursors (
    locator TEXT PRIMARY KEY,
    created REAL NOT NULL,
    query TEXT NOT NULL,
    include_deleted INTEGER NOT NULL,
    total INTEGER NOT NULL,
    batch INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS query_cursors_by_created ON query_cursors (created);
CREATE TABLE IF NOT EXISTS query_cursor_ids (
    locator TEXT NOT NULL,
    n INTEGER NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (locator, n)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS external_ids (
    sobject TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (sobject, field, value)
);
CREATE INDEX IF NOT EXISTS external_ids_by_id ON external_ids (id);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL,             -- access | refresh
    user_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    issued_at REAL NOT NULL,
    refresh_token TEXT,             -- for access tokens: the refresh token that made it
    standing INTEGER NOT NULL DEFAULT 0,
    expired INTEGER NOT NULL DEFAULT 0,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tokens_by_refresh ON tokens (refresh_token);
-- Refresh tokens by grant (one approval of an app by a user), for rotation and the five-approval
-- limit. A refresh token with no row here is its own grant, live (tokens from before rotation).
CREATE TABLE IF NOT EXISTS refresh_grants (
    token TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'live',  -- live | rotated (presenting it revokes the grant)
    last_used REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS refresh_grants_by_grant ON refresh_grants (grant_id);
CREATE TABLE IF NOT EXISTS auth_codes (code TEXT PRIMARY KEY, data TEXT NOT NULL, created REAL NOT NULL);
"""


class Database(SQLiteFile):
    """The sandbox org's file; safe to use from the server's many threads and from other processes."""

    def __init__(self, state_dir: Path):
        super().__init__(state_dir / DB_FILE, _SCHEMA, functions={"soql_text": text_key})

    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.connection().execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_setting(self, key: str, value: Any, conn: sqlite3.Connection | None = None) -> None:
        (conn or self.connection()).execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, json.dumps(value)))

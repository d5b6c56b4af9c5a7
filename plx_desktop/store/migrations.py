"""Schema migrations: ordered, frozen SQL steps from an empty file to the current schema.

Each migration is written out in SQL (never generated from today's models), so upgrading an old
file always replays exactly what that version had. Add a function to MIGRATIONS to change the
schema; never edit a released one.
"""

from __future__ import annotations

from collections.abc import Callable

import peewee

_V1 = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE profile (kind TEXT PRIMARY KEY, saved_at TEXT NOT NULL);
CREATE TABLE step (
    uid TEXT PRIMARY KEY,
    profile TEXT NOT NULL REFERENCES profile(kind) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    saved_filter_id TEXT,
    saved_filter_name TEXT
);
CREATE INDEX step_profile_position ON step(profile, position);
CREATE TABLE step_mapping (
    id INTEGER PRIMARY KEY,
    step_uid TEXT NOT NULL REFERENCES step(uid) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    salesforce_field TEXT NOT NULL,
    peoplelinx_field TEXT NOT NULL,
    salesforce_type TEXT,
    peoplelinx_type TEXT,
    mandatory INTEGER NOT NULL
);
CREATE INDEX step_mapping_step ON step_mapping(step_uid, position);
CREATE TABLE filter_rule (
    id INTEGER PRIMARY KEY,
    step_uid TEXT NOT NULL REFERENCES step(uid) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    field TEXT NOT NULL,
    operator TEXT NOT NULL,
    value TEXT NOT NULL,
    field_type TEXT NOT NULL
);
CREATE INDEX filter_rule_step ON filter_rule(step_uid, position);
CREATE TABLE step_action (
    id INTEGER PRIMARY KEY,
    step_uid TEXT NOT NULL REFERENCES step(uid) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    type TEXT NOT NULL,
    sequence_id TEXT NOT NULL,
    sequence_name TEXT NOT NULL,
    exclude_updated INTEGER NOT NULL
);
CREATE INDEX step_action_step ON step_action(step_uid, position);
CREATE TABLE status_value (
    id INTEGER PRIMARY KEY,
    step_uid TEXT NOT NULL REFERENCES step(uid) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    source_value TEXT NOT NULL,
    lead_status TEXT NOT NULL
);
CREATE INDEX status_value_step ON status_value(step_uid, position);
CREATE TABLE record_link (
    id INTEGER PRIMARY KEY,
    sf_id TEXT NOT NULL UNIQUE,
    sf_object TEXT NOT NULL,
    plx_id TEXT NOT NULL,
    plx_object TEXT NOT NULL,
    step_uid TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    sf_fingerprint TEXT NOT NULL DEFAULT '',
    plx_fingerprint TEXT NOT NULL DEFAULT '',
    sf_values TEXT NOT NULL DEFAULT '{}',
    plx_values TEXT NOT NULL DEFAULT '{}',
    sf_url TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX record_link_plx ON record_link(plx_id);
CREATE INDEX record_link_email ON record_link(email);
CREATE TABLE step_cursor (step_uid TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE run (
    id INTEGER PRIMARY KEY,
    profile TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    counts TEXT NOT NULL DEFAULT '{}',
    message TEXT NOT NULL DEFAULT ''
);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    run_id INTEGER,
    step_uid TEXT NOT NULL,
    target_system TEXT NOT NULL,
    operation TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX outbox_state ON outbox(state, step_uid, id);
CREATE TABLE log_entry (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    run_id INTEGER,
    step_uid TEXT NOT NULL DEFAULT '',
    step_label TEXT NOT NULL DEFAULT '',
    direction TEXT NOT NULL DEFAULT '',
    sf_id TEXT NOT NULL DEFAULT '',
    plx_id TEXT NOT NULL DEFAULT '',
    record_label TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL,
    error_code TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX log_entry_outcome ON log_entry(outcome, id);
CREATE INDEX log_entry_step ON log_entry(step_uid, id);
CREATE INDEX log_entry_time ON log_entry(time);
"""

# v2: per-field sync rules on mappings, and a saved copy of each Custom profile version.
_V2 = """
ALTER TABLE step_mapping ADD COLUMN sync_rule TEXT NOT NULL DEFAULT 'two_way';
CREATE TABLE profile_version (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX profile_version_kind ON profile_version(kind, id);
"""

# v3: Sync health's Retry requests, the conflict record, and indexes for a record's history.
_V3 = """
CREATE TABLE retry_request (
    id INTEGER PRIMARY KEY,
    step_uid TEXT NOT NULL,
    sf_id TEXT NOT NULL DEFAULT '',
    plx_id TEXT NOT NULL DEFAULT '',
    requested_at TEXT NOT NULL,
    UNIQUE (step_uid, sf_id, plx_id)
);
CREATE TABLE conflict (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    run_id INTEGER,
    step_uid TEXT NOT NULL,
    sf_id TEXT NOT NULL,
    plx_id TEXT NOT NULL,
    record_label TEXT NOT NULL DEFAULT '',
    field TEXT NOT NULL,
    salesforce_value TEXT NOT NULL,
    peoplelinx_value TEXT NOT NULL,
    salesforce_changed_at TEXT NOT NULL DEFAULT '',
    peoplelinx_changed_at TEXT NOT NULL DEFAULT '',
    winner TEXT NOT NULL,
    rule TEXT NOT NULL
);
CREATE INDEX conflict_sf ON conflict(sf_id, id);
CREATE INDEX conflict_plx ON conflict(plx_id, id);
CREATE INDEX log_entry_sf ON log_entry(sf_id, id);
CREATE INDEX log_entry_plx ON log_entry(plx_id, id);
"""


# v4: automatic retries, each failing record's next try (retry_schedule.py).
_V4 = """
CREATE TABLE retry_schedule (
    id INTEGER PRIMARY KEY,
    step_uid TEXT NOT NULL,
    record_key TEXT NOT NULL,
    sf_id TEXT NOT NULL DEFAULT '',
    plx_id TEXT NOT NULL DEFAULT '',
    failures INTEGER NOT NULL,
    next_try TEXT NOT NULL,
    item TEXT NOT NULL DEFAULT '',
    UNIQUE (step_uid, record_key)
);
CREATE INDEX retry_schedule_due ON retry_schedule(step_uid, next_try);
"""

# v5: one Salesforce org's sync state stays with that org; the others' is filed away here
# (org_state.py), a row of a scoped table as JSON.
_V5 = """
CREATE TABLE org_state (
    id INTEGER PRIMARY KEY,
    org_id TEXT NOT NULL,
    tbl TEXT NOT NULL,
    row TEXT NOT NULL
);
CREATE INDEX org_state_org ON org_state(org_id, tbl, id);
"""

# Ended links: a record deleted or merged away on one side, so that its person (or record) is
# never created again by itself, and an undeleted record can be linked to its person again.
_ENDED_LINKS = """
CREATE TABLE ended_link (
    sf_id TEXT PRIMARY KEY,
    sf_object TEXT NOT NULL,
    plx_id TEXT NOT NULL,
    step_uid TEXT NOT NULL,
    reason TEXT NOT NULL,
    master_id TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    ended_at TEXT NOT NULL
);
CREATE INDEX ended_link_plx ON ended_link(plx_id);
"""

# v7: steps that could not run (their settings refused by Salesforce), for Sync health and the list.
_V7_STEP_PROBLEMS = """
CREATE TABLE step_problem (
    step_uid TEXT PRIMARY KEY,
    step_label TEXT NOT NULL,
    error_code TEXT NOT NULL,
    words TEXT NOT NULL,
    raw TEXT NOT NULL,
    time TEXT NOT NULL,
    run_id INTEGER
);
"""

# v8: the admin's name for a step (steps of the same kind told apart).
_V8_STEP_NAMES = """
ALTER TABLE step ADD COLUMN name TEXT NOT NULL DEFAULT '';
"""


def _script(sql: str) -> Callable[[peewee.Database], None]:
    def run(db: peewee.Database) -> None:
        for statement in sql.split(";"):
            if statement.strip():
                db.execute_sql(statement)

    return run


MIGRATIONS: list[Callable[[peewee.Database], None]] = [_script(_V1), _script(_V2), _script(_V3),
                                                       _script(_V4), _script(_V5),
                                                       _script(_ENDED_LINKS),
                                                       _script(_V7_STEP_PROBLEMS),
                                                       _script(_V8_STEP_NAMES)]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(db: peewee.Database) -> int:
    """0 for an empty file, else the version recorded in it."""
    exists = db.execute_sql(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'").fetchone()
    if not exists:
        return 0
    row = db.execute_sql("SELECT version FROM schema_version").fetchone()
    return row[0] if row else 0


def migrate(db: peewee.Database, target: int = SCHEMA_VERSION) -> int:
    """Bring the file up to `target`, each migration in its own transaction; the version reached.

    The write lock is taken first (IMMEDIATE) so two processes opening the same file at once run
    each migration once.
    """
    if target > SCHEMA_VERSION:
        raise ValueError(f"no migration to version {target}")
    while True:
        with db.atomic("IMMEDIATE"):
            current = schema_version(db)
            if current > SCHEMA_VERSION:
                raise RuntimeError(f"the store was written by a newer PLX Desktop (schema "
                                   f"{current}, this version knows {SCHEMA_VERSION})")
            if current >= target:
                return current
            MIGRATIONS[current](db)
            db.execute_sql("DELETE FROM schema_version")
            db.execute_sql("INSERT INTO schema_version (version) VALUES (?)", (current + 1,))

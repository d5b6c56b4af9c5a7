"""Opening the store: pragmas, migrations (including an upgrade from v1), and threads."""

from __future__ import annotations

import sqlite3
import threading

import peewee as pw

from plx_desktop.domain import ProfileKind, SyncRule
from plx_desktop.store import open_store
from plx_desktop.store.migrations import SCHEMA_VERSION, migrate, schema_version


def test_pragmas(store):
    def pragma(name):
        return store.db.execute_sql(f"PRAGMA {name}").fetchone()[0]

    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 1
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") == 10_000
    assert store.schema_version == SCHEMA_VERSION == 8


def test_fresh_store_has_both_profiles_and_starts_on_default(store):
    assert store.profiles.active_kind() is ProfileKind.DEFAULT
    custom = store.profiles.load(ProfileKind.CUSTOM)
    assert [s.kind.key for s in custom.steps] == [s.kind.key for s in
                                                  store.profiles.load("default").steps]
    assert not any(s.uid.startswith("default.") for s in custom.steps)


def test_reopening_keeps_data_and_does_not_reseed(tmp_path):
    path = tmp_path / "store.sqlite3"
    with open_store(path) as first:
        custom = first.profiles.load("custom")
        custom.remove_step(custom.steps[0].uid)
        first.profiles.save(custom)
    with open_store(path) as second:
        assert len(second.profiles.load("custom").steps) == 11


def test_upgrade_from_v1_keeps_profiles_and_adds_sync_rules(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = pw.SqliteDatabase(str(path))
    assert migrate(db, target=1) == 1
    db.execute_sql("INSERT INTO profile VALUES ('custom', '2025-01-01T00:00:00.000000Z')")
    db.execute_sql("INSERT INTO step VALUES ('s1', 'custom', 0, 'contact_to_people', 1, NULL, NULL)")
    for pos, (sf, plx, mandatory) in enumerate([("FirstName", "first_name", 1),
                                                ("Email", "email", 1),
                                                ("LastName", "last_name", 1),
                                                ("Title", "title", 0)]):
        db.execute_sql("INSERT INTO step_mapping (step_uid, position, salesforce_field, "
                       "peoplelinx_field, salesforce_type, peoplelinx_type, mandatory) "
                       "VALUES ('s1', ?, ?, ?, 'string', 'string', ?)", (pos, sf, plx, mandatory))
    db.execute_sql("INSERT INTO log_entry (time, outcome, message) "
                   "VALUES ('2025-01-01T00:00:00.000000Z', 'created', 'from v1')")
    db.close()

    with open_store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert schema_version(store.db) == SCHEMA_VERSION
        (step,) = store.profiles.load("custom").steps
        assert step.uid == "s1" and step.mappings[3].salesforce_field == "Title"
        assert {m.sync_rule for m in step.mappings} == {SyncRule.TWO_WAY}
        assert store.log.read()[0].message == "from v1"
        assert store.profiles.versions() == []  # the v2 table exists and starts empty


def test_a_newer_store_is_not_touched(tmp_path):
    path = tmp_path / "future.sqlite3"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_version SET version = 99")
    conn.commit()
    conn.close()
    try:
        open_store(path)
    except RuntimeError as exc:
        assert "newer PLX Desktop" in str(exc)
    else:
        raise AssertionError("opened a store from the future")


def test_a_worker_thread_opens_its_own_store_and_the_gui_sees_its_writes(store):
    from plx_desktop.store import LogEntry

    errors = []

    def worker():
        try:
            with open_store(store.path) as own:
                own.log.append_many([LogEntry("created", message="from the worker")] * 10)
                own.cursors.set("step-1", "2026-01-31T12:00:00.000+0000")
        except Exception as exc:  # reported to the test thread below
            errors.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert errors == []
    assert store.log.count() == 10
    assert store.cursors.get("step-1") == "2026-01-31T12:00:00.000+0000"

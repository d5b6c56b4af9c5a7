"""One org's links, cursors, outbox, conflicts and log stay with that org (store/org_state.py)."""

from __future__ import annotations

import sqlite3

from plx_desktop.store import LogEntry, OutboxItem, RecordLink
from plx_desktop.store.migrations import SCHEMA_VERSION

ORG_A, ORG_B = "00D000000000001AAA", "00D000000000002AAA"


def fill(store, tag: str) -> None:
    store.links.upsert(RecordLink(sf_id=f"003{tag:0>15}", sf_object="Contact", plx_id=f"p-{tag}",
                                  plx_object="person", step_uid="step-1"))
    store.cursors.set("step-1", f"cursor-{tag}")
    store.outbox.enqueue_many([OutboxItem(step_uid="step-1", target_system="salesforce",
                                          operation="salesforce_upsert",
                                          idempotency_key=f"k-{tag}", payload={"key": tag})])
    store.log.append_many([LogEntry(outcome="failed", step_uid="step-1", plx_id=f"p-{tag}",
                                    error_code="STRING_TOO_LONG", message=tag)])


def test_a_new_data_dir_is_claimed_by_the_first_org(store) -> None:
    assert store.org_state.owner() is None
    assert store.org_state.mismatch(ORG_A) is None
    store.org_state.claim(ORG_A, "Acme production")
    store.org_state.claim(ORG_B)  # already claimed: no effect
    assert store.org_state.owner() == ORG_A
    mismatch = store.org_state.mismatch(ORG_B)
    assert mismatch is not None
    assert ORG_A in mismatch.reason and ORG_B in mismatch.reason
    assert "plx-desktop connect" in mismatch.reason


def test_switching_orgs_keeps_each_orgs_state_apart(store) -> None:
    store.org_state.claim(ORG_A)
    fill(store, "a")
    assert store.org_state.switch_to(ORG_B) is True
    # Org B starts with nothing of org A's.
    assert store.links.count() == 0
    assert store.cursors.get("step-1") is None
    assert sum(store.outbox.counts().values()) == 0
    assert store.health.failing() == []
    assert store.org_state.archived_orgs() == [ORG_A]
    fill(store, "b")

    assert store.org_state.switch_to(ORG_A) is True
    assert store.cursors.get("step-1") == "cursor-a"
    assert [link.plx_id for link in store.links.for_plx_ids(["p-a", "p-b"]).get("p-a", [])] == ["p-a"]
    assert store.links.for_plx_ids(["p-b"]) == {}
    assert [f.plx_id for f in store.health.failing()] == ["p-a"]
    assert store.org_state.archived_orgs() == [ORG_B]
    assert store.org_state.switch_to(ORG_A) is False  # already its state


def test_the_migration_adds_the_archive_to_an_old_file(tmp_path) -> None:
    from plx_desktop.store import open_store
    from plx_desktop.store.database import Store

    path = tmp_path / "old.sqlite3"
    old = Store(path, migrate_to=SCHEMA_VERSION - 1)
    old.db.execute_sql("INSERT INTO step_cursor (step_uid, value, updated_at) "
                       "VALUES ('step-1', 'c', 'now')")
    old.close()
    with open_store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.org_state.owner() is None  # data from before scoping: unclaimed
        assert store.cursors.get("step-1") == "c"
        store.org_state.switch_to(ORG_A)  # unowned rows are set aside, not given to org A
        assert store.cursors.get("step-1") is None
    tables = {r[0] for r in sqlite3.connect(path).execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "org_state" in tables

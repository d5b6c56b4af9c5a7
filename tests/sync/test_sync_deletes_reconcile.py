"""A delete queryAll no longer shows (the Recycle Bin was emptied between two polls) is found
through the delete log at the hourly check; when the log was purged (INVALID_REPLICATION_DATE)
the linked ids are reconciled with an Id IN query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sync_helpers import custom_with, emptied, log_of, sf_create, totals

from plx_desktop.connectors.salesforce import to_json_value
from plx_desktop.sync import deletes_reconcile


def _two(sandbox, sync, store):
    emptied(sandbox)
    kept = sf_create(sandbox, "Contact", LastName="Kept", Email="kept@example.com")
    gone = sf_create(sandbox, "Contact", LastName="Gone", Email="gone@example.com")
    profile = custom_with(store, "contact_to_people")
    assert sync().ok
    return profile.steps[0], kept, gone


def _an_hour_passes(store, step):
    earlier = datetime.now(UTC) - timedelta(hours=2)
    store.cursors.set(deletes_reconcile.cursor_key(step), str(to_json_value(earlier)))


def test_a_purged_delete_is_found_by_reconciling_the_linked_ids(sandbox, sync, store, control):
    step, kept, gone = _two(sandbox, sync, store)
    sandbox.salesforce.org.delete("Contact", gone)
    control.empty_recycle_bin("Contact")
    assert totals(sync()) == {"created": 0, "updated": 0, "skipped": 0, "failed": 0,
                              "conflicts": 0}
    assert store.links.by_sf_id(gone) is not None  # queryAll no longer shows it, and not due
    _an_hour_passes(store, step)
    sandbox.salesforce.calls.reset()
    run = sync()
    assert run.ok and totals(run)["failed"] == 0
    calls = sandbox.salesforce.calls.snapshot()["by_route"]
    assert calls["sobjects/{sobject}/deleted"] == 1  # refused: INVALID_REPLICATION_DATE
    assert store.links.by_sf_id(gone) is None and store.links.by_sf_id(kept) is not None
    people = {p["email"]: p for p in control.people()}
    assert people["gone@example.com"]["salesforce_deleted"] is True
    assert people["kept@example.com"]["salesforce_contact_id"] == kept
    [entry] = log_of(store, code="DELETED_IN_SALESFORCE", run_id=run.run_id)
    assert entry.sf_id == gone


def test_the_hourly_check_costs_one_call_and_changes_nothing(sandbox, sync, store, control):
    step, kept, gone = _two(sandbox, sync, store)
    _an_hour_passes(store, step)
    sandbox.salesforce.calls.reset()
    run = sync()
    assert totals(run)["updated"] == 0 and totals(run)["failed"] == 0
    assert sandbox.salesforce.calls.snapshot()["by_route"] == {
        "queryAll": 1, "sobjects/{sobject}/deleted": 1}
    assert store.links.by_sf_id(gone) is not None
    sandbox.salesforce.calls.reset()
    sync()  # checked just now: not again for an hour
    assert sandbox.salesforce.calls.snapshot()["by_route"] == {"queryAll": 1}

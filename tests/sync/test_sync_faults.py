"""Transient faults are retried until the run converges; the API usage cap stops a run cleanly."""

from __future__ import annotations

from sync_helpers import by_email, duplicates, totals

from plx_desktop.sync.context import Tuning

KINDS = ["500", "503", "lock", "429", "drop", "truncate"]


def test_a_run_converges_while_both_services_fail_a_share_of_calls(sandbox, sync, control):
    control.sf_faults(fail_rate=0.15, kinds=KINDS, seed=7)
    control.plx_faults(fail_rate=0.15, kinds=KINDS, seed=11)
    small = Tuning(salesforce_batch=50, peoplelinx_batch=50, page_size=50)
    first = sync(tuning=small)
    assert first.status == "completed", first.reason
    assert totals(first)["failed"] == 0
    faulted = sandbox.salesforce.calls.snapshot()["total"] + sandbox.peoplelinx.calls.snapshot()[
        "total"]
    control.sf_faults(fail_rate=0)
    control.plx_faults(fail_rate=0)
    # Retried writes (some of which had happened before the connection dropped) left nothing
    # twice and nothing out: a clean run finds nothing to do.
    clean = sync(tuning=small)
    assert totals(clean) == {"created": 0, "updated": 0, "skipped": 0, "failed": 0,
                             "conflicts": 0}
    assert duplicates(control.people(), "email") == {}
    assert duplicates(control.sf_records("Contact")) == {}
    assert duplicates(control.sf_records("Task"), "PeopleLinx_Activity_Id__c") == {}
    assert len(control.people()) == 410
    assert set(by_email(control.people(), "email")) == set(
        by_email(control.sf_records("Contact"))) | set(by_email(control.sf_records("Lead")))
    assert faulted > 0


def test_the_run_stops_when_api_usage_passes_the_cap(sandbox, sync, store, control):
    control.sf_limits(daily_limit=10_000, used=9_050)
    run = sync()
    assert run.status == "stopped"
    assert "cap 90%" in run.reason and "limit" in run.reason
    assert run.api_usage is not None and run.api_usage[1] == 10_000
    assert store.log.run(run.run_id).status == "stopped"
    # The first answer tells the usage; the next Salesforce call is not made: Lead → People
    # (the second step) stops before reading, and no later step runs.
    assert [s.label for s in run.steps] == ["Contact → People", "Lead → People"]
    assert not any(p["salesforce_lead_id"] for p in control.people())
    assert len(control.sf_records("Contact")) == 205
    assert control.sf_limits()["used"] == 9_051, sandbox.salesforce.calls.snapshot()


def test_below_the_cap_the_run_completes(sandbox, sync, control):
    control.sf_limits(daily_limit=10_000, used=8_000)
    run = sync()
    assert run.status == "completed"
    used, limit = run.api_usage
    assert limit == 10_000 and 8_000 < used < 9_000

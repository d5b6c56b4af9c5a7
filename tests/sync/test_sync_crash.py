"""Crash safety: the engine, in a child process, killed (SIGKILL) at several points of a run,
between a batch's send and its commit; the next run completes with no duplicate and nothing lost.

The sandbox counts a call before it handles it and then waits `latency_ms`, so when the count
for a write route reaches N the child is killed while that write is in the server's hands: the
write happens, and the child never records it. That is the window the outbox exists for.
"""

from __future__ import annotations

import multiprocessing
import os
import signal

import pytest
from sync_helpers import (
    assert_in_agreement,
    duplicates,
    handling,
    log_of,
    run_engine_child,
    totals,
    wait_until,
)

TUNING = {"salesforce_batch": 20, "peoplelinx_batch": 20, "page_size": 20}
DEMO_ACTIVITIES = 90  # 30 emails, 30 tasks, 30 calls on shared people


def _count(app, prefix: str) -> int:
    return sum(n for route, n in app.calls.snapshot()["by_route"].items()
               if route.startswith(prefix))


@pytest.mark.parametrize(("service", "route", "nth"), [
    ("peoplelinx", "/v1/people/batch", 1),  # Contact → People, first batch
    ("peoplelinx", "/v1/people/batch", 5),  # Contact → People, a later batch
    ("salesforce", "composite/sobjects", 3),  # People → Contact / Lead writes
    ("salesforce", "composite/sobjects", 9),  # Lead Status updates
    ("salesforce", "composite/sobjects", 18),  # activity (Task) upserts
])
def test_killed_mid_run_then_run_again_loses_and_duplicates_nothing(
        sandbox, data_dir, sync, store, control, service, route, nth):
    app = getattr(sandbox, service)
    control.sf_faults(latency_ms=20)
    control.plx_faults(latency_ms=20)
    child = multiprocessing.get_context("spawn").Process(
        target=run_engine_child, args=(str(data_dir), TUNING), daemon=True)
    before = handling()
    child.start()
    try:
        wait_until(lambda: _count(app, route) >= nth or not child.is_alive(), timeout=60,
                   every=0.002)
        assert child.is_alive(), "the run finished before the kill point"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.join(timeout=30)
    assert child.exitcode == -signal.SIGKILL
    wait_until(lambda: not handling(now_handling=before))  # the child's last write has landed
    control.sf_faults(latency_ms=0)
    control.plx_faults(latency_ms=0)

    again = sync()
    assert again.status == "completed", again.reason
    assert totals(again)["failed"] == 0
    assert totals(sync()) == {"created": 0, "updated": 0, "skipped": 0, "failed": 0,
                              "conflicts": 0}
    assert_in_agreement(control)
    assert len(control.people()) == 410
    tasks = [t for t in control.sf_records("Task") if t.get("PeopleLinx_Activity_Id__c")]
    assert duplicates(tasks, "PeopleLinx_Activity_Id__c") == {}
    assert len(tasks) == DEMO_ACTIVITIES
    # "Created" still means created across the crash: each new person is logged once as such.
    created = [e for e in log_of(store, outcomes=["created"])
               if e.step_label in ("Contact → People", "Lead → People")]
    assert len(created) == len({e.plx_id for e in created}) == 410 - 120
    assert store.outbox.counts().get("pending", 0) == store.outbox.counts().get("sent", 0) == 0

"""A fresh org (no PeopleLinx fields, Set up not run): the sync works, says once what Set up would
change, and creates nothing twice, even across a crash between send and commit or a lost answer.

Everything end to end over HTTPS against the sandbox as a fresh org.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import Counter
from typing import Any

import pytest
from sync_helpers import handling, log_of, plx_client, run_engine_child, totals, wait_until

TUNING = {"salesforce_batch": 20, "peoplelinx_batch": 20, "page_size": 20}
DEMO_ACTIVITIES = 90  # each becomes one Task: more would be a duplicate
# The demo org's 205 contacts and 150 leads, plus the 60 PeopleLinx-only people made contacts.
CONTACTS, LEADS = 265, 150


@pytest.fixture
def sandbox(fresh_sandbox: Any) -> Any:
    """Every fixture of this module sees the sandbox as a fresh org."""
    return fresh_sandbox


@pytest.fixture(autouse=True)
def no_describes_kept() -> Any:
    """The engine keeps describes per process and instance URL (the window runs each sync in a
    process of its own); the test sandbox turns from a ready org into a fresh one at the same
    URL, which no real org does, so what earlier tests described is dropped, before and after."""
    from plx_desktop.sync import service

    service._DESCRIBES.clear()
    yield
    service._DESCRIBES.clear()


@pytest.fixture
def seeded_tasks(control: Any) -> set[str]:
    """The demo org's own Tasks, made before any sync."""
    return {t["Id"] for t in control.sf_records("Task")}


def task_keys(control: Any, seeded: set[str]) -> Counter:
    """How many live Tasks the sync made per activity (who, subject, date, duration, text)."""
    return Counter((t.get("WhoId"), t.get("Subject"), t.get("ActivityDate"),
                    t.get("CallDurationInSeconds"), t.get("Description"))
                   for t in control.sf_records("Task") if t["Id"] not in seeded)


def assert_no_duplicate_people(control: Any) -> None:
    assert len(control.sf_records("Contact")) == CONTACTS
    assert len(control.sf_records("Lead")) == LEADS


def _count(app: Any, prefix: str) -> int:
    return sum(n for route, n in app.calls.snapshot()["by_route"].items()
               if route.startswith(prefix))


def test_a_fresh_org_syncs_and_is_told_once_what_set_up_would_change(sync, store, control,
                                                                     seeded_tasks):
    first = sync()
    assert first.status == "completed", first.reason
    assert totals(first)["failed"] == 0
    told = [e for e in log_of(store) if e.error_code == "SETUP_NEEDED"]
    assert len(told) == 1
    assert "Set up" in told[0].message and "Task.PeopleLinx_Activity_Id__c" in told[0].message
    made = task_keys(control, seeded_tasks)
    assert sum(made.values()) == DEMO_ACTIVITIES
    assert_no_duplicate_people(control)

    again = sync()
    assert totals(again)["created"] == 0 and totals(again)["failed"] == 0
    assert task_keys(control, seeded_tasks) == made


@pytest.mark.parametrize("nth", [3, 18])  # People -> Contact / Lead creates; Task creates
def test_killed_between_send_and_commit_then_run_again_duplicates_nothing(
        sandbox, data_dir, sync, store, control, seeded_tasks, nth):
    app = sandbox.salesforce
    control.sf_faults(latency_ms=20)
    control.plx_faults(latency_ms=20)
    child = multiprocessing.get_context("spawn").Process(
        target=run_engine_child, args=(str(data_dir), TUNING), daemon=True)
    before = handling()
    child.start()
    try:
        wait_until(lambda: _count(app, "composite/sobjects") >= nth or not child.is_alive(),
                   timeout=60, every=0.002)
        assert child.is_alive(), "the run finished before the kill point"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.join(timeout=30)
    assert child.exitcode == -signal.SIGKILL
    wait_until(lambda: not handling(now_handling=before))
    control.sf_faults(latency_ms=0)
    control.plx_faults(latency_ms=0)

    again = sync()
    assert again.status == "completed", again.reason
    assert totals(again)["failed"] == 0
    assert totals(sync())["created"] == 0
    assert sum(task_keys(control, seeded_tasks).values()) == DEMO_ACTIVITIES
    assert_no_duplicate_people(control)


def test_answers_lost_after_salesforce_saved_create_nothing_twice(sync, control, seeded_tasks):
    # A fifth of the Salesforce calls drop the connection, before or after doing the work; a run
    # that gives up is run again, as the scheduler would.
    control.sf_faults(fail_rate=0.2, kinds=["drop"], seed=7)
    runs = [sync() for _ in range(3)]
    control.sf_faults(fail_rate=0)
    last = sync()
    assert last.status == "completed", last.reason
    assert sum(totals(r)["created"] for r in runs) > 0  # the faults did meet creates
    assert sum(task_keys(control, seeded_tasks).values()) == DEMO_ACTIVITIES
    assert_no_duplicate_people(control)


def test_set_up_run_while_the_process_kept_polling_is_used_from_the_next_run(
        sandbox, data_dir, sync, store, control, capsys):
    # `sync --every` keeps describes for the process; the admin runs Set up meanwhile (here
    # `plx-desktop check --fix`, in the same process). The next run's creates go by the key
    # field, and nobody is told again that Set up is needed.
    from plx_desktop.cli import main

    assert sync().status == "completed"
    assert len([e for e in log_of(store) if e.error_code == "SETUP_NEEDED"]) == 1
    assert main(["--data-dir", str(data_dir), "--sandbox", "check", "--fix"]) == 0
    capsys.readouterr()
    with plx_client(sandbox) as client:
        person = client.create_person({"first_name": "Katherine", "last_name": "Johnson",
                                       "email": "katherine@langley.example.com",
                                       "account": "Langley"})
    after = sync()
    assert after.status == "completed", after.reason
    assert len([e for e in log_of(store) if e.error_code == "SETUP_NEEDED"]) == 1
    [made] = [r for r in control.sf_records("Contact") + control.sf_records("Lead")
              if r.get("Email") == "katherine@langley.example.com"]
    assert made.get("PeopleLinx_Id__c") == person["id"], made

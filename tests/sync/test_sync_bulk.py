"""Bulk API 2.0: a People → Salesforce step past the threshold creates its records through one
ingest job per threshold's worth (a handful of calls), idempotently: a run killed in the middle of
the job and run again leaves no duplicate and nothing out."""

from __future__ import annotations

import multiprocessing
import os
import signal

from sync_helpers import (
    custom_with,
    duplicates,
    emptied,
    handling,
    plx_client,
    run_engine_child,
    sf_create,
    totals,
    wait_until,
)

from plx_desktop.connectors.peoplelinx_types import BatchItem
from plx_desktop.sandbox.salesforce.org import Operation
from plx_desktop.sync.context import Tuning

BULK = {"bulk_threshold": 100, "salesforce_batch": 50}
PEOPLE = 150


def _people(sandbox) -> None:
    emptied(sandbox)
    with plx_client(sandbox) as client:
        client.batch_people([BatchItem("create", {
            "first_name": f"Bulk{n}", "last_name": "Person", "email": f"bulk{n}@bulk.example.com",
            "account": ""}) for n in range(PEOPLE)])


def _ingest_calls(sandbox) -> int:
    return sum(n for route, n in sandbox.salesforce.calls.snapshot()["by_route"].items()
               if route.startswith("jobs/ingest"))


def test_a_large_step_creates_through_one_bulk_job(sandbox, sync, store, control):
    _people(sandbox)
    custom_with(store, "people_to_contact")
    control.sf_clear_calls()
    run = sync(tuning=Tuning(**BULK))
    assert run.status == "completed" and totals(run)["created"] == PEOPLE
    routes = control.sf_calls()["by_route"]
    assert _ingest_calls(sandbox) >= 4  # create, upload, close, status, results
    assert "composite/sobjects/{sobject}/{ext_field}" not in routes  # no Collections upsert
    contacts = control.sf_records("Contact")
    assert len(contacts) == PEOPLE and duplicates(contacts) == {}
    assert totals(sync(tuning=Tuning(**BULK))) == {
        "created": 0, "updated": 0, "skipped": 0, "failed": 0, "conflicts": 0}


def test_killed_during_the_bulk_job_then_run_again_duplicates_nothing(
        sandbox, data_dir, sync, store, control):
    _people(sandbox)
    custom_with(store, "people_to_contact")
    control.sf_faults(latency_ms=20)
    child = multiprocessing.get_context("spawn").Process(
        target=run_engine_child, args=(str(data_dir), BULK), daemon=True)
    before = handling()
    child.start()
    try:
        # The job is created, its data uploaded: kill while Salesforce works on it.
        wait_until(lambda: _ingest_calls(sandbox) >= 3 or not child.is_alive(), timeout=60,
                   every=0.002)
        assert child.is_alive(), "the run finished before the kill point"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.join(timeout=30)
    assert child.exitcode == -signal.SIGKILL
    wait_until(lambda: not handling(now_handling=before))
    # The job was closed before the kill: Salesforce finishes it although nobody is listening.
    wait_until(lambda: len(control.sf_records("Contact")) == PEOPLE)
    control.sf_faults(latency_ms=0)
    again = sync(tuning=Tuning(**BULK))
    assert again.status == "completed", again.reason
    assert totals(again)["failed"] == 0
    contacts = control.sf_records("Contact")
    assert duplicates(contacts) == {}
    assert {c["PeopleLinx_Id__c"] for c in contacts} == {p["id"] for p in control.people()}


def test_a_large_step_matches_existing_records_from_one_read_of_their_emails(
        sandbox, sync, store, control):
    _people(sandbox)
    existing = [sf_create(sandbox, "Contact", FirstName=f"Bulk{n}", LastName="Person",
                          Email=f"BULK{n}@Bulk.example.com") for n in range(10)]
    custom_with(store, "people_to_contact")
    control.sf_clear_calls()
    run = sync(tuning=Tuning(**BULK))
    assert (totals(run)["created"], totals(run)["updated"]) == (PEOPLE - 10, 10)
    contacts = control.sf_records("Contact")
    assert len(contacts) == PEOPLE and duplicates(contacts) == {}
    assert set(existing) <= {c["Id"] for c in contacts}
    # the emails were read once for the whole step, not one query per 50 people
    assert control.sf_calls()["by_route"].get("query", 0) <= 3


def test_the_last_people_of_a_large_step_are_matched_by_its_email_index(
        sandbox, sync, store, control):
    # 150 people, 50 a page: the first 100 are one large batch (its creates would be one job),
    # the last 50 a Collections batch; the step read every Contact's email for the large batch
    # already, so the last 50 ask no query of their own.
    _people(sandbox)
    existing = [sf_create(sandbox, "Contact", FirstName=f"Before{n}", LastName="Person",
                          Email=f"bulk{n}@bulk.example.com") for n in range(PEOPLE)]
    custom_with(store, "people_to_contact")
    control.sf_clear_calls()
    run = sync(tuning=Tuning(**BULK, page_size=50))
    assert run.status == "completed", run.reason
    assert (totals(run)["created"], totals(run)["updated"]) == (0, PEOPLE)
    routes = control.sf_calls()["by_route"]
    assert "composite/sobjects" in routes  # matched people are updated through Collections
    assert routes.get("query", 0) == 1, routes  # the index's one query, nothing for the last 50
    contacts = control.sf_records("Contact")
    assert {c["Id"] for c in contacts} == set(existing) and duplicates(contacts) == {}
    assert {c["FirstName"] for c in contacts} == {f"Bulk{n}" for n in range(PEOPLE)}


def test_the_last_people_of_a_large_step_ask_their_own_query_when_its_index_was_never_read(
        sandbox, sync, store, control):
    # A large step whose people were all linked never read the email index; its last 50, new,
    # ask one query for their emails rather than reading 2,050 Contacts' (two pages) for them.
    emptied(sandbox)
    sandbox.salesforce.org.apply([Operation("create", "Contact", {
        "LastName": f"Other{n}", "Email": f"other{n}@else.example.com"}) for n in range(2_000)])
    existing = {sf_create(sandbox, "Contact", FirstName=f"Before{n}", LastName="Person",
                          Email=f"new{n}@bulk.example.com") for n in range(50)}
    with plx_client(sandbox) as client:
        linked = client.batch_people([BatchItem("create", {
            "first_name": f"Bulk{n}", "last_name": "Person", "email": f"bulk{n}@bulk.example.com",
            "account": ""}) for n in range(100)])
    custom_with(store, "people_to_contact")
    assert totals(sync())["created"] == 100  # a small step: linked through Collections
    with plx_client(sandbox) as client:
        client.batch_people([BatchItem("update", {"first_name": f"Changed{n}"}, id=r.person["id"])
                             for n, r in enumerate(linked)])
        client.batch_people([BatchItem("create", {
            "first_name": f"New{n}", "last_name": "Person", "email": f"new{n}@bulk.example.com",
            "account": ""}) for n in range(50)])
    control.sf_clear_calls()
    run = sync(tuning=Tuning(**BULK, page_size=50))
    assert run.status == "completed", run.reason
    assert (totals(run)["created"], totals(run)["updated"]) == (0, 150)
    routes = control.sf_calls()["by_route"]
    assert routes.get("query") == 1 and "query/more" not in routes, routes
    mine = [c for c in control.sf_records("Contact") if c["Email"].startswith("new")]
    assert {c["Id"] for c in mine} == existing
    assert {c["FirstName"] for c in mine} == {f"New{n}" for n in range(50)}

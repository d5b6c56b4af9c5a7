"""People → Contact with its Salesforce writes in flight at once (sync/overlap.py): several
Collections calls and Bulk API jobs are really sent together, and still each batch's links, log
and cursor are committed in source order; a batch that fails in the middle stops every later one
from committing, and the next run loses nothing and duplicates nothing (Contacts or Accounts)."""

from __future__ import annotations

from typing import Any

from sync_helpers import CommitWatch, custom_with, duplicates, emptied, plx_client, totals

from plx_desktop.connectors.peoplelinx_types import BatchItem
from plx_desktop.sync.context import Tuning

BATCH = 20
PEOPLE = 160
SMALL = Tuning(salesforce_batch=BATCH, salesforce_in_flight=4, page_size=40)
STEP = "People → Contact"
UPSERT = "composite/sobjects/{sobject}/{ext_field}"
UPDATE = "composite/sobjects"
NOTHING = {"created": 0, "updated": 0, "skipped": 0, "failed": 0, "conflicts": 0}


def _people(sandbox: Any, control: Any, n: int = PEOPLE) -> list[dict[str, Any]]:
    """`n` people (sharing a few companies, so that batches share Accounts), in the step's read
    order: by updated_at, then id."""
    emptied(sandbox)
    with plx_client(sandbox) as client:
        for start in range(0, n, 100):
            client.batch_people([BatchItem("create", {
                "first_name": f"Over{i}", "last_name": "Person", "email": f"over{i}@x.example.com",
                "account": f"Company {i % 7}"}) for i in range(start, min(n, start + 100))])
    people = [p for p in control.people() if p["email"].startswith("over")]
    return sorted(people, key=lambda p: (p["updated_at"], p["id"]))


def _in_order(people: list[dict[str, Any]], commits: CommitWatch) -> None:
    """Every commit holds whole batches after the ones before, its cursor at its last person."""
    order = {p["id"]: n for n, p in enumerate(people)}
    last = -1
    for ids, cursor in commits.seen:
        positions = [order[i] for i in ids]
        assert min(positions) > last, commits.seen
        last = max(positions)
        assert cursor == people[last]["updated_at"]


def test_collections_calls_are_in_flight_together_and_commit_in_source_order(
        sandbox, sync, store, control):
    _people(sandbox, control)
    custom_with(store, "people_to_contact")
    first = sync(tuning=SMALL)
    assert first.status == "completed" and totals(first)["created"] == PEOPLE, first.reason
    # Everyone changes: the next run updates each linked contact, with no query to match first
    # (a batch's matching would otherwise spend the sandbox's latency on the run's thread).
    with plx_client(sandbox) as client:
        for start in range(0, PEOPLE, 100):
            chunk = sorted(control.people(), key=lambda p: p["email"])[start:start + 100]
            client.batch_people([BatchItem("update", {"last_name": "Changed"}, id=p["id"])
                                 for p in chunk])
    people = sorted(control.people(), key=lambda p: (p["updated_at"], p["id"]))
    # Each update spends this long in the sandbox: calls sent one after another are never seen
    # at once, whatever the machine's load.
    control.sf_faults(latency_ms=300)
    sandbox.salesforce.calls.reset()
    commits = CommitWatch(store, STEP, "plx_id")
    run = sync(tuning=SMALL, events=commits)
    assert run.status == "completed", run.reason
    assert sandbox.salesforce.calls.peak(UPDATE) >= 3, sandbox.salesforce.calls.stats()
    assert totals(run)["updated"] == PEOPLE
    _in_order(people, commits)
    assert sorted(i for ids, _ in commits.seen for i in ids) == sorted(p["id"] for p in people)
    assert len(commits.seen) == PEOPLE // BATCH
    control.sf_faults(latency_ms=0)
    contacts = control.sf_records("Contact")
    assert len(contacts) == PEOPLE and duplicates(contacts) == {}
    assert {c["LastName"] for c in contacts} == {"Changed"}
    assert duplicates(control.sf_records("Account"), "Name") == {}
    assert all(p["salesforce_contact_id"] for p in control.people())
    assert totals(sync(tuning=SMALL)) == NOTHING


def test_bulk_jobs_are_in_flight_together(sandbox, sync, store, control):
    people = _people(sandbox, control, 400)
    custom_with(store, "people_to_contact")
    control.sf_faults(latency_ms=300)
    commits = CommitWatch(store, STEP, "plx_id")
    bulk = Tuning(bulk_threshold=100, salesforce_batch=50, salesforce_in_flight=4, page_size=100)
    run = sync(tuning=bulk, events=commits)
    assert run.status == "completed", run.reason
    calls = sandbox.salesforce.calls
    assert calls.peak("jobs/ingest/{job_id}") >= 2 or calls.peak("jobs/ingest") >= 2, calls.stats()
    assert UPSERT not in control.sf_calls()["by_route"]  # every batch went by Bulk API
    _in_order(people, commits)
    control.sf_faults(latency_ms=0)
    contacts = control.sf_records("Contact")
    assert len(contacts) == 400 and duplicates(contacts) == {}
    assert duplicates(control.sf_records("Account"), "Name") == {}
    assert totals(sync(tuning=bulk)) == NOTHING


class PagesAtCommit(CommitWatch):
    """Also how many pages of people had been read when each commit of the step came."""

    def __init__(self, store: Any, sandbox: Any) -> None:
        super().__init__(store, STEP, "plx_id")
        self.sandbox, self.pages_read = sandbox, []  # type: list[int]

    def log_entries(self, entries: list[Any]) -> None:
        before = len(self.seen)
        super().log_entries(entries)
        if len(self.seen) > before:
            by_route = self.sandbox.peoplelinx.calls.snapshot()["by_route"]
            self.pages_read.append(by_route.get("/v1/people", 0))


def test_the_next_bulk_job_is_read_only_once_the_oldest_of_a_full_window_settled(
        sandbox, sync, store, control):
    # bulk_in_flight jobs' people in memory at any N: with two in flight, the oldest is settled
    # before the next job's people are taken, so when batch k commits at most k + 1 jobs' pages
    # were taken (taking a third while two were in flight held three jobs' people at once). The
    # read ahead holds at most two pages more: one waiting in its queue, one in its hand.
    people = _people(sandbox, control, 500)
    custom_with(store, "people_to_contact")
    sandbox.peoplelinx.calls.reset()
    watch = PagesAtCommit(store, sandbox)
    bulk = Tuning(bulk_threshold=100, bulk_in_flight=2, salesforce_batch=50,
                  salesforce_in_flight=4, page_size=100)  # a page is a job
    run = sync(tuning=bulk, events=watch)
    assert run.status == "completed", run.reason
    assert len(watch.pages_read) == 5, watch.pages_read
    ahead = 2
    assert all(pages <= k + 2 + ahead for k, pages in enumerate(watch.pages_read)), \
        watch.pages_read
    assert watch.pages_read[0] >= 2  # ... and still one job ahead while the oldest settles
    _in_order(people, watch)
    assert len(control.sf_records("Contact")) == 500


def test_a_failed_middle_batch_commits_nothing_past_it_and_the_next_run_makes_it_whole(
        sandbox, sync, store, control):
    people = _people(sandbox, control)
    custom_with(store, "people_to_contact")
    middle = 3 * BATCH  # the fourth batch's first person
    # Every try of the upsert that carries this person fails (500): the retries give up, the
    # step fails, while the batches after it are in flight.
    control.sf_faults(latency_ms=50, poison=people[middle]["email"], poison_kind="500")
    commits = CommitWatch(store, STEP, "plx_id")
    failed = sync(tuning=SMALL, events=commits)
    assert failed.status == "failed", failed.reason
    step_uid = commits.step_uid
    # The batches before it are committed, each whole; nothing at or after it, and the cursor
    # stands at the end of the batch before it.
    links = store.links.for_plx_ids(p["id"] for p in people)
    linked = {n for n, p in enumerate(people) if any(k.step_uid == step_uid
                                                     for k in links.get(p["id"], []))}
    assert linked == set(range(middle))
    assert store.cursors.get(step_uid) == people[middle - 1]["updated_at"]
    _in_order(people, commits)
    # Later batches were sent (they were in flight) and are in Salesforce, unlinked: the outbox
    # holds their intents, as after a crash.
    assert store.outbox.counts().get("sent", 0) > 0

    control.sf_faults(latency_ms=0, poison="")
    again = sync(tuning=SMALL)
    assert again.status == "completed", again.reason
    assert totals(again)["failed"] == 0
    assert totals(sync(tuning=SMALL)) == NOTHING
    contacts = control.sf_records("Contact")
    assert len(contacts) == PEOPLE and duplicates(contacts) == {}
    accounts = control.sf_records("Account")
    assert len(accounts) == 7 and duplicates(accounts, "Name") == {}
    assert all(p["salesforce_contact_id"] for p in control.people())
    links = store.links.for_plx_ids(p["id"] for p in people)
    assert all(any(k.sf_object == "Contact" for k in links.get(p["id"], [])) for p in people)
    assert store.outbox.counts().get("pending", 0) == store.outbox.counts().get("sent", 0) == 0

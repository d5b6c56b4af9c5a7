"""Contact → People with its PeopleLinx batches in flight at once (sync/overlap.py): several are
really sent together, and still each batch's links, log and cursor are committed in source order;
a batch that fails in the middle stops every later one from committing, and the next run loses
nothing and duplicates nothing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sync_helpers import CommitWatch, duplicates, log_of, totals

from plx_desktop.sync.context import Tuning
from plx_desktop.sync.lookback import Cursor

BATCH = 20
# One batch a commit: what each batch commits is seen alone (grouping has a test of its own).
SMALL = Tuning(peoplelinx_batch=BATCH, peoplelinx_in_flight=4, batches_per_commit=1)
STEP = "Contact → People"
ROUTE = "/v1/people/batch"


def _source_order(control: Any) -> list[dict[str, Any]]:
    """The contacts as the step reads them: by SystemModstamp, then Id."""
    return sorted(control.sf_records("Contact"), key=lambda r: (r["SystemModstamp"], r["Id"]))


def test_batches_are_in_flight_together_and_commit_in_source_order(sandbox, sync, store, control):
    order = {r["Id"]: n for n, r in enumerate(_source_order(control))}
    # Each batch call spends this long in the sandbox: batches sent one after another could
    # never be seen at once, whatever the machine's load.
    control.plx_faults(latency_ms=300)
    commits = CommitWatch(store, STEP, "sf_id")
    run = sync(tuning=SMALL, events=commits)
    assert run.status == "completed", run.reason
    assert sandbox.peoplelinx.calls.peak(ROUTE) >= 3, sandbox.peoplelinx.calls.stats()
    _committed_in_source_order(commits, order)
    assert len(commits.seen) == -(-len(order) // BATCH)


def _committed_in_source_order(commits: CommitWatch, order: dict[str, int]) -> None:
    """Every contact committed once, whole batches after whole batches in source order, each
    commit with the cursor at its last record: never ahead of a batch not yet committed."""
    positions = [[order[sf_id] for sf_id in ids] for ids, _ in commits.seen]
    assert sorted(p for batch in positions for p in batch) == list(range(len(order)))
    last = -1
    for batch, (_, cursor) in zip(positions, commits.seen, strict=True):
        assert min(batch) > last, positions
        last = max(batch)
        assert cursor is not None and order[Cursor.parse(cursor).record_id] == last
        assert last + 1 == len(order) or (last + 1) % BATCH == 0, positions  # whole batches


def test_finished_batches_are_written_a_few_at_a_time_still_in_source_order(
        sandbox, sync, store, control):
    order = {r["Id"]: n for n, r in enumerate(_source_order(control))}
    batches = -(-len(order) // BATCH)
    commits = CommitWatch(store, STEP, "sf_id")
    # Four batches a commit, and no time limit: which commits there are depends on nothing
    # but the batches (and the records that share an email with a batch still waiting).
    grouped = replace(SMALL, batches_per_commit=4, commit_every_seconds=3600)
    run = sync(tuning=grouped, events=commits)
    assert run.status == "completed", run.reason
    _committed_in_source_order(commits, order)
    assert len(commits.seen) < batches
    assert max(len(ids) for ids, _ in commits.seen) == 4 * BATCH


def test_a_failed_middle_batch_commits_nothing_past_it_and_the_next_run_makes_it_whole(
        sandbox, sync, store, control):
    contacts = _source_order(control)
    order = {r["Id"]: n for n, r in enumerate(contacts)}
    known = {p["email"].lower() for p in control.people() if p.get("email")}
    middle = 5 * BATCH  # the sixth batch's first record
    poisoned = next(r for r in contacts[middle:middle + BATCH] if r.get("Email"))
    # Every try of the batch that carries this contact fails (500): the retries give up, the
    # step fails, while the batches after it are in flight.
    control.plx_faults(latency_ms=50, poison=poisoned["Email"], poison_kind="500")
    commits = CommitWatch(store, STEP, "sf_id")
    # Batches written three at a time: the fifth waits in its group when the sixth fails, and
    # is written all the same.
    failed = sync(tuning=replace(SMALL, batches_per_commit=3, commit_every_seconds=3600),
                  events=commits)
    assert failed.status == "failed" and "PeopleLinx" in (failed.reason or ""), failed.reason
    # The batches before it are committed, each whole; nothing at or after it, and the cursor
    # stands at the end of the batch before it.
    step_uid = commits.step_uid
    linked = {sf_id for sf_id, link in store.links.for_sf_ids(order).items()
              if link.step_uid == step_uid}
    assert {order[sf_id] for sf_id in linked} == set(range(middle))
    assert order[Cursor.parse(store.cursors.get(step_uid)).record_id] == middle - 1
    # Later batches were sent (they were in flight) and are in PeopleLinx, unlinked: the outbox
    # holds their intents, as after a crash.
    made = {p["email"].lower() for p in control.people() if p.get("email")} - known
    later = [r for r in contacts[middle + BATCH:] if r.get("Email")]
    assert any(r["Email"].lower() in made for r in later)
    assert store.outbox.counts().get("sent", 0) > 0

    control.plx_faults(latency_ms=0, poison="")
    again = sync(tuning=SMALL)
    assert again.status == "completed", again.reason
    assert totals(again)["failed"] == 0
    assert totals(sync(tuning=SMALL)) == {"created": 0, "updated": 0, "skipped": 0, "failed": 0,
                                          "conflicts": 0}
    assert duplicates(control.people(), "email") == {}
    assert len(control.people()) == 410
    assert set(store.links.for_sf_ids(order)) == set(order)
    # "Created" still means created: each new person is logged once as such, over both runs.
    # (A person who existed and whose write was cut off is told apart by comparing the write's
    # time with the person's created_at, across two clocks: the session's sandbox clock may
    # have been moved ahead by earlier tests, so those of the failed batch and the ones after
    # it, whose intents were left, may be counted too.)
    created = [e for e in log_of(store, outcomes=["created"])
               if e.step_label in ("Contact → People", "Lead → People")]
    created_ids = {e.plx_id for e in created}
    assert len(created) == len(created_ids)
    people = control.people()
    new = {p["id"] for p in people if (p.get("email") or "").lower() not in known}
    assert len(new) == 410 - 120 and new <= created_ids
    links = store.links.for_sf_ids(r["Id"] for r in contacts[middle:])
    assert created_ids - new <= {link.plx_id for link in links.values()}
    assert store.outbox.counts().get("pending", 0) == store.outbox.counts().get("sent", 0) == 0

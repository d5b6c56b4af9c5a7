"""The sync log: batched appends, newest-first pages with filters, tailing, pruning, runs.

The 100k-row test prints how long the Log tab's queries take (run with -s to see); it asserts
results, never times.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from plx_desktop.store import LogEntry
from plx_desktop.store.log import OUTCOMES

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _entries(n: int, start: int = 0) -> list[LogEntry]:
    return [LogEntry(outcome=OUTCOMES[i % 5], step_uid=f"step-{i % 4}", step_label="Contact → People",
                     direction="salesforce_to_peoplelinx", sf_id=f"003{i:015d}", plx_id=f"per_{i}",
                     record_label=f"Person {i} <p{i}@acme.com>", run_id=1 + i // 10_000,
                     error_code="CANNOT_UPDATE_CONVERTED_LEAD" if i % 5 == 3 else "",
                     message=f"message {i}", time=T0 + timedelta(seconds=i))
            for i in range(start, start + n)]


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    from plx_desktop.store import open_store

    store = open_store(tmp_path_factory.mktemp("log") / "store.sqlite3")
    started = time.perf_counter()
    store.log.append_many(_entries(100_000))
    print(f"\nappend 100k entries: {time.perf_counter() - started:.2f}s")
    yield store
    store.close()


def _timed(label, call):
    started = time.perf_counter()
    result = call()
    print(f"{label}: {(time.perf_counter() - started) * 1000:.1f} ms")
    return result


def test_pages_and_filters_on_100k_rows(big):
    first = _timed("newest page of 200", lambda: big.log.read(limit=200))
    assert [e.id for e in first[:2]] == [100_000, 99_999]
    assert first[0].time == T0 + timedelta(seconds=99_999)
    deep = _timed("page at offset 90,000", lambda: big.log.read(limit=200, offset=90_000))
    assert deep[0].id == 10_000
    keyset = _timed("page before id 10,001", lambda: big.log.read(limit=200, before_id=10_001))
    assert keyset == deep
    failed = _timed("failed only, newest 200", lambda: big.log.read(outcomes=["failed"], limit=200))
    assert len(failed) == 200 and {e.outcome for e in failed} == {"failed"}
    assert failed[0].error_code == "CANNOT_UPDATE_CONVERTED_LEAD"
    two = _timed("created+conflict, step-1", lambda: big.log.read(
        outcomes=["created", "conflict"], step_uid="step-1", limit=200))
    assert {e.step_uid for e in two} == {"step-1"} and {e.outcome for e in two} <= {"created",
                                                                                  "conflict"}
    hit = _timed("search one email", lambda: big.log.read(search="P77777@ACME.com"))
    assert [e.plx_id for e in hit] == ["per_77777"]
    miss = _timed("search with no match (full scan)", lambda: big.log.read(search="nobody"))
    assert miss == []
    assert _timed("count all", lambda: big.log.count()) == 100_000
    assert _timed("count failed", lambda: big.log.count(outcomes=["failed"])) == 20_000
    assert _timed("count search", lambda: big.log.count(search="message 9999")) == 11


def test_search_takes_wildcards_literally(store):
    store.log.append_many([LogEntry("created", record_label="50% off_sale"),
                           LogEntry("created", record_label="500 offXsale")])
    assert [e.record_label for e in store.log.read(search="0% off_")] == ["50% off_sale"]
    assert store.log.count(search="_") == 1


def test_tail_and_newest_id(store):
    assert store.log.newest_id() == 0
    store.log.append_many(_entries(30))
    assert store.log.newest_id() == 30
    assert [e.id for e in store.log.after(25)] == [26, 27, 28, 29, 30]


def test_prune_by_age_and_by_count(store):
    store.log.append_many(_entries(1000))
    assert store.log.prune(older_than=T0 + timedelta(seconds=100)) == 100
    assert store.log.prune(keep_newest=300) == 600
    remaining = store.log.read(limit=1000)
    assert len(remaining) == 300 and remaining[-1].id == 701
    assert store.log.prune(keep_newest=1000) == 0


def test_runs(store):
    run_id = store.log.start_run("custom")
    assert store.log.run(run_id).status == "running" and store.log.run(run_id).finished_at is None
    store.log.finish_run(run_id, "completed", {"created": 3, "failed": 1})
    run = store.log.runs()[0]
    assert (run.id, run.status, run.counts) == (run_id, "completed", {"created": 3, "failed": 1})
    assert run.finished_at >= run.started_at


def test_runs_cut_off_are_closed_when_the_next_one_starts(store):
    cut_off = store.log.start_run("default")
    assert store.log.close_abandoned_runs() == 1
    run = store.log.run(cut_off)
    assert run.status == "failed" and "Interrupted" in run.message and run.finished_at
    finished = store.log.start_run("default")
    store.log.finish_run(finished, "completed")
    assert store.log.close_abandoned_runs() == 0


def test_appended_entries_come_back_with_their_stored_ids(store):
    store.log.append_many([LogEntry("created", message="before")])
    stored = store.log.append_many([LogEntry("updated", message=f"n{n}") for n in range(5)])
    assert [e.message for e in stored] == [f"n{n}" for n in range(5)]
    newest_first = store.log.read(limit=5)
    assert [e.id for e in stored] == [e.id for e in reversed(newest_first)]
    assert all(e.time is not None for e in stored)
    assert store.log.append_many([]) == []

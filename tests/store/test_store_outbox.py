"""The outbox: idempotent enqueue, the pending/sent/done/failed life, and all-or-nothing batches."""

from __future__ import annotations

import sqlite3

import peewee as pw
import pytest

from plx_desktop.store import LogEntry, OutboxItem, RecordLink


def _items(n: int, run_id: int = 1) -> list[OutboxItem]:
    return [OutboxItem(step_uid="s1", target_system="salesforce", operation="upsert",
                       idempotency_key=f"s1:Contact:per_{i}:v1", run_id=run_id,
                       payload={"LastName": f"L{i}", "PeopleLinx_Id__c": f"per_{i}"})
            for i in range(n)]


def test_enqueue_is_idempotent_by_key(store):
    stored = store.outbox.enqueue_many(_items(3))
    assert [i.state for i in stored] == ["pending"] * 3 and all(i.id for i in stored)
    again = store.outbox.enqueue_many(_items(5, run_id=2))
    assert [i.id for i in again[:3]] == [i.id for i in stored]
    assert again[0].run_id == 1  # the existing item is kept as it was
    assert store.outbox.counts()["pending"] == 5
    assert store.outbox.pending()[0].payload == {"LastName": "L0", "PeopleLinx_Id__c": "per_0"}


def test_enqueue_ids_answers_the_ids_of_the_stored_items_in_order(store):
    stored = store.outbox.enqueue_many(_items(3))
    ids = store.outbox.enqueue_ids(reversed(_items(5, run_id=2)))
    assert ids[2:] == [i.id for i in reversed(stored)]  # the items already there keep theirs
    assert len(set(ids)) == 5 and store.outbox.counts()["pending"] == 5
    assert [i.id for i in store.outbox.by_keys([f"s1:Contact:per_{n}:v1" for n in (4, 3)])] == \
        ids[:2]


def test_life_of_an_item(store):
    ids = [i.id for i in store.outbox.enqueue_many(_items(4))]
    store.outbox.mark_sent(ids)
    store.outbox.mark_sent(ids[:1])
    assert [i.attempts for i in store.outbox.pending()] == [2, 1, 1, 1]
    assert {i.state for i in store.outbox.pending()} == {"sent"}  # in flight still counts
    store.outbox.mark_pending(ids[3:], "UNABLE_TO_LOCK_ROW")
    store.outbox.mark_done(ids[:2])
    store.outbox.mark_failed({ids[2]: "INVALID_EMAIL_ADDRESS"})
    assert [i.id for i in store.outbox.pending()] == [ids[3]]
    assert store.outbox.counts() == {"pending": 1, "sent": 0, "done": 2, "failed": 1}
    assert store.outbox.purge_finished() == 2
    assert store.outbox.pending(step_uid="other") == []


def test_commit_batch_records_everything_at_once(store):
    ids = [i.id for i in store.outbox.enqueue_many(_items(3))]
    store.commit_batch(
        done=ids[:2], failed={ids[2]: "DUPLICATES_DETECTED"},
        links=[RecordLink(f"003{n}", "Contact", f"per_{n}", "person", "s1") for n in range(2)],
        log=[LogEntry("created", step_uid="s1", sf_id="0030"), LogEntry("failed", step_uid="s1")],
        cursors={"s1": "cur-2"})
    assert store.outbox.counts()["done"] == 2 and store.outbox.counts()["failed"] == 1
    assert store.links.count() == 2 and store.log.count() == 2
    assert store.cursors.get("s1") == "cur-2"


def test_an_error_inside_a_transaction_leaves_nothing_behind(store):
    ids = [i.id for i in store.outbox.enqueue_many(_items(2))]
    with pytest.raises(RuntimeError), store.transaction():
        store.outbox.enqueue_many(_items(5, run_id=9)[2:])
        store.outbox.mark_done(ids)
        store.links.upsert(RecordLink("003x", "Contact", "per_x", "person", "s1"))
        store.cursors.set("s1", "moved")
        raise RuntimeError("the process dies here")
    assert store.outbox.counts() == {"pending": 2, "sent": 0, "done": 0, "failed": 0}
    assert store.links.count() == 0 and store.cursors.get("s1") is None


def test_commit_batch_is_all_or_nothing(store):
    ids = [i.id for i in store.outbox.enqueue_many(_items(1))]
    link = RecordLink("003y", "Contact", "per_y", "person", "s1", sf_values={"x": 1})
    # The log write fails after the outbox and links were written inside the batch.
    with pytest.raises((sqlite3.IntegrityError, pw.IntegrityError)):
        store.commit_batch(done=ids, links=[link], log=[LogEntry(outcome=None)],  # NOT NULL
                           cursors={"s1": "c"})
    assert store.outbox.counts()["pending"] == 1
    assert store.links.count() == 0 and store.log.count() == 0 and store.cursors.get("s1") is None

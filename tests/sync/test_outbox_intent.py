"""A batch's outbox intent (Recorder.record_intent) and how the next run reads it back
(outbox_flow.InFlight): one item a batch, idempotent for the same writes, and still read when a
previous version left one item per write."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from plx_desktop.store import OutboxItem, Store, open_store
from plx_desktop.sync.outbox_flow import InFlight
from plx_desktop.sync.recorder import Recorder

OPERATION = "people_upsert"


def _in_flight(store: Store) -> InFlight:
    # InFlight uses only the run's store and its recorder.
    ctx = SimpleNamespace(services=SimpleNamespace(store=store), recorder=Recorder(store, 2))
    return InFlight(ctx, "s1", (OPERATION,))  # type: ignore[arg-type]


def test_one_item_a_batch_and_a_retry_of_the_same_writes_is_the_same_item(tmp_path: Path):
    with open_store(tmp_path / "s.sqlite3") as store:
        recorder = Recorder(store, run_id=1)
        writes = [(f"003{i:015d}", "2026-12-01T10:00:00.000+0000", i % 2 == 0) for i in range(500)]
        at = datetime(2026, 12, 1, 10, 0, 5, tzinfo=UTC)
        first = recorder.record_intent("s1", "peoplelinx", OPERATION, writes, at)
        assert len(first) == 1
        assert store.outbox.counts()["sent"] == 1
        assert recorder.record_intent("s1", "peoplelinx", OPERATION, writes, at) == first
        changed = [(writes[0][0], "2026-12-01T11:00:00.000+0000", True), *writes[1:]]
        assert recorder.record_intent("s1", "peoplelinx", OPERATION, changed, at) != first
        assert recorder.record_intent("s1", "peoplelinx", OPERATION, [], at) == []


def test_the_next_run_knows_each_creation_and_when_it_was_first_sent(tmp_path: Path):
    with open_store(tmp_path / "s.sqlite3") as store:
        recorder = Recorder(store, run_id=1)
        early = datetime(2026, 12, 1, 10, 0, 0, tzinfo=UTC)
        late = datetime(2026, 12, 1, 10, 5, 0, tzinfo=UTC)
        # Two runs died with the same record in flight (another batch the second time).
        recorder.record_intent("s1", "peoplelinx", OPERATION,
                               [("a", "v1", True), ("b", "v1", False)], early)
        recorder.record_intent("s1", "peoplelinx", OPERATION,
                               [("a", "v1", True), ("c", "v1", True)], late)
        # An item per write, as versions before one item a batch wrote them.
        store.outbox.enqueue_sent([OutboxItem(
            step_uid="s1", target_system="peoplelinx", operation=OPERATION,
            idempotency_key="s1:d:v1", payload={"key": "d", "create": True,
                                                "at": early.isoformat()})])
        in_flight = _in_flight(store)
        assert {k for k in "abcde" if in_flight.was_creating(k)} == {"a", "c", "d"}
        assert in_flight.sent_at("a") == early.isoformat()
        assert in_flight.sent_at("c") == late.isoformat()
        assert in_flight.created_by_us("a", "2026-12-01T10:01:00Z")
        assert not in_flight.created_by_us("c", "2026-12-01T10:01:00Z")  # older than the write
        assert not in_flight.created_by_us("b", "2026-12-01T10:01:00Z")
        in_flight.settle()
        assert store.outbox.counts()["sent"] == 0

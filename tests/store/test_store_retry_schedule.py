"""The retry schedule notes a whole batch in a few statements, with the same outcome as one by one."""

from __future__ import annotations

from datetime import UTC, datetime

from plx_desktop.store.retry_schedule import Failure, gap_after


class _Counting:
    """Counts the calls that reach SQLite through the store's connection."""

    def __init__(self, store):
        self.calls = 0
        db = store.db
        execute_sql, cursor = db.execute_sql, db.cursor

        def counted_execute(*args, **kwargs):
            self.calls += 1
            return execute_sql(*args, **kwargs)

        def counted_cursor(*args, **kwargs):
            real = cursor(*args, **kwargs)
            outer = self

            class Cursor:
                def executemany(self, *a, **k):
                    outer.calls += 1
                    return real.executemany(*a, **k)

                def __getattr__(self, name):
                    return getattr(real, name)

                def __iter__(self):
                    return iter(real)

            return Cursor()

        db.execute_sql, db.cursor = counted_execute, counted_cursor


def test_a_batch_of_500_is_noted_in_a_handful_of_statements(store):
    now = datetime(2026, 1, 1, tzinfo=UTC)
    first = [Failure("s", f"k{i}", f"sf{i}", "") for i in range(500)]
    store.retry_schedule.note(first, [], now)
    counter = _Counting(store)
    again = first[:250]  # fail a second time
    recovered = [("s", f"k{i}") for i in range(250, 500)]
    store.retry_schedule.note(again + [Failure("s", "new", "sfnew", "")], recovered, now)
    assert counter.calls <= 4  # delete the recovered, read what is known, upsert the failures
    rows = {r.record_key: r for r in store.retry_schedule.of_step("s")}
    assert set(rows) == {f"k{i}" for i in range(250)} | {"new"}
    assert rows["k0"].failures == 2 and rows["k0"].next_try == now + gap_after(2)
    assert rows["new"].failures == 1


def test_a_record_failing_twice_in_one_call_counts_twice(store):
    now = datetime(2026, 1, 1, tzinfo=UTC)
    store.retry_schedule.note([Failure("s", "k", "sf", ""), Failure("s", "k", "sf", "",
                                                                   item={"id": "e1"})], [], now)
    (row,) = store.retry_schedule.of_step("s")
    assert row.failures == 2 and row.item == {"id": "e1"}


def test_forget_many_keys(store):
    store.retry_schedule.note([Failure("s", f"k{i}", "", "") for i in range(5)], [])
    store.retry_schedule.forget("s", ["k0", "k1", "missing"])
    assert {r.record_key for r in store.retry_schedule.of_step("s")} == {"k2", "k3", "k4"}


def test_a_batch_that_went_through_costs_no_delete_when_its_step_has_nothing_waiting(store):
    store.retry_schedule.note([Failure("other", "k1", "sf1", "")], [])
    counter = _Counting(store)
    store.retry_schedule.note([], [("s", f"k{i}") for i in range(500)])
    assert counter.calls == 1  # which of the steps have records waiting: none
    store.retry_schedule.note([], [("other", "k1"), ("s", "k2")])
    assert store.retry_schedule.of_step("other") == []

"""sync/overlap.py by itself: calls answered out of order are settled in order, a settle that
raises abandons the later ones, and a read ahead hands on its source's error and stops when
closed. Threads are steered with events, never with sleeps."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from plx_desktop.sync.overlap import InOrder, read_ahead


def _gated(n: int, started: list[threading.Event], gates: list[threading.Event]) -> Callable[[], int]:
    def call() -> int:
        started[n].set()
        assert gates[n].wait(10)
        return n
    return call


def test_answers_out_of_order_are_settled_in_order() -> None:
    started = [threading.Event() for _ in range(3)]
    gates = [threading.Event() for _ in range(3)]
    settled: list[int] = []
    with InOrder(3) as window:
        for n in range(3):
            window.submit(_gated(n, started, gates), lambda result: settled.append(result()))
        assert all(s.wait(10) for s in started)  # all three are in flight at once
        gates[2].set()
        gates[1].set()
        assert window.in_flight == 3 and settled == []  # nothing settles on its own
        gates[0].set()
        window.settle_holding({"nothing"})  # no keys held: nothing to wait for
        assert settled == []
    assert settled == [0, 1, 2]


def test_a_full_window_settles_the_oldest_before_sending_more() -> None:
    calls: list[int] = []
    settled: list[int] = []
    with InOrder(2) as window:
        for n in range(5):
            window.submit(lambda n=n: calls.append(n) or n,
                          lambda result: settled.append(result()), keys={f"k{n}"})
            assert window.in_flight <= 2
        window.settle_holding({"k3"})
        assert settled == [0, 1, 2, 3]
    assert settled == [0, 1, 2, 3, 4] and sorted(calls) == [0, 1, 2, 3, 4]


def test_a_settle_that_raises_abandons_the_later_ones() -> None:
    settled: list[int] = []

    def settle(result: Callable[[], int]) -> None:
        value = result()
        if value == 1:
            raise RuntimeError("batch 1 failed")
        settled.append(value)

    with pytest.raises(RuntimeError, match="batch 1"), InOrder(4) as window:
        for n in range(4):
            window.submit(lambda n=n: n, settle)
        window.settle_all()
    assert settled == [0]  # 2 and 3 were sent, never settled


def test_a_call_error_reaches_its_settle() -> None:
    seen: list[str] = []

    def fail() -> None:
        raise ValueError("refused")

    def settle(result: Callable[[], None]) -> None:
        try:
            result()
        except ValueError as exc:
            seen.append(str(exc))

    with InOrder(2) as window:
        window.submit(fail, settle)
    assert seen == ["refused"]


def test_read_ahead_hands_on_items_then_the_source_error() -> None:
    def source() -> Iterator[int]:
        yield from range(3)
        raise ConnectionError("page 4 failed")

    got: list[int] = []
    with pytest.raises(ConnectionError, match="page 4"), read_ahead(source(), 1) as pages:
        for page in pages:
            got.append(page)
    assert got == [0, 1, 2]


def test_closing_a_read_ahead_stops_its_thread_and_closes_the_source() -> None:
    closed_on: list[str] = []
    produced: list[int] = []

    def source() -> Iterator[int]:
        try:
            for n in range(1000):
                produced.append(n)
                yield n
        finally:
            closed_on.append(threading.current_thread().name)

    with read_ahead(source(), 1, name="test-read-ahead") as pages:
        assert next(pages) == 0
    assert closed_on == ["test-read-ahead"]
    assert len(produced) <= 4  # one handed on, one queued, one at most on its way
    assert not any(t.name == "test-read-ahead" for t in threading.enumerate())

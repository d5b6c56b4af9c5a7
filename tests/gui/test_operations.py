"""The front door for background work: the work off the GUI thread, its outcome on it, and no
outcome for a parent that is gone."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject

from plx_desktop.gui.operations import BackgroundOp, off_gui_thread

pytestmark = pytest.mark.gui


def test_the_work_runs_off_the_gui_thread_and_its_result_comes_back_on_it(qtbot):
    gui = threading.get_ident()
    seen: dict[str, int] = {}

    def work() -> int:
        seen["work"] = threading.get_ident()
        return 42

    results: list[int] = []
    BackgroundOp(work, lambda value: (results.append(value),
                                      seen.setdefault("success", threading.get_ident()))).run()
    qtbot.waitUntil(lambda: results == [42])
    assert seen["work"] != gui and seen["success"] == gui


def test_a_failure_reaches_on_failure_on_the_gui_thread(qtbot):
    failures: list[tuple[Exception, int]] = []

    def work() -> None:
        raise LookupError("no such field")

    BackgroundOp(work, lambda _: pytest.fail("not a success"),
                 lambda exc: failures.append((exc, threading.get_ident()))).run()
    qtbot.waitUntil(lambda: bool(failures))
    [(exc, thread)] = failures
    assert isinstance(exc, LookupError) and str(exc) == "no such field"
    assert thread == threading.get_ident()


def test_the_outcome_is_dropped_when_the_parent_was_deleted_meanwhile(qtbot):
    parent = QObject()
    release = threading.Event()
    outcomes: list[str] = []
    done: list[str] = []
    task = BackgroundOp(lambda: release.wait(30) and "late", outcomes.append,
                        lambda exc: outcomes.append(repr(exc)), parent).run()
    task.add_done_callback(lambda _: done.append("done"))
    parent.deleteLater()
    qtbot.waitUntil(lambda: not _alive(parent))
    release.set()
    qtbot.waitUntil(lambda: bool(done))
    assert outcomes == []


def test_an_async_slot_awaits_the_same_executor(qtbot, qloop):
    gui = threading.get_ident()
    threads: list[int] = []

    def work(label: str) -> tuple[str, int]:
        return label, threading.get_ident()

    async def slot() -> None:
        label, worker = await off_gui_thread(work, "fields")
        threads.extend([worker, threading.get_ident()])
        assert label == "fields"

    qloop.create_task(slot())
    qtbot.waitUntil(lambda: len(threads) == 2)
    assert threads[0] != gui and threads[1] == gui


def _alive(obj: QObject) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)

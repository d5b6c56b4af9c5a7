"""Run one blocking call off the GUI thread and hand its result back on the GUI thread.

Like Anki's taskman: `run_in_background(work, on_done, on_failed, owner)`. Call it on the GUI
thread. `work` runs on a small thread pool of its own; `on_done(result)` or
`on_failed(exception)` then run on the GUI thread, unless `owner` (a QObject, e.g. the dialog)
has been deleted meanwhile, in which case the answer is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

# Look-ups get their own pool: a slow service must not queue behind (or hold up) other work on
# the global pool, which has only as many threads as cores.
_pool = QThreadPool()
_pool.setMaxThreadCount(4)

# Relays waiting for an answer. They have no parent, so they cannot be deleted under a pool
# thread that is about to emit; each leaves this set when its answer has been handled.
_waiting: set[_Relay] = set()


class _Relay(QObject):
    """Lives on the GUI thread; its signals cross from the pool thread by queued connection."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, owner: QObject, on_done: Callable[[Any], None],
                 on_failed: Callable[[Exception], None]):
        super().__init__()
        self._owner = owner
        self._on_done, self._on_failed = on_done, on_failed
        self.done.connect(self._finish_done)
        self.failed.connect(self._finish_failed)

    @Slot(object)
    def _finish_done(self, result: Any) -> None:
        self._finish(self._on_done, result)

    @Slot(object)
    def _finish_failed(self, exc: Exception) -> None:
        self._finish(self._on_failed, exc)

    def _finish(self, handler: Callable[[Any], None], value: Any) -> None:
        # The relay leaves _waiting only once Qt has destroyed it: dropping the last Python
        # reference here, inside its own slot, would delete it under Qt's feet (a rare crash).
        self.destroyed.connect(_forget_destroyed)
        self.deleteLater()
        if shiboken6.isValid(self._owner):
            handler(value)


def _forget_destroyed() -> None:
    """Forget the relays Qt has destroyed (their wrappers are no longer valid)."""
    for relay in [r for r in _waiting if not shiboken6.isValid(r)]:
        _waiting.discard(relay)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.work, self.relay = work, relay

    def run(self) -> None:  # on a pool thread
        try:
            result = self.work()
        except Exception as exc:  # noqa: BLE001 - every failure is reported to the GUI
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


def run_in_background(work: Callable[[], Any], on_done: Callable[[Any], None],
                      on_failed: Callable[[Exception], None], owner: QObject) -> None:
    """Call `work()` on the thread pool; then `on_done` or `on_failed` on the GUI thread."""
    _forget_destroyed()
    relay = _Relay(owner, on_done, on_failed)
    _waiting.add(relay)
    _pool.start(_Job(work, relay))

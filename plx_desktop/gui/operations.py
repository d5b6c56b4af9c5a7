"""The GUI's one front door for background work: the work, what to do on success, on failure.

Anki's pattern (`aqt/operations`, `aqt/taskman`), built on qasync as the design card says: the
work runs on the asyncio loop's executor (qasync's thread pool), and its outcome comes back on
the GUI thread through the same loop. Two ways in, one path:

- `BackgroundOp(work, on_success, on_failure, parent).run()` for a button or a dialog that
  starts a look-up and forgets it: the handlers run later, on the GUI thread, and not at all
  when `parent` (a QObject: the dialog, the card) has been deleted meanwhile.
- `await off_gui_thread(work, *args)` inside an `@asyncSlot` that needs several steps in a row
  (sign in, then userinfo, then save): the same executor, the exception raised at the await.

Which thread may call what:

- The GUI thread creates ops, calls `run()` and `off_gui_thread()`, and runs every handler.
  Widgets, models, QObjects and ConnectionState are touched there only.
- The work runs on an executor thread. It gets plain values (connections, a profile, a path)
  taken on the GUI thread beforehand, opens its own clients or store connection, and returns
  plain values; it never touches a widget or a QObject, and it may block (network, keyring).
- A sync run is not an op: the engine runs in a child process behind gui/worker.SyncRunner,
  whose methods the GUI thread calls and whose signals arrive on the GUI thread.

A qasync event loop must be running (gui/app.py sets one up; tests use tests/gui's `qloop`).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject

T = TypeVar("T")
log = logging.getLogger(__name__)

# Ops whose outcome is still to come: asyncio keeps only weak references to its tasks.
_running: set[asyncio.Future[Any]] = set()


async def off_gui_thread(work: Callable[..., T], *args: Any) -> T:
    """`work(*args)` on the executor; its result (or its exception) back here, on the GUI thread."""
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(work, *args))


def _log_failure(exc: Exception) -> None:
    log.error("Background work failed", exc_info=exc)


@dataclass
class BackgroundOp(Generic[T]):
    """One piece of blocking work, run off the GUI thread, and what to do with its outcome."""

    work: Callable[[], T]
    on_success: Callable[[T], None] | None = None
    on_failure: Callable[[Exception], None] = _log_failure  # nothing fails unseen
    parent: QObject | None = None  # deleted meanwhile: the outcome is dropped

    def run(self) -> asyncio.Future[None]:
        """Start the work (GUI thread); the handlers follow on the GUI thread."""
        task = asyncio.ensure_future(self._run())
        _running.add(task)
        task.add_done_callback(_running.discard)
        return task

    def _wanted(self) -> bool:
        return self.parent is None or shiboken6.isValid(self.parent)

    async def _run(self) -> None:
        try:
            result = await off_gui_thread(self.work)
        except Exception as exc:  # noqa: BLE001 - handed to on_failure, never lost
            if self._wanted():
                self.on_failure(exc)
            return
        if self._wanted() and self.on_success is not None:
            self.on_success(result)

"""The one bridge between the GUI and the sync engine: a run on a worker thread, reported by signals.

Thread rules (DESIGN.md, Threads):
- `SyncRunner` lives on the GUI thread. Call start(), cancel(), stop_and_wait() and read `running`
  from the GUI thread only; its signals are delivered on the GUI thread.
- `_SyncWorker` is moved to a fresh QThread for each run. It calls
  plx_desktop.sync.service.run_sync there; run_sync opens its own database connection (it only
  receives the data dir), so no connection crosses threads. The engine's SyncEvents callbacks run
  on the worker thread and only emit signals; every connection to the GUI is queued.
- Cancel is cooperative: the engine checks the CancelToken between batches and returns a
  RunSummary with status "stopped".
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

QUEUED = Qt.ConnectionType.QueuedConnection


def _engine() -> Any:
    # Imported when a run starts, so the window can open (and say why) even if the engine fails to import.
    from plx_desktop.sync import service

    return service


class _QtEvents:
    """The engine's SyncEvents, turned into signal emissions (called on the worker thread)."""

    def __init__(self, worker: _SyncWorker):
        self._worker = worker

    def progress(self, p: Any) -> None:
        self._worker.progress.emit(p)

    def log_entries(self, entries: list) -> None:
        self._worker.log_entries.emit(list(entries))

    def api_usage(self, used: int, limit: int) -> None:
        self._worker.api_usage.emit(int(used), int(limit))


class _SyncWorker(QObject):
    """Runs one sync on its thread. Created on the GUI thread, then moved to the worker thread."""

    progress = Signal(object)        # service.Progress
    log_entries = Signal(list)       # the store's log-entry records
    api_usage = Signal(int, int)     # used, limit (Sforce-Limit-Info)
    finished = Signal(object)        # service.RunSummary
    failed = Signal(str)             # one line for the admin
    done = Signal()                  # after finished or failed: the thread may quit

    def __init__(self, data_dir: Path, connections: Any, profile: str | None, dry_run: bool,
                 run_sync: Callable[..., Any] | None, steps: list[str] | None = None):
        super().__init__()
        self._data_dir = data_dir
        self._connections = connections
        self._profile = profile
        self._dry_run = dry_run
        self._steps = steps
        self._run_sync = run_sync
        service = _engine() if run_sync is None else None
        self.cancel_token = service.CancelToken() if service else _PlainCancelToken()

    @Slot()
    def run(self) -> None:
        try:
            run_sync = self._run_sync or _engine().run_sync
            options = {"steps": self._steps} if self._steps is not None else {}
            summary = run_sync(self._data_dir, self._connections, profile=self._profile,
                               events=_QtEvents(self), cancel=self.cancel_token,
                               dry_run=self._dry_run, **options)
        except Exception as exc:  # noqa: BLE001 - every failure must reach the admin, not vanish
            traceback.print_exc()
            self.failed.emit(str(exc) or exc.__class__.__name__)
        else:
            self.finished.emit(summary)
        finally:
            self.done.emit()


class _PlainCancelToken:
    """Used only when a caller supplies its own run function (the engine's token otherwise)."""

    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class SyncRunner(QObject):
    """Starts sync runs on a worker thread, one at a time, and re-emits what they report."""

    started = Signal()
    progress = Signal(object)
    log_entries = Signal(list)
    api_usage = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)
    stopped = Signal()  # the worker thread has ended (after finished or failed)

    def __init__(self, data_dir: Path, parent: QObject | None = None,
                 run_sync: Callable[..., Any] | None = None):
        super().__init__(parent)
        self._data_dir = data_dir
        self._run_sync = run_sync
        self._thread: QThread | None = None
        self._worker: _SyncWorker | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def cancelling(self) -> bool:
        return self._worker is not None and bool(self._worker.cancel_token.cancelled)

    def start(self, connections: Any, profile: str | None = None, dry_run: bool = False,
              steps: list[str] | None = None) -> bool:
        """Start a run (a preview with dry_run; only the steps with these uids with `steps`);
        False (and nothing happens) when one is already running."""
        if self.running:
            return False
        worker = _SyncWorker(self._data_dir, connections, profile, dry_run, self._run_sync, steps)
        thread = QThread()
        thread.setObjectName("sync-worker")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self.progress, QUEUED)
        worker.log_entries.connect(self.log_entries, QUEUED)
        worker.api_usage.connect(self.api_usage, QUEUED)
        worker.finished.connect(self.finished, QUEUED)
        worker.failed.connect(self.failed, QUEUED)
        # Direct: quit() is thread-safe, and a queued call would wait for the GUI thread, which
        # may itself be blocked in stop_and_wait() (closing the window): a deadlock.
        worker.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        thread.finished.connect(self._on_thread_finished, QUEUED)
        self._thread, self._worker = thread, worker
        thread.start()
        self.started.emit()
        return True

    def cancel(self) -> None:
        """Ask the running sync to stop at its next safe point (it finishes with "stopped")."""
        if self._worker is not None:
            self._worker.cancel_token.cancel()

    def stop_and_wait(self, timeout_ms: int = 30_000) -> bool:
        """Cancel and block until the worker thread has ended (for closing the window).

        Returns False if the engine did not stop in time; the thread is then left to finish on
        its own rather than killed, because killing it could leave a half-written batch.
        """
        thread = self._thread
        if thread is None:
            return True
        self.cancel()
        ended = thread.wait(timeout_ms)
        if ended:
            self._on_thread_finished()
        return ended

    @Slot()
    def _on_thread_finished(self) -> None:
        thread, worker = self._thread, self._worker
        if thread is None or thread.isRunning():
            return
        self._thread = self._worker = None
        if worker is not None:
            worker.deleteLater()
        thread.deleteLater()
        self.stopped.emit()

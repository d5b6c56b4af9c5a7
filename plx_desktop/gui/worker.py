"""The one bridge between the GUI and the sync engine: a run in a child process, reported by signals.

Thread and process rules (docs/ARCHITECTURE.md, Processes and threads; docs/PERFORMANCE.md):
- `SyncRunner` lives on the GUI thread. Call start(), cancel(), stop_and_wait() and read `running`
  from the GUI thread only; its signals are delivered on the GUI thread.
- `_SyncWorker` is moved to a fresh QThread for each run. There it starts a child process
  (plx_desktop.gui.sync_process) that calls plx_desktop.sync.service.run_sync, and relays what
  the child sends as signals; every connection to the GUI is queued. The engine's Python never
  runs in the GUI process, so the window never waits for the engine's GIL. run_sync opens its own
  database connection (it only receives the data dir), so no connection crosses processes.
- Cancel is cooperative: a message on a pipe (the reason, for the log) that a watcher thread in
  the child turns into the engine's CancelToken; the engine checks it between batches and
  returns a RunSummary with status "stopped". Closing the window uses stop_soon(): it never blocks the GUI thread, and a
  child that has not stopped within a second and a half is terminated; the bridge then closes
  the run's record itself, with the reason, and reports `finished` with status "stopped".
- One path: every run, the tests' too, is a real child process. What it may be given is plain
  and picklable: the connections, the profile, the steps, the retry policy (tests pass a fast
  one, connectors.retry.NO_WAIT, instead of waiting out real backoff).
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from plx_desktop.connectors.retry import RetryPolicy
from plx_desktop.gui import sync_process
from plx_desktop.logfile import DETAILS, short

QUEUED = Qt.ConnectionType.QueuedConnection

# "spawn" everywhere: forking a process that runs Qt threads is unsafe, and it is what Windows
# and macOS use anyway (PyInstaller bundles: multiprocessing.freeze_support() in __main__).
_SPAWN = multiprocessing.get_context("spawn")
# After its last message, how long the child may take to exit before it is made to.
_EXIT_GRACE_SECONDS = 10.0
# Closing the window: how long a cancelled child gets after terminate() before kill().
_TERMINATE_GRACE_MS = 5_000
# stop_soon(): how long a cancelled run may take to reach its next safe point before it is ended
# (a batch in flight on a slow network can take far longer; the admin is waiting to quit).
STOP_GRACE_MS = 1_500


class _SyncWorker(QObject):
    """Runs one sync from its thread. Created on the GUI thread, then moved to the worker thread."""

    progress = Signal(object)        # service.Progress
    # object, not list: a list would be converted at every emit, holding the GIL
    log_entries = Signal(object)     # the store's log-entry records (a list)
    api_usage = Signal(int, int)     # used, limit (Sforce-Limit-Info)
    finished = Signal(object)        # service.RunSummary
    failed = Signal(str)             # one line for the admin
    done = Signal()                  # after finished or failed: the thread may quit

    def __init__(self, data_dir: Path, connections: Any, options: dict[str, Any]):
        super().__init__()
        self._data_dir = data_dir
        self._connections = connections
        self._options = options  # run_sync's keyword arguments: plain, picklable values
        self._process: Any = None  # the child, while it runs (set on the worker thread)
        self._run_id = 0  # the run's record, once the child reported progress
        self._ended_because: str | None = None  # set by terminate_child(reason)
        self.cancel_token = _ProcessCancelToken()

    @Slot()
    def run(self) -> None:
        try:
            self._run_in_child()
        except Exception as exc:  # noqa: BLE001 - every failure must reach the admin, not vanish
            logging.getLogger(__name__).exception("The sync bridge failed")
            self.failed.emit(f"An unexpected error stopped the run ({short(exc)}); {DETAILS}")
        finally:
            self.done.emit()

    def _run_in_child(self) -> None:
        # A pipe, not a Queue: once the child is gone (and our copy of the writing end is
        # closed) reading it ends with EOFError instead of waiting forever.
        reader, writer = _SPAWN.Pipe(duplex=False)
        try:
            process = _SPAWN.Process(
                target=sync_process.run_in_child, name="plx-sync", daemon=True,
                args=(writer, self.cancel_token.receiver, self._data_dir, self._connections,
                      self._options))
            self._process = process  # first: stop_and_wait may terminate it from now on
            try:
                process.start()
            finally:
                writer.close()
                self.cancel_token.receiver.close()  # the child has its own copy now
            try:
                if not self._relay(reader):
                    self._report_death(process)
            finally:
                _end(process, _EXIT_GRACE_SECONDS)
        finally:
            self._process = None
            reader.close()
            self.cancel_token.close()

    def _relay(self, reader: Any) -> bool:
        """Re-emit the child's messages until its last one; False if it died before sending it."""
        while True:
            try:
                message = reader.recv()
            except (EOFError, OSError):
                return False
            kind = message[0]
            if kind == sync_process.PROGRESS:
                self._run_id = getattr(message[1], "run_id", 0) or self._run_id
                self.progress.emit(message[1])
            elif kind == sync_process.LOG_ENTRIES:
                self.log_entries.emit(message[1])
            elif kind == sync_process.API_USAGE:
                self.api_usage.emit(message[1], message[2])
            elif kind == sync_process.FINISHED:
                self.finished.emit(message[1])
                return True
            elif kind == sync_process.FAILED:
                self.failed.emit(message[1])
                return True

    def _report_death(self, process: Any) -> None:
        """The child ended without its last message: ended by us after a stop request (close
        its run's record, as the child could not), or dead of its own accord (say how)."""
        reason = self._ended_because
        if reason is None:
            self.failed.emit(_death_reason(process))
            return
        process.join(_EXIT_GRACE_SECONDS)
        from plx_desktop.sync.service import RunSummary

        run_id = close_cut_off_run(self._data_dir, self._run_id, reason)
        self.finished.emit(RunSummary(run_id, "stopped", [], reason, None))

    def terminate_child(self, reason: str | None = None) -> None:
        """Make a child that ignored the cancel go away (thread-safe: it only sends a signal).
        With `reason`, the run is reported as stopped for it, not as a crash."""
        if reason is not None:
            self._ended_because = reason
        process = self._process
        if process is not None:
            try:
                process.terminate()
            except (AttributeError, ValueError, OSError):
                pass  # not started yet (it then sees the cancel at once), or already gone


def _end(process: Any, grace: float) -> None:
    """Wait for the child to exit; terminate it, then kill it, if it does not."""
    process.join(grace)
    if process.exitcode is None:
        process.terminate()
        process.join(_TERMINATE_GRACE_MS / 1000)
    if process.exitcode is None:
        process.kill()
        process.join()


def close_cut_off_run(data_dir: Path, run_id: int, reason: str) -> int:
    """Close the record of a run whose process was ended (the newest running one when its id
    never arrived), with the reason in the Log, as the engine would have; its id (0: none)."""
    from plx_desktop.paths import database_path
    from plx_desktop.store import LogEntry, open_store

    with open_store(database_path(data_dir)) as store:
        if not run_id:
            newest = store.log.runs(limit=1)
            run_id = newest[0].id if newest and newest[0].status == "running" else 0
        run = store.log.run(run_id) if run_id else None
        if run is not None and run.status == "running":  # the child may have closed it itself
            store.log.append_many([LogEntry(outcome="skipped", error_code="CANCELLED",
                                            run_id=run_id,
                                            message=f"The run stopped: {reason}")])
            store.log.finish_run(run_id, "stopped", {}, reason)
    return run_id


def _death_reason(process: Any) -> str:
    """One line for the admin about a child that ended without a summary."""
    process.join(_EXIT_GRACE_SECONDS)
    code = process.exitcode
    if code is not None and code < 0:
        return f"The sync process was stopped (signal {-code}) before it could finish."
    return (f"The sync process ended unexpectedly (exit code {code}); "
            "the next run picks up where this one stopped.")


class _ProcessCancelToken:
    """Cancellation that crosses into the child process: one message on a pipe.

    Sending never blocks (a few bytes, and a child that is gone only makes it fail), unlike
    multiprocessing.Event.set(), which waits for ever on a waiter whose process has exited.
    """

    def __init__(self) -> None:
        self.receiver, self._sender = _SPAWN.Pipe(duplex=False)
        self.cancelled = False
        self._lock = threading.Lock()  # cancel() on the GUI thread, close() on the worker's

    def cancel(self, reason: str | None = None) -> None:
        with self._lock:
            if self.cancelled:
                return
            self.cancelled = True
            try:
                self._sender.send_bytes((reason or "Stopped by the user").encode("utf-8"))
            except OSError:
                pass  # the child has ended (or the run is over): nothing left to stop

    def close(self) -> None:
        """After the run: the child is gone; closing the sending end earlier would cancel it."""
        with self._lock:
            self.receiver.close()
            self._sender.close()


class SyncRunner(QObject):
    """Starts sync runs in a child process (watched from a worker thread), one at a time, and
    re-emits what they report."""

    started = Signal()
    progress = Signal(object)
    log_entries = Signal(object)  # a list of the store's log entries
    api_usage = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)
    stopped = Signal()  # the worker thread has ended (after finished or failed)

    def __init__(self, data_dir: Path, parent: QObject | None = None,
                 retry: RetryPolicy | None = None):
        """`retry`: how the run's clients retry a busy service (None: the engine's default)."""
        super().__init__(parent)
        self._data_dir = data_dir
        self._retry = retry
        self._thread: QThread | None = None
        self._worker: _SyncWorker | None = None
        self._reported_end = False
        self.finished.connect(self._mark_reported)
        self.failed.connect(self._mark_reported)

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def finishing(self) -> bool:
        """The run has reported its end (finished or failed); only its thread is still ending."""
        return self._thread is not None and self._reported_end

    @property
    def child_pid(self) -> int | None:
        """The running sync's process id, once its child has started (None otherwise)."""
        process = self._worker._process if self._worker is not None else None
        return getattr(process, "pid", None)

    @property
    def cancelling(self) -> bool:
        return self._worker is not None and bool(self._worker.cancel_token.cancelled)

    def start(self, connections: Any, profile: str | None = None, dry_run: bool = False,
              steps: list[str] | None = None) -> bool:
        """Start a run (a preview with dry_run; only the steps with these uids with `steps`);
        False (and nothing happens) when one is already running."""
        if self.running:
            return False
        options: dict[str, Any] = {"profile": profile, "dry_run": dry_run, "retry": self._retry}
        if steps is not None:
            options["steps"] = steps
        worker = _SyncWorker(self._data_dir, connections, options)
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
        self._reported_end = False
        thread.start()
        self.started.emit()
        return True

    def cancel(self, reason: str | None = None) -> None:
        """Ask the running sync to stop at its next safe point (it finishes with "stopped", and
        the Log says `reason`, by default "Stopped by the user")."""
        if self._worker is not None:
            self._worker.cancel_token.cancel(reason)

    def stop_soon(self, reason: str, grace_ms: int = STOP_GRACE_MS) -> None:
        """Cancel, and end the child if it has not stopped within grace_ms; never blocks.

        `finished` (status "stopped", with `reason`) and then `stopped` follow, on the GUI
        thread. For closing the window: a run ended at any moment loses nothing and duplicates
        nothing on the next run (docs/ARCHITECTURE.md, one sync run, step 4).
        """
        worker = self._worker
        if worker is None:
            return
        self.cancel(reason)
        QTimer.singleShot(grace_ms, self, lambda: self._end_if_still(worker, reason))

    def _end_if_still(self, worker: _SyncWorker, reason: str) -> None:
        if self._worker is worker:
            worker.terminate_child(reason)

    def stop_and_wait(self, timeout_ms: int = 30_000) -> bool:
        """Cancel and block until the worker thread has ended (for closing the window).

        A child process that has not stopped within timeout_ms is terminated: the engine commits
        each batch in one transaction, so a run ended at any moment loses nothing and duplicates
        nothing on the next run (docs/ARCHITECTURE.md, one sync run, step 4). Returns False only
        if the thread still did not end.
        """
        thread, worker = self._thread, self._worker
        if thread is None:
            return True
        self.cancel()
        ended = thread.wait(timeout_ms)
        if not ended and worker is not None:
            worker.terminate_child()
            ended = thread.wait(2 * _TERMINATE_GRACE_MS)
        if ended:
            self._on_thread_finished()
        return ended

    def _mark_reported(self, *_: Any) -> None:
        self._reported_end = True

    @Slot()
    def _on_thread_finished(self) -> None:
        thread, worker = self._thread, self._worker
        if thread is None or thread.isRunning():
            return
        # `finished` comes from the thread just before it ends, and isRunning() is False by
        # then, while the thread still delivers its last deferred deletes. A deleteLater() posted
        # into that window raced the wrapper's own delete on this thread: a segfault with no
        # Python frame (CI, test_scheduler). So: let the thread end first (wait() returns as
        # soon as it has), then drop both; Python owns them and deletes them here, with no
        # thread left that could touch them.
        thread.wait()
        self._thread = self._worker = None
        del thread, worker
        self.stopped.emit()

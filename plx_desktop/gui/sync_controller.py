"""Ties the run controls, the scheduler, the worker bridge and the status bar together.

A run gets what the cards show (ConnectionState.connections(): no keyring read here; the sync's
child re-reads the saved login itself). GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDateTime, QLocale, QObject, Signal

from plx_desktop.gui.connection_state import ConnectionState
from plx_desktop.gui.run_controls import RunControls, SyncStatusBar
from plx_desktop.gui.scheduler import SyncScheduler
from plx_desktop.gui.worker import SyncRunner


def _time(when: QDateTime) -> str:
    return QLocale().toString(when.time(), QLocale.FormatType.ShortFormat)


def summary_text(summary: Any) -> str:
    steps = list(getattr(summary, "steps", []) or [])
    totals = {name: sum(getattr(s, name, 0) for s in steps)
              for name in ("created", "updated", "skipped", "failed")}
    counts = ", ".join(f"{n:,} {name}" for name, n in totals.items())
    return counts


class SyncController(QObject):
    """Signals: run_finished(RunSummary) and run_failed(str), after the status bar was updated."""

    run_finished = Signal(object)
    run_failed = Signal(str)

    def __init__(self, runner: SyncRunner, scheduler: SyncScheduler, controls: RunControls,
                 status: SyncStatusBar, state: ConnectionState, profile_kind: Callable[[], str],
                 parent: QObject | None = None,
                 connections: Callable[[ConnectionState], Any] = ConnectionState.connections):
        super().__init__(parent)
        self.runner, self.scheduler, self.controls, self.status = runner, scheduler, controls, status
        self.state = state
        self._profile_kind = profile_kind
        self._connections = connections
        self._blocked: str | None = None
        controls.run_now_requested.connect(self.run_now)
        controls.stop_requested.connect(self.stop)
        controls.interval_changed.connect(scheduler.set_interval)
        controls.pause_toggled.connect(self._on_pause)
        scheduler.due.connect(self.run_now)
        scheduler.changed.connect(self._show_next_run)
        runner.started.connect(self._on_started)
        runner.progress.connect(self._on_progress)
        runner.api_usage.connect(status.show_api_usage)
        runner.finished.connect(self._on_finished)
        runner.failed.connect(self._on_failed)
        runner.stopped.connect(self._on_stopped)
        # An expired, revoked or refused login (AUTH), or no API access (ACCESS): said once, on
        # the card and in the run's log, and the timer waits until the admin acts (Reconnect,
        # or Run now after fixing it in Salesforce).
        self._waiting_for_admin = False
        state.changed.connect(self._on_connections_changed)
        self._on_connections_changed()

    def run_now(self) -> bool:
        """Start a sync of the active profile now; False when one is running or cannot start."""
        if self.runner.running or self._blocked:
            return False
        missing = self.state.missing()
        if missing:
            self.status.show_state(missing)
            return False
        try:
            connections = self._connections(self.state)
        except Exception as exc:  # noqa: BLE001 - the admin must see why nothing started
            self._on_failed(f"Cannot start the sync: {exc}")
            self.scheduler.run_ended()  # try again an interval from now, not in a loop
            return False
        return self.runner.start(connections, profile=self._profile_kind())

    def set_blocked(self, reason: str | None) -> None:
        """While `reason` is given (a preview is running), no sync starts, by hand or by the
        timer; None lifts it, and a run that fell due meanwhile starts at once."""
        self._blocked = reason
        if reason:
            self.scheduler.hold()
            self.controls.set_can_run(False, reason)
        else:
            self._on_connections_changed()
            self.scheduler.release()

    def stop(self) -> None:
        if self.runner.running:
            self.runner.cancel()
            self.status.show_state("Stopping…")

    def _on_pause(self, paused: bool) -> None:
        self.scheduler.set_paused(paused)
        if not self.runner.running:
            self.status.show_state("Paused" if paused else "Idle")

    def _on_connections_changed(self) -> None:
        if self._waiting_for_admin and not self.state.salesforce_problem:
            self._waiting_for_admin = False  # reconnected: the timer may run again
            if not self.runner.running and not self._blocked:
                self.scheduler.release()
        self.scheduler.set_active(self.state.complete)
        if self._blocked:
            self.scheduler.hold()  # re-armed when the block lifts
            return
        self.controls.set_can_run(self.state.complete, self.state.missing())

    def _show_next_run(self) -> None:
        self.status.show_next_run(self.scheduler.next_run, self.scheduler.paused)

    def _on_started(self) -> None:
        self.scheduler.hold()
        self.controls.set_running(True)
        self.status.show_state("Running")
        self.status.show_progress("Starting", 0, None)

    def _on_progress(self, progress: Any) -> None:
        self.status.show_progress(progress.step_label, progress.done, progress.total,
                                  progress.message)

    def _on_finished(self, summary: Any) -> None:
        now = _time(QDateTime.currentDateTime())
        words = {"completed": "Completed", "stopped": "Stopped", "failed": "Failed"}
        state = words.get(summary.status, str(summary.status).capitalize())
        self.status.show_state(f"{state} at {now}")
        reason = f" — {summary.reason}" if getattr(summary, "reason", None) else ""
        self.status.clear_progress(summary_text(summary) + reason)
        if getattr(summary, "api_usage", None):
            self.status.show_api_usage(*summary.api_usage)
        code = getattr(summary, "code", "")
        if code in ("AUTH", "ACCESS") and self.state.salesforce is not None:
            self._waiting_for_admin = True
            self.state.set_salesforce_problem(summary.reason or "", code)
        elif summary.status == "completed" and self.state.salesforce_problem:
            self.state.set_salesforce_problem("")
        self.run_finished.emit(summary)

    def _on_failed(self, message: str) -> None:
        self.status.show_state(f"Failed at {_time(QDateTime.currentDateTime())}")
        self.status.clear_progress(message)
        self.run_failed.emit(message)

    def _on_stopped(self) -> None:
        self.controls.set_running(False)
        self.scheduler.run_ended()
        if self._waiting_for_admin:
            self.scheduler.hold()

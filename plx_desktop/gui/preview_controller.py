"""Preview (dry run) in the app: starts it on its own worker, keeps it and the sync apart, and opens
the Preview window with the result. GUI thread only.

A preview and a sync never overlap: Preview is unavailable while a sync runs, and no sync starts
(by hand or by the timer) while a preview runs. The preview reads the profile as saved in the
store, which is why the step settings dialog asks to save first.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

from plx_desktop.connectors.retry import RetryPolicy
from plx_desktop.gui.connection_state import ConnectionState
from plx_desktop.gui.dialog_sizes import fit_and_remember
from plx_desktop.gui.preview_dialog import PreviewDialog
from plx_desktop.gui.sync_controller import SyncController
from plx_desktop.gui.worker import SyncRunner

SYNC_RUNNING = "A sync is running; preview when it has ended."
PREVIEW_RUNNING = "A preview is running; the sync starts when it has ended."


class PreviewController(QObject):
    """Signals: availability_changed(available, why_not); opened(PreviewDialog) once a preview's
    window is shown; failed(str) when the preview could not run at all."""

    availability_changed = Signal(bool, str)
    opened = Signal(object)
    failed = Signal(str)

    def __init__(self, data_dir: Path, sync: SyncController, state: ConnectionState,
                 profile_kind: Callable[[], str], status_bar: QStatusBar, window: QWidget,
                 connections: Callable[[ConnectionState], Any] | None = None,
                 retry: RetryPolicy | None = None):
        super().__init__(window)
        self.sync, self.state, self.window, self.status_bar = sync, state, window, status_bar
        self._profile_kind = profile_kind
        self._connections = connections or ConnectionState.connections
        self.runner = SyncRunner(data_dir, self, retry=retry)
        self._scope = ""
        self._parent: QWidget | None = None
        self.dialog: PreviewDialog | None = None
        self.runner.started.connect(lambda: self.sync.set_blocked(PREVIEW_RUNNING))
        self.runner.progress.connect(self._on_progress)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.stopped.connect(self._on_stopped)
        sync.runner.started.connect(self._announce)
        sync.runner.stopped.connect(self._announce)
        state.changed.connect(self._announce)

    # -- availability -------------------------------------------------------------------------

    def why_not(self) -> str:
        """Why Preview cannot start now ("" when it can)."""
        if self.sync.runner.running:
            return SYNC_RUNNING
        if self.runner.running:
            return "A preview is running."
        return self.state.missing()

    @property
    def available(self) -> bool:
        return not self.why_not()

    def _announce(self, *_: Any) -> None:
        why = self.why_not()
        self.availability_changed.emit(not why, why)

    # -- running ------------------------------------------------------------------------------

    def preview(self, steps: list[str] | None = None, scope: str = "",
                parent: QWidget | None = None) -> bool:
        """Preview the active profile (or only these steps); the window opens when it is done,
        over `parent` (the main window unless given). False when it cannot start now."""
        why = self.why_not()
        if why:
            self.status_bar.showMessage(why, 10_000)
            return False
        try:
            connections = self._connections(self.state)
        except Exception as exc:  # noqa: BLE001 - the admin must see why nothing started
            self._on_failed(f"Cannot start the preview: {exc}")
            return False
        kind = self._profile_kind()
        self._scope = scope or f"the {kind.capitalize()} profile"
        self._parent = parent
        started = self.runner.start(connections, profile=kind, dry_run=True, steps=steps)
        if started:
            self.status_bar.showMessage(f"Previewing {self._scope}… (nothing is written)")
            self._announce()
        return started

    def _on_progress(self, progress: Any) -> None:
        self.status_bar.showMessage(f"Previewing {progress.step_label}: {progress.done:,} read… "
                                    "(nothing is written)")

    def _on_finished(self, summary: Any) -> None:
        self.status_bar.showMessage(f"Preview of {self._scope} ready", 10_000)
        parent = self._parent if self._parent is not None and self._parent.isVisible() \
            else self.window
        dialog = PreviewDialog(summary, self._scope, parent)
        fit_and_remember(dialog, "preview", QSize(1000, 680))  # within the screen; remembered
        dialog.open()
        self.dialog = dialog
        self.opened.emit(dialog)

    def _on_failed(self, message: str) -> None:
        self.status_bar.showMessage(f"Preview failed: {message}", 10_000)
        box = QMessageBox(QMessageBox.Icon.Warning, "Preview", f"The preview could not run: "
                          f"{message}", QMessageBox.StandardButton.Ok, self.window)
        box.open()
        self.failed.emit(message)

    def _on_stopped(self) -> None:
        self.sync.set_blocked(None)
        self._announce()

    def stop_and_wait(self) -> None:
        """For closing the window: a preview writes nothing, so stopping it loses nothing."""
        if self.runner.running:
            self.runner.stop_and_wait(1_000)  # then its child is ended: the window never hangs

"""When the next automatic sync starts: a single-shot timer re-armed after each run, pausable."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QObject, QTimer, Signal

from plx_desktop.gui.run_controls import DEFAULT_INTERVAL_S, MIN_INTERVAL_S


class SyncScheduler(QObject):
    """Emits `due` every `interval` seconds counted from the end of the previous run.

    Counting from the end (not a fixed rhythm) means a slow run never queues up another one.
    GUI thread only.
    """

    due = Signal()
    changed = Signal()  # next_run or paused changed

    def __init__(self, parent: QObject | None = None, interval_s: int = DEFAULT_INTERVAL_S):
        super().__init__(parent)
        self._interval_s = max(MIN_INTERVAL_S, interval_s)
        self._paused = False
        self._active = False
        self._next_run: QDateTime | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)

    @property
    def interval_s(self) -> int:
        return self._interval_s

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def next_run(self) -> QDateTime | None:
        return self._next_run

    def set_active(self, active: bool) -> None:
        """Active when both services are connected; inactive stops the timer."""
        self._active = active
        self.arm()

    def set_interval(self, seconds: int) -> None:
        self._interval_s = max(MIN_INTERVAL_S, int(seconds))
        self.arm()

    def set_paused(self, paused: bool) -> None:
        self._paused = paused
        self.arm()

    def hold(self) -> None:
        """A run is going: no timer until it ends (then call arm())."""
        self._timer.stop()
        self._next_run = None
        self.changed.emit()

    def arm(self) -> None:
        """Start counting the interval from now (or stop, when paused or inactive)."""
        self._timer.stop()
        if self._active and not self._paused:
            self._timer.start(self._interval_s * 1000)
            self._next_run = QDateTime.currentDateTime().addSecs(self._interval_s)
        else:
            self._next_run = None
        self.changed.emit()

    def _on_timeout(self) -> None:
        self._next_run = None
        self.due.emit()

"""When the next automatic sync starts: a deadline counted from the end of the last run, pausable.

The article: "The system automatically begins integration" once both accounts are connected. So a
scheduler that has never seen a run is due at once, and one that starts after a long pause (the
app was closed past the interval) is overdue and runs at once too. The deadline is a point in
time, not a countdown: nothing but the end of a run (and a new interval) moves it, so editing the
profile, previewing or reconnecting never postpones a due run.
"""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QObject, QTimer, Signal

from plx_desktop.gui.run_controls import DEFAULT_INTERVAL_S, MIN_INTERVAL_S


class SyncScheduler(QObject):
    """Emits `due` `interval` seconds after the end of the previous run (at once if none ran).

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
        self._held = False
        self._last_end: QDateTime | None = None  # None: no run yet, so the first one is due now
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
        """When the timer fires (None: paused, inactive or a run is going)."""
        return self._next_run

    def due_at(self) -> QDateTime:
        """When the next run is due, whether or not the timer is running."""
        if self._last_end is None:
            return QDateTime.currentDateTime()
        return self._last_end.addSecs(self._interval_s)

    def set_last_run_end(self, when: QDateTime | None) -> None:
        """The end of the previous run (from the store at start; None: never ran)."""
        self._last_end = when
        self.arm()

    def set_active(self, active: bool) -> None:
        """Active when both services are connected; inactive stops the timer."""
        if active == self._active:
            return  # a card that re-describes itself must not touch the deadline
        self._active = active
        self.arm()

    def set_interval(self, seconds: int) -> None:
        self._interval_s = max(MIN_INTERVAL_S, int(seconds))
        self.arm()

    def set_paused(self, paused: bool) -> None:
        self._paused = paused
        self.arm()

    def hold(self) -> None:
        """A run (or a preview) is going: no timer until release() or run_ended()."""
        self._held = True
        self._timer.stop()
        self._next_run = None
        self.changed.emit()

    def release(self) -> None:
        """The hold is over without a sync run (a preview ended): the old deadline stands."""
        self._held = False
        self.arm()

    def run_ended(self) -> None:
        """A sync run ended: the next one is due an interval from now."""
        self._held = False
        self._last_end = QDateTime.currentDateTime()
        self.arm()

    def arm(self) -> None:
        """Set the timer for the deadline (at once when overdue), or stop it when paused,
        inactive or held."""
        self._timer.stop()
        if self._active and not self._paused and not self._held:
            due = self.due_at()
            wait_ms = max(0, QDateTime.currentDateTime().msecsTo(due))
            self._timer.start(wait_ms)
            self._next_run = due if wait_ms else QDateTime.currentDateTime()
        else:
            self._next_run = None
        self.changed.emit()

    def _on_timeout(self) -> None:
        self._next_run = None
        self.due.emit()

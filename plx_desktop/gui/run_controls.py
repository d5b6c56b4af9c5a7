"""Run now, the poll interval and Pause / Resume, and the status bar that reports on the sync."""

from __future__ import annotations

import re

from PySide6.QtCore import QDateTime, QLocale, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStatusBar,
    QWidget,
)

from plx_desktop.gui.resources import icon

DEFAULT_INTERVAL_S = 5 * 60
MIN_INTERVAL_S = 30
MAX_INTERVAL_S = 24 * 60 * 60


def describe_interval(seconds: int) -> str:
    """300 -> '5 min', 90 -> '1 min 30 s', 3600 -> '1 h'."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else "",
             f"{secs} s" if secs else ""]
    return " ".join(p for p in parts if p) or "0 s"


class IntervalSpinBox(QSpinBox):
    """Seconds between polls, shown and typed as '5 min', '1 min 30 s' or a plain number of seconds."""

    _PART = re.compile(r"(\d+)\s*(h|min|m|s)?", re.IGNORECASE)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setRange(MIN_INTERVAL_S, MAX_INTERVAL_S)
        self.setSingleStep(30)
        self.setValue(DEFAULT_INTERVAL_S)
        self.setAccelerated(True)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("10 min 30 s") + 40)
        self.setCorrectionMode(QSpinBox.CorrectionMode.CorrectToNearestValue)

    def textFromValue(self, value: int) -> str:  # noqa: N802 - Qt override
        return describe_interval(value)

    def valueFromText(self, text: str) -> int:  # noqa: N802 - Qt override
        total = 0
        for number, unit in self._PART.findall(text):
            factor = {"h": 3600, "min": 60, "m": 60}.get(unit.lower(), 1)
            total += int(number) * factor
        return total

    def validate(self, text: str, pos: int):  # noqa: ANN201 - Qt override
        from PySide6.QtGui import QValidator

        stripped = text.strip()
        if not stripped:
            return QValidator.State.Intermediate, text, pos
        if re.fullmatch(r"(\d+\s*(h|min|m|s)?\s*)+", stripped, re.IGNORECASE) or \
                re.fullmatch(r"[\d\shmins]*", stripped, re.IGNORECASE):
            value = self.valueFromText(stripped)
            state = (QValidator.State.Acceptable if self.minimum() <= value <= self.maximum()
                     else QValidator.State.Intermediate)
            return state, text, pos
        return QValidator.State.Invalid, text, pos


class RunControls(QWidget):
    """The row under the tabs: Run now (Stop while a run is going), Sync every …, Pause / Resume."""

    run_now_requested = Signal()
    stop_requested = Signal()
    interval_changed = Signal(int)
    pause_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._running = False
        # No mnemonic: the button's one shortcut is F5 (a mnemonic would be replaced by it).
        self.run_button = QPushButton("Run now")
        self.run_button.setObjectName("runNowButton")
        self.run_button.setIcon(icon("run"))
        self.run_button.setShortcut(QKeySequence("F5"))
        self.run_button.setToolTip("Sync now with the current profile (F5)")
        self.run_button.clicked.connect(self._on_run_clicked)

        self.interval_label = QLabel("Sync &every")
        self.interval = IntervalSpinBox()
        self.interval.setObjectName("pollInterval")
        self.interval.setToolTip("How often to sync automatically (at least 30 seconds; "
                                 "default 5 minutes)")
        self.interval.setAccessibleName("Poll interval")
        self.interval_label.setBuddy(self.interval)
        self.interval.valueChanged.connect(self.interval_changed)

        self.pause_button = QPushButton()
        self.pause_button.setObjectName("pauseButton")
        self.pause_button.setCheckable(True)
        self.pause_button.toggled.connect(self._on_pause_toggled)
        self._show_paused(False)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.run_button)
        layout.addSpacing(12)
        layout.addWidget(self.interval_label)
        layout.addWidget(self.interval)
        layout.addWidget(self.pause_button)
        layout.addStretch(1)

    def _on_run_clicked(self) -> None:
        (self.stop_requested if self._running else self.run_now_requested).emit()

    def _on_pause_toggled(self, paused: bool) -> None:
        self._show_paused(paused)
        self.pause_toggled.emit(paused)

    def _show_paused(self, paused: bool) -> None:
        # Alt+U for both: Alt+P belongs to "Integration profile", Alt+R to "Retry selected".
        self.pause_button.setText("Res&ume" if paused else "Pa&use")
        self.pause_button.setIcon(icon("run" if paused else "pause"))
        self.pause_button.setToolTip("Start syncing automatically again" if paused else
                                     "Stop syncing automatically (Run now still works)")

    def set_running(self, running: bool) -> None:
        """While a run is going, Run now becomes Stop."""
        self._running = running
        self.run_button.setText("Stop" if running else "Run now")
        self.run_button.setIcon(icon("stop" if running else "run"))
        self.run_button.setShortcut(QKeySequence("F5"))
        self.run_button.setToolTip("Stop the running sync at the next safe point (F5)" if running
                                   else "Sync now with the current profile (F5)")

    def set_can_run(self, can_run: bool, why_not: str = "") -> None:
        self.run_button.setEnabled(can_run or self._running)
        if not can_run and not self._running:
            self.run_button.setToolTip(why_not)


class SyncStatusBar:
    """The status bar's sections: state, the current run's progress, the next run, API usage."""

    def __init__(self, bar: QStatusBar):
        self.bar = bar
        self.state = QLabel("Idle")
        self.state.setObjectName("syncState")
        self.state.setToolTip("What the sync is doing")
        self.progress = QProgressBar()
        self.progress.setObjectName("runProgress")
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.progress_text = QLabel()
        self.progress_text.setObjectName("runProgressText")
        self.next_run = QLabel()
        self.next_run.setObjectName("nextRun")
        self.next_run.setToolTip("When the next automatic sync starts")
        self.api_usage = QLabel("Salesforce API: –")
        self.api_usage.setObjectName("apiUsage")
        self.api_usage.setToolTip("Salesforce API requests used today, from Sforce-Limit-Info")
        bar.addWidget(self.state)
        bar.addWidget(self.progress)
        bar.addWidget(self.progress_text, 1)
        bar.addPermanentWidget(self.next_run)
        bar.addPermanentWidget(self.api_usage)
        # A passing message (a removed step's Undo, a refused edit) hides the normal sections;
        # the progress bar, shown by hand, must not be drawn across it.
        self._progress_wanted = False
        bar.messageChanged.connect(lambda message: self.progress.setVisible(
            self._progress_wanted and not message))

    def show_state(self, text: str) -> None:
        self.state.setText(text)

    def show_progress(self, step_label: str, done: int, total: int | None, message: str = "") -> None:
        self._progress_wanted = True
        self.progress.setVisible(not self.bar.currentMessage())
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            counted = f"{done:,} of {total:,}"
        else:
            self.progress.setRange(0, 0)  # busy indicator: the engine does not know the total yet
            counted = f"{done:,}"
        text = f"{step_label}: {counted}"
        self.progress_text.setText(f"{text} — {message}" if message else text)

    def clear_progress(self, text: str = "") -> None:
        self._progress_wanted = False
        self.progress.setVisible(False)
        self.progress_text.setText(text)

    def show_next_run(self, when: QDateTime | None, paused: bool = False) -> None:
        if paused:
            self.next_run.setText("Automatic sync paused")
        elif when is None:
            self.next_run.setText("")
        else:
            time = QLocale().toString(when.time(), QLocale.FormatType.ShortFormat)
            self.next_run.setText(f"Next run at {time}")

    def show_api_usage(self, used: int, limit: int) -> None:
        share = f" ({used / limit:.0%})" if limit else ""
        self.api_usage.setText(f"Salesforce API: {used:,} / {limit:,}{share}")
        self.api_usage.setProperty("nearLimit", bool(limit) and used / limit >= 0.9)
        self.api_usage.setTextFormat(Qt.TextFormat.PlainText)

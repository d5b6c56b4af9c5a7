"""The Sync health tab: what is failing now, grouped by cause, why the last run stopped, and Retry.

Reads store.health on the GUI thread's own store connection (one query per refresh). The main
window refreshes it after every run; Retry asks store.health to have the next run retry the
selected records first.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from plx_desktop.gui.duplicate_buttons import DuplicateButtons
from plx_desktop.gui.health_model import (
    ERROR_CODE,
    LAST_SEEN,
    MESSAGE,
    NEXT_TRY,
    RECORD,
    STEP,
    TIMES_SEEN,
    FailingRecordRole,
    HealthModel,
)
from plx_desktop.gui.links import copy_link_action, open_url
from plx_desktop.gui.log_query import entry_time_text
from plx_desktop.store import Store
from plx_desktop.store.health import FailingRecord

RETRY_TIP = "The next run retries these first"
SHOW_SKIPPED = "health.show_skipped"  # the "Show skipped records too" option, remembered


def summary_words(groups: list) -> str:
    """How many records failed and were skipped, in the Log's words."""
    records = [r for g in groups for r in g.records]
    failed = sum(1 for r in records if r.outcome == "failed")
    skipped = len(records) - failed
    parts = [f"{failed:,} record{'' if failed == 1 else 's'} failed" if failed else "",
             f"{skipped:,} record{'' if skipped == 1 else 's'} skipped" if skipped else ""]
    return ", ".join(p for p in parts if p)
_RUN_WORDS = {"failed": "failed", "stopped": "was stopped", "cancelled": "was stopped"}


class HealthTab(QWidget):
    """Signals: counted(int): how many records are failing, after each refresh (for the tab title)."""

    counted = Signal(int)
    step_problems = Signal(dict)  # uid -> why the step could not run, after each refresh

    def __init__(self, store: Store, parent: QWidget | None = None, *,
                 instance_url: str | None = None):
        super().__init__(parent)
        self.store = store
        self.instance_url = (instance_url or "").rstrip("/")
        self.model = HealthModel(self)

        self.last_run = QLabel(self)
        self.last_run.setObjectName("lastRunProblem")
        self.last_run.setWordWrap(True)
        self.last_run.setTextFormat(Qt.TextFormat.PlainText)
        self.steps_problem = QLabel(self)
        self.steps_problem.setObjectName("stepProblems")
        self.steps_problem.setWordWrap(True)
        self.steps_problem.setTextFormat(Qt.TextFormat.RichText)
        self.steps_problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.steps_problem.linkActivated.connect(self.show_raw)
        self.problems: dict = {}
        self.summary = QLabel(self)
        self.summary.setObjectName("healthSummary")
        self.include_skips = QCheckBox("Show s&kipped records too", self)
        self.include_skips.setToolTip("Also list every record a step skipped for a reason "
                                      "(converted leads are always listed); remembered")
        self.include_skips.setChecked(bool(store.settings.get(SHOW_SKIPPED, False)))
        self.refresh_button = QPushButton("Refresh", self)  # Alt+F is the File menu
        self.refresh_button.setToolTip("Read the failing records again (Ctrl+R)")
        self.refresh_button.setShortcut(QKeySequence("Ctrl+R"))
        self.retry_button = QPushButton("&Retry selected", self)
        self.retry_button.setObjectName("retryButton")
        self.retry_button.setToolTip(f"{RETRY_TIP} (select a cause to retry all its records)")
        self.retry_note = QLabel(self)
        self.retry_note.setObjectName("lockedHint")
        self.view = QTreeView(self)
        self.duplicates = DuplicateButtons(store, self.selected_records, lambda: self.instance_url,
                                           self._duplicate_done, self)
        self._setup_view()
        self._layout()
        self.include_skips.toggled.connect(self._remember_skips)
        self.refresh_button.clicked.connect(self.refresh)
        self.retry_button.clicked.connect(self.retry_selected)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.view.doubleClicked.connect(self._open_record)
        self.refresh()

    # -- building ---------------------------------------------------------------------------------

    def _setup_view(self) -> None:
        view = self.view
        view.setObjectName("healthTree")
        view.setAccessibleName("Failing records by cause")
        view.setModel(self.model)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setAlternatingRowColors(True)
        view.setUniformRowHeights(True)
        view.setWordWrap(False)
        header = view.header()
        char = view.fontMetrics().averageCharWidth()
        # Narrow enough at 1024 px for the Message (the admin's words) to be read.
        for column, chars in {RECORD: 24, STEP: 14, ERROR_CODE: 18, TIMES_SEEN: 9, LAST_SEEN: 19,
                              NEXT_TRY: 10}.items():
            header.resizeSection(column, chars * char + 24)
        header.setSectionResizeMode(MESSAGE, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.open_action = QAction("Open record in Salesforce", view)
        self.open_action.setShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Return))
        self.open_action.triggered.connect(lambda: self._open_record(view.currentIndex()))
        retry = QAction("Retry selected", view)
        retry.triggered.connect(self.retry_selected)
        view.addActions([self.open_action, retry])
        self.copy_link_action = copy_link_action(view, lambda: self.record_url(view.currentIndex()),
                                                 "&Copy record link")
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def _layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.include_skips)
        bar.addWidget(self.refresh_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.retry_note, 1)
        bottom.addWidget(self.duplicates)
        bottom.addWidget(self.retry_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.last_run)
        layout.addWidget(self.steps_problem)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

    # -- reading ----------------------------------------------------------------------------------

    def refresh(self, *_: Any) -> None:
        """Read the failing records and the last run again (after a run, on Refresh)."""
        self.model.set_groups(self.store.health.by_cause(
            include_skips=self.include_skips.isChecked()))
        for row in range(self.model.rowCount()):  # a cause's title reads across the row
            self.view.setFirstColumnSpanned(row, QModelIndex(), True)
        self.view.expandAll()
        self.retry_note.clear()
        records = self.model.record_count
        failures = sum(g.failures for g in self.model.groups)
        if records:
            self.summary.setText(f"{summary_words(self.model.groups)} ({failures:,} time"
                                 f"{'' if failures == 1 else 's'} in all), by cause. Select "
                                 "records or a cause, then Retry.")
        else:
            self.summary.setText("Nothing failed or skipped: everything the last runs tried went "
                                 "through.")
        self._show_last_run()
        self._show_step_problems()
        self._update_buttons()
        self.counted.emit(records)

    def _show_step_problems(self) -> None:
        """Steps whose settings were refused at their last run, in the admin's words; the
        service's own text is one click away (show_raw)."""
        self.problems = self.store.step_problems.all()
        self.steps_problem.setVisible(bool(self.problems))
        items = "".join(
            f"<li><b>{html.escape(p.step_label)}</b>: {html.escape(p.words)} "
            f"<a href=\"{html.escape(uid)}\">Salesforce's own words…</a></li>"
            for uid, p in self.problems.items())
        count = len(self.problems)
        self.steps_problem.setText(f"{count} step{'' if count == 1 else 's'} could not run:"
                                   f"<ul style='margin:0'>{items}</ul>")
        self.step_problems.emit({uid: p.words for uid, p in self.problems.items()})

    def show_raw(self, uid: str) -> QMessageBox | None:
        """The service's raw error text for a step that could not run, to read or copy."""
        problem = self.problems.get(uid)
        if problem is None:
            return None
        box = QMessageBox(QMessageBox.Icon.Warning, "Step could not run",
                          f"{problem.step_label}: {problem.words}", parent=self)
        box.setObjectName("rawError")
        box.setInformativeText(f"Error code: {problem.error_code}. The service's own words are "
                               "under Show Details (select to copy).")
        box.setDetailedText(problem.raw)
        box.open()
        self._raw_box = box  # kept: an open() box must outlive this call
        return box

    def _remember_skips(self, checked: bool) -> None:
        self.store.settings.set(SHOW_SKIPPED, bool(checked))
        self.refresh()

    def _show_last_run(self) -> None:
        runs = self.store.log.runs(limit=1)
        run = runs[0] if runs else None
        problem = run is not None and run.status in _RUN_WORDS
        self.last_run.setVisible(problem)
        if problem:
            when = entry_time_text({"time": run.finished_at or run.started_at})
            reason = f": {run.message}" if run.message else ""
            self.last_run.setText(f"The last run {_RUN_WORDS[run.status]} at {when}{reason}")

    # -- Retry ------------------------------------------------------------------------------------

    def selected_records(self) -> list[FailingRecord]:
        """The records behind the selected rows (a selected cause stands for all its records)."""
        seen: dict[tuple[str, str, str], FailingRecord] = {}
        for index in self.view.selectionModel().selectedRows(RECORD):
            for record in self.model.records_of(index):
                seen.setdefault((record.step_uid, record.sf_id, record.plx_id), record)
        return list(seen.values())

    def retry_selected(self) -> int:
        """Ask the next run to retry the selected records first; how many were asked."""
        records = self.selected_records()
        if not records:
            return 0
        asked = self.store.health.request_retry(records)
        self.refresh()
        self.retry_note.setText(f"{asked:,} record{'' if asked == 1 else 's'} will be retried "
                                "first at the next run.")
        return asked

    def _update_buttons(self, *_: Any) -> None:
        self.retry_button.setEnabled(bool(self.view.selectionModel().hasSelection()))
        self.duplicates.update_buttons()

    def _duplicate_done(self, note: str) -> None:
        self.refresh()
        self.retry_note.setText(note)

    # -- record links -----------------------------------------------------------------------------

    def set_instance_url(self, instance_url: str | None) -> None:
        self.instance_url = (instance_url or "").rstrip("/")

    def _open_record(self, index: QModelIndex) -> None:
        url = self.record_url(index)
        if url:
            open_url(url, self)

    def record_url(self, index: QModelIndex) -> str:
        """The Salesforce address of the record on `index`'s row ("" when there is none)."""
        record = index.siblingAtColumn(RECORD).data(FailingRecordRole) if index.isValid() else None
        if record is None or not record.sf_id or not self.instance_url:
            return ""
        return f"{self.instance_url}/{record.sf_id}"

"""The Sync health tab: what is failing now, grouped by cause, why the last run stopped, and Retry.

Reads store.health on the GUI thread's own store connection (one query per refresh). The main
window refreshes it after every run; Retry asks store.health to have the next run retry the
selected records first.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
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
    RECORD,
    RETRY,
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
_RUN_WORDS = {"failed": "failed", "stopped": "was stopped", "cancelled": "was stopped"}


class HealthTab(QWidget):
    """Signals: counted(int): how many records are failing, after each refresh (for the tab title)."""

    counted = Signal(int)

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
        self.summary = QLabel(self)
        self.summary.setObjectName("healthSummary")
        self.include_skips = QCheckBox("Show s&kipped records too", self)
        self.include_skips.setToolTip("Also list records a step skipped for a reason "
                                      "(not only those Salesforce or PeopleLinx refused)")
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
        self.include_skips.toggled.connect(self.refresh)
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
        for column, chars in {RECORD: 30, STEP: 20, ERROR_CODE: 30, TIMES_SEEN: 10, LAST_SEEN: 19,
                              RETRY: 8}.items():
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
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

    # -- reading ----------------------------------------------------------------------------------

    def refresh(self, *_: Any) -> None:
        """Read the failing records and the last run again (after a run, on Refresh)."""
        self.model.set_groups(self.store.health.by_cause(
            include_skips=self.include_skips.isChecked()))
        self.view.expandAll()
        self.retry_note.clear()
        records = self.model.record_count
        failures = sum(g.failures for g in self.model.groups)
        if records:
            self.summary.setText(f"{records:,} record{'' if records == 1 else 's'} failing "
                                 f"({failures:,} failure{'' if failures == 1 else 's'} in all), "
                                 "by cause. Select records or a cause, then Retry.")
        else:
            self.summary.setText("No failing records: everything the last runs tried went through.")
        self._show_last_run()
        self._update_buttons()
        self.counted.emit(records)

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

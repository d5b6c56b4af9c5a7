"""The Preview window: what the next run would create, update, skip or fail, per step and per
record, and why — from a dry run that wrote nothing anywhere."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from plx_desktop.gui.preview_model import OUTCOME_WORDS, RECORD, STEP, WHY, PreviewModel

NOTHING_WRITTEN = ("Nothing was written: Salesforce, PeopleLinx and the local store are "
                   "unchanged.")
INDEPENDENT = ("Each step is previewed on its own: what an earlier step would write is not there "
               "yet for the later steps to see.")
COUNT_COLUMNS = ("STEP", "WOULD CREATE", "WOULD UPDATE", "WOULD SKIP", "WOULD FAIL", "CONFLICTS")
_COUNT_FIELDS = ("created", "updated", "skipped", "failed", "conflicts")


class PreviewDialog(QDialog):
    """Shows a dry run's RunSummary. `scope`: what was previewed, in words ("the Custom profile",
    "the step Contact → People")."""

    def __init__(self, summary: Any, scope: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.summary = summary
        self.setWindowTitle(f"Preview — {scope}")
        self.setMinimumSize(900, 600)
        self.heading = QLabel(f"What the next run of {html.escape(scope)} would do", self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.nothing_written = QLabel(NOTHING_WRITTEN, self)
        self.nothing_written.setObjectName("previewNothingWritten")
        self.nothing_written.setWordWrap(True)
        self.nothing_written.setStyleSheet(
            "#previewNothingWritten { background: palette(alternate-base); padding: 6px 8px;"
            " border-left: 3px solid #1b7f3b; }")
        self.stopped = QLabel(self)
        self.stopped.setWordWrap(True)
        self.stopped.setStyleSheet("color: #b3261e;")
        if summary.status != "completed":
            self.stopped.setText(f"The preview {summary.status} before the end: "
                                 f"{summary.reason or 'no reason given'}. What it saw up to then "
                                 "is below.")
        self.stopped.setVisible(summary.status != "completed")
        self.counts = self._counts_table(list(summary.steps))
        self.independent = QLabel(INDEPENDENT, self)
        self.independent.setWordWrap(True)
        self.independent.setEnabled(False)  # muted
        self.independent.setVisible(len(summary.steps) > 1)

        self.model = PreviewModel(list(summary.preview), self)
        self.outcome_filter = QComboBox(self)
        self.outcome_filter.setAccessibleName("Outcome")
        self.outcome_filter.setToolTip("Show only records with this outcome")
        self.outcome_filter.addItem(f"All outcomes ({self.model.count():,})", None)
        for outcome, words in OUTCOME_WORDS.items():
            self.outcome_filter.addItem(f"{words} ({self.model.count(outcome):,})", outcome)
        self.outcome_filter.currentIndexChanged.connect(
            lambda: self.model.set_outcome(self.outcome_filter.currentData()))
        self.table = self._entries_table()

        filters = QHBoxLayout()
        label = QLabel("&Outcome:", self)
        label.setBuddy(self.outcome_filter)
        filters.addWidget(label)
        filters.addWidget(self.outcome_filter)
        filters.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.nothing_written)
        layout.addWidget(self.stopped)
        layout.addWidget(self.counts)
        layout.addWidget(self.independent)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def _counts_table(self, steps: list[Any]) -> QTableWidget:
        table = QTableWidget(len(steps), len(COUNT_COLUMNS), self)
        table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        table.setAccessibleName("Counts per step")
        table.setHorizontalHeaderLabels(COUNT_COLUMNS)
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for row, step in enumerate(steps):
            table.setItem(row, 0, QTableWidgetItem(step.label))
            for column, name in enumerate(_COUNT_FIELDS, start=1):
                item = QTableWidgetItem(f"{getattr(step, name):,}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        rows = min(len(steps), 6)  # a few rows at full height; more scroll
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(rows))
        table.setFixedHeight(max(height, table.horizontalHeader().sizeHint().height() + 24))
        return table

    def _entries_table(self) -> QTableView:
        table = QTableView(self)
        table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        table.setModel(self.model)
        table.setAccessibleName("Records")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        char = table.fontMetrics().averageCharWidth()
        header.resizeSection(STEP, 30 * char + 24)
        header.resizeSection(RECORD, 32 * char + 24)
        header.setSectionResizeMode(WHY, QHeaderView.ResizeMode.Stretch)
        return table

    def step_counts(self) -> list[tuple[str, ...]]:
        """The counts table as text, row by row (what the admin reads)."""
        return [tuple(self.counts.item(r, c).text() for c in range(self.counts.columnCount()))
                for r in range(self.counts.rowCount())]

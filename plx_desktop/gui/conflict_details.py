"""The conflict record on screen: each field changed on both sides, both values, when each changed,
which side won and the sync rule that decided. Used by Record history and from a conflict log entry.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from plx_desktop.domain.mapping import SyncRule
from plx_desktop.domain.record_names import record_name
from plx_desktop.domain.sync_rules import sync_rule_label
from plx_desktop.gui.list_table_model import ListTableModel
from plx_desktop.store import Conflict, LogEntry, Store

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("FIELD", "SALESFORCE VALUE", "PEOPLELINX VALUE", "SALESFORCE CHANGED",
           "PEOPLELINX CHANGED", "WINNER", "RULE")
FIELD, SF_VALUE, PLX_VALUE, SF_CHANGED, PLX_CHANGED, WINNER, RULE = range(len(COLUMNS))
BLANK, UNKNOWN = "(blank)", "—"
WINNERS = {"salesforce": "Salesforce", "peoplelinx": "PeopleLinx"}
NO_CONFLICTS = "No conflicts recorded for this record."


def when(moment: datetime | None) -> str:
    """A stored UTC time in the admin's local time, to the second."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else UNKNOWN


def rule_text(rule: str) -> str:
    try:
        return sync_rule_label(SyncRule(rule))
    except ValueError:
        return rule or UNKNOWN


def _value(value: Any) -> str:
    return BLANK if value in (None, "") else str(value)


class ConflictsModel(ListTableModel):
    """Conflicts, newest first. Attributes: _conflicts, the store's Conflict records as given."""

    def __init__(self, conflicts: list[Conflict] | None = None, parent: Any = None):
        super().__init__(parent)
        self._conflicts: list[Conflict] = list(conflicts or [])

    def set_conflicts(self, conflicts: list[Conflict]) -> None:
        self.beginResetModel()
        self._conflicts = list(conflicts)
        self.endResetModel()

    def conflict(self, row: int) -> Conflict:
        return self._conflicts[row]

    columns = COLUMNS

    def _rows(self) -> list:
        return self._conflicts

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._conflicts):
            return None
        c, column = self._conflicts[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (c.field, _value(c.salesforce_value), _value(c.peoplelinx_value),
                    when(c.salesforce_changed_at), when(c.peoplelinx_changed_at),
                    WINNERS.get(c.winner, c.winner), rule_text(c.rule))[column]
        if role == Qt.ItemDataRole.FontRole and column in (SF_VALUE, PLX_VALUE):
            won = (column == SF_VALUE) == (c.winner == "salesforce")
            if won:  # the value that was kept stands out
                font = QFont()
                font.setBold(True)
                return font
        if role == Qt.ItemDataRole.ToolTipRole:
            kept = WINNERS.get(c.winner, c.winner)
            return (f"{record_name(c)}: {c.field} — kept {kept}'s value "
                    f"({rule_text(c.rule)}); recorded {when(c.time)}")
        return None


class ConflictDetails(QWidget):
    """A table of conflict records (both values, both change times, winner, rule)."""

    def __init__(self, conflicts: list[Conflict] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = ConflictsModel(conflicts, self)
        self.table = QTableView(self)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setModel(self.model)
        self.table.setAccessibleName("Conflicts")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.empty = QLabel(NO_CONFLICTS, self)
        self.empty.setEnabled(False)  # muted
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        self.set_conflicts(conflicts or [])

    def set_conflicts(self, conflicts: list[Conflict]) -> None:
        self.model.set_conflicts(conflicts)
        self.table.setVisible(bool(conflicts))
        self.empty.setVisible(not conflicts)


def conflicts_of_entry(store: Store, entry: LogEntry) -> list[Conflict]:
    """The conflict records behind a log entry whose outcome is "conflict": same record, same
    step, same run (when the entry says which)."""
    if not (entry.sf_id or entry.plx_id):
        return []
    found = store.conflicts.for_records(sf_ids=[entry.sf_id] if entry.sf_id else [],
                                        plx_ids=[entry.plx_id] if entry.plx_id else [])
    return [c for c in found
            if (not entry.step_uid or c.step_uid == entry.step_uid)
            and (entry.run_id is None or c.run_id in (None, entry.run_id))]


class ConflictDetailsDialog(QDialog):
    """The conflicts behind one log entry, in a small window (Close)."""

    def __init__(self, store: Store, entry: LogEntry, parent: QWidget | None = None):
        super().__init__(parent)
        record = record_name(entry)
        self.setWindowTitle(f"Conflict — {record}")
        self.setMinimumSize(980, 260)
        heading = QLabel(f"<b>{html.escape(entry.step_label)}</b> · {html.escape(record)}", self)
        heading.setTextFormat(Qt.TextFormat.RichText)
        self.details = ConflictDetails(conflicts_of_entry(store, entry), self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

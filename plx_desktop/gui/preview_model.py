"""The Preview dialog's table model: what a dry run says the next run would do, record by record."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from plx_desktop.domain.record_names import record_name
from plx_desktop.gui.list_table_model import ListTableModel
from plx_desktop.gui.log_query import coded_message
from plx_desktop.store import LogEntry

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("STEP", "RECORD", "OUTCOME", "WHY")
STEP, RECORD, OUTCOME, WHY = range(len(COLUMNS))
# The preview speaks in the conditional: nothing has happened yet.
OUTCOME_WORDS = {"created": "Would create", "updated": "Would update", "skipped": "Would skip",
                 "failed": "Would fail", "conflict": "Conflict"}
_COLOURS = {"created": "#1b7f3b", "updated": "#1d5fa8", "skipped": "#8a6d00",
            "failed": "#b3261e", "conflict": "#9c27b0"}
EntryRole = Qt.ItemDataRole.UserRole + 1  # the LogEntry of a row


# The engine words a preview's entries as it words a run's ("Updated email in PeopleLinx"); the
# first verb is put in the conditional so that no line reads as if something had been written.
_CONDITIONAL = {"Created": "Would create", "Updated": "Would update", "Added": "Would add",
                "Skipped": "Would skip", "Linked": "Would link", "Removed": "Would remove"}


def why(entry: LogEntry) -> str:
    """The entry's reason without the engine's "Preview: " prefix (the whole dialog is one)."""
    message = entry.message.removeprefix("Preview: ").removeprefix("Preview ")
    message = message[:1].upper() + message[1:]
    first, _, rest = message.partition(" ")
    if first in _CONDITIONAL:
        message = f"{_CONDITIONAL[first]} {rest}".rstrip()
    return coded_message(entry.error_code, message)


class PreviewModel(ListTableModel):
    """A dry run's would-be log entries, in the order the engine produced them.

    Attributes:
        _entries: every entry of the preview (LogEntry, as RunSummary.preview holds them).
        _shown: the entries that pass the outcome filter.
        _outcome: the outcome shown ("created", ...), or None for all.
    """

    def __init__(self, entries: list[LogEntry] | None = None, parent: Any = None):
        super().__init__(parent)
        self._entries: list[LogEntry] = list(entries or [])
        self._outcome: str | None = None
        self._shown: list[LogEntry] = list(self._entries)

    def set_entries(self, entries: list[LogEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self._shown = self._filtered()
        self.endResetModel()

    def set_outcome(self, outcome: str | None) -> None:
        """Show only entries with this outcome (None: all)."""
        self.beginResetModel()
        self._outcome = outcome
        self._shown = self._filtered()
        self.endResetModel()

    def _filtered(self) -> list[LogEntry]:
        if self._outcome is None:
            return list(self._entries)
        return [e for e in self._entries if e.outcome == self._outcome]

    def count(self, outcome: str | None = None) -> int:
        """How many entries (of this outcome) the whole preview has, whatever is shown."""
        return sum(1 for e in self._entries if outcome is None or e.outcome == outcome)

    def entry(self, row: int) -> LogEntry:
        return self._shown[row]

    columns = COLUMNS

    def _rows(self) -> list:
        return self._shown

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return None
        entry, column = self._shown[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (entry.step_label, record_name(entry),
                    OUTCOME_WORDS.get(entry.outcome, entry.outcome.capitalize()),
                    why(entry))[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == RECORD:
                ids = " · ".join(f"{side} {value}" for side, value in (
                    ("Salesforce", entry.sf_id), ("PeopleLinx", entry.plx_id)) if value)
                return ids or None
            if column == WHY:
                return why(entry) or None
        if role == Qt.ItemDataRole.ForegroundRole and column == OUTCOME \
                and entry.outcome in _COLOURS:
            return QColor(_COLOURS[entry.outcome])
        if role == EntryRole:
            return entry
        return None

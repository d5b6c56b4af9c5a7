"""Config history: every saved version of the Custom profile (when, what changed), the difference
between any two versions, and Roll back to this version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from plx_desktop.domain.errors import DomainError
from plx_desktop.domain.profile_diff import diff_documents, summary
from plx_desktop.gui.list_table_model import ListTableModel
from plx_desktop.store import ProfileVersion, Store

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("SAVED", "WHAT CHANGED")
SAVED, CHANGES = range(2)
CURRENT = " (current)"
HINT = "Select a version to see what it changed, or two versions to compare them."


class VersionsModel(ListTableModel):
    """Saved versions, newest first.

    Attributes:
        _versions: the store's ProfileVersion records.
        _changes: for each version, its changes from the version before it (in words).
    """

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._versions: list[ProfileVersion] = []
        self._changes: list[list[str]] = []

    def set_versions(self, versions: list[ProfileVersion]) -> None:
        self.beginResetModel()
        self._versions = list(versions)
        self._changes = [_changes(v, versions[i + 1] if i + 1 < len(versions) else None)
                         for i, v in enumerate(versions)]
        self.endResetModel()

    def version(self, row: int) -> ProfileVersion:
        return self._versions[row]

    def changes(self, row: int) -> list[str]:
        return self._changes[row]

    columns = COLUMNS

    def _rows(self) -> list:
        return self._versions

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._versions):
            return None
        row = index.row()
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == SAVED:
                saved = self._versions[row].saved_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
                return saved + (CURRENT if row == 0 else "")
            return summary(self._changes[row])
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == CHANGES:
            return "\n".join(self._changes[row]) or None
        return None


def _changes(version: ProfileVersion, before: ProfileVersion | None) -> list[str]:
    try:
        return diff_documents(before.document if before else None, version.document)
    except DomainError as exc:  # a version saved by an older app that this one cannot read
        return [f"Not readable by this version of PLX Desktop: {exc}"]


def ask(parent: QWidget, text: str) -> bool:
    answer = QMessageBox.question(parent, "Roll back to this version", text,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                  QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Yes


class ConfigHistoryDialog(QDialog):
    """The Custom profile's versions. `confirm(text) -> bool` asks before a roll back (a Yes /
    Cancel message box unless given). Signal: restored(version_id) after a roll back, once the
    store holds the restored profile (the main window reloads the Custom profile then)."""

    restored = Signal(int)

    def __init__(self, store: Store, parent: QWidget | None = None, *,
                 confirm: Callable[[str], bool] | None = None):
        super().__init__(parent)
        self.store = store
        self._confirm = confirm or (lambda text: ask(self, text))
        self.setWindowTitle("Config history — Custom profile")
        self.setMinimumSize(960, 560)
        self.model = VersionsModel(self)
        self.versions = QTableView(self)
        self.versions.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.versions.setModel(self.model)
        self.versions.setAccessibleName("Saved versions")
        self.versions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.versions.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.versions.verticalHeader().hide()
        self.versions.setWordWrap(False)
        header = self.versions.horizontalHeader()
        header.setSectionResizeMode(SAVED, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.compare_label = QLabel(HINT, self)
        self.compare_label.setWordWrap(True)
        self.differences = QListWidget(self)
        self.differences.setAccessibleName("Differences")
        self.differences.setWordWrap(True)
        self.rollback_button = QPushButton("Roll back to this version", self)
        self.rollback_button.setToolTip("Make the selected version the Custom profile again "
                                        "(saved as a new version; nothing is lost)")
        self.message = QLabel(self)
        self.message.setWordWrap(True)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.compare_label)
        right_layout.addWidget(self.differences, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.versions)
        splitter.addWidget(right)
        splitter.setSizes([520, 440])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.rollback_button)
        bottom.addWidget(self.message, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        self.rollback_button.clicked.connect(self.roll_back)
        self.versions.selectionModel().selectionChanged.connect(self._show_selection)
        self.reload()

    def reload(self) -> None:
        self.model.set_versions(self.store.profiles.versions())
        self._show_selection()

    def selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.versions.selectionModel().selectedRows())

    def select(self, *rows: int) -> None:
        self.versions.clearSelection()
        flags = (self.versions.selectionModel().SelectionFlag.Select
                 | self.versions.selectionModel().SelectionFlag.Rows)
        for row in rows:
            self.versions.selectionModel().select(self.model.index(row, 0), flags)

    def _show_selection(self, *_: object) -> None:
        rows = self.selected_rows()
        self.differences.clear()
        if len(rows) == 1:
            row = rows[0]
            self.compare_label.setText(f"What the version of {self._when(row)} changed:")
            changes = self.model.changes(row)
        elif len(rows) == 2:
            newer, older = rows  # newest first in the list
            self.compare_label.setText(f"From {self._when(older)} to {self._when(newer)}:")
            changes = diff_documents(self.model.version(older).document,
                                     self.model.version(newer).document) or ["No difference"]
        else:
            self.compare_label.setText(HINT)
            changes = []
        self.differences.addItems(changes)
        self.rollback_button.setEnabled(len(rows) == 1 and rows[0] > 0)

    def _when(self, row: int) -> str:
        return self.model.index(row, SAVED).data().removesuffix(CURRENT)

    def roll_back(self) -> bool:
        """Ask, then make the selected version the Custom profile; emits restored(version_id)."""
        rows = self.selected_rows()
        if len(rows) != 1 or rows[0] == 0:
            return False
        version, saved = self.model.version(rows[0]), self._when(rows[0])
        text = (f"Roll the Custom profile back to the version saved {saved}?\n\n"
                "Its steps, mappings, filters and actions replace the current ones. The current "
                "profile stays in the history, so this can be undone.")
        if not self._confirm(text):
            return False
        try:
            self.store.profiles.restore_version(version.id)
        except (KeyError, DomainError) as exc:
            self.message.setText(f"The version could not be restored: {exc}")
            return False
        self.reload()
        self.select(0)
        self.message.setText(f"Rolled back to the version saved {saved}: it is now the current "
                             "Custom profile.")
        self.restored.emit(version.id)
        return True

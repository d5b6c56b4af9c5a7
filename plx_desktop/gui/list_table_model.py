"""A read-only Qt table over a Python list: the counting and header parts every such model shares.

A subclass names its columns and the list it shows (`_rows`), and answers `data` for one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

_Index = QModelIndex | QPersistentModelIndex


class ListTableModel(QAbstractTableModel):
    columns: Sequence[str] = ()

    def _rows(self) -> Sequence[Any]:
        raise NotImplementedError

    def item(self, index: _Index) -> Any | None:
        """The row's item for a valid index of this table, else None."""
        rows = self._rows()
        if not index.isValid() or not 0 <= index.row() < len(rows):
            return None
        return rows[index.row()]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows())

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section]
        return None

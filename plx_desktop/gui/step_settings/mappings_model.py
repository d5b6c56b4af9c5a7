"""The Field mappings table: one row per mapping, mandatory ones locked (lock icon, not removable)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon

from plx_desktop.domain.fields import PeopleLinxField, SalesforceField
from plx_desktop.domain.mapping import FieldMapping

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("SALESFORCE FIELD", "TYPE", "PEOPLELINX FIELD", "TYPE")
SF_FIELD, SF_TYPE, PLX_FIELD, PLX_TYPE = range(4)
MappingRole = Qt.ItemDataRole.UserRole + 1
LOCK_ICON = Path(__file__).resolve().parents[3] / "resources" / "icons" / "lock.svg"
MANDATORY_TIP = "Mandatory for this step: it cannot be removed"


class MappingsModel(QAbstractTableModel):
    """The step's field mappings, in order.

    Attributes:
        _mappings: the rows, as domain FieldMapping values.
        _sf_labels / _plx_labels: field labels from describe and people fields, once loaded, so
            rows read "First Name" rather than only "FirstName".
    """

    def __init__(self, mappings: list[FieldMapping] | tuple[FieldMapping, ...] = (), parent: Any = None):
        super().__init__(parent)
        self._mappings: list[FieldMapping] = list(mappings)
        self._sf_labels: dict[str, str] = {}
        self._plx_labels: dict[str, str] = {}
        self._lock = QIcon(str(LOCK_ICON)) if LOCK_ICON.exists() else QIcon()

    def mappings(self) -> list[FieldMapping]:
        return list(self._mappings)

    def set_mappings(self, mappings: list[FieldMapping] | tuple[FieldMapping, ...]) -> None:
        self.beginResetModel()
        self._mappings = list(mappings)
        self.endResetModel()

    def set_field_labels(self, sf: list[SalesforceField], plx: list[PeopleLinxField]) -> None:
        self._sf_labels = {f.name: f.label for f in sf}
        self._plx_labels = {f.key: f.label for f in plx}
        if self._mappings:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._mappings) - 1, 3))

    def append(self, mapping: FieldMapping) -> None:
        row = len(self._mappings)
        self.beginInsertRows(QModelIndex(), row, row)
        self._mappings.append(mapping)
        self.endInsertRows()

    def is_mandatory(self, row: int) -> bool:
        return 0 <= row < len(self._mappings) and self._mappings[row].mandatory

    def remove(self, row: int) -> bool:
        """Remove a row; False (and nothing removed) for a mandatory mapping."""
        if not 0 <= row < len(self._mappings) or self._mappings[row].mandatory:
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._mappings[row]
        self.endRemoveRows()
        return True

    # -- QAbstractTableModel --------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._mappings)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._mappings):
            return None
        mapping, column = self._mappings[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == SF_FIELD:
                return self._named(self._sf_labels.get(mapping.salesforce_field),
                                   mapping.salesforce_field)
            if column == PLX_FIELD:
                return self._named(self._plx_labels.get(mapping.peoplelinx_field),
                                   mapping.peoplelinx_field)
            if column == SF_TYPE:
                return mapping.salesforce_type or ""
            return mapping.peoplelinx_type or ""
        if role == Qt.ItemDataRole.DecorationRole and column == SF_FIELD and mapping.mandatory:
            return self._lock
        if role == Qt.ItemDataRole.ToolTipRole and mapping.mandatory:
            return MANDATORY_TIP
        if role == MappingRole:
            return mapping
        return None

    @staticmethod
    def _named(label: str | None, name: str) -> str:
        return f"{label} ({name})" if label and label != name else name

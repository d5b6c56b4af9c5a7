"""The Field mappings table: one row per mapping, mandatory ones locked (lock icon, not removable),
and on Contact/Lead ↔ People steps a SYNC RULE column (edited through a drop-down delegate)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon

from plx_desktop.domain.catalog import PEOPLELINX_FIELD_LABELS, SALESFORCE_FIELD_LABELS
from plx_desktop.domain.fields import PeopleLinxField, SalesforceField
from plx_desktop.domain.mapping import FieldMapping, SyncRule
from plx_desktop.domain.sync_rules import SYNC_RULE_TIPS, sync_rule_label
from plx_desktop.gui.list_table_model import ListTableModel

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("SALESFORCE FIELD", "TYPE", "PEOPLELINX FIELD", "TYPE", "SYNC RULE")
SF_FIELD, SF_TYPE, PLX_FIELD, PLX_TYPE, SYNC_RULE = range(5)
MappingRole = Qt.ItemDataRole.UserRole + 1
SyncRuleRole = Qt.ItemDataRole.UserRole + 2  # the SyncRule value (EditRole takes one too)
LOCK_ICON = Path(__file__).resolve().parents[3] / "resources" / "icons" / "lock.svg"
MANDATORY_TIP = "Mandatory for this step: it cannot be removed"


class MappingsModel(ListTableModel):
    """The step's field mappings, in order.

    Attributes:
        _mappings: the rows, as domain FieldMapping values.
        _sf_labels / _plx_labels: field labels, so rows read "First Name → FirstName" (the
            article's words) rather than API names: the catalog's for the preset fields, then
            describe's and the people fields' once loaded. API names are in the tooltips.
        with_sync_rules: whether the SYNC RULE column is shown (Contact/Lead ↔ People steps).
        editable: whether the sync rule can be changed (False in the Default profile).
    """

    def __init__(self, mappings: list[FieldMapping] | tuple[FieldMapping, ...] = (), parent: Any = None,
                 *, with_sync_rules: bool = False):
        super().__init__(parent)
        self.with_sync_rules = with_sync_rules
        self.editable = True
        self._mappings: list[FieldMapping] = list(mappings)
        self._sf_labels: dict[str, str] = dict(SALESFORCE_FIELD_LABELS)
        self._plx_labels: dict[str, str] = dict(PEOPLELINX_FIELD_LABELS)
        self._lock = QIcon(str(LOCK_ICON)) if LOCK_ICON.exists() else QIcon()

    def mappings(self) -> list[FieldMapping]:
        return list(self._mappings)

    def set_mappings(self, mappings: list[FieldMapping] | tuple[FieldMapping, ...]) -> None:
        self.beginResetModel()
        self._mappings = list(mappings)
        self.endResetModel()

    def set_field_labels(self, sf: list[SalesforceField], plx: list[PeopleLinxField]) -> None:
        self._sf_labels = {f.name: f.label for f in sf} | SALESFORCE_FIELD_LABELS
        self._plx_labels = {f.key: f.label for f in plx} | PEOPLELINX_FIELD_LABELS
        if self._mappings:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._mappings) - 1, 3))

    def set_sync_rule(self, row: int, rule: SyncRule | str) -> bool:
        if not self.with_sync_rules or not 0 <= row < len(self._mappings):
            return False
        rule = SyncRule(rule)
        if self._mappings[row].sync_rule is rule:
            return False
        self._mappings[row] = replace(self._mappings[row], sync_rule=rule)
        index = self.index(row, SYNC_RULE)
        self.dataChanged.emit(index, index)
        return True

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

    # -- the table ------------------------------------------------------------------------------

    @property
    def columns(self) -> tuple[str, ...]:  # type: ignore[override]
        """SYNC RULE, the last column, only where the step's mappings have rules."""
        return COLUMNS if self.with_sync_rules else COLUMNS[:-1]

    def _rows(self) -> list[FieldMapping]:
        return self._mappings

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == SYNC_RULE and self.editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (not index.isValid() or index.column() != SYNC_RULE or not self.editable
                or role not in (Qt.ItemDataRole.EditRole, SyncRuleRole)):
            return False
        try:
            return self.set_sync_rule(index.row(), value)
        except ValueError:
            return False

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._mappings):
            return None
        mapping, column = self._mappings[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == SF_FIELD:
                return self._sf_labels.get(mapping.salesforce_field, mapping.salesforce_field)
            if column == PLX_FIELD:
                return self._plx_labels.get(mapping.peoplelinx_field, mapping.peoplelinx_field)
            if column == SF_TYPE:
                return mapping.salesforce_type or ""
            if column == SYNC_RULE:
                return sync_rule_label(mapping.sync_rule)
            return mapping.peoplelinx_type or ""
        if role in (Qt.ItemDataRole.EditRole, SyncRuleRole) and column == SYNC_RULE:
            return mapping.sync_rule.value
        if role == Qt.ItemDataRole.ToolTipRole and column == SYNC_RULE:
            return SYNC_RULE_TIPS[mapping.sync_rule]
        if role == Qt.ItemDataRole.ToolTipRole and column in (SF_FIELD, PLX_FIELD):
            name = mapping.salesforce_field if column == SF_FIELD else mapping.peoplelinx_field
            return (f"{MANDATORY_TIP} (API name: {name})" if mapping.mandatory
                    else f"API name: {name}")
        if role == Qt.ItemDataRole.DecorationRole and column == SF_FIELD and mapping.mandatory:
            return self._lock
        if role == Qt.ItemDataRole.ToolTipRole and mapping.mandatory:
            return MANDATORY_TIP
        if role == MappingRole:
            return mapping
        return None


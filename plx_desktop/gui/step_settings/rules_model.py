"""The Filtering rules table: one row per rule (field, operator, value)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from plx_desktop.domain.filters import FilterRule
from plx_desktop.gui.list_table_model import ListTableModel

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("FIELD", "OPERATOR", "VALUE")
FIELD, OPERATOR, VALUE = range(3)
RuleRole = Qt.ItemDataRole.UserRole + 1


class RulesModel(ListTableModel):
    """The step's filtering rules (all must hold: they are joined with AND)."""

    def __init__(self, rules: list[FilterRule] | tuple[FilterRule, ...] = (), parent: Any = None):
        super().__init__(parent)
        self._rules: list[FilterRule] = list(rules)

    def rules(self) -> list[FilterRule]:
        return list(self._rules)

    def set_rules(self, rules: list[FilterRule] | tuple[FilterRule, ...]) -> None:
        self.beginResetModel()
        self._rules = list(rules)
        self.endResetModel()

    def append(self, rule: FilterRule) -> None:
        row = len(self._rules)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rules.append(rule)
        self.endInsertRows()

    def remove(self, row: int) -> bool:
        if not 0 <= row < len(self._rules):
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rules[row]
        self.endRemoveRows()
        return True

    columns = COLUMNS

    def _rows(self) -> list[FilterRule]:
        return self._rules

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rules):
            return None
        rule = self._rules[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == FIELD:
                return rule.field
            if index.column() == OPERATOR:
                return rule.operator.label
            return rule.value if rule.operator.takes_value else ""
        if role == RuleRole:
            return rule
        return None

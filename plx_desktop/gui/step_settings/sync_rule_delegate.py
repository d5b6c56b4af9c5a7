"""The SYNC RULE drop-down of a mapping row: a combo box that writes the chosen rule to the model."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from plx_desktop.domain.mapping import SyncRule
from plx_desktop.domain.sync_rules import SYNC_RULE_LABELS, SYNC_RULE_TIPS

_Index = QModelIndex | QPersistentModelIndex


class SyncRuleDelegate(QStyledItemDelegate):
    """Edits the model's EditRole (a SyncRule value) with a drop-down of the five rules."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setAccessibleName("Sync rule")
        combo.setToolTip("Which side wins for this field when both sides change it")
        for rule, label in SYNC_RULE_LABELS.items():
            combo.addItem(label, rule.value)
            combo.setItemData(combo.count() - 1, SYNC_RULE_TIPS[rule], Qt.ItemDataRole.ToolTipRole)
        # Write through at once: the persistent editor never "closes" to commit.
        combo.activated.connect(lambda _=0, c=combo: self.commitData.emit(c))
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        value = index.data(Qt.ItemDataRole.EditRole) or SyncRule.TWO_WAY.value
        editor.setCurrentIndex(max(0, editor.findData(value)))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


def show_sync_rule_editors(table: QTableView, column: int) -> None:
    """Keep a drop-down open in every row's SYNC RULE cell while the model allows editing."""
    model = table.model()

    def open_all(*_: object) -> None:
        for row in range(model.rowCount()):
            index = model.index(row, column)
            if model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                table.openPersistentEditor(index)
            else:
                table.closePersistentEditor(index)

    for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
        signal.connect(open_all)
    open_all()
    table.refresh_sync_rule_editors = open_all  # type: ignore[attr-defined]

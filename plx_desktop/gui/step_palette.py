"""The palette of the twelve step kinds, to drag onto the steps list (or add with Enter)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListView, QVBoxLayout, QWidget

from plx_desktop.domain.catalog import STEP_KINDS, StepKind
from plx_desktop.gui.resources import icon
from plx_desktop.gui.steps_model import (
    STEP_KIND_MIME,
    direction_icon_name,
    step_text,
)

KindRole = Qt.ItemDataRole.UserRole + 1  # the catalog key of a row's kind
_Index = QModelIndex | QPersistentModelIndex


class StepPaletteModel(QAbstractListModel):
    """The twelve kinds in catalog order; read-only; drags carry STEP_KIND_MIME."""

    def __init__(self, parent: Any = None, kinds: tuple[StepKind, ...] = STEP_KINDS):
        super().__init__(parent)
        self.kinds = kinds

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.kinds)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.kinds):
            return None
        kind = self.kinds[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return kind.label  # the arrow icon shows the direction; the tooltip names the systems
        if role == Qt.ItemDataRole.DecorationRole:
            return icon(direction_icon_name(kind.direction))
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{step_text(kind)}. Drag onto the steps list, "
                    "or press Enter, to add this step.")
        if role == KindRole:
            return kind.key
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemNeverHasChildren)

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802 - Qt API
        return Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt API
        return [STEP_KIND_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # noqa: N802 - Qt API
        data = QMimeData()
        valid = [i for i in indexes if i.isValid()]
        if valid:
            key = self.kinds[valid[0].row()].key
            data.setData(STEP_KIND_MIME, QByteArray(key.encode("utf-8")))
            data.setText(self.kinds[valid[0].row()].label)
        return data


class StepPalette(QWidget):
    """'Step kinds' title and the draggable list; `add_requested(kind_key)` on Enter / double-click."""

    add_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = StepPaletteModel(self)
        self.view = QListView(self)
        self.view.setObjectName("stepPalette")
        self.view.setModel(self.model)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.view.setIconSize(QSize(16, 16))
        self.view.setUniformItemSizes(True)
        self.view.setSpacing(1)
        self.view.setAccessibleName("Step kinds")
        self.view.setToolTip("Drag a step kind onto the steps list to add it there "
                             "(or select it and press Enter)")
        widest = max(self.view.fontMetrics().horizontalAdvance(k.label) for k in STEP_KINDS)
        self.view.setMinimumWidth(widest + 16 + 40)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.activated.connect(lambda index: self.add_requested.emit(index.data(KindRole)))
        title = QLabel("Step &kinds")
        title.setObjectName("paletteTitle")
        title.setBuddy(self.view)
        hint = QLabel("Drag onto the list to add a step where you drop it.")
        hint.setWordWrap(True)
        hint.setObjectName("lockedHint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.view, 1)

"""How a step row looks and behaves: drag handle, enabled checkbox, direction icon, label, and the
Settings / Clone / Remove / Add action buttons that appear on hover (and on the selected row)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QHelpEvent, QIcon, QMouseEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
)

from plx_desktop.domain.step import Step
from plx_desktop.gui.resources import icon
from plx_desktop.gui.steps_model import StepRole

ICON = 16
BUTTON = 26
PAD = 8


@dataclass(frozen=True)
class RowButton:
    name: str        # "settings" | "clone" | "remove" | "add_action"
    icon_name: str
    tooltip: str


BUTTONS = (
    RowButton("settings", "settings", "Settings: field mappings, filtering rules and actions (Enter)"),
    RowButton("clone", "clone", "Clone this step, with its settings (Ctrl+D)"),
    RowButton("remove", "remove", "Remove this step (Delete)"),
    RowButton("add_action", "add-action", "Add action: add synced people to a sequence (Ctrl+Shift+A)"),
)


def buttons_for(step: Step, read_only: bool) -> list[RowButton]:
    """The buttons a row offers: in the Default profile only Settings (shown read-only)."""
    if read_only:
        return [BUTTONS[0]]
    return [b for b in BUTTONS if b.name != "add_action" or step.kind.accepts_actions]


class StepsDelegate(QStyledItemDelegate):
    """Paints step rows and turns clicks on their buttons into `button_clicked(row, name)`."""

    button_clicked = Signal(int, str)

    def __init__(self, view: QAbstractItemView):
        super().__init__(view)
        self.view = view
        self.read_only = False
        self.hover_pos: QPoint | None = None  # kept by the view (mouse tracking)

    # -- geometry --------------------------------------------------------------------------

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        height = max(BUTTON + 10, option.fontMetrics.height() + 18)
        return QSize(max(option.rect.width(), 480), height)

    def _check_rect(self, rect: QRect) -> QRect:
        size = self.view.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
        return QRect(rect.left() + PAD + ICON + 6, rect.center().y() - size // 2, size, size)

    def button_rects(self, rect: QRect, index: QModelIndex) -> list[tuple[RowButton, QRect]]:
        step = index.data(StepRole)
        if step is None:
            return []
        buttons = buttons_for(step, self.read_only)
        right = rect.right() - PAD
        out = []
        for button in reversed(buttons):
            out.append((button, QRect(right - BUTTON + 1, rect.center().y() - BUTTON // 2 + 1,
                                      BUTTON, BUTTON)))
            right -= BUTTON + 2
        return list(reversed(out))

    def _buttons_visible(self, option: QStyleOptionViewItem) -> bool:
        state = option.state
        return bool(state & QStyle.StateFlag.State_MouseOver or state & QStyle.StateFlag.State_Selected)

    # -- painting --------------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = self.view.style()
        painter.save()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, self.view)
        rect = opt.rect
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        enabled = not self.read_only
        if enabled:
            handle = QRect(rect.left() + PAD, rect.center().y() - ICON // 2, ICON, ICON)
            icon("drag-handle").paint(painter, handle, mode=_mode(selected))
        check = QStyleOptionViewItem(opt)
        check.rect = self._check_rect(rect)
        check.state = check.state & ~QStyle.StateFlag.State_HasFocus
        check.state |= (QStyle.StateFlag.State_On if opt.checkState == Qt.CheckState.Checked
                        else QStyle.StateFlag.State_Off)
        if self.read_only:
            check.state &= ~QStyle.StateFlag.State_Enabled
        style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck, check, painter,
                            self.view)
        arrow = QRect(check.rect.right() + 10, rect.center().y() - ICON // 2, ICON, ICON)
        opt.icon.paint(painter, arrow, mode=_mode(selected))
        buttons = self.button_rects(rect, index) if self._buttons_visible(opt) else []
        text_right = (buttons[0][1].left() - 8) if buttons else rect.right() - PAD
        text_rect = QRect(arrow.right() + 10, rect.top(), text_right - arrow.right() - 10, rect.height())
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        if opt.checkState != Qt.CheckState.Checked:
            painter.setOpacity(0.6)  # a step that is turned off reads as such
        text = opt.fontMetrics.elidedText(opt.text, Qt.TextElideMode.ElideRight, text_rect.width())
        style.drawItemText(painter, text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                           opt.palette, True, text, role)
        painter.setOpacity(1.0)
        for button, button_rect in buttons:
            if self.hover_pos is not None and button_rect.contains(self.hover_pos):
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(opt.palette.color(QPalette.ColorRole.Midlight))
                painter.drawRoundedRect(button_rect, 4, 4)
            icon_rect = QRect(0, 0, ICON, ICON)
            icon_rect.moveCenter(button_rect.center())
            icon(button.icon_name).paint(painter, icon_rect, mode=_mode(selected))
        if opt.state & QStyle.StateFlag.State_HasFocus and self.view.hasFocus():
            self._paint_focus(painter, opt, selected)
        painter.restore()

    @staticmethod
    def _paint_focus(painter: QPainter, opt: QStyleOptionViewItem, selected: bool) -> None:
        """The keyboard's row: a frame in the highlight colour (on a selected row, in the
        highlighted text's colour, which stands out against it)."""
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight
        painter.setOpacity(1.0)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(opt.palette.color(role), 2, Qt.PenStyle.DotLine if selected
                            else Qt.PenStyle.SolidLine))
        painter.drawRoundedRect(opt.rect.adjusted(2, 2, -2, -2), 3, 3)

    # -- interaction ------------------------------------------------------------------------

    def editorEvent(self, event: QEvent, model, option: QStyleOptionViewItem,  # noqa: N802
                    index: QModelIndex) -> bool:
        if event.type() in (QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonPress,
                            QEvent.Type.MouseButtonDblClick) and isinstance(event, QMouseEvent):
            if event.button() != Qt.MouseButton.LeftButton:
                return False
            pos = event.position().toPoint()
            for button, rect in self.button_rects(option.rect, index):
                if rect.contains(pos):
                    if event.type() == QEvent.Type.MouseButtonRelease:
                        self.button_clicked.emit(index.row(), button.name)
                    return True  # the press must not start a drag or change the selection
            if self._check_rect(option.rect).adjusted(-4, -4, 4, 4).contains(pos):
                if event.type() == QEvent.Type.MouseButtonRelease and \
                        index.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                    checked = index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
                    model.setData(index, Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked,
                                  Qt.ItemDataRole.CheckStateRole)
                return event.type() != QEvent.Type.MouseButtonPress
            return False
        return super().editorEvent(event, model, option, index)

    def helpEvent(self, event: QHelpEvent, view, option: QStyleOptionViewItem,  # noqa: N802
                  index: QModelIndex) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            for button, rect in self.button_rects(option.rect, index):
                if rect.contains(event.pos()):
                    QToolTip.showText(event.globalPos(), button.tooltip, view, rect)
                    return True
            if self._check_rect(option.rect).contains(event.pos()):
                text = ("Turned on: this step runs" if index.data(Qt.ItemDataRole.CheckStateRole)
                        == Qt.CheckState.Checked else "Turned off: this step is skipped")
                QToolTip.showText(event.globalPos(), f"{text} (Space to switch)", view)
                return True
        return super().helpEvent(event, view, option, index)


def _mode(selected: bool) -> QIcon.Mode:
    return QIcon.Mode.Selected if selected else QIcon.Mode.Normal

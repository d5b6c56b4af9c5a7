"""A slide toggle switch (the "Exclude updated from action" slider): a checkable button drawn as a
track with a knob, keyboard-operable like any button."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QAbstractButton, QWidget


class ToggleSwitch(QAbstractButton):
    """On/off switch; `toggled(bool)` like a check box. The text is for accessibility and tests."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setText(text)
        self.setAccessibleName(text)
        self.setCheckable(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def sizeHint(self) -> QSize:
        height = self.fontMetrics().height() + 6
        return QSize(height * 2, height)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        height = min(rect.height(), rect.width() / 2)
        track = QRectF(rect.left(), rect.center().y() - height / 2, height * 2, height)
        on = self.isChecked()
        if not self.isEnabled():
            track_colour = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Mid)
        elif on:
            track_colour = palette.color(QPalette.ColorRole.Highlight)
        else:
            track_colour = palette.color(QPalette.ColorRole.Mid)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track_colour)
        painter.drawRoundedRect(track, height / 2, height / 2)
        knob = height - 4
        x = track.right() - knob - 2 if on else track.left() + 2
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawEllipse(QRectF(x, track.top() + 2, knob, knob))
        if self.hasFocus():
            painter.setPen(palette.color(QPalette.ColorRole.Highlight))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(track.adjusted(-1, -1, 1, 1), height / 2, height / 2)

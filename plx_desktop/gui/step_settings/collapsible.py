"""A section of the settings dialog that folds: a header button with an arrow over its content."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


class CollapsibleSection(QWidget):
    """A titled section; clicking the title (or Space on it) shows or hides the content."""

    def __init__(self, title: str, content: QWidget, parent: QWidget | None = None, *,
                 expanded: bool = True):
        super().__init__(parent)
        self.content = content
        self.header = QToolButton(self)
        self.header.setText(title)
        self.header.setCheckable(True)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.header.setAutoRaise(True)
        # A title, not a button to look at: no frame, no pressed look when expanded.
        self.header.setStyleSheet("QToolButton { border: none; background: transparent; "
                                  "padding: 2px 0; }")
        font = self.header.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.header.setFont(font)
        self.header.toggled.connect(self.set_expanded)
        self.summary = QLabel(self)  # e.g. "4 mappings", shown next to the title
        self.summary.setEnabled(False)  # drawn in the palette's muted colour
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.setSpacing(4)
        layout.addWidget(line)
        head = QWidget(self)

        head_layout = QHBoxLayout(head)
        head_layout.setContentsMargins(0, 0, 0, 0)
        head_layout.addWidget(self.header, 1)
        head_layout.addWidget(self.summary)
        layout.addWidget(head)
        layout.addWidget(content)
        self.header.setChecked(expanded)
        self.set_expanded(expanded)

    @property
    def title(self) -> str:
        return self.header.text()

    def is_expanded(self) -> bool:
        return self.header.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        self.header.setChecked(expanded)
        self.header.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.header.setToolTip(f"{'Hide' if expanded else 'Show'} {self.title}")
        self.content.setVisible(expanded)

    def set_summary(self, text: str) -> None:
        self.summary.setText(text)

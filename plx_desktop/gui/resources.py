"""Find and load the app's files: Designer forms (ui/), icons and the style sheet (resources/).

Monochrome icons are drawn in the palette's text colour at whatever size and device pixel ratio
Qt asks for, so they stay sharp on high-DPI screens and readable in light and dark mode.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QFile, QIODevice, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

# Icons whose colours are part of their meaning (brand badges, the app icon) are never recoloured.
_FULL_COLOUR = {"salesforce", "peoplelinx", "app"}


def _root() -> Path:
    """The folder holding ui/, resources/ and docs/: the PyInstaller bundle or the checkout."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parents[2]


def ui_path(name: str) -> Path:
    return _root() / "ui" / name


def docs_path(*parts: str) -> Path:
    """The repository's docs/ (the admin's guide and its images; the bundle carries them too)."""
    return _root().joinpath("docs", *parts)


def resource_path(*parts: str) -> Path:
    return _root().joinpath("resources", *parts)


def load_ui(name: str, parent: QWidget | None = None) -> QWidget:
    """Build the widget tree of a Designer form (ui/NAME) with QUiLoader.

    Forms are loaded at run time rather than compiled with pyside6-uic: the .ui files stay the
    only source of the layouts, and nothing generated has to be kept in step with them.
    """
    file = QFile(str(ui_path(name)))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"Cannot open the form {ui_path(name)}")
    try:
        widget = QUiLoader().load(file, parent)
    finally:
        file.close()
    if widget is None:
        raise RuntimeError(f"The form {name} could not be loaded")
    return widget


def style_sheet() -> str:
    return resource_path("style.qss").read_text(encoding="utf-8")


@cache
def _svg_text(name: str) -> str:
    return resource_path("icons", f"{name}.svg").read_text(encoding="utf-8")


class _SvgIconEngine(QIconEngine):
    """Render an SVG at the requested size, in the palette colour that fits the icon's mode."""

    def __init__(self, name: str):
        super().__init__()
        self._name = name

    def _renderer(self, mode: QIcon.Mode) -> QSvgRenderer:
        text = _svg_text(self._name)
        if self._name not in _FULL_COLOUR:
            palette = QGuiApplication.palette()
            group = QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled else QPalette.ColorGroup.Active
            role = QPalette.ColorRole.HighlightedText if mode == QIcon.Mode.Selected else QPalette.ColorRole.WindowText
            text = text.replace("currentColor", palette.color(group, role).name())
        return QSvgRenderer(QByteArray(text.encode("utf-8")))

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        renderer = self._renderer(mode)
        if mode == QIcon.Mode.Disabled and self._name in _FULL_COLOUR:
            painter.setOpacity(0.4)
        renderer.render(painter, rect)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State,  # noqa: N802
                     scale: float) -> QPixmap:
        pixmap = QPixmap(size * scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        pixmap.setDevicePixelRatio(scale)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self._name)


def icon(name: str) -> QIcon:
    """The icon resources/icons/NAME.svg (e.g. "settings", "clone", "arrow-right")."""
    if not resource_path("icons", f"{name}.svg").exists():
        raise FileNotFoundError(f"No icon named {name}")
    return QIcon(_SvgIconEngine(name))

"""Dialogs open large enough for what they show, never larger than the screen, and reopen at the
size the admin last gave them (per data dir, in the main window's window.ini)."""

from __future__ import annotations

from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QWidget

# Room left around a dialog on a small screen (title bar, panel, a margin).
_SCREEN_MARGIN = QSize(40, 80)


def _settings(widget: QWidget) -> QSettings | None:
    """The main window's settings (window.ini in the data dir), found through the parents."""
    node: QWidget | None = widget
    while node is not None:
        settings = getattr(node, "window_settings", None)
        if isinstance(settings, QSettings):
            return settings
        node = node.parentWidget()
    return None


def available_size(widget: QWidget) -> QSize:
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry().size() - _SCREEN_MARGIN


def fit_and_remember(dialog: QDialog, name: str, content: QSize | None = None) -> QSize:
    """Size `dialog` once, before it is shown: its remembered size, or else what its content
    needs (`content`, when a scroll area hides it from sizeHint), within the screen; remember
    the size the admin leaves it at. The size given."""
    limit = available_size(dialog)
    settings = _settings(dialog)
    saved = settings.value(f"dialogs/{name}") if settings is not None else None
    if isinstance(saved, QSize) and saved.isValid():
        wanted = saved
    else:
        wanted = dialog.sizeHint().expandedTo(dialog.minimumSizeHint())
        if content is not None:
            wanted = wanted.expandedTo(content)
    size = wanted.expandedTo(dialog.minimumSize()).boundedTo(limit)
    dialog.resize(size)
    if settings is not None:
        dialog.finished.connect(lambda *_: _save(settings, name, dialog))
    return size


def _save(settings: QSettings, name: str, dialog: QDialog) -> None:
    settings.setValue(f"dialogs/{name}", dialog.size())
    settings.sync()

"""Web addresses the app opens (record links, the guide's links): never a dead end.

Every address that a click would open in the browser can also be copied, and when no browser
opens (a server without a desktop, no default browser set) the address is shown on screen, with
a Copy button, instead of nothing happening. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

NO_BROWSER = "No browser opened for this address. Copy it and open it in your browser:"


def copy_url(url: str) -> None:
    """Put the address on the clipboard (and in the X11 selection, for a middle click)."""
    clipboard = QGuiApplication.clipboard()
    clipboard.setText(url)
    if clipboard.supportsSelection():
        clipboard.setText(url, clipboard.Mode.Selection)


def open_url(url: str, parent: QWidget | None = None) -> bool:
    """Open `url` in the browser; when that fails, say so and show it, ready to copy."""
    if QDesktopServices.openUrl(QUrl(url)):
        return True
    show_url(url, parent, NO_BROWSER)
    return False


def show_url(url: str, parent: QWidget | None, message: str) -> UrlDialog:
    dialog = UrlDialog(url, message, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    if parent is not None:
        parent.setProperty("url_dialog", dialog)  # for tests: the last one shown
    return dialog


def copy_link_action(parent: QWidget, current_url, text: str = "&Copy link") -> QAction:
    """An action (Ctrl+Shift+C, in the widget and its context menu) that copies the address
    `current_url()` returns (None or "": nothing to copy, and the action is disabled)."""
    action = QAction(text, parent)
    action.setShortcut(QKeySequence("Ctrl+Shift+C"))
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def copy() -> None:
        url = current_url()
        if url:
            copy_url(url)

    action.triggered.connect(copy)
    parent.addAction(action)
    return action


class UrlDialog(QDialog):
    """An address, selected in a read-only field, with Copy and Close."""

    def __init__(self, url: str, message: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("urlDialog")
        self.setWindowTitle("Open in your browser")
        self.message = QLabel(message, self)
        self.message.setWordWrap(True)
        self.field = QLineEdit(url, self)
        self.field.setReadOnly(True)
        self.field.setAccessibleName("Address")
        self.field.setMinimumWidth(min(720, max(360, self.fontMetrics().horizontalAdvance(url) + 24)))
        self.field.selectAll()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = buttons.addButton("&Copy", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self._copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.field)
        layout.addWidget(buttons)
        self.field.setFocus()

    @property
    def url(self) -> str:
        return self.field.text()

    def _copy(self) -> None:
        copy_url(self.url)
        self.copy_button.setText("Copied")

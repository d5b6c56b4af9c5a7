"""The small window shown while the admin signs in to Salesforce in the browser.

When no browser can be opened (a server session, no default browser), it says so and shows the
sign-in address with a Copy button, to open in a browser anywhere; it never fails silently.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def _system_browser(url: str) -> bool:
    return QDesktopServices.openUrl(QUrl(url))


class LoginWaitDialog(QDialog):
    """'Log in to Salesforce in your browser…' with Cancel; the card closes it when the redirect arrives.

    Window-modal and shown with show(), never exec(): the asyncio loop that waits for the redirect
    must keep running.
    """

    cancelled = Signal()

    def __init__(self, authorize_url: str, parent: QWidget | None = None,
                 note: str = ""):
        super().__init__(parent)
        self.setObjectName("loginWaitDialog")
        self.setWindowTitle("Connect to Salesforce")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._url = authorize_url
        self.setMinimumWidth(520)  # room to read the start of the address
        self.message = QLabel("Log in to Salesforce in your browser…")
        self.message.setObjectName("loginWaitMessage")
        self.message.setWordWrap(True)
        hint = QLabel("This window closes by itself once you have allowed access."
                      + (f" {note}" if note else ""))
        hint.setWordWrap(True)
        hint.setObjectName("loginWaitHint")
        self.url_field = QLineEdit(authorize_url)
        self.url_field.setObjectName("authorizeUrlEdit")
        self.url_field.setReadOnly(True)
        self.url_field.setAccessibleName("Sign-in address")
        self.url_field.setCursorPosition(0)
        self.copy_button = QPushButton("&Copy URL")
        self.copy_button.setObjectName("copyUrlButton")
        self.copy_button.setToolTip("Copy the sign-in address, to open it in any browser")
        self.copy_button.clicked.connect(self.copy_url)
        self.url_row = QWidget()
        row = QHBoxLayout(self.url_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.url_field, 1)
        row.addWidget(self.copy_button)
        self.url_row.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.reopen = buttons.addButton("&Open the browser again",
                                        QDialogButtonBox.ButtonRole.ActionRole)
        self.reopen.setToolTip("Open the Salesforce login page again in your browser")
        self.reopen.clicked.connect(lambda: self.open_browser())
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(hint)
        layout.addWidget(self.url_row)
        layout.addWidget(buttons)
        self._finished_by_card = False

    def open_browser(self, opener: Callable[[str], bool] = _system_browser) -> bool:
        """Open the sign-in page in the browser; when that fails, show the address instead."""
        opened = bool(opener(self._url))
        if not opened:
            self.show_url()
        return opened

    def show_url(self) -> None:
        self.message.setText("The browser could not be opened. Open this address in a browser "
                             "(on any computer) and log in to Salesforce:")
        self.url_row.setVisible(True)
        self.copy_button.setFocus()
        self.adjustSize()

    def copy_url(self) -> None:
        QGuiApplication.clipboard().setText(self._url)
        self.copy_button.setText("Copied")

    def reject(self) -> None:
        if not self._finished_by_card:
            self.cancelled.emit()
        super().reject()

    def finish(self) -> None:
        """Close without counting as a cancel (the sign-in ended one way or another)."""
        self._finished_by_card = True
        self.accept()

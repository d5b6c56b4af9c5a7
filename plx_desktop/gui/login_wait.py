"""The small window shown while the admin signs in to Salesforce in the browser."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget


class LoginWaitDialog(QDialog):
    """'Log in to Salesforce in your browser…' with Cancel; the card closes it when the redirect arrives.

    Window-modal and shown with show(), never exec(): the asyncio loop that waits for the redirect
    must keep running.
    """

    cancelled = Signal()

    def __init__(self, authorize_url: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("loginWaitDialog")
        self.setWindowTitle("Connect to Salesforce")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._url = authorize_url
        message = QLabel("Log in to Salesforce in your browser…")
        message.setObjectName("loginWaitMessage")
        hint = QLabel("This window closes by itself once you have allowed access.")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        reopen = buttons.addButton("&Open the browser again", QDialogButtonBox.ButtonRole.ActionRole)
        reopen.setToolTip("Open the Salesforce login page again in your browser")
        reopen.clicked.connect(self.open_browser)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self._finished_by_card = False

    def open_browser(self) -> None:
        QDesktopServices.openUrl(QUrl(self._url))

    def reject(self) -> None:
        if not self._finished_by_card:
            self.cancelled.emit()
        super().reject()

    def finish(self) -> None:
        """Close without counting as a cancel (the sign-in ended one way or another)."""
        self._finished_by_card = True
        self.accept()

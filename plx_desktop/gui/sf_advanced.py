"""The Salesforce card's Advanced section: your own External Client App's Consumer key and the
callback port, with the exact callback URL to register on the app (docs/CONNECT.md).

The key is remembered per login URL (it is not a secret: PKCE protects the flow and no client
secret is used); against the sandbox it is filled in by itself and cannot be changed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from plx_desktop.connectors.sf_auth import redirect_uri_for
from plx_desktop.gui.connection_state import ConnectionState


class AdvancedSection(QWidget):
    """The key, the port and the callback URL, shown by the 'Advanced' disclosure button
    (`toggle`, which the card places in its button row, so a closed section takes no height)."""

    def __init__(self, state: ConnectionState, login_url: Callable[[], str],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self._login_url = login_url
        self.toggle = QToolButton()
        self.toggle.setObjectName("advancedToggle")
        self.toggle.setText("Advanced")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolTip("Your own External Client App: its Consumer key and callback port")
        self.body = QWidget(self)
        form = QFormLayout(self.body)
        form.setContentsMargins(18, 0, 0, 0)
        self.client_id = QLineEdit(self.body)
        self.client_id.setObjectName("consumerKeyEdit")
        self.client_id.setPlaceholderText("3MVG9… (the app's Consumer Key)")
        self.client_id.setToolTip("The Consumer Key of your External Client App (Setup, External "
                                  "Client App Manager, the app, Settings, OAuth Settings). Not a "
                                  "secret; remembered for this login URL.")
        key_label = QLabel("Consumer &key:", self.body)
        key_label.setBuddy(self.client_id)
        form.addRow(key_label, self.client_id)
        self.port = QSpinBox(self.body)
        self.port.setObjectName("callbackPortSpin")
        self.port.setRange(1024, 65535)
        self.port.setToolTip("The port Salesforce sends you back to; the app's Callback URL "
                             "must name the same one")
        port_label = QLabel("Callback &port:", self.body)
        port_label.setBuddy(self.port)
        form.addRow(port_label, self.port)
        self.callback = QLabel(self.body)
        self.callback.setObjectName("callbackUrlValue")
        self.callback.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        copy = QPushButton("Cop&y", self.body)
        copy.setObjectName("copyCallbackButton")
        copy.setToolTip("Copy the callback URL to paste into the app's Callback URL field. "
                        "Register it exactly, with PKCE on, no secret for the web server flow, "
                        "and the scopes api, refresh_token offline_access and openid "
                        "(docs/CONNECT.md).")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.callback.text()))
        row = QHBoxLayout()
        row.addWidget(self.callback, 1)
        row.addWidget(copy)
        form.addRow("Callback URL:", row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.body)
        self.copy_button = copy
        self.body.setVisible(False)
        self.setVisible(False)
        self.toggle.toggled.connect(self._open)
        self.client_id.textEdited.connect(self._keep_key)
        self.port.valueChanged.connect(self._keep_port)
        if state.sandbox is not None:
            self.client_id.setReadOnly(True)
            self.client_id.setToolTip("The sandbox's own app: filled in by itself")
        self.reload()

    def _open(self, shown: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.body.setVisible(shown)
        self.setVisible(shown)

    def reload(self) -> None:
        """Show the key for the login URL chosen now (and the port)."""
        try:
            url = self._login_url()
        except ValueError:
            url = ""
        self.client_id.setText(self.state.client_id_for(url) if url else "")
        self.port.blockSignals(True)
        self.port.setValue(max(1024, self.state.callback_port))
        self.port.blockSignals(False)
        self.callback.setText(redirect_uri_for(self.state.callback_port))

    def _keep_key(self, text: str) -> None:
        try:
            self.state.set_client_id(self._login_url(), text)
        except ValueError:
            return  # no usable login URL yet (an empty My Domain): nothing to remember it for
        self.state.changed.emit()  # remembered in the store by the window

    def _keep_port(self, value: int) -> None:
        self.state.callback_port = value
        self.callback.setText(redirect_uri_for(value))
        self.state.changed.emit()

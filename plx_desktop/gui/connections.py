"""The Salesforce and PeopleLinx connection cards at the top of the Integrations page.

Network and keyring calls (sign-in, userinfo, revoke, testing the key) go through the GUI's front
door for background work (gui/operations.py) from qasync slots, so the window never freezes
while they wait.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot
from shiboken6 import isValid

from plx_desktop.connectors import sf_auth
from plx_desktop.connectors.errors import ConnectorError
from plx_desktop.connectors.peoplelinx import PeopleLinxClient, account_label
from plx_desktop.connectors.secrets import SavedSalesforceLogin, SecretStore, salesforce_account
from plx_desktop.gui.connection_state import ConnectionState, PeopleLinxAccount, SalesforceAccount
from plx_desktop.gui.login_wait import LoginWaitDialog
from plx_desktop.gui.operations import BackgroundOp, off_gui_thread
from plx_desktop.gui.resources import icon, load_ui
from plx_desktop.gui.sf_advanced import AdvancedSection

LOGIN_KINDS = ("production", "sandbox", "my_domain")  # in the order of the Login URL drop-down
BADGE_SIZE = 32
APPROVALS_NOTE = ("Each Reconnect is a new approval of the app. Salesforce keeps five per user "
                  "and app, and a sixth silently revokes the oldest: another computer or tool "
                  "signed in with the same app and user may then have to connect again.")


def _set_status(label: QLabel, text: str, state: str) -> None:
    label.setText(text)
    label.setProperty("connection", state)
    label.style().unpolish(label)
    label.style().polish(label)


class _Card(QWidget):
    """Shared plumbing: load the form, find its widgets, show errors, keep the secret store."""

    FORM = ""
    BADGE = ""

    def __init__(self, state: ConnectionState, secrets: SecretStore | None, parent: QWidget | None):
        super().__init__(parent)
        self.state = state
        self.secrets = secrets  # None in the sandbox: its credentials never go to the keyring
        self.form = load_ui(self.FORM, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        badge = self.child(QLabel, "badge")
        badge.setPixmap(icon(self.BADGE).pixmap(BADGE_SIZE, BADGE_SIZE))
        self.title = self.child(QLabel, "cardTitle")
        self.status = self.child(QLabel, "statusLabel")
        self.error = self.child(QLabel, "errorLabel")
        _set_status(self.error, "", "error")
        self.error.setVisible(False)
        self.busy = False

    def child(self, cls: type, name: str) -> Any:
        widget = self.form.findChild(cls, name)
        if widget is None:
            raise LookupError(f"{self.FORM} has no {cls.__name__} named {name}")
        return widget

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def confirm(self, title: str, text: str, action: str, then: Any) -> QMessageBox:
        """Ask before something that cannot be undone; `then()` runs only on `action`.

        Opened with open(), never exec(): the asyncio loop must keep running.
        """
        box = QMessageBox(QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.Cancel, self)
        go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.buttonClicked.connect(lambda button: then() if button is go else None)
        self.confirm_box = box
        box.open()
        return box


class SalesforceCard(_Card):
    """Connect (OAuth in the system browser), Disconnect, and who is connected to which org."""

    FORM = "salesforce_card.ui"
    BADGE = "salesforce"
    salesforce_connected = Signal(object)  # a SalesforceAccount, each time a connect finishes

    def __init__(self, state: ConnectionState, secrets: SecretStore | None = None,
                 parent: QWidget | None = None):
        super().__init__(state, secrets, parent)
        self.login_kind = self.child(QComboBox, "loginKindCombo")
        self.my_domain = self.child(QLineEdit, "myDomainEdit")
        self.my_domain_label = self.child(QLabel, "myDomainLabel")
        self.user = self.child(QLabel, "userValue")
        self.org = self.child(QLabel, "orgValue")
        self.instance = self.child(QLabel, "instanceValue")
        self.connect_button = self.child(QPushButton, "connectButton")
        self.disconnect_button = self.child(QPushButton, "disconnectButton")
        self.wait_dialog: LoginWaitDialog | None = None
        self._pending: sf_auth.PendingLogin | None = None
        if state.sandbox is not None:
            self.login_kind.addItem("Sandbox login page")
            self.login_kind.setCurrentIndex(self.login_kind.count() - 1)
            self.login_kind.setEnabled(False)
            self.login_kind.setToolTip(f"The sandbox's own login page: {state.sandbox.salesforce_login_url}")
        self.login_kind.currentIndexChanged.connect(self._show_my_domain)
        self.advanced = AdvancedSection(state, self.login_url, self.form)
        self.details_button = QPushButton("Detai&ls…", self.form)
        self.details_button.setObjectName("errorDetailsButton")
        self.details_button.setToolTip("What Salesforce said, word for word")
        self.details_button.clicked.connect(self.show_details)
        layout = self.form.layout()
        layout.insertWidget(layout.indexOf(self.error), self.advanced)
        layout.insertWidget(layout.indexOf(self.error) + 1, self.details_button,
                            0, Qt.AlignmentFlag.AlignLeft)
        buttons = self.form.findChild(QHBoxLayout, "buttonRow")
        buttons.insertWidget(0, self.advanced.toggle)
        self.details_button.setVisible(False)
        # Tab: the card's own fields, Connect, Disconnect, then the Advanced part.
        chain = [self.connect_button, self.disconnect_button, self.advanced.toggle,
                 self.advanced.client_id, self.advanced.port, self.advanced.copy_button,
                 self.details_button]
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)
        self._raw_error = ""
        self._shown_problem = ""
        self.login_kind.currentIndexChanged.connect(self.advanced.reload)
        self.my_domain.editingFinished.connect(self.advanced.reload)
        self.connect_button.clicked.connect(self.connect_salesforce)
        self.disconnect_button.clicked.connect(self.confirm_disconnect)
        state.changed.connect(self.refresh)
        self._show_my_domain()
        self.refresh()

    def _show_my_domain(self) -> None:
        wanted = self.login_kind.currentIndex() == LOGIN_KINDS.index("my_domain")
        self.my_domain.setVisible(wanted)
        self.my_domain_label.setVisible(wanted)

    def login_url(self) -> str:
        """Where to sign in, from the Login URL choice; ValueError with the admin's words if bad."""
        if self.state.sandbox is not None:
            return self.state.sandbox.salesforce_login_url
        kind = LOGIN_KINDS[self.login_kind.currentIndex()]
        return sf_auth.login_url_for(kind, self.my_domain.text())

    def show_error(self, text: str, raw: str = "") -> None:
        super().show_error(text)
        self._raw_error = raw
        self.details_button.setVisible(bool(text and raw))

    def show_details(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "What Salesforce said",
                          self._raw_error or self.error.text(), QMessageBox.StandardButton.Close,
                          self)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_box = box
        box.open()

    def refresh(self) -> None:
        account = self.state.salesforce
        connected = account is not None
        problem = self.state.salesforce_problem
        if connected and problem:
            # Said once, here and in the run's log; the scheduler waits for the admin.
            _set_status(self.status, "Needs attention", "error")
            if self.error.text() != problem:
                self.show_error(problem, f"The last sync failed with {self.state.salesforce_problem_raw}"
                                f": {problem}" if self.state.salesforce_problem_raw else "")
            self._shown_problem = problem
        elif connected:
            _set_status(self.status, "Connected", "connected")
        else:
            _set_status(self.status, "Not connected", "disconnected")
        if not problem and self._shown_problem:
            if self.error.text() == self._shown_problem:
                self.show_error("")
            self._shown_problem = ""
        self.connect_button.setToolTip(APPROVALS_NOTE if connected else
                                       "Sign in to Salesforce in your web browser")
        self.user.setText(_user_text(account) if account else "–")
        self.org.setText(account.org_id or "–" if account else "–")
        self.instance.setText(account.instance_url if account else "–")
        self.connect_button.setText("Re&connect" if connected else "&Connect")
        self.connect_button.setEnabled(not self.busy)
        self.disconnect_button.setEnabled(connected and not self.busy)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.refresh()

    @asyncSlot()
    async def connect_salesforce(self) -> None:
        """Sign in through the browser and wait for the redirect without blocking the window."""
        self.show_error("")
        try:
            login_url = self.login_url()
        except ValueError as exc:
            self.show_error(str(exc))
            return
        client_id = self.state.client_id_for(login_url)
        self._set_busy(True)
        try:
            pending = sf_auth.start_login(login_url, client_id, ca_file=self.state.ca_file,
                                          port=self.state.callback_port)
        except ConnectorError as exc:
            self._set_busy(False)
            self.show_error(str(exc), exc.raw or "")
            if exc.code == "NO_CLIENT_ID":
                self.advanced.toggle.setChecked(True)
                self.advanced.client_id.setFocus()
            return
        except OSError as exc:
            self._set_busy(False)
            self.show_error(f"Could not wait for the sign-in: {exc}")
            return
        self._pending = pending
        again = self.state.salesforce is not None  # a Reconnect: say what it costs
        dialog = self.wait_dialog = LoginWaitDialog(pending.authorize_url, self.window(),
                                                    note=APPROVALS_NOTE if again else "")
        dialog.cancelled.connect(lambda: BackgroundOp(pending.cancel).run())
        dialog.show()
        dialog.open_browser()
        try:
            tokens = await off_gui_thread(pending.wait)
            info = await off_gui_thread(sf_auth.userinfo, tokens.instance_url,
                                              tokens.access_token, self.state.ca_file)
            username = str(info.get("preferred_username") or info.get("email") or "")
            account = SalesforceAccount(
                instance_url=tokens.instance_url, username=username,
                org_id=str(info.get("organization_id") or ""),
                display_name=str(info.get("name") or ""), login_url=login_url,
                access_token=tokens.access_token, refresh_token=tokens.refresh_token,
                client_id=client_id, account=salesforce_account(tokens.instance_url, username))
            store = self.state.login_store(self.secrets)
            if store is not None and tokens.refresh_token:
                saved = SavedSalesforceLogin(account.instance_url, username, tokens.refresh_token,
                                             tokens.access_token, account.account)
                await off_gui_thread(store.save_login, account.account, saved)
        except ConnectorError as exc:
            if isValid(self) and getattr(exc, "code", None) != "cancelled":
                self.show_error(str(exc), exc.raw or "")
        else:
            if isValid(self):
                self.state.set_salesforce(account)
                self.salesforce_connected.emit(account)  # Check org (gui/check_org.py) listens
        finally:
            if not isValid(self):  # the window was closed while we waited
                return  # noqa: B012 - nothing left to update
            self._pending = None
            self.wait_dialog = None
            dialog.finish()
            dialog.deleteLater()
            self._set_busy(False)

    def confirm_disconnect(self) -> None:
        account = self.state.salesforce
        if account is None:
            return
        self.confirm("Disconnect Salesforce",
                     f"Disconnect {account.username or 'Salesforce'}? PLX Desktop's access is "
                     "revoked at Salesforce and the saved sign-in is deleted; syncing stops "
                     "until you connect again.", "&Disconnect", self.disconnect_salesforce)

    @asyncSlot()
    async def disconnect_salesforce(self) -> None:
        """Revoke the token at Salesforce and forget it here (and in the keyring)."""
        account = self.state.salesforce
        if account is None:
            return
        self.show_error("")
        self._set_busy(True)
        store = None if account.standing else self.state.login_store(self.secrets)
        problem = ""
        try:
            # The saved pair may have rotated since this window read it: revoke the live one.
            saved = (await off_gui_thread(store.load_login, account.account)
                     if store is not None and account.account else None)
            token = (saved.refresh_token if saved else None) or account.refresh_token \
                or account.access_token
            if token and not account.standing:
                await off_gui_thread(sf_auth.revoke, account.instance_url, token,
                                           self.state.ca_file)
        except ConnectorError as exc:
            problem = f"Salesforce could not be told to revoke the token ({exc}); it was forgotten here."
        try:
            if store is not None and account.account:
                await off_gui_thread(store.delete_login, account.account)
        except ConnectorError as exc:
            problem = str(exc)
        if not isValid(self):
            return
        self.state.set_salesforce(None)
        self._set_busy(False)
        self.show_error(problem)

    @asyncSlot()
    async def describe(self) -> None:
        """Fill in the user and org of a connection made before this session (userinfo)."""
        account = self.state.salesforce
        if account is None or account.org_id or not account.access_token:
            return
        try:
            info = await off_gui_thread(sf_auth.userinfo, account.instance_url,
                                        account.access_token, self.state.ca_file)
        except ConnectorError as exc:
            if isValid(self):
                self.show_error(f"Could not read who is signed in: {exc}")
            return
        if isValid(self) and self.state.salesforce is account:
            account.org_id = str(info.get("organization_id") or "")
            account.display_name = str(info.get("name") or "")
            self.refresh()

    def cancel_login(self) -> None:
        """Stop waiting for a sign-in (closing the window)."""
        if self._pending is not None:
            self._pending.cancel()


def _user_text(account: SalesforceAccount) -> str:
    if account.display_name and account.username:
        return f"{account.display_name} ({account.username})"
    return account.username or account.display_name or "–"


class PeopleLinxCard(_Card):
    """API key entry (password echo) and Test key; a key that works is kept."""

    FORM = "peoplelinx_card.ui"
    BADGE = "peoplelinx"

    def __init__(self, state: ConnectionState, secrets: SecretStore | None = None,
                 parent: QWidget | None = None):
        super().__init__(state, secrets, parent)
        self.api_key = self.child(QLineEdit, "apiKeyEdit")
        self.account = self.child(QLabel, "accountValue")
        self.server = self.child(QLabel, "serverValue")
        self.test_button = self.child(QPushButton, "testButton")
        self.disconnect_button = self.child(QPushButton, "disconnectButton")
        self.test_button.clicked.connect(self.test_key)
        self.api_key.returnPressed.connect(self.test_button.click)
        self.api_key.textChanged.connect(lambda: self.refresh())
        self.disconnect_button.clicked.connect(self.confirm_disconnect)
        state.changed.connect(self.refresh)
        if state.peoplelinx is not None:
            self.api_key.setText(state.peoplelinx.api_key)
        self.refresh()

    def refresh(self) -> None:
        account = self.state.peoplelinx
        if account is not None:
            _set_status(self.status, "Connected", "connected")
        else:
            _set_status(self.status, "Not connected", "disconnected")
        self.account.setText(account.account_name or "–" if account else "–")
        self.server.setText(account.base_url if account else self.state.peoplelinx_base_url)
        self.test_button.setEnabled(bool(self.api_key.text().strip()) and not self.busy)
        self.disconnect_button.setEnabled(account is not None and not self.busy)

    @asyncSlot()
    async def test_key(self) -> None:
        """Ask PeopleLinx who the key belongs to; keep the key when it answers."""
        key = self.api_key.text().strip()
        if not key:
            return
        self.show_error("")
        self.busy = True
        self.refresh()
        base_url = self.state.peoplelinx_base_url

        def who_am_i() -> dict[str, Any]:
            with PeopleLinxClient(base_url, key, ca_file=self.state.ca_file) as client:
                return client.me()

        try:
            me = await off_gui_thread(who_am_i)
            if self.secrets is not None:
                await off_gui_thread(self.secrets.save_peoplelinx_api_key, base_url, key)
        except ConnectorError as exc:
            if isValid(self):
                self.show_error(f"The key did not work: {exc}")
                self.state.set_peoplelinx(None)
        else:
            if isValid(self):
                self.state.set_peoplelinx(PeopleLinxAccount(base_url, key, account_label(me)))
        finally:
            if not isValid(self):
                return  # noqa: B012 - the window was closed while we waited
            self.busy = False
            self.refresh()

    @asyncSlot()
    async def describe(self) -> None:
        """Fill in the account of a key saved before this session (GET /v1/me)."""
        account = self.state.peoplelinx
        if account is None or account.account_name:
            return

        def who_am_i() -> dict[str, Any]:
            with PeopleLinxClient(account.base_url, account.api_key, ca_file=self.state.ca_file) as client:
                return client.me()

        try:
            me = await off_gui_thread(who_am_i)
        except ConnectorError as exc:
            if isValid(self):
                self.show_error(f"PeopleLinx did not accept the saved key: {exc}")
            return
        if isValid(self) and self.state.peoplelinx is account:
            account.account_name = account_label(me)
            self.refresh()

    def confirm_disconnect(self) -> None:
        if self.state.peoplelinx is None:
            return
        self.confirm("Disconnect PeopleLinx",
                     "Disconnect PeopleLinx? The saved API key is deleted from this computer; "
                     "syncing stops until you enter a key again.", "&Disconnect",
                     self.disconnect_peoplelinx)

    @asyncSlot()
    async def disconnect_peoplelinx(self) -> None:
        account = self.state.peoplelinx
        if account is None:
            return
        self.show_error("")
        try:
            if self.secrets is not None:
                await off_gui_thread(self.secrets.delete_peoplelinx_api_key, account.base_url)
        except ConnectorError as exc:
            if isValid(self):
                self.show_error(str(exc))
        if not isValid(self):
            return
        # Not into the API key field, and never with a key selected: the card keeps the focus.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.api_key.clear()
        self.state.set_peoplelinx(None)

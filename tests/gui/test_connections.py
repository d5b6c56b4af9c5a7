"""The connection cards against the sandbox: OAuth in a (stand-in) browser while the GUI waits,
Cancel, Disconnect revoking the token, and the PeopleLinx key test."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from shell_fixtures import (
    BrowserStandIn,
    sandbox_data_dir,
    sandbox_password,
    use_free_callback_port,
)

from plx_desktop.connectors import sf_auth
from plx_desktop.connectors.errors import AuthError
from plx_desktop.gui.connection_state import ConnectionState
from plx_desktop.gui.connections import PeopleLinxCard, SalesforceCard

pytestmark = pytest.mark.gui


class UrlCatcher(QObject):
    """Receives what QDesktopServices.openUrl would give the system browser."""

    def __init__(self, browser: BrowserStandIn):
        super().__init__()
        self.browser = browser

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.browser.open(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))


@pytest.fixture
def browser(sandbox, qapp):
    username, password = sandbox_password(sandbox)
    stand_in = BrowserStandIn(username, password, str(sandbox.info.ca_file))
    catcher = UrlCatcher(stand_in)
    QDesktopServices.setUrlHandler("https", catcher, "open")
    yield stand_in
    QDesktopServices.unsetUrlHandler("https")


@pytest.fixture
def state(sandbox, tmp_path: Path):
    data_dir, details = sandbox_data_dir(sandbox, tmp_path)
    state = ConnectionState(data_dir, details)
    use_free_callback_port(state, sandbox)
    return state


def _confirm(card) -> None:
    """Answer the Disconnect question with Disconnect."""
    from PySide6.QtWidgets import QMessageBox

    box = card.confirm_box
    assert box.isVisible() and "cannot" not in box.text()
    (go,) = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole]
    go.click()


def test_sandbox_cards_start_connected(qtbot, qloop, state):
    card = SalesforceCard(state)
    qtbot.addWidget(card)
    assert card.status.text() == "Connected"
    assert not card.login_kind.isEnabled()  # the sandbox has its own login page
    card.describe()
    qtbot.waitUntil(lambda: card.org.text() not in ("", "–"))
    plx = PeopleLinxCard(state)
    qtbot.addWidget(plx)
    plx.describe()
    qtbot.waitUntil(lambda: plx.account.text() not in ("", "–"))


def test_connect_through_the_browser_then_disconnect(qtbot, qloop, state, browser, sandbox):
    card = SalesforceCard(state)
    qtbot.addWidget(card)
    card.show()
    card.disconnect_button.click()  # the standing sandbox session: forgotten, not revoked
    _confirm(card)
    qtbot.waitUntil(lambda: card.status.text() == "Not connected")

    card.connect_button.click()
    qtbot.waitUntil(lambda: card.wait_dialog is not None and card.wait_dialog.isVisible())
    qtbot.waitUntil(lambda: state.salesforce is not None, timeout=15_000)
    assert browser.error is None
    assert browser.urls[0].startswith(sandbox.info.salesforce_login_url + "/services/oauth2/authorize?")
    assert card.wait_dialog is None  # closed by itself when the redirect arrived
    assert card.status.text() == "Connected"
    assert sandbox.info.salesforce_username in card.user.text()
    assert card.org.text().startswith("00D")
    assert card.instance.text() == state.salesforce.instance_url
    token = state.salesforce.refresh_token or state.salesforce.access_token
    access = state.salesforce.access_token
    assert sf_auth.userinfo(state.salesforce.instance_url, access, sandbox.info.ca_file)

    card.disconnect_button.click()
    assert state.salesforce is not None  # nothing happens before the admin confirms
    _confirm(card)
    qtbot.waitUntil(lambda: state.salesforce is None, timeout=10_000)
    assert card.status.text() == "Not connected" and not card.error.isVisible()
    assert token
    with pytest.raises(AuthError):
        sf_auth.userinfo(sandbox.info.salesforce_instance_url, access, sandbox.info.ca_file)


def test_cancel_while_waiting_for_the_browser(qtbot, qloop, state, qapp):
    caught: list[str] = []

    class Nowhere(QObject):
        @Slot(QUrl)
        def open(self, url: QUrl) -> None:
            caught.append(url.toString())  # a browser in which the admin never signs in

    nowhere = Nowhere()
    QDesktopServices.setUrlHandler("https", nowhere, "open")
    try:
        state.set_salesforce(None)
        card = SalesforceCard(state)
        qtbot.addWidget(card)
        card.connect_button.click()
        qtbot.waitUntil(lambda: card.wait_dialog is not None and card.wait_dialog.isVisible())
        assert not card.connect_button.isEnabled()
        card.wait_dialog.reject()  # Cancel
        qtbot.waitUntil(lambda: card.wait_dialog is None and card.connect_button.isEnabled())
        assert state.salesforce is None and not card.error.isVisible() and caught
    finally:
        QDesktopServices.unsetUrlHandler("https")


def test_peoplelinx_key_test(qtbot, qloop, state, sandbox):
    card = PeopleLinxCard(state)
    qtbot.addWidget(card)
    card.show()
    assert card.api_key.echoMode() == card.api_key.EchoMode.Password
    good_key = state.peoplelinx.api_key
    card.activateWindow()
    card.api_key.setFocus()
    qtbot.waitUntil(card.api_key.hasFocus)  # where the focus was when the admin disconnected
    card.disconnect_button.click()
    _confirm(card)
    qtbot.waitUntil(lambda: state.peoplelinx is None)
    assert not card.api_key.hasFocus() and not card.api_key.hasSelectedText()
    assert card.api_key.text() == "" and not card.test_button.isEnabled()

    card.api_key.setText("not-a-key")
    card.test_button.click()
    qtbot.waitUntil(lambda: card.error.isVisible())
    assert state.peoplelinx is None and "did not work" in card.error.text()

    card.api_key.setText(good_key)
    card.test_button.click()
    qtbot.waitUntil(lambda: state.peoplelinx is not None)
    assert card.status.text() == "Connected" and card.account.text() not in ("", "–")
    assert not card.error.isVisible()

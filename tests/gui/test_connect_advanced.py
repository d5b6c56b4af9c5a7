"""The Salesforce card's Advanced section (your own app's Consumer key, the callback port), the
waiting window's fallback when no browser opens, and Needs attention after a refused login."""

from __future__ import annotations

from pathlib import Path

import pytest
import shell_fixtures
from PySide6.QtGui import QGuiApplication
from shell_fixtures import sandbox_data_dir

from plx_desktop.gui.connection_state import ConnectionState, SalesforceAccount
from plx_desktop.gui.connections import SalesforceCard
from plx_desktop.gui.login_wait import LoginWaitDialog

pytestmark = pytest.mark.gui
make_window = shell_fixtures.make_window


def test_the_consumer_key_is_remembered_per_login_url(qtbot, qloop, tmp_path: Path) -> None:
    state = ConnectionState(tmp_path)
    card = SalesforceCard(state)
    qtbot.addWidget(card)
    card.show()
    assert not card.advanced.body.isVisible()
    card.advanced.toggle.click()
    assert card.advanced.body.isVisible()
    assert card.advanced.callback.text() == "http://localhost:1717/OauthRedirect"
    qtbot.keyClicks(card.advanced.client_id, "3MVG9-production-key")
    card.login_kind.setCurrentIndex(1)  # Sandbox org: test.salesforce.com
    assert card.advanced.client_id.text() == ""
    qtbot.keyClicks(card.advanced.client_id, "3MVG9-sandbox-key")
    card.login_kind.setCurrentIndex(0)
    assert card.advanced.client_id.text() == "3MVG9-production-key"
    assert state.client_ids == {"https://login.salesforce.com": "3MVG9-production-key",
                                "https://test.salesforce.com": "3MVG9-sandbox-key"}
    card.advanced.port.setValue(7171)
    assert state.callback_port == 7171
    assert card.advanced.callback.text() == "http://localhost:7171/OauthRedirect"


def test_connect_without_a_consumer_key_says_where_to_enter_it(qtbot, qloop, tmp_path) -> None:
    card = SalesforceCard(ConnectionState(tmp_path))
    qtbot.addWidget(card)
    card.show()
    card.connect_button.click()
    qtbot.waitUntil(lambda: card.error.isVisible())
    assert "Consumer Key" in card.error.text() and card.wait_dialog is None
    assert card.advanced.body.isVisible()  # opened, to type it in


def test_the_sandbox_fills_in_its_own_key(qtbot, qloop, sandbox, tmp_path) -> None:
    data_dir, details = sandbox_data_dir(sandbox, tmp_path)
    card = SalesforceCard(ConnectionState(data_dir, details))
    qtbot.addWidget(card)
    assert card.advanced.client_id.text() == sandbox.info.salesforce_client_id
    assert card.advanced.client_id.isReadOnly()


def test_no_browser_shows_the_address_with_copy(qtbot, qapp) -> None:
    url = "https://login.salesforce.com/services/oauth2/authorize?client_id=x&state=y"
    dialog = LoginWaitDialog(url)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.url_row.isVisible()
    assert dialog.open_browser(opener=lambda address: False) is False
    assert dialog.url_row.isVisible() and dialog.url_field.text() == url
    assert "could not be opened" in dialog.message.text()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == url


def test_a_refused_login_needs_attention_until_reconnected(qtbot, qloop, tmp_path) -> None:
    state = ConnectionState(tmp_path)
    state.salesforce = SalesforceAccount("https://acme.my.salesforce.com", "ann@acme.com")
    card = SalesforceCard(state)
    qtbot.addWidget(card)
    card.show()
    assert card.status.text() == "Connected"
    assert "five per user" in card.connect_button.toolTip()  # Reconnect says what it costs
    state.set_salesforce_problem("Salesforce no longer accepts the saved login.", "AUTH")
    assert card.status.text() == "Needs attention"
    assert card.error.text() == "Salesforce no longer accepts the saved login."
    assert card.details_button.isVisible()
    state.set_salesforce(SalesforceAccount("https://acme.my.salesforce.com", "ann@acme.com"))
    assert card.status.text() == "Connected" and not card.error.isVisible()


def test_a_run_without_api_access_needs_attention_and_the_timer_waits(qtbot, make_window,
                                                                       sandbox) -> None:
    window = make_window()
    card = window.salesforce_card
    sandbox.salesforce.org.flags.configure({"api_enabled": False})  # reset() turns it back on
    with qtbot.waitSignal(window.sync.run_finished, timeout=120_000) as finished:
        assert window.sync.run_now()
    assert finished.args[0].status == "failed" and finished.args[0].code == "ACCESS"
    qtbot.waitUntil(lambda: not window.runner.running)
    assert card.status.text() == "Needs attention"
    assert "no API access" in card.error.text() and card.details_button.isVisible()
    assert window.scheduler.next_run is None  # no automatic run until the admin acts

    sandbox.salesforce.org.flags.configure({"api_enabled": True})  # fixed in Salesforce
    with qtbot.waitSignal(window.sync.run_finished, timeout=120_000) as finished:
        assert window.sync.run_now()  # Run now still works
    assert finished.args[0].status == "completed"
    qtbot.waitUntil(lambda: not window.runner.running)
    assert card.status.text() == "Connected" and not card.error.isVisible()
    state_text = window.status.next_run.text()
    assert state_text.startswith("Next run at"), state_text

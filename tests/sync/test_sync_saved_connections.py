"""The headless path a server uses: `plx-desktop sync` with the connections the app saved (details
in the store's settings, secrets in the keyring), renewing an expired Salesforce session."""

from __future__ import annotations

import pytest
from memory_keyring import MemoryKeyring, installed

from plx_desktop.cli import main
from plx_desktop.connectors.secrets import SecretStore
from plx_desktop.store.settings import PEOPLELINX_CONNECTION, SALESFORCE_CONNECTION


@pytest.fixture
def memory_keyring():
    with installed(MemoryKeyring()) as backend:
        yield backend


def test_sync_runs_on_the_saved_connections_and_renews_the_session(
        sandbox, tmp_path, store, control, memory_keyring, capsys):
    info = sandbox.info
    # What the app keeps after Connect: non-secret details in the store (the sandbox's CA file
    # stands in for a corporate CA), the refresh token and the key in the keyring.
    store.settings.set(SALESFORCE_CONNECTION, {
        "instance_url": info.salesforce_instance_url, "username": info.salesforce_username,
        "login_url": info.salesforce_login_url, "client_id": info.salesforce_client_id,
        "ca_file": info.ca_file})
    store.settings.set(PEOPLELINX_CONNECTION, {"base_url": info.peoplelinx_base_url,
                                               "ca_file": info.ca_file})
    secrets = SecretStore(backend=memory_keyring)
    secrets.save_salesforce_login(info.salesforce_instance_url, info.salesforce_username,
                                  info.salesforce_refresh_token, "an-expired-session")
    secrets.save_peoplelinx_api_key(info.peoplelinx_base_url, info.peoplelinx_api_key)

    code = main(["--data-dir", str(store.path.parent), "sync", "--once"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Contact → People: 165 created, 40 updated" in out
    assert "oauth2/token" in control.sf_calls()["by_route"]  # the session was renewed
    assert info.salesforce_refresh_token not in out + err

"""The headless path a server uses: `plx-desktop sync` with the connections the app saved (details
in the store's settings, secrets in the keyring), renewing an expired Salesforce session."""

from __future__ import annotations

import pytest
from memory_keyring import MemoryKeyring, installed
from saved_connections import save_connections

from plx_desktop.cli import main


@pytest.fixture
def memory_keyring():
    with installed(MemoryKeyring()) as backend:
        yield backend


def test_sync_runs_on_the_saved_connections_and_renews_the_session(
        sandbox, tmp_path, store, control, memory_keyring, capsys):
    info = sandbox.info
    save_connections(store, memory_keyring, info, "an-expired-session")

    code = main(["--data-dir", str(store.path.parent), "sync", "--once"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Contact → People: 165 created, 40 updated" in out
    assert "oauth2/token" in control.sf_calls()["by_route"]  # the session was renewed
    assert info.salesforce_refresh_token not in out + err

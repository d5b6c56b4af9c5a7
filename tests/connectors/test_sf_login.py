"""The saved Salesforce login's one refresher, against the sandbox with rotation on: several
threads and processes renewing at once never present a rotated-away token; refresh happens at
the instance (My Domain) and follows a changed instance_url."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import requests

from plx_desktop.connectors.salesforce import SalesforceClient, SalesforceConnection
from plx_desktop.connectors.secrets import SavedSalesforceLogin
from plx_desktop.connectors.sf_login import LoginRef, LoginRefresher, SandboxLoginFile

ACCOUNT = "salesforce:sandbox:admin"


@pytest.fixture
def login(sf_server: Any, tmp_path: Path) -> dict[str, Any]:
    """A login of its own (not the standing one, so rotation applies), saved in a login file."""
    app = sf_server.app
    issued = app.org.tokens.issue(app.org.admin_id, app.org.client_id,
                                  "api refresh_token offline_access openid")
    ref = LoginRef(ACCOUNT, str(tmp_path / "salesforce-login.lock"),
                   str(tmp_path / "salesforce-login.json"))
    store = SandboxLoginFile(Path(ref.sandbox_file or ""))
    store.save_login(ACCOUNT, SavedSalesforceLogin(sf_server.url, "admin", issued["refresh_token"],
                                                   issued["access_token"], ACCOUNT))
    return {"ref": ref, "store": store, "issued": issued, "client_id": app.org.client_id}


def _refresher(sf_server: Any, login: dict[str, Any]) -> LoginRefresher:
    return LoginRefresher(login["ref"], login["client_id"], ca_file=str(sf_server.ca_file))


def _rotations(sf_server: Any, token: str) -> int:
    row = sf_server.app.org.db.connection().execute(
        "SELECT COUNT(*) FROM refresh_grants WHERE state = 'rotated' AND grant_id = "
        "(SELECT grant_id FROM refresh_grants WHERE token = ?)", (token,)).fetchone()
    return int(row[0])


def _alive(sf_server: Any, login: dict[str, Any]) -> bool:
    saved = login["store"].load_login(ACCOUNT)
    return sf_server.app.org.tokens.refresh_owner(saved.refresh_token) is not None


def test_the_new_pair_is_saved_and_a_second_refresher_reuses_it(sf_server: Any,
                                                               login: dict[str, Any]) -> None:
    stale = login["issued"]["access_token"]
    first = _refresher(sf_server, login)(stale)
    saved = login["store"].load_login(ACCOUNT)
    assert saved.access_token == first.access_token
    assert saved.refresh_token == first.refresh_token != login["issued"]["refresh_token"]
    # Another process that still holds the stale token: it gets the saved one, no refresh.
    second = _refresher(sf_server, login)(stale)
    assert second.access_token == first.access_token
    assert _rotations(sf_server, saved.refresh_token) == 1 and _alive(sf_server, login)


def test_many_threads_renewing_at_once_refresh_once(sf_server: Any, login: dict[str, Any]) -> None:
    stale = login["issued"]["access_token"]
    got: list[str] = []
    errors: list[BaseException] = []

    def renew() -> None:
        try:
            got.append(_refresher(sf_server, login)(stale).access_token)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=renew) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors and len(set(got)) == 1 and len(got) == 6
    saved = login["store"].load_login(ACCOUNT)
    assert _rotations(sf_server, saved.refresh_token) == 1 and _alive(sf_server, login)


def test_processes_renewing_at_once_never_present_a_dead_token(sf_server: Any,
                                                              login: dict[str, Any]) -> None:
    ref = login["ref"]
    code = (
        "import sys\n"
        "from plx_desktop.connectors.sf_login import LoginRef, LoginRefresher\n"
        f"ref = LoginRef({ref.account!r}, {ref.lock_path!r}, {ref.sandbox_file!r})\n"
        f"tokens = LoginRefresher(ref, {login['client_id']!r}, ca_file={str(sf_server.ca_file)!r})"
        f"({login['issued']['access_token']!r})\n"
        "print(tokens.access_token)\n")
    children = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(3)]
    answers = [child.communicate(timeout=120) for child in children]
    assert all(child.returncode == 0 for child in children), answers
    assert len({out.strip() for out, _ in answers}) == 1
    saved = login["store"].load_login(ACCOUNT)
    assert _rotations(sf_server, saved.refresh_token) == 1 and _alive(sf_server, login)


def test_two_clients_across_expired_sessions_keep_the_login_alive(sf_server: Any,
                                                                 login: dict[str, Any]) -> None:
    def client() -> SalesforceClient:
        saved = login["store"].load_login(ACCOUNT)
        return SalesforceClient(SalesforceConnection(
            instance_url=saved.instance_url, access_token=saved.access_token,
            refresh_token=saved.refresh_token, client_id=login["client_id"],
            ca_file=str(sf_server.ca_file)), renewer=_refresher(sf_server, login))

    one, two = client(), client()  # both read the same pair, as two sync processes would
    for _ in range(3):
        requests.post(f"{sf_server.url}/__sandbox__/expire-sessions",
                      verify=str(sf_server.ca_file)).raise_for_status()
        assert next(one.iter_query("SELECT Id FROM Contact LIMIT 1"))
        assert next(two.iter_query("SELECT Id FROM Contact LIMIT 1"))
    saved = login["store"].load_login(ACCOUNT)
    assert _rotations(sf_server, saved.refresh_token) == 3 and _alive(sf_server, login)


def test_refresh_goes_to_the_instance_when_the_org_requires_my_domain(
        sf_server: Any, login: dict[str, Any]) -> None:
    requests.post(f"{sf_server.url}/__sandbox__/org", json={"requires_my_domain": True},
                  verify=str(sf_server.ca_file)).raise_for_status()
    login_host = sf_server.url.replace("localhost", "127.0.0.1")  # plays login.salesforce.com
    refresher = LoginRefresher(login["ref"], login["client_id"], login_url=login_host,
                               ca_file=str(sf_server.ca_file))
    assert refresher(login["issued"]["access_token"]).access_token


def test_a_changed_instance_url_is_followed_and_saved(sf_server: Any,
                                                      login: dict[str, Any]) -> None:
    """The saved login names the org's old address (renamed My Domain that still answers):
    Salesforce's answer names the new one, which the client and the saved login move to."""
    old = sf_server.url.replace("localhost", "127.0.0.1")
    saved = login["store"].load_login(ACCOUNT)
    login["store"].save_login(ACCOUNT, SavedSalesforceLogin(old, "admin", saved.refresh_token,
                                                            saved.access_token, ACCOUNT))
    requests.post(f"{sf_server.url}/__sandbox__/expire-sessions",
                  verify=str(sf_server.ca_file)).raise_for_status()
    client = SalesforceClient(SalesforceConnection(
        instance_url=old, access_token=saved.access_token or "", client_id=login["client_id"],
        ca_file=str(sf_server.ca_file)), renewer=_refresher(sf_server, login))
    assert next(client.iter_query("SELECT Id FROM Contact LIMIT 1"))
    assert client.connection.instance_url == sf_server.url
    assert login["store"].load_login(ACCOUNT).instance_url == sf_server.url

"""Salesforce sign-in: login URLs, PKCE, and the OAuth web-server flow end to end against the sandbox.

A requests.Session plays the system browser: it opens authorize_url, fills in the sandbox's login
page and follows the redirect to the app's loopback listener.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import threading
import urllib.parse
from html.parser import HTMLParser
from typing import Any

import pytest
import requests

from plx_desktop.connectors import sf_auth
from plx_desktop.connectors.errors import AuthError, RequestError
from plx_desktop.connectors.salesforce import SalesforceClient, SalesforceConnection
from plx_desktop.connectors.sf_auth import Tokens

# -- login URLs and PKCE (no network) ------------------------------------------------------


@pytest.mark.parametrize(("kind", "domain", "url"), [
    ("production", None, "https://login.salesforce.com"),
    ("sandbox", None, "https://test.salesforce.com"),
    ("my_domain", "acme.my.salesforce.com", "https://acme.my.salesforce.com"),
    ("my_domain", " https://Acme.My.Salesforce.com/ ", "https://acme.my.salesforce.com"),
    ("my_domain", "localhost:8443", "https://localhost:8443"),
])
def test_login_url_for(kind: str, domain: str | None, url: str) -> None:
    assert sf_auth.login_url_for(kind, domain) == url


@pytest.mark.parametrize("domain", ["http://acme.my.salesforce.com", "ftp://acme.com", "",
                                    "https://acme.my.salesforce.com/some/path",
                                    "https://user:pw@acme.my.salesforce.com"])
def test_my_domain_refuses_anything_but_a_plain_https_domain(domain: str) -> None:
    with pytest.raises(ValueError):
        sf_auth.login_url_for("my_domain", domain)


def test_unknown_login_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="production, sandbox or my_domain"):
        sf_auth.login_url_for("staging")


def test_pkce_pair_is_long_random_and_s256() -> None:
    verifier, challenge = sf_auth.pkce_pair()
    assert len(verifier) >= 64 and set(verifier) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert challenge == expected.decode() and "=" not in challenge
    assert sf_auth.pkce_pair()[0] != verifier


def test_tokens_repr_hides_secrets() -> None:
    tokens = Tokens("00D!secret-access", "5Aep-secret-refresh", "https://acme.my.salesforce.com",
                    signature="sig-secret")
    text = repr(tokens)
    assert "secret" not in text and "acme" in text


# -- the browser ----------------------------------------------------------------------------


class _LoginForm(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = a.get("action", "")
        elif tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")


def _browser(sf_server: Any) -> requests.Session:
    session = requests.Session()
    session.verify = str(sf_server.ca_file)
    session.trust_env = False
    return session


def _sign_in(sf_server: Any, authorize_url: str, action: str = "login") -> requests.Response:
    """Open the login page, fill it in, submit; the loopback listener's answer (redirect followed)."""
    creds = sf_server.app.sandbox_credentials()
    browser = _browser(sf_server)
    page = browser.get(authorize_url)
    assert page.status_code == 200, page.text
    form = _LoginForm()
    form.feed(page.text)
    fields = {**form.fields, "username": creds["username"], "password": creds["password"],
              "action": action}
    return browser.post(urllib.parse.urljoin(page.url, form.action), data=fields)


@pytest.fixture
def creds(sf_server: Any) -> dict[str, str]:
    return sf_server.app.sandbox_credentials()


def _start(sf_server: Any, creds: dict[str, str], **kwargs: Any) -> sf_auth.PendingLogin:
    """A sign-in on a free port (never the fixed default), registered on the sandbox's app."""
    pending = sf_auth.start_login(sf_server.url, creds["client_id"], ca_file=str(sf_server.ca_file),
                                  port=0, timeout=30, **kwargs)
    sf_server.app.org.connected_apps.allow_callback(creds["client_id"], pending.redirect_uri)
    return pending


def _connects(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_sign_in_end_to_end_gives_working_tokens(sf_server: Any, creds: dict[str, str]) -> None:
    pending = _start(sf_server, creds)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(pending.authorize_url).query))
    assert query["code_challenge_method"] == "S256" and query["state"] == pending.state
    assert query["redirect_uri"] == f"http://localhost:{pending.port}/OauthRedirect"
    assert query["scope"] == "api refresh_token offline_access openid"
    # bound to the loopback interface only
    assert pending._server.server_address[0] == "127.0.0.1"

    answer = _sign_in(sf_server, pending.authorize_url)
    assert answer.status_code == 200
    assert "You can close this window and return to PLX Desktop" in answer.text

    tokens = pending.wait()
    assert tokens.access_token and tokens.refresh_token
    assert tokens.instance_url.startswith("https://")
    assert pending.closed and not _connects(pending.port)

    client = SalesforceClient(SalesforceConnection(
        instance_url=tokens.instance_url, access_token=tokens.access_token,
        refresh_token=tokens.refresh_token, client_id=creds["client_id"], login_url=sf_server.url,
        api_version=creds["api_version"], ca_file=str(sf_server.ca_file)))
    page = next(client.iter_query("SELECT Id FROM Contact LIMIT 5"))
    assert len(page) == 5
    info = sf_auth.userinfo(tokens.instance_url, tokens.access_token, str(sf_server.ca_file))
    assert info["preferred_username"] == creds["username"]

    refreshed = sf_auth.refresh(sf_auth.token_url_for(sf_server.url), creds["client_id"],
                                tokens.refresh_token or "", str(sf_server.ca_file))
    assert refreshed.access_token != tokens.access_token
    # Rotation: a new refresh token, and the one we presented is dead.
    assert refreshed.refresh_token and refreshed.refresh_token != tokens.refresh_token


def test_wrong_state_is_refused_and_the_listener_keeps_waiting(sf_server: Any, creds: dict[str, str]) -> None:
    pending = _start(sf_server, creds)
    plain = requests.Session()
    plain.trust_env = False
    forged = plain.get(f"http://127.0.0.1:{pending.port}/OauthRedirect",
                       params={"code": "stolen", "state": "not-the-state"})
    assert forged.status_code == 400
    assert pending.refused_callbacks == 1 and not pending.closed

    assert _sign_in(sf_server, pending.authorize_url).status_code == 200
    assert pending.wait().access_token


def test_timeout_is_a_clear_auth_error_and_closes_the_listener() -> None:
    pending = sf_auth.start_login("https://login.salesforce.com", "3MVG9-client", timeout=0.3, port=0)
    with pytest.raises(AuthError, match="timed out") as caught:
        pending.wait()
    assert caught.value.code == "timeout"
    assert pending.closed and not _connects(pending.port)


def test_declined_sign_in_is_access_denied(sf_server: Any, creds: dict[str, str]) -> None:
    pending = _start(sf_server, creds)
    answer = _sign_in(sf_server, pending.authorize_url, action="deny")
    assert answer.status_code == 200
    with pytest.raises(AuthError, match="You chose Deny") as caught:
        pending.wait()
    assert caught.value.code == "access_denied"
    assert pending.closed


def test_cancel_unblocks_wait() -> None:
    pending = sf_auth.start_login("https://login.salesforce.com", "3MVG9-client", timeout=60, port=0)
    errors: list[BaseException] = []
    waiter = threading.Thread(target=lambda: errors.append(pytest.raises(AuthError, pending.wait).value))
    waiter.start()
    pending.cancel()
    waiter.join(10)
    assert not waiter.is_alive() and errors and errors[0].code == "cancelled"  # type: ignore[attr-defined]
    assert pending.closed


def test_revoked_refresh_token_is_refused_in_plain_words(sf_server: Any, creds: dict[str, str]) -> None:
    token_url = sf_auth.token_url_for(sf_server.url)
    tokens = sf_auth.refresh(token_url, creds["client_id"], creds["refresh_token"], str(sf_server.ca_file))
    assert tokens.access_token
    sf_auth.revoke(sf_server.url, creds["refresh_token"], str(sf_server.ca_file))
    sf_auth.revoke(sf_server.url, creds["refresh_token"], str(sf_server.ca_file))  # twice is fine
    with pytest.raises(AuthError, match="no longer accepts the saved login") as caught:
        sf_auth.refresh(token_url, creds["client_id"], creds["refresh_token"], str(sf_server.ca_file))
    assert caught.value.code == "invalid_grant"


def test_bad_code_exchange_is_an_auth_error(sf_server: Any, creds: dict[str, str]) -> None:
    with pytest.raises((AuthError, RequestError)):
        sf_auth.exchange_code(sf_auth.token_url_for(sf_server.url), creds["client_id"], "made-up",
                              "v" * 64, "http://localhost:1/OauthRedirect", str(sf_server.ca_file))


def test_a_taken_callback_port_says_so_plainly() -> None:
    with socket.socket() as other:  # another program listening on the port
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        with pytest.raises(sf_auth.CallbackPortBusy) as caught:
            sf_auth.start_login("https://login.salesforce.com", "3MVG9-client", port=port)
    assert f"Port {port}" in caught.value.reason and "in use" in caught.value.reason
    assert caught.value.code == "PORT_IN_USE"


def test_the_default_redirect_uri_is_the_documented_one() -> None:
    assert sf_auth.redirect_uri_for() == "http://localhost:1717/OauthRedirect"
    assert sf_auth.DEFAULT_CALLBACK_PORT == 1717


def test_the_uninstalled_app_error_reaches_the_app_in_plain_words(sf_server: Any,
                                                                  creds: dict[str, str]) -> None:
    sf_server.app.org.connected_apps.configure({"client_id": creds["client_id"],
                                                "installed": False})
    pending = _start(sf_server, creds)
    browser = _browser(sf_server)
    back = browser.get(pending.authorize_url)  # redirected straight back to the listener
    assert back.status_code == 200
    with pytest.raises(AuthError, match="not installed in this org") as caught:
        pending.wait()
    assert caught.value.raw == "invalid_client: app must be installed into org"

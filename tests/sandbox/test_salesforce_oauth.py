"""The Salesforce sandbox's OAuth endpoints, driven end to end as a browser and a desktop app would."""

from __future__ import annotations

import base64
import hashlib
import secrets
import urllib.parse
from html.parser import HTMLParser
from typing import Any

import pytest
import requests

REDIRECT = "http://localhost:53682/callback"


class _Form(HTMLParser):
    """The login page's form: its action and every named input (hidden fields included)."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.buttons: dict[str, str] = {}
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = a.get("action")
        elif tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "button" and a.get("name"):
            self.buttons[a["value"]] = a["name"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Form:
    form = _Form()
    form.feed(html)
    return form


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    return verifier, challenge.decode()


@pytest.fixture
def browser(sf_server: Any) -> requests.Session:
    session = requests.Session()
    session.verify = str(sf_server.ca_file)
    session.trust_env = False
    return session


@pytest.fixture
def creds(sf_server: Any) -> dict[str, str]:
    """The sandbox's standing login, with this test's REDIRECT registered on PLX Desktop's app."""
    found = sf_server.app.sandbox_credentials()
    registered = requests.post(f"{sf_server.url}/__sandbox__/connected-app",
                               json={"client_id": found["client_id"],
                                     "callback_urls": ["http://localhost:1717/OauthRedirect",
                                                       REDIRECT]},
                               verify=str(sf_server.ca_file))
    assert registered.status_code == 200, registered.text
    return found


def _authorize_params(creds: dict[str, str], challenge: str, **extra: str) -> dict[str, str]:
    return {"response_type": "code", "client_id": creds["client_id"], "redirect_uri": REDIRECT,
            "state": "st/ate+with spaces&odd=chars", "code_challenge": challenge,
            "code_challenge_method": "S256", **extra}


def _log_in(sf_server: Any, browser: requests.Session, creds: dict[str, str], challenge: str,
            password: str | None = None, action: str = "login") -> requests.Response:
    """Open the login page, fill it in like a person, submit it; the server's answer."""
    page = browser.get(f"{sf_server.url}/services/oauth2/authorize",
                       params=_authorize_params(creds, challenge), allow_redirects=False)
    assert page.status_code == 200
    assert "text/html" in page.headers["Content-Type"]
    form = _parse(page.text)
    assert form.action == "/services/oauth2/authorize"
    assert {"Username", "Password", "Log In", "Deny"} <= {t.strip() for t in form.text}
    data = dict(form.fields, username=creds["username"],
                password=creds["password"] if password is None else password)
    data[form.buttons[action]] = action
    return browser.post(urllib.parse.urljoin(page.url, form.action), data=data,
                        allow_redirects=False)


def _code(response: requests.Response) -> str:
    assert response.status_code == 302
    location = urllib.parse.urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = urllib.parse.parse_qs(location.query)
    assert query["state"] == ["st/ate+with spaces&odd=chars"]
    return query["code"][0]


def _exchange(sf_server: Any, creds: dict[str, str], code: str, verifier: str) -> requests.Response:
    return requests.post(f"{sf_server.url}/services/oauth2/token", verify=str(sf_server.ca_file),
                         data={"grant_type": "authorization_code", "code": code,
                               "client_id": creds["client_id"], "redirect_uri": REDIRECT,
                               "code_verifier": verifier})


def _limits(sf_server: Any, token: str) -> requests.Response:
    return requests.get(f"{sf_server.url}/services/data/v62.0/limits/",
                        headers={"Authorization": f"Bearer {token}"}, verify=str(sf_server.ca_file))


def test_login_code_token_refresh_revoke(sf_server: Any, browser: requests.Session,
                                         creds: dict[str, str]) -> None:
    verifier, challenge = _pkce()
    code = _code(_log_in(sf_server, browser, creds, challenge))

    token = _exchange(sf_server, creds, code, verifier)
    assert token.status_code == 200, token.text
    body = token.json()
    assert set(body) == {"access_token", "refresh_token", "signature", "scope", "instance_url",
                         "id", "token_type", "issued_at"}
    assert body["token_type"] == "Bearer"
    assert body["instance_url"] == sf_server.url
    assert body["issued_at"].isdigit() and len(body["issued_at"]) == 13
    org_id, user_id = body["id"].rsplit("/", 2)[-2:]
    assert body["id"] == f"{sf_server.url}/id/{org_id}/{user_id}"
    assert _limits(sf_server, body["access_token"]).status_code == 200

    # The code was spent by the exchange.
    again = _exchange(sf_server, creds, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"

    userinfo = browser.get(f"{sf_server.url}/services/oauth2/userinfo",
                           headers={"Authorization": f"Bearer {body['access_token']}"})
    assert userinfo.status_code == 200
    info = userinfo.json()
    assert info["user_id"] == user_id and info["organization_id"] == org_id
    assert info["preferred_username"] == creds["username"]
    assert info["urls"]["rest"].endswith("/services/data/v{version}/")
    identity = browser.get(body["id"], headers={"Authorization": f"Bearer {body['access_token']}"})
    assert identity.status_code == 200 and identity.json()["username"] == creds["username"]

    refreshed = browser.post(f"{sf_server.url}/services/oauth2/token",
                             data={"grant_type": "refresh_token", "client_id": creds["client_id"],
                                   "refresh_token": body["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    fresh = refreshed.json()
    assert fresh["id"] == body["id"]
    # Rotation is on for PLX Desktop's app, as an External Client App must have it.
    assert fresh["refresh_token"] and fresh["refresh_token"] != body["refresh_token"]
    assert fresh["access_token"] != body["access_token"]
    assert _limits(sf_server, fresh["access_token"]).status_code == 200

    assert browser.post(f"{sf_server.url}/services/oauth2/revoke",
                        data={"token": fresh["access_token"]}).status_code == 200
    refused = _limits(sf_server, fresh["access_token"])
    assert refused.status_code == 401
    assert refused.json()[0]["errorCode"] == "INVALID_SESSION_ID"

    # Revoking the refresh token (GET form) ends the grant and the sessions it made.
    assert browser.get(f"{sf_server.url}/services/oauth2/revoke",
                       params={"token": fresh["refresh_token"]}).status_code == 200
    assert _limits(sf_server, body["access_token"]).status_code == 401
    dead = browser.post(f"{sf_server.url}/services/oauth2/token",
                        data={"grant_type": "refresh_token", "client_id": creds["client_id"],
                              "refresh_token": fresh["refresh_token"]})
    assert dead.status_code == 400 and dead.json()["error"] == "invalid_grant"

    unknown = browser.post(f"{sf_server.url}/services/oauth2/revoke", data={"token": "nope"})
    assert unknown.status_code == 400
    assert unknown.json() == {"error": "unsupported_token_type",
                              "error_description": "this token type is not supported"}


def test_wrong_verifier_is_refused(sf_server: Any, browser: requests.Session,
                                   creds: dict[str, str]) -> None:
    _, challenge = _pkce()
    code = _code(_log_in(sf_server, browser, creds, challenge))
    refused = _exchange(sf_server, creds, code, _pkce()[0])
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"


def test_wrong_password_shows_the_page_again(sf_server: Any, browser: requests.Session,
                                             creds: dict[str, str]) -> None:
    _, challenge = _pkce()
    again = _log_in(sf_server, browser, creds, challenge, password="not-it")
    assert again.status_code == 200
    assert "Please check your username and password." in again.text
    form = _parse(again.text)
    assert form.fields["code_challenge"] == challenge  # the form still carries the request
    assert form.fields["username"] == creds["username"]


def test_deny_redirects_with_access_denied(sf_server: Any, browser: requests.Session,
                                           creds: dict[str, str]) -> None:
    _, challenge = _pkce()
    denied = _log_in(sf_server, browser, creds, challenge, action="deny")
    assert denied.status_code == 302
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(denied.headers["Location"]).query)
    assert query["error"] == ["access_denied"]
    assert query["error_description"] == ["end-user denied authorization"]
    assert query["state"] == ["st/ate+with spaces&odd=chars"]


@pytest.mark.parametrize(("change", "error"), [
    ({"client_id": "not-our-app"}, "invalid_client_id"),
    ({"redirect_uri": "https://evil.example.com/cb"}, "redirect_uri_mismatch"),
])
def test_bad_client_or_redirect_gets_an_error_page(sf_server: Any, browser: requests.Session,
                                                   creds: dict[str, str], change: dict[str, str],
                                                   error: str) -> None:
    params = {**_authorize_params(creds, _pkce()[1]), **change}
    page = browser.get(f"{sf_server.url}/services/oauth2/authorize", params=params,
                       allow_redirects=False)
    assert page.status_code == 400
    assert "Location" not in page.headers
    assert f"error={error}" in page.text


@pytest.mark.parametrize(("change", "error"), [
    ({"response_type": "token"}, "unsupported_response_type"),
    ({"code_challenge_method": "plain"}, "invalid_request"),
    ({"code_challenge": ""}, "invalid_request"),
])
def test_bad_request_is_redirected_with_an_error(sf_server: Any, browser: requests.Session,
                                                 creds: dict[str, str], change: dict[str, str],
                                                 error: str) -> None:
    params = {**_authorize_params(creds, _pkce()[1]), **change}
    answer = browser.get(f"{sf_server.url}/services/oauth2/authorize", params=params,
                         allow_redirects=False)
    assert answer.status_code == 302
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(answer.headers["Location"]).query)
    assert query["error"] == [error]
    assert query["state"] == ["st/ate+with spaces&odd=chars"]


def test_token_endpoint_errors(sf_server: Any, browser: requests.Session,
                               creds: dict[str, str]) -> None:
    url = f"{sf_server.url}/services/oauth2/token"
    unsupported = browser.post(url, data={"grant_type": "password", "client_id": creds["client_id"]})
    assert unsupported.status_code == 400
    assert unsupported.json()["error"] == "unsupported_grant_type"
    client = browser.post(url, data={"grant_type": "refresh_token", "client_id": "other",
                                     "refresh_token": creds["refresh_token"]})
    assert client.status_code == 400 and client.json()["error"] == "invalid_client_id"
    bogus = browser.post(url, data={"grant_type": "authorization_code", "code": "made-up",
                                    "client_id": creds["client_id"], "redirect_uri": REDIRECT,
                                    "code_verifier": "x" * 50})
    assert bogus.status_code == 400 and bogus.json()["error"] == "invalid_grant"


def test_userinfo_needs_a_live_token(sf_server: Any, browser: requests.Session) -> None:
    answer = browser.get(f"{sf_server.url}/services/oauth2/userinfo",
                         headers={"Authorization": "Bearer not-a-token"})
    assert answer.status_code == 403

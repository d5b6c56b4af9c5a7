"""Salesforce sign-in: OAuth 2.0 web-server flow with PKCE, a one-time loopback listener, refresh, revoke.

No SOAP login and no password ever passes through the app: the admin signs in in the system browser,
Salesforce redirects to http://localhost:1717/OauthRedirect (the callback URL registered on the
admin's External Client App, exactly; docs/CONNECT.md), and the code is exchanged for tokens.
The port is fixed because Salesforce compares the redirect URI with the app's callback URLs
character for character; 1717 is the Salesforce CLI's, so an app made for the CLI works as is.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from plx_desktop.connectors.errors import (
    AuthError,
    ConnectorError,
    NetworkError,
    RequestError,
    TransientError,
)
from plx_desktop.connectors.salesforce_errors import busy as salesforce_busy
from plx_desktop.connectors.sf_auth_errors import redirect_error, token_error

LOGIN_URLS = {
    "production": "https://login.salesforce.com",
    "sandbox": "https://test.salesforce.com",
}
CALLBACK_PATH = "/OauthRedirect"
DEFAULT_CALLBACK_PORT = 1717
# api: the REST API; refresh_token offline_access: a refresh token (the two names Salesforce
# accepts for it); openid: the userinfo endpoint, which says which user and org signed in.
SCOPE = "api refresh_token offline_access openid"
# No consumer key is shipped: since Spring '26 each org brings its own External Client App (see
# docs/CONNECT.md). An empty key makes Connect ask for one before opening the browser.
PLX_DESKTOP_CLIENT_ID = ""
# (connect, read) seconds. The read wait is long because the first page of a query over a large
# object comes only once Salesforce has run the whole query: over a million contacts that takes
# minutes, and a client that gives up at 60 s asks again, and again, and never syncs (the sandbox
# at 1,000,000 did exactly that; singer-io/tap-salesforce waits 5 minutes for the same reason).
# An unreachable server still fails at the connect timeout.
DEFAULT_TIMEOUT = (10.0, 300.0)


def redirect_uri_for(port: int = DEFAULT_CALLBACK_PORT) -> str:
    """The callback URL to register on the External Client App for this port."""
    return f"http://localhost:{port}{CALLBACK_PATH}"


class CallbackPortBusy(ConnectorError):
    """The callback port is taken by another program: the redirect could not reach us."""


class TimeoutSession(requests.Session):
    """A requests session with a default timeout, so no call can hang a sync forever."""

    def __init__(self, timeout: float | tuple[float, float] = DEFAULT_TIMEOUT):
        super().__init__()
        self.default_timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.default_timeout)
        return super().request(method, url, *args, **kwargs)


def make_session(ca_file: str | None = None, *, pool_size: int = 4,
                 session_class: type[TimeoutSession] = TimeoutSession,
                 adapter: HTTPAdapter | None = None) -> TimeoutSession:
    """A session that trusts exactly `ca_file` (or the system store) whatever the environment says.

    trust_env=False because REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE would silently replace `verify`
    (and proxies from the environment would be picked up unasked). `adapter`: a connection pool
    shared with other sessions (one per thread); without it the session gets its own.
    """
    session = session_class()
    session.trust_env = False
    session.verify = str(ca_file) if ca_file else True
    adapter = adapter or HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = "PLX Desktop"
    return session


def normalise_my_domain(value: str) -> str:
    """'acme.my.salesforce.com' -> 'https://acme.my.salesforce.com'; refuses anything not https."""
    text = value.strip().rstrip("/")
    if not text:
        raise ValueError("Enter your My Domain, for example acme.my.salesforce.com")
    if "://" not in text:
        text = "https://" + text
    parts = urllib.parse.urlsplit(text)
    if parts.scheme.lower() != "https":
        raise ValueError(f"My Domain must use https, not {parts.scheme}: {value.strip()}")
    if not parts.hostname or parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError(f"This is not a My Domain address: {value.strip()}")
    if parts.path not in ("", "/"):
        raise ValueError(f"Enter only the domain, without a path: {value.strip()}")
    host = parts.hostname.lower()
    return f"https://{host}:{parts.port}" if parts.port else f"https://{host}"


def login_url_for(kind: str, my_domain: str | None = None) -> str:
    """The login URL for 'production', 'sandbox' or 'my_domain' (which needs `my_domain`)."""
    if kind == "my_domain":
        if not my_domain:
            raise ValueError("Enter your My Domain, for example acme.my.salesforce.com")
        return normalise_my_domain(my_domain)
    try:
        return LOGIN_URLS[kind]
    except KeyError:
        raise ValueError(f"Unknown kind of Salesforce login: {kind!r}; "
                         f"use production, sandbox or my_domain") from None


def token_url_for(login_url: str) -> str:
    return login_url.rstrip("/") + "/services/oauth2/token"


@dataclass
class Tokens:
    """What Salesforce hands back after sign-in or refresh. repr never shows the secrets."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    instance_url: str
    id_url: str = ""
    issued_at: str = ""
    signature: str = field(default="", repr=False)

    @classmethod
    def from_response(cls, data: Mapping[str, Any], refresh_token: str | None = None) -> Tokens:
        try:
            return cls(access_token=data["access_token"],
                       refresh_token=data.get("refresh_token") or refresh_token,
                       instance_url=data["instance_url"], id_url=data.get("id", ""),
                       issued_at=str(data.get("issued_at", "")), signature=data.get("signature", ""))
        except (KeyError, TypeError) as exc:
            raise TransientError("Salesforce sent an incomplete sign-in answer; try again") from exc


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, code_challenge): 86 random URL-safe characters and their S256 challenge."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


def _oauth_error(response: requests.Response, doing: str) -> ConnectorError:
    """Map an OAuth endpoint's error answer to the project's exceptions."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        code = str(body.get("error") or "")
        description = str(body.get("error_description") or code or response.reason)
    elif isinstance(body, list) and body and isinstance(body[0], dict):
        code = str(body[0].get("errorCode") or "")
        description = str(body[0].get("message") or code)
    else:
        code, description = "", response.text[:200] or response.reason
    status = response.status_code
    raw = f"{code}: {description}" if code else description
    # A locked row or the org's concurrency limit while renewing is Salesforce being busy, not
    # the login being refused: retry, never ask the admin to connect again for it.
    if status >= 500 or status == 429 or salesforce_busy(code, description):
        return TransientError(f"Salesforce could not {doing} just now ({status}); try again",
                              code=code or None, status=status, raw=raw)
    return token_error(code, description, status, doing)


def never_sent(exc: BaseException) -> bool:
    """True when the request cannot have reached the server (no connection was ever made).

    Only then is it safe to present a rotating refresh token again elsewhere: a request that was
    sent and whose answer was lost may have rotated the token already.
    """
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    from urllib3.exceptions import NewConnectionError

    seen: BaseException | None = exc
    for _ in range(6):  # requests wraps urllib3's errors a few levels deep
        if seen is None:
            return False
        if isinstance(seen, NewConnectionError):
            return True
        inner = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        reason = getattr(seen, "reason", None)
        reason = reason if isinstance(reason, BaseException) else None
        seen = reason or inner or seen.__cause__ or seen.__context__
    return False


def _post_form(session: requests.Session, url: str, data: dict[str, str], doing: str) -> requests.Response:
    try:
        response = session.post(url, data=data, headers={"Accept": "application/json"})
    except requests.exceptions.SSLError as exc:
        raise ConnectorError(f"Could not {doing}: the server's certificate is not trusted ({exc})") from exc
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise NetworkError(f"Could not reach Salesforce to {doing}: {exc}",
                           code="UNREACHABLE" if never_sent(exc) else None) from exc
    if response.status_code >= 300:
        raise _oauth_error(response, doing)
    return response


def _tokens_from(response: requests.Response, refresh_token: str | None = None) -> Tokens:
    try:
        data = response.json()
    except ValueError as exc:
        raise TransientError("Salesforce sent a broken sign-in answer; try again") from exc
    return Tokens.from_response(data, refresh_token)


def exchange_code(token_url: str, client_id: str, code: str, code_verifier: str, redirect_uri: str,
                  ca_file: str | None = None) -> Tokens:
    """Trade the authorization code (and the PKCE verifier) for tokens."""
    with make_session(ca_file) as session:
        response = _post_form(session, token_url, {
            "grant_type": "authorization_code", "code": code, "client_id": client_id,
            "redirect_uri": redirect_uri, "code_verifier": code_verifier,
        }, "complete the sign-in")
        return _tokens_from(response)


def refresh(token_url: str, client_id: str, refresh_token: str, ca_file: str | None = None) -> Tokens:
    """A new access token from the refresh token; AuthError when Salesforce refuses it."""
    with make_session(ca_file) as session:
        response = _post_form(session, token_url, {
            "grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id,
        }, "renew the session")
        # Without rotation Salesforce sends no refresh token: keep ours. With rotation the
        # answer carries a new one and ours is dead from now on.
        return _tokens_from(response, refresh_token)


def revoke(login_url: str, token: str, ca_file: str | None = None) -> None:
    """Revoke a refresh or access token (disconnect). A token that is already invalid is fine."""
    url = login_url.rstrip("/") + "/services/oauth2/revoke"
    with make_session(ca_file) as session:
        try:
            _post_form(session, url, {"token": token}, "disconnect")
        except (AuthError, RequestError) as exc:
            if exc.status != 400:
                raise


def userinfo(instance_url: str, access_token: str, ca_file: str | None = None) -> dict[str, Any]:
    """The signed-in user's OpenID Connect userinfo (organization_id, preferred_username, email...)."""
    url = instance_url.rstrip("/") + "/services/oauth2/userinfo"
    with make_session(ca_file) as session:
        try:
            response = session.get(url, headers={"Authorization": f"Bearer {access_token}",
                                                 "Accept": "application/json"})
        except requests.exceptions.SSLError as exc:
            raise ConnectorError(f"Could not read the user: the certificate is not trusted ({exc})") from exc
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise NetworkError(f"Could not reach Salesforce: {exc}") from exc
        if response.status_code >= 300:
            raise _oauth_error(response, "tell who is signed in")
        try:
            data = response.json()
        except ValueError as exc:
            raise TransientError("Salesforce sent a broken userinfo answer; try again") from exc
        if not isinstance(data, dict):
            raise TransientError("Salesforce sent an unexpected userinfo answer; try again")
        return data


_DONE_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>PLX Desktop</title></head>
<body style="font-family: sans-serif; margin: 3em"><h2>{title}</h2><p>{text}</p></body></html>"""


class _LoopbackServer(HTTPServer):
    pending: PendingLogin


class _CallbackHandler(BaseHTTPRequestHandler):
    server: _LoopbackServer
    timeout = 5  # a browser's idle pre-connection must not block the one-at-a-time listener

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep the console quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        status, title, text = self.server.pending._on_callback(parts.path, query)
        body = _DONE_PAGE.format(title=html.escape(title), text=html.escape(text)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)


class PendingLogin:
    """A sign-in in progress: open `authorize_url` in the browser, then `wait()` for the tokens.

    The listener binds 127.0.0.1 only and accepts exactly one callback carrying our `state`;
    anything else is answered 400 and ignored. It closes as soon as that callback arrives, on
    cancel(), or on timeout.
    """

    def __init__(self, login_url: str, client_id: str, *, ca_file: str | None = None,
                 port: int = DEFAULT_CALLBACK_PORT, timeout: float = 300, scope: str = SCOPE,
                 redirect_host: str = "localhost"):
        if not client_id.strip():
            raise AuthError("Enter the Consumer Key of your External Client App first (Advanced "
                            "on the Salesforce card, or --client-id); docs/CONNECT.md says how to "
                            "create one.", code="NO_CLIENT_ID")
        self.login_url = login_url.rstrip("/")
        self.client_id = client_id.strip()
        self.ca_file = ca_file
        self.timeout = timeout
        self.state = secrets.token_urlsafe(32)
        self._verifier, challenge = pkce_pair()
        try:
            self._server = _LoopbackServer(("127.0.0.1", port), _CallbackHandler)
        except OSError as exc:
            raise CallbackPortBusy(
                f"Port {port} on this computer is in use by another program (perhaps the "
                "Salesforce CLI or another PLX Desktop waiting for a sign-in), so Salesforce's "
                "answer could not reach PLX Desktop. Close that program and try again, or choose "
                "another callback port and register http://localhost:<that port>/OauthRedirect "
                "on your External Client App.", code="PORT_IN_USE",
                raw=str(exc)) from exc
        self._server.pending = self
        self._server.timeout = 0.1
        self.port: int = self._server.server_address[1]
        self.redirect_uri = f"http://{redirect_host}:{self.port}{CALLBACK_PATH}"
        self.authorize_url = self.login_url + "/services/oauth2/authorize?" + urllib.parse.urlencode({
            "response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri,
            "code_challenge": challenge, "code_challenge_method": "S256", "state": self.state,
            "scope": scope,
        })
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._code: str | None = None
        self._error: AuthError | None = None
        self.refused_callbacks = 0  # callbacks with a wrong state (or path) that we turned away
        self._deadline = time.monotonic() + timeout
        self._thread = threading.Thread(target=self._serve, name=f"oauth-loopback:{self.port}",
                                        daemon=True)
        self._thread.start()

    @property
    def closed(self) -> bool:
        return not self._thread.is_alive()

    def _serve(self) -> None:
        try:
            while not self._finished.is_set() and time.monotonic() < self._deadline:
                self._server.handle_request()
        finally:
            self._server.server_close()

    def _on_callback(self, path: str, query: dict[str, str]) -> tuple[int, str, str]:
        with self._lock:
            if self._finished.is_set():
                return 400, "Sign-in already finished", "You can close this window."
            if path != CALLBACK_PATH or not secrets.compare_digest(query.get("state", ""), self.state):
                self.refused_callbacks += 1
                return (400, "This sign-in answer is not the one PLX Desktop is waiting for",
                        "Start the Salesforce connection again from PLX Desktop.")
            if "error" in query:
                self._error = redirect_error(query["error"], query.get("error_description", ""))
                self._finished.set()
                return 200, "Sign-in was not completed", "You can close this window and return to PLX Desktop."
            if not query.get("code"):
                self.refused_callbacks += 1
                return 400, "This sign-in answer has no code", "Start the connection again from PLX Desktop."
            self._code = query["code"]
            self._finished.set()
            return 200, "Signed in to Salesforce", "You can close this window and return to PLX Desktop."

    def wait(self) -> Tokens:
        """Block until the browser comes back; the tokens, or AuthError (timeout, declined, cancelled)."""
        self._finished.wait(max(0.0, self._deadline - time.monotonic()))
        with self._lock:
            finished, code, error = self._finished.is_set(), self._code, self._error
            self._finished.set()  # no later callback may be accepted
        self._thread.join()
        if error is not None:
            raise error
        if not finished or code is None:
            hint = (" A sign-in answer arrived that did not match this attempt (state mismatch)."
                    if self.refused_callbacks else
                    " If the browser showed an OAuth error naming redirect_uri_mismatch, add "
                    f"exactly {self.redirect_uri} to your External Client App's Callback URL.")
            raise AuthError(f"Salesforce sign-in timed out after {self.timeout:g} seconds.{hint} "
                            "Connect again to retry.", code="timeout")
        return exchange_code(token_url_for(self.login_url), self.client_id, code, self._verifier,
                             self.redirect_uri, self.ca_file)

    def cancel(self) -> None:
        """Stop waiting: wait() raises AuthError('cancelled') and the listener closes."""
        with self._lock:
            if not self._finished.is_set():
                self._error = AuthError("Salesforce sign-in was cancelled", code="cancelled")
                self._finished.set()
        self._thread.join()


def start_login(login_url: str, client_id: str, *, ca_file: str | None = None,
                port: int = DEFAULT_CALLBACK_PORT, timeout: float = 300,
                scope: str = SCOPE) -> PendingLogin:
    """Start a sign-in: listen on 127.0.0.1 and build the authorize URL for the system browser."""
    return PendingLogin(login_url, client_id, ca_file=ca_file, port=port, timeout=timeout, scope=scope)

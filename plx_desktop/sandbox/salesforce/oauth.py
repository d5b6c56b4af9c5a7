"""The sandbox org's OAuth 2.0 endpoints: web-server flow with PKCE, token, revoke, userinfo, identity.

As the org's connected apps are configured (connected_apps.py, `POST /__sandbox__/connected-app`):
- PKCE is required (Salesforce's "Require PKCE" setting): an authorize request without
  `code_challenge` is refused with `error=invalid_request`, and only `S256` is accepted.
- No client secret is needed (a desktop app cannot keep one).
- The redirect URI must equal one of the app's callback URLs; anything else gets an error page
  naming `redirect_uri_mismatch`, never a redirect. An app not installed in the org is blocked.
- Refresh token rotation, the idle refresh token TTL and the five-approval limit, per app.
- `POST /__sandbox__/org`: with `requires_my_domain`, the authorize and token endpoints answer only
  on the instance's own host (`localhost`), not on another name for it (`127.0.0.1`, playing
  login.salesforce.com).
- There is no browser session, so every authorize request shows the login page (as `prompt=login`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import secrets
import string
import urllib.parse
from pathlib import Path
from typing import Any

from plx_desktop.sandbox.salesforce.connected_apps import MAX_APPROVALS, ConnectedApp
from plx_desktop.sandbox.salesforce.rest import bearer_token
from plx_desktop.sandbox.web import Request, Response, Router

CODE_SECONDS = 15 * 60
DEFAULT_SCOPE = "api refresh_token"
_OAUTH_FIELDS = ("response_type", "client_id", "redirect_uri", "state", "scope",
                 "code_challenge", "code_challenge_method", "prompt", "display")
_LOGIN_PAGE = string.Template((Path(__file__).with_name("login.html")).read_text(encoding="utf-8"))
_ERROR_PAGE = string.Template(
    "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Error | Salesforce sandbox"
    "</title></head><body style='font-family:Arial,sans-serif;background:#f3f3f3;color:#16325c'>"
    "<div style='max-width:480px;margin:64px auto;background:#fff;border:1px solid #d8dde6;"
    "border-radius:4px;padding:24px'><h2 style='color:#c23934;margin-top:0'>OAuth Error</h2>"
    "<p>We can't authorize you because of an OAuth error. For more information, contact your "
    "Salesforce administrator.</p><p><code>error=$error</code></p><p>$description</p></div>"
    "</body></html>")


def register(router: Router, org: Any) -> None:
    """Add the OAuth routes for `org` to `router`."""
    endpoints = _OAuth(org)
    router.add("GET", "/services/oauth2/authorize", endpoints.authorize_page, "oauth2/authorize")
    router.add("POST", "/services/oauth2/authorize", endpoints.authorize_submit, "oauth2/authorize")
    router.add("POST", "/services/oauth2/token", endpoints.token, "oauth2/token")
    router.add("POST", "/services/oauth2/revoke", endpoints.revoke, "oauth2/revoke")
    router.add("GET", "/services/oauth2/revoke", endpoints.revoke, "oauth2/revoke")
    router.add("GET", "/services/oauth2/userinfo", endpoints.userinfo, "oauth2/userinfo")
    router.add("POST", "/services/oauth2/userinfo", endpoints.userinfo, "oauth2/userinfo")
    router.add("GET", "/id/{org_id}/{user_id}", endpoints.identity, "id")


def s256(verifier: str) -> str:
    """The PKCE S256 code challenge for a code verifier (RFC 7636, base64url without padding)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    return Response.json({"error": error, "error_description": description}, status)


def _with_query(uri: str, params: dict[str, str]) -> str:
    parts = urllib.parse.urlsplit(uri)
    query = "&".join(p for p in (parts.query, urllib.parse.urlencode(params)) if p)
    return urllib.parse.urlunsplit(parts._replace(query=query))


_NOT_INSTALLED = ("invalid_client", "app must be installed into org")
_MY_DOMAIN_ONLY = "this org requires logins through its My Domain"


class _OAuth:
    def __init__(self, org: Any):
        self.org = org

    def _app(self, client_id: str | None) -> ConnectedApp | None:
        return self.org.connected_apps.get(client_id or "")

    def _wrong_host(self, request: Request) -> bool:
        """With requires_my_domain, True for a request to any name but the instance's own."""
        if not self.org.flags.requires_my_domain:
            return False
        wanted = urllib.parse.urlsplit(self.org.base_url).netloc.lower()
        return (request.header("host") or "").lower() != wanted

    # -- authorize --------------------------------------------------------------------------

    def _check_client(self, params: dict[str, str], request: Request) -> Response | None:
        """The error page for a request that must not be redirected anywhere, else None."""
        app = self._app(params.get("client_id"))
        if app is None:
            return self._error_page("invalid_client_id", "client identifier invalid")
        uri = params.get("redirect_uri", "")
        if not uri or uri not in app.callback_urls:
            return self._error_page("redirect_uri_mismatch",
                                    "redirect_uri must match configuration", uri)
        if self._wrong_host(request):
            return self._error_page("invalid_request", f"{_MY_DOMAIN_ONLY}: log in at "
                                    f"{self.org.base_url}")
        return None

    def _check_request(self, params: dict[str, str]) -> Response | None:
        """A redirect carrying the error for a bad (but safely redirectable) request, else None."""
        error = None
        app = self._app(params.get("client_id"))
        if app is not None and not app.installed:
            error = _NOT_INSTALLED
        elif params.get("response_type") != "code":
            error = ("unsupported_response_type", "response type not supported")
        elif not params.get("code_challenge"):
            error = ("invalid_request", "missing required code challenge")
        elif params.get("code_challenge_method", "S256") != "S256":
            error = ("invalid_request", "invalid code_challenge_method; only S256 is supported")
        if error is None:
            return None
        return self._redirect(params, {"error": error[0], "error_description": error[1]})

    def _redirect(self, params: dict[str, str], values: dict[str, str]) -> Response:
        if params.get("state") is not None:
            values = {**values, "state": params["state"]}
        return Response.redirect(_with_query(params["redirect_uri"], values))

    def _error_page(self, error: str, description: str, uri: str = "") -> Response:
        if uri:
            description = f"{description} (redirect_uri={uri})"
        page = _ERROR_PAGE.substitute(error=html.escape(error), description=html.escape(description))
        return Response.html(page, 400)

    def _login_page(self, params: dict[str, str], username: str = "", error: str = "") -> Response:
        hidden = "\n      ".join(
            f'<input type="hidden" name="{name}" value="{html.escape(params[name])}">'
            for name in _OAUTH_FIELDS if params.get(name) is not None)
        page = _LOGIN_PAGE.substitute(
            error=f'<div class="error" role="alert">{html.escape(error)}</div>' if error else "",
            hidden=hidden,
            username=html.escape(username),
            app_name=html.escape(getattr(self.org, "app_name", "PLX Desktop")),
            scope=html.escape(params.get("scope") or DEFAULT_SCOPE),
        )
        response = Response.html(page)
        # A login page must never be framed or cached.
        response.headers.update({"X-Frame-Options": "DENY", "Cache-Control": "no-store"})
        return response

    def authorize_page(self, request: Request) -> Response:
        params = request.query
        return (self._check_client(params, request) or self._check_request(params)
                or self._login_page(params))

    def authorize_submit(self, request: Request) -> Response:
        form = request.form()
        params = {name: form[name] for name in _OAUTH_FIELDS if name in form}
        problem = self._check_client(params, request) or self._check_request(params)
        if problem:
            return problem
        if form.get("action") == "deny":
            return self._redirect(params, {"error": "access_denied",
                                           "error_description": "end-user denied authorization"})
        username = form.get("username", "").strip()
        user = self.org.check_password(username, form.get("password", ""))
        if user is None:
            return self._login_page(params, username, "Please check your username and password. "
                                    "If you still can't log in, contact your Salesforce administrator.")
        code = secrets.token_urlsafe(48)
        self.org.tokens.save_code(code, {
            "user_id": user["Id"], "client_id": params["client_id"],
            "redirect_uri": params["redirect_uri"], "code_challenge": params["code_challenge"],
            "scope": params.get("scope") or DEFAULT_SCOPE, "expires_at": self.org.clock.time() + CODE_SECONDS,
        })
        return self._redirect(params, {"code": code})

    # -- token ------------------------------------------------------------------------------

    def token(self, request: Request) -> Response:
        form = request.form()
        grant = form.get("grant_type", "")
        if grant in ("authorization_code", "refresh_token"):
            app = self._app(form.get("client_id"))
            if app is None:
                return _oauth_error("invalid_client_id", "client identifier invalid")
            if not app.installed:
                return _oauth_error(*_NOT_INSTALLED)
            if self._wrong_host(request):
                return _oauth_error("invalid_grant", _MY_DOMAIN_ONLY)
        if grant == "authorization_code":
            return self._grant_code(form)
        if grant == "refresh_token":
            return self._grant_refresh(form)
        if not grant:
            return _oauth_error("invalid_request", "grant type is missing")
        return _oauth_error("unsupported_grant_type", "grant type not supported")

    def _grant_code(self, form: dict[str, str]) -> Response:
        # Taken (and so spent) before any other check: a code is good for one attempt only.
        data = self.org.tokens.take_code(form.get("code", ""))
        if data is None:
            return _oauth_error("invalid_grant", "invalid authorization code")
        if data.get("expires_at", 0) < self.org.clock.time():
            return _oauth_error("invalid_grant", "expired authorization code")
        if data["client_id"] != form["client_id"]:
            return _oauth_error("invalid_grant", "invalid authorization code")
        if form.get("redirect_uri") != data["redirect_uri"]:
            return _oauth_error("redirect_uri_mismatch", "redirect_uri must match configuration")
        verifier = form.get("code_verifier", "")
        if not verifier:
            return _oauth_error("invalid_grant", "missing code verifier")
        if not hmac.compare_digest(s256(verifier), data["code_challenge"]):
            return _oauth_error("invalid_grant", "invalid code verifier")
        issued = self.org.tokens.issue(data["user_id"], data["client_id"], data["scope"],
                                       max_approvals=MAX_APPROVALS)
        body = self._token_body(data["user_id"], issued, data["scope"])
        if not set(data["scope"].split()) & {"refresh_token", "offline_access"}:
            body.pop("refresh_token", None)
        return Response.json(body, headers={"Cache-Control": "no-store"})

    def _grant_refresh(self, form: dict[str, str]) -> Response:
        app = self._app(form["client_id"])
        assert app is not None  # token() checked it
        idle = app.refresh_token_idle_days
        refreshed = self.org.tokens.refresh(
            form.get("refresh_token", ""), form["client_id"], rotate=app.refresh_token_rotation,
            idle_seconds=None if idle is None else idle * 86400.0)
        if refreshed is None:
            return _oauth_error("invalid_grant", "expired access/refresh token")
        session = self.org.tokens.check(refreshed["access_token"]) or {}
        body = self._token_body(session.get("user_id", ""), refreshed,
                                session.get("scope") or DEFAULT_SCOPE)
        if not refreshed.get("refresh_token"):
            body.pop("refresh_token", None)  # without rotation Salesforce sends none
        return Response.json(body, headers={"Cache-Control": "no-store"})

    def _token_body(self, user_id: str, issued: dict[str, Any], scope: str) -> dict[str, Any]:
        identity = f"{self.org.base_url}/id/{self.org.org_id}/{user_id}"
        issued_at = _millis(issued["issued_at"])
        body = {
            "access_token": issued["access_token"],
            "refresh_token": issued.get("refresh_token"),
            "signature": self._signature(identity + issued_at),
            "scope": scope,
            "instance_url": self.org.base_url,
            "id": identity,
            "token_type": "Bearer",
            "issued_at": issued_at,
        }
        return body

    def _signature(self, text: str) -> str:
        secret = str(getattr(self.org, "client_secret", None) or self.org.org_id).encode()
        return base64.b64encode(hmac.new(secret, text.encode(), hashlib.sha256).digest()).decode()

    # -- revoke -----------------------------------------------------------------------------

    def revoke(self, request: Request) -> Response:
        token = (request.form() if request.method == "POST" else request.query).get("token", "")
        if not token or not self.org.tokens.revoke(token):
            return _oauth_error("unsupported_token_type", "this token type is not supported")
        return Response(200)

    # -- who am I ---------------------------------------------------------------------------

    def _session_user(self, request: Request) -> dict[str, Any] | None:
        token = bearer_token(request) or request.query.get("oauth_token")
        session = self.org.tokens.check(token or "")
        return self.org.user_by_id(session["user_id"]) if session else None

    def _urls(self, user_id: str) -> dict[str, str]:
        base, org_id = self.org.base_url, self.org.org_id
        data = f"{base}/services/data/v{{version}}/"
        return {
            "enterprise": f"{base}/services/Soap/c/{{version}}/{org_id}",
            "partner": f"{base}/services/Soap/u/{{version}}/{org_id}",
            "rest": data, "sobjects": data + "sobjects/", "search": data + "search/",
            "query": data + "query/", "recent": data + "recent/",
            "profile": f"{base}/{user_id}", "custom_domain": base,
        }

    def userinfo(self, request: Request) -> Response:
        user = self._session_user(request)
        if user is None:
            return Response.text("Bad_OAuth_Token", 403)
        uid = user["Id"]
        return Response.json({
            "sub": f"{self.org.base_url}/id/{self.org.org_id}/{uid}",
            "user_id": uid, "organization_id": self.org.org_id,
            "preferred_username": user.get("Username"), "nickname": user.get("CommunityNickname")
            or (user.get("Username") or "").split("@")[0],
            "name": user.get("Name"), "email": user.get("Email"), "email_verified": True,
            "given_name": user.get("FirstName"), "family_name": user.get("LastName"),
            "zoneinfo": user.get("TimeZoneSidKey", "GMT"), "profile": f"{self.org.base_url}/{uid}",
            "active": bool(user.get("IsActive", True)), "user_type": "STANDARD",
            "language": user.get("LanguageLocaleKey", "en_US"),
            "locale": user.get("LocaleSidKey", "en_US"), "utcOffset": 0,
            "updated_at": user.get("LastModifiedDate"), "urls": self._urls(uid),
        })

    def identity(self, request: Request) -> Response:
        user = self._session_user(request)
        if user is None:
            return Response.text("Bad_OAuth_Token", 403)
        if (request.params["org_id"] != self.org.org_id
                or request.params["user_id"][:15] != user["Id"][:15]):
            # The sandbox's only users are its own; another user's identity is not ours to give.
            return Response.text("Bad_Id", 403)
        uid = user["Id"]
        return Response.json({
            "id": f"{self.org.base_url}/id/{self.org.org_id}/{uid}", "asserted_user": True,
            "user_id": uid, "organization_id": self.org.org_id,
            "username": user.get("Username"), "nick_name": (user.get("Username") or "").split("@")[0],
            "display_name": user.get("Name"), "email": user.get("Email"), "email_verified": True,
            "first_name": user.get("FirstName"), "last_name": user.get("LastName"),
            "timezone": user.get("TimeZoneSidKey", "GMT"), "active": bool(user.get("IsActive", True)),
            "user_type": "STANDARD", "language": user.get("LanguageLocaleKey", "en_US"),
            "locale": user.get("LocaleSidKey", "en_US"), "utcOffset": 0,
            "last_modified_date": user.get("LastModifiedDate"), "is_app_installed": True,
            "urls": self._urls(uid),
        })


def _millis(issued_at: Any) -> str:
    """Salesforce's issued_at: milliseconds since the epoch, as a string."""
    value = float(issued_at)
    return str(int(value * 1000 if value < 1e11 else value))

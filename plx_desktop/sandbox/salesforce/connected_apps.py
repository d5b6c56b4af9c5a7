"""The sandbox org's connected apps (External Client Apps) and the org-wide switches OAuth obeys.

Modelled on Salesforce's documentation:
- the redirect URI of an authorize request must equal one of the app's callback URLs, or the
  request gets an error page (`redirect_uri_mismatch`) and is never redirected ("OAuth 2.0
  Authorization Errors", help.salesforce.com remoteaccess_oauth_flow_errors.htm);
- an app that is not installed in the org is blocked: the redirect carries
  `error=invalid_client&error_description=app must be installed into org` (the September 2025
  change for uninstalled connected apps);
- refresh token rotation ("OAuth 2.0 Refresh Token Flow for Renewed Sessions",
  remoteaccess_oauth_refresh_token_flow.htm): each refresh answers a new refresh token and the old
  one is invalidated; presenting an invalidated one revokes the whole grant (the case least
  convenient for a client, which the documentation leaves open);
- the idle refresh token TTL (connected_app_limit_idle_ttl.htm): a refresh token unused for that
  many days expires;
- five approvals per user per app: a sixth revokes the oldest (Manage OAuth Access).

Everything lives in the org's SQLite file, so every server thread and process sees one truth.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

DEFAULT_CALLBACK_URL = "http://localhost:1717/OauthRedirect"
APPS_SETTING = "connected_apps"
ORG_FLAGS_SETTING = "org_flags"
MAX_APPROVALS = 5
ORG_FLAG_DEFAULTS: dict[str, bool] = {"api_enabled": True, "requires_my_domain": False}


@dataclass
class ConnectedApp:
    """One app as the org's admin configured it."""

    client_id: str
    name: str = "PLX Desktop"
    installed: bool = True
    callback_urls: list[str] = field(default_factory=lambda: [DEFAULT_CALLBACK_URL])
    refresh_token_rotation: bool = True
    refresh_token_idle_days: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check(body: dict[str, Any]) -> dict[str, Any]:
    """The settable parts of a POST /__sandbox__/connected-app body; ValueError when malformed."""
    out: dict[str, Any] = {}
    for name in ("installed", "refresh_token_rotation"):
        if name in body:
            if not isinstance(body[name], bool):
                raise ValueError(f"{name} must be true or false")
            out[name] = body[name]
    if "callback_urls" in body:
        urls = body["callback_urls"]
        if not isinstance(urls, list) or not all(isinstance(u, str) and u for u in urls):
            raise ValueError("callback_urls must be a list of URLs")
        out["callback_urls"] = list(urls)
    if "refresh_token_idle_days" in body:
        days = body["refresh_token_idle_days"]
        if days is not None and (isinstance(days, bool) or not isinstance(days, int | float)
                                 or days < 0):
            raise ValueError("refresh_token_idle_days must be a number >= 0, or null for no limit")
        out["refresh_token_idle_days"] = days
    if "name" in body:
        out["name"] = str(body["name"])
    return out


class ConnectedApps:
    """The org's apps: PLX Desktop's own (installed, rotation on) plus any a test registers."""

    def __init__(self, db: Any, own_client_id: str):
        self._db = db
        self.own_client_id = own_client_id

    def _all(self) -> dict[str, dict[str, Any]]:
        apps = dict(self._db.get_setting(APPS_SETTING) or {})
        if self.own_client_id not in apps:
            apps[self.own_client_id] = ConnectedApp(self.own_client_id).as_dict()
        return apps

    def get(self, client_id: str) -> ConnectedApp | None:
        data = self._all().get(client_id)
        return None if data is None else ConnectedApp(**data)

    def all(self) -> list[ConnectedApp]:
        return [ConnectedApp(**data) for data in self._all().values()]

    def configure(self, body: dict[str, Any]) -> ConnectedApp:
        """Create or change one app (unnamed fields keep their value); ValueError when malformed."""
        client_id = body.get("client_id")
        if not isinstance(client_id, str) or not client_id.strip():
            raise ValueError("client_id is required")
        changes = _check(body)
        apps = self._all()
        current = apps.get(client_id) or ConnectedApp(client_id, name=client_id).as_dict()
        current.update(changes)
        apps[client_id] = current
        self._db.set_setting(APPS_SETTING, apps)
        return ConnectedApp(**current)

    def allow_callback(self, client_id: str, url: str) -> None:
        """Add one callback URL to an app (tests register their free loopback port this way)."""
        app = self.get(client_id)
        urls = list(app.callback_urls if app else [])
        if url not in urls:
            urls.append(url)
        self.configure({"client_id": client_id, "callback_urls": urls})

    def reset(self) -> None:
        """Back to PLX Desktop's own app only, with its defaults."""
        self._db.set_setting(APPS_SETTING, {})


class OrgFlags:
    """Org-wide switches: API access for the edition, and whether logins must use My Domain."""

    def __init__(self, db: Any):
        self._db = db

    def _all(self) -> dict[str, bool]:
        return {**ORG_FLAG_DEFAULTS, **(self._db.get_setting(ORG_FLAGS_SETTING) or {})}

    @property
    def api_enabled(self) -> bool:
        return bool(self._all()["api_enabled"])

    @property
    def requires_my_domain(self) -> bool:
        return bool(self._all()["requires_my_domain"])

    def as_dict(self) -> dict[str, bool]:
        return self._all()

    def configure(self, body: dict[str, Any]) -> dict[str, bool]:
        flags = self._all()
        for name in ORG_FLAG_DEFAULTS:
            if name in body:
                if not isinstance(body[name], bool):
                    raise ValueError(f"{name} must be true or false")
                flags[name] = body[name]
        self._db.set_setting(ORG_FLAGS_SETTING, flags)
        return flags

    def reset(self) -> None:
        self._db.set_setting(ORG_FLAGS_SETTING, {})

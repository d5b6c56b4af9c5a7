"""What the app is connected to: the Salesforce sign-in and the PeopleLinx key the cards show.

Secrets stay in memory here and in the keyring (connectors.secrets); never in QSettings. With
--sandbox, everything comes from data_dir/sandbox/sandbox.json and nothing touches the keyring,
because sandbox credentials are throwaway.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from plx_desktop.connectors.sf_auth import DEFAULT_CALLBACK_PORT, PLX_DESKTOP_CLIENT_ID
from plx_desktop.paths import sandbox_dir

SANDBOX_JSON = "sandbox.json"

# No consumer key ships with PLX Desktop: each org brings its own External Client App's key,
# entered under Advanced on the Salesforce card and remembered per login URL.
PRODUCTION_CLIENT_ID = PLX_DESKTOP_CLIENT_ID
PEOPLELINX_BASE_URL = "https://api.peoplelinx.com"


@dataclass
class SalesforceAccount:
    """A signed-in Salesforce user. The tokens are kept in memory only; repr hides them."""

    instance_url: str
    username: str
    org_id: str = ""
    display_name: str = ""
    login_url: str = ""
    access_token: str = field(default="", repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    # The sandbox's standing session from sandbox.json: shared with every other sandbox client,
    # so Disconnect forgets it here but never revokes it.
    standing: bool = False
    client_id: str = ""  # the consumer key it was made with (renewals need the same one)
    account: str = ""  # the name the login is saved under (keyring, or the sandbox's file)


@dataclass
class PeopleLinxAccount:
    base_url: str
    api_key: str = field(repr=False)
    account_name: str = ""


@dataclass(frozen=True)
class SandboxDetails:
    """The parts of sandbox.json the GUI needs (the file itself belongs to the sandbox runner)."""

    salesforce_login_url: str
    salesforce_instance_url: str
    salesforce_client_id: str
    salesforce_username: str
    salesforce_access_token: str
    salesforce_refresh_token: str
    peoplelinx_base_url: str
    peoplelinx_api_key: str
    ca_file: str
    pid: int

    @classmethod
    def read(cls, data_dir: Path) -> SandboxDetails:
        raw: dict[str, Any] = json.loads((sandbox_dir(data_dir) / SANDBOX_JSON).read_text())
        return cls(**{name: raw[name] for name in cls.__dataclass_fields__})


class ConnectionState(QObject):
    """The current connections; `changed` fires whenever one connects or disconnects. GUI thread."""

    changed = Signal()

    def __init__(self, data_dir: Path, sandbox: SandboxDetails | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.data_dir = data_dir
        self.sandbox = sandbox
        self.salesforce: SalesforceAccount | None = None
        self.peoplelinx: PeopleLinxAccount | None = None
        self.client_ids: dict[str, str] = {}  # login URL -> consumer key (settings, not secret)
        self.callback_port = DEFAULT_CALLBACK_PORT
        # Why the Salesforce login needs the admin (expired, revoked, no API access), or "".
        self.salesforce_problem = ""
        self.salesforce_problem_raw = ""
        if sandbox is not None:
            self.salesforce = SalesforceAccount(
                instance_url=sandbox.salesforce_instance_url,
                username=sandbox.salesforce_username,
                login_url=sandbox.salesforce_login_url,
                access_token=sandbox.salesforce_access_token,
                refresh_token=sandbox.salesforce_refresh_token, standing=True,
                client_id=sandbox.salesforce_client_id)
            self.peoplelinx = PeopleLinxAccount(sandbox.peoplelinx_base_url, sandbox.peoplelinx_api_key)
            self._restore_sandbox_login()

    def sandbox_login_file(self) -> Any:
        """Where a login made through Connect against the sandbox is kept (never the keyring)."""
        from plx_desktop.connectors.sf_login import SANDBOX_LOGIN_FILE, SandboxLoginFile

        return SandboxLoginFile(sandbox_dir(self.data_dir) / SANDBOX_LOGIN_FILE)

    def login_store(self, secrets: Any) -> Any:
        """Where this window's Salesforce login is saved: the sandbox's file, else the keyring."""
        return self.sandbox_login_file() if self.sandbox is not None else secrets

    def _restore_sandbox_login(self) -> None:
        """A login made through Connect against the sandbox in an earlier session, if any."""
        store = self.sandbox_login_file()
        account = next(iter(store._read()), None)
        saved = store.load_login(account) if account else None
        if saved is not None and self.sandbox is not None:
            self.salesforce = SalesforceAccount(
                saved.instance_url, saved.username, login_url=self.sandbox.salesforce_login_url,
                access_token=saved.access_token or "", refresh_token=saved.refresh_token,
                client_id=self.sandbox.salesforce_client_id, account=saved.account)

    @property
    def ca_file(self) -> str | None:
        """The CA to trust: the sandbox's own, else the system store."""
        return self.sandbox.ca_file if self.sandbox else None

    @property
    def client_id(self) -> str:
        """The consumer key of the login shown, else the sandbox's own app ('' if none known)."""
        if self.salesforce is not None and self.salesforce.client_id:
            return self.salesforce.client_id
        return self.sandbox.salesforce_client_id if self.sandbox else PRODUCTION_CLIENT_ID

    def client_id_for(self, login_url: str) -> str:
        """The consumer key to sign in with at `login_url` (the sandbox fills in its own)."""
        if self.sandbox is not None:
            return self.sandbox.salesforce_client_id
        return self.client_ids.get(login_url.rstrip("/"), "")

    def set_client_id(self, login_url: str, client_id: str) -> None:
        if self.sandbox is None:
            self.client_ids[login_url.rstrip("/")] = client_id.strip()

    def set_salesforce_problem(self, reason: str, raw: str = "") -> None:
        """The login needs the admin (say so on the card), or "" once it is fixed."""
        self.salesforce_problem, self.salesforce_problem_raw = reason, raw
        self.changed.emit()

    @property
    def peoplelinx_base_url(self) -> str:
        return self.sandbox.peoplelinx_base_url if self.sandbox else PEOPLELINX_BASE_URL

    @property
    def complete(self) -> bool:
        return self.salesforce is not None and self.peoplelinx is not None

    def set_salesforce(self, account: SalesforceAccount | None) -> None:
        self.salesforce = account
        self.salesforce_problem = self.salesforce_problem_raw = ""
        self.changed.emit()

    def set_peoplelinx(self, account: PeopleLinxAccount | None) -> None:
        self.peoplelinx = account
        self.changed.emit()

    def missing(self) -> str:
        """Why a sync cannot run yet, in the admin's words ('' when it can)."""
        gaps = [name for name, account in (("Salesforce", self.salesforce),
                                           ("PeopleLinx", self.peoplelinx)) if account is None]
        return f"Connect {' and '.join(gaps)} first." if gaps else ""


def restore_saved(state: ConnectionState, store: Any, secrets: Any) -> None:
    """Outside the sandbox: what was connected last time (details from the store, secrets from
    the keyring). A keyring that cannot be read leaves the card disconnected, never crashes."""
    from plx_desktop.connectors.errors import ConnectorError
    from plx_desktop.connectors.secrets import salesforce_account
    from plx_desktop.store.settings import (
        PEOPLELINX_CONNECTION,
        SALESFORCE_CONNECTION,
        SALESFORCE_OAUTH,
    )

    oauth = store.settings.get(SALESFORCE_OAUTH) or {}
    state.client_ids = dict(oauth.get("client_ids") or {})
    state.callback_port = int(oauth.get("callback_port") or state.callback_port)
    if state.sandbox is not None or secrets is None:
        return
    sf = store.settings.get(SALESFORCE_CONNECTION) or {}
    plx = store.settings.get(PEOPLELINX_CONNECTION) or {}
    try:
        if sf.get("instance_url") and sf.get("username"):
            account = sf.get("account") or salesforce_account(sf["instance_url"], sf["username"])
            saved = secrets.load_login(account, sf["instance_url"], sf["username"])
            if saved is not None:
                state.salesforce = SalesforceAccount(
                    saved.instance_url, sf["username"], sf.get("org_id", ""),
                    sf.get("display_name", ""), sf.get("login_url", ""),
                    saved.access_token or "", saved.refresh_token,
                    client_id=sf.get("client_id", ""), account=account)
        if plx.get("base_url"):
            key = secrets.load_peoplelinx_api_key(plx["base_url"])
            if key:
                state.peoplelinx = PeopleLinxAccount(plx["base_url"], key, plx.get("account_name", ""))
    except ConnectorError:
        pass
    state.changed.emit()


def remember(state: ConnectionState, store: Any) -> None:
    """Keep the non-secret details of the connections in the store (never in sandbox mode)."""
    from plx_desktop.store.settings import (
        PEOPLELINX_CONNECTION,
        SALESFORCE_CONNECTION,
        SALESFORCE_OAUTH,
    )

    store.settings.set(SALESFORCE_OAUTH, {"client_ids": state.client_ids,
                                          "callback_port": state.callback_port})
    if state.sandbox is not None:
        return
    sf = state.salesforce
    if sf is None:
        store.settings.delete(SALESFORCE_CONNECTION)
    else:
        store.settings.set(SALESFORCE_CONNECTION, {
            "instance_url": sf.instance_url, "username": sf.username, "org_id": sf.org_id,
            "display_name": sf.display_name, "login_url": sf.login_url, "account": sf.account,
            "client_id": sf.client_id or state.client_id})  # `sync` renews the session with it
    plx = state.peoplelinx
    if plx is None:
        store.settings.delete(PEOPLELINX_CONNECTION)
    else:
        store.settings.set(PEOPLELINX_CONNECTION, {"base_url": plx.base_url,
                                                   "account_name": plx.account_name})

"""What the app is connected to: the Salesforce sign-in and the PeopleLinx key the cards show.

Loaded once, at start, by the one loader (sync/connections.load_connections); the cards change
it as the admin connects and disconnects, and `connections()` hands the engine what they show,
with no I/O: a Run never reads the keyring on the GUI thread (the process that opens the clients
re-reads the saved login itself). Secrets stay in memory here and in the keyring
(connectors.secrets); never in QSettings. With --sandbox, everything comes from
data_dir/sandbox/sandbox.json and nothing touches the keyring, because sandbox credentials are
throwaway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from plx_desktop.connectors.salesforce_models import SalesforceConnection
from plx_desktop.connectors.sf_auth import DEFAULT_CALLBACK_PORT, PLX_DESKTOP_CLIENT_ID
from plx_desktop.paths import sandbox_dir
from plx_desktop.sync.connections import (
    Connections,
    PeopleLinxSettings,
    SalesforceUser,
    SandboxDetails,
    load_connections,
    login_ref,
    sandbox_connections,
)

__all__ = ["ConnectionState", "PeopleLinxAccount", "SalesforceAccount", "SandboxDetails",
           "remember", "restore_saved"]

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
    api_version: str = ""  # "": the sandbox's, else the engine's default
    ca_file: str | None = None  # a corporate CA saved with the login (None: the usual one)


@dataclass
class PeopleLinxAccount:
    base_url: str
    api_key: str = field(repr=False)
    account_name: str = ""
    ca_file: str | None = None


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
            self.show_connections(sandbox_connections(data_dir, sandbox))

    def sandbox_login_file(self) -> Any:
        """Where a login made through Connect against the sandbox is kept (never the keyring)."""
        from plx_desktop.connectors.sf_login import SANDBOX_LOGIN_FILE, SandboxLoginFile

        return SandboxLoginFile(sandbox_dir(self.data_dir) / SANDBOX_LOGIN_FILE)

    def login_store(self, secrets: Any) -> Any:
        """Where this window's Salesforce login is saved: the sandbox's file, else the keyring."""
        return self.sandbox_login_file() if self.sandbox is not None else secrets

    def show_connections(self, connections: Connections) -> None:
        """Show what the loader found (at start); `changed` is the caller's to emit."""
        sf, user, login = connections.salesforce, connections.salesforce_user, \
            connections.salesforce_login
        self.salesforce = None if sf is None else SalesforceAccount(
            sf.instance_url, user.username if user else "", user.org_id if user else "",
            user.display_name if user else "", sf.login_url, sf.access_token, sf.refresh_token,
            standing=connections.sandbox and login is None, client_id=sf.client_id,
            account=login.account if login else "", api_version=sf.api_version,
            ca_file=sf.ca_file)
        plx = connections.peoplelinx
        self.peoplelinx = None if plx is None else PeopleLinxAccount(
            plx.base_url, plx.api_key, plx.account_name, plx.ca_file)

    def connections(self) -> Connections:
        """The engine's Connections for what the cards show now; no I/O (GUI thread, at Run).

        The Salesforce tokens here may be stale (a sync process may have rotated them): the
        login's place goes with them, and whoever opens the clients reads it there first.
        """
        sandbox = self.sandbox is not None
        sf_conn = login = user = None
        sf = self.salesforce
        if sf is not None:
            default_version = self.sandbox.salesforce_api_version if self.sandbox else "62.0"
            sf_conn = SalesforceConnection(
                instance_url=sf.instance_url, access_token=sf.access_token,
                refresh_token=sf.refresh_token, client_id=sf.client_id or self.client_id,
                login_url=sf.login_url or "https://login.salesforce.com",
                api_version=sf.api_version or default_version, ca_file=sf.ca_file or self.ca_file)
            if sf.account and not sf.standing:
                login = login_ref(self.data_dir, sf.account, sandbox)
            user = SalesforceUser(sf.username, sf.org_id, sf.display_name)
        plx = self.peoplelinx
        plx_settings = None if plx is None else PeopleLinxSettings(
            plx.base_url, plx.api_key, plx.ca_file or self.ca_file, plx.account_name)
        return Connections(sf_conn, plx_settings, sandbox=sandbox, salesforce_login=login,
                           salesforce_user=user)

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
    """Outside the sandbox: what was connected last time, through the one loader (details from
    the store, secrets from the keyring). A keyring that cannot be read leaves the card
    disconnected, never crashes."""
    from plx_desktop.connectors.errors import ConnectorError
    from plx_desktop.store.settings import SALESFORCE_OAUTH

    oauth = store.settings.get(SALESFORCE_OAUTH) or {}
    state.client_ids = dict(oauth.get("client_ids") or {})
    state.callback_port = int(oauth.get("callback_port") or state.callback_port)
    if state.sandbox is not None or secrets is None:
        return
    try:
        state.show_connections(load_connections(state.data_dir, sandbox=False, store=store,
                                                secrets=secrets))
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
            "client_id": sf.client_id or state.client_id,  # `sync` renews the session with it
            **({"ca_file": sf.ca_file} if sf.ca_file else {})})
    plx = state.peoplelinx
    if plx is None:
        store.settings.delete(PEOPLELINX_CONNECTION)
    else:
        store.settings.set(PEOPLELINX_CONNECTION, {"base_url": plx.base_url,
                                                   "account_name": plx.account_name,
                                                   **({"ca_file": plx.ca_file} if plx.ca_file
                                                      else {})})

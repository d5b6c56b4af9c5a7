"""What is connected, in one shape (`Connections`) from one loader (`load_connections`), and the
engine's two clients opened from it (`open_clients`).

The loader serves `plx-desktop sync / check`, the window (once, at start) and the sync's child.
Sandbox credentials are throwaway and come from sandbox.json (read here only: `read_sandbox`), never
the keyring; real ones come from the keyring only (connectors/secrets.py), with the non-secret
parts (instance URL, user name, consumer key) kept in the settings store. A saved login is renewed
only through its one refresher (connectors/sf_login.py), and whichever process opens the clients
re-reads it where it is saved: the window hands over what it shows and never reads the keyring
for a run.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from plx_desktop.connectors.errors import AuthError, ConnectorError
from plx_desktop.connectors.peoplelinx import PeopleLinxClient
from plx_desktop.connectors.retry import RetryPolicy
from plx_desktop.connectors.salesforce import SalesforceClient
from plx_desktop.connectors.salesforce_models import SalesforceConnection
from plx_desktop.connectors.secrets import SecretStore, salesforce_account
from plx_desktop.connectors.sf_auth import PLX_DESKTOP_CLIENT_ID
from plx_desktop.connectors.sf_login import (
    SANDBOX_LOGIN_FILE,
    LoginRef,
    LoginRefresher,
    SandboxLoginFile,
    login_lock,
)
from plx_desktop.paths import sandbox_dir
from plx_desktop.store import Store
from plx_desktop.store.settings import PEOPLELINX_CONNECTION, SALESFORCE_CONNECTION

SANDBOX_JSON = "sandbox.json"  # written by the sandbox (sandbox/runner.py), read here only


@dataclass(frozen=True)
class SandboxDetails:
    """sandbox.json as the app reads it: the sandbox's addresses and throwaway credentials."""

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
    salesforce_api_version: str = "62.0"
    salesforce_org_id: str = ""  # userinfo's organization_id: whose state a data dir holds

    @classmethod
    def read(cls, data_dir: Path) -> SandboxDetails:
        """The sandbox.json of this data dir; OSError, ValueError or KeyError when there is none
        (or a torn one). The app's only reader of the file."""
        raw = json.loads((sandbox_dir(data_dir) / SANDBOX_JSON).read_text())
        names = [f.name for f in dataclasses.fields(cls)]
        return cls(**{name: raw[name] for name in names if name in raw})


def read_sandbox(data_dir: Path) -> SandboxDetails | None:
    """The running sandbox's sandbox.json for this data dir, or None when there is none."""
    try:
        return SandboxDetails.read(data_dir)
    except (OSError, ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class PeopleLinxSettings:
    """How to reach a PeopleLinx account. The key is a secret: repr never shows it."""

    base_url: str
    api_key: str
    ca_file: str | None = None
    account_name: str = ""  # what GET /v1/me calls it, as saved (for the card)

    def __repr__(self) -> str:
        return f"PeopleLinxSettings(base_url={self.base_url!r}, api_key=***)"


@dataclass(frozen=True)
class SalesforceUser:
    """Who the Salesforce login belongs to, as saved at Connect (for the card and the org guard)."""

    username: str = ""
    org_id: str = ""
    display_name: str = ""


@dataclass(frozen=True)
class Connections:
    """Both accounts, or None where one is not connected: the one shape every caller uses.

    Plain values only, so it crosses into the sync's child process. `salesforce_login` says where
    the login is saved and renewed (None: the sandbox's standing session); the process that
    opens the clients re-reads it there (open_clients), since another process may have rotated it.
    """

    salesforce: SalesforceConnection | None
    peoplelinx: PeopleLinxSettings | None
    sandbox: bool = False
    salesforce_login: LoginRef | None = None
    salesforce_user: SalesforceUser | None = None

    def missing(self) -> list[str]:
        return [name for name, value in (("Salesforce", self.salesforce),
                                         ("PeopleLinx", self.peoplelinx)) if value is None]


class NotConnected(ConnectorError):
    """One or both accounts are not connected yet."""


def load_connections(data_dir: Path, *, sandbox: bool, store: Store | None = None,
                     secrets: SecretStore | None = None) -> Connections:
    """The one loader of what is connected: the sandbox's (sandbox.json and the window's login
    file), or the real accounts (the settings store and the keyring).

    For `plx-desktop sync / check`, the window at start and whoever else needs them. It reads the
    keyring: never call it on the GUI thread while the window is in use.
    """
    if sandbox:
        return sandbox_connections(data_dir)
    if store is not None:
        return saved_connections(store, data_dir, secrets)
    from plx_desktop.paths import database_path
    from plx_desktop.store import open_store

    with open_store(database_path(data_dir)) as own:
        return saved_connections(own, data_dir, secrets)


def sandbox_connections(data_dir: Path, details: SandboxDetails | None = None) -> Connections:
    """Connections to the sandbox described in data_dir/sandbox/sandbox.json (or `details`)."""
    info = details or read_sandbox(data_dir)
    if info is None:
        raise NotConnected("No sandbox is running for this data directory; start one with "
                           "`plx-desktop sandbox serve` or pass --sandbox to start it here.")
    plx = PeopleLinxSettings(info.peoplelinx_base_url, info.peoplelinx_api_key, info.ca_file)
    login_file = SandboxLoginFile(sandbox_dir(data_dir) / SANDBOX_LOGIN_FILE)
    account = next(iter(login_file._read()), "")
    saved = login_file.load_login(account) if account else None
    if saved is not None:
        assert account is not None  # a login is only loaded for an account
        # Signed in through the window's Connect (not the standing login): renew that one.
        sf = _sandbox_salesforce(info, saved.instance_url, saved.access_token or "",
                                 saved.refresh_token)
        return Connections(sf, plx, sandbox=True,
                           salesforce_login=login_ref(data_dir, account, True),
                           salesforce_user=SalesforceUser(saved.username))
    sf = _sandbox_salesforce(info, info.salesforce_instance_url, info.salesforce_access_token,
                             info.salesforce_refresh_token)
    return Connections(sf, plx, sandbox=True,
                       salesforce_user=SalesforceUser(info.salesforce_username))


def _sandbox_salesforce(info: SandboxDetails, instance_url: str, access_token: str,
                        refresh_token: str | None) -> SalesforceConnection:
    return SalesforceConnection(instance_url=instance_url, access_token=access_token,
                                refresh_token=refresh_token, client_id=info.salesforce_client_id,
                                login_url=info.salesforce_login_url,
                                api_version=info.salesforce_api_version, ca_file=info.ca_file)


def login_ref(data_dir: Path, account: str, sandbox: bool) -> LoginRef:
    """Where a login is saved: the sandbox's file (never the keyring) or the keyring."""
    if sandbox:
        return LoginRef(account, login_lock(data_dir),
                        str(sandbox_dir(data_dir) / SANDBOX_LOGIN_FILE))
    return LoginRef(account, login_lock(data_dir))


def sandbox_login_ref(data_dir: Path, account: str) -> LoginRef:
    """Where the window keeps a login it made against the sandbox (a file, never the keyring)."""
    return login_ref(data_dir, account, True)


def keyring_login_ref(data_dir: Path, sf_info: dict) -> LoginRef | None:
    """The keyring login the settings describe (None when nothing is saved)."""
    if sf_info.get("account"):
        return login_ref(data_dir, sf_info["account"], False)
    if sf_info.get("instance_url") and sf_info.get("username"):
        return login_ref(data_dir, salesforce_account(sf_info["instance_url"],
                                                      sf_info["username"]), False)
    return None


def saved_connections(store: Store, data_dir: Path | None = None,
                      secrets: SecretStore | None = None) -> Connections:
    """Connections to the real accounts the admin connected (keyring + settings)."""
    secrets = secrets or SecretStore()
    sf = plx = user = None
    sf_info = store.settings.get(SALESFORCE_CONNECTION) or {}
    data_dir = data_dir or Path(store.path).parent
    ref = keyring_login_ref(data_dir, sf_info)
    if ref is not None:
        login = secrets.load_login(ref.account, sf_info.get("instance_url", ""),
                                   sf_info.get("username", ""))
        if login is not None:
            sf = SalesforceConnection(
                instance_url=login.instance_url,
                access_token=login.access_token or "",
                refresh_token=login.refresh_token,
                client_id=sf_info.get("client_id") or PLX_DESKTOP_CLIENT_ID,
                login_url=sf_info.get("login_url", "https://login.salesforce.com"),
                api_version=sf_info.get("api_version", "62.0"),
                ca_file=sf_info.get("ca_file"),
            )
            user = SalesforceUser(sf_info.get("username") or login.username,
                                  sf_info.get("org_id", ""), sf_info.get("display_name", ""))
        else:
            ref = None
    plx_info = store.settings.get(PEOPLELINX_CONNECTION) or {}
    if plx_info.get("base_url"):
        key = secrets.load_peoplelinx_api_key(plx_info["base_url"])
        if key:
            plx = PeopleLinxSettings(plx_info["base_url"], key, plx_info.get("ca_file"),
                                     plx_info.get("account_name", ""))
    return Connections(sf, plx, sandbox=False, salesforce_login=ref, salesforce_user=user)


def open_clients(connections: Connections, *, retry: RetryPolicy | None = None,
                 on_tokens_refreshed=None, usage_cap: float = 0.9,
                 ) -> tuple[SalesforceClient, PeopleLinxClient]:
    """Both clients, or NotConnected naming what is missing."""
    missing = connections.missing()
    if missing:
        raise NotConnected(f"{' and '.join(missing)} not connected: connect "
                           f"{'them' if len(missing) > 1 else 'it'} first (plx-desktop, "
                           "Connections), or use --sandbox to try the sandbox.")
    assert connections.salesforce is not None and connections.peoplelinx is not None
    if not connections.salesforce.refresh_token and not connections.salesforce.access_token:
        raise AuthError("The saved Salesforce login has no token; connect Salesforce again.")
    renewer = None
    sf_conn = connections.salesforce
    if connections.salesforce_login is not None:
        renewer = LoginRefresher(connections.salesforce_login, sf_conn.client_id,
                                 login_url=sf_conn.login_url, ca_file=sf_conn.ca_file)
        saved = renewer.saved()
        if saved is None:
            raise AuthError("PLX Desktop is no longer connected to Salesforce; connect it again.",
                            code="DISCONNECTED")
        # Another process may have renewed the login since these connections were made.
        sf_conn = dataclasses.replace(sf_conn, instance_url=saved.instance_url,
                                      access_token=saved.access_token or "",
                                      refresh_token=saved.refresh_token)
    sf = SalesforceClient(sf_conn, retry=retry or RetryPolicy(),
                          on_tokens_refreshed=on_tokens_refreshed, usage_cap=usage_cap,
                          renewer=renewer)
    plx_settings = connections.peoplelinx
    plx = PeopleLinxClient(plx_settings.base_url, plx_settings.api_key,
                           ca_file=plx_settings.ca_file, retry=retry or RetryPolicy())
    return sf, plx

"""Where the engine's two clients come from: the sandbox's sandbox.json, or the keyring + settings.

Sandbox credentials are throwaway and read from sandbox.json, never the keyring; real ones are read
from the keyring only (connectors/secrets.py), with the non-secret parts (instance URL, user name,
consumer key) kept in the settings store. A saved login is renewed only through its one refresher
(connectors/sf_login.py), whichever process runs the sync.
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
from plx_desktop.connectors.secrets import salesforce_account
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


@dataclass(frozen=True)
class PeopleLinxSettings:
    """How to reach a PeopleLinx account. The key is a secret: repr never shows it."""

    base_url: str
    api_key: str
    ca_file: str | None = None

    def __repr__(self) -> str:
        return f"PeopleLinxSettings(base_url={self.base_url!r}, api_key=***)"


@dataclass(frozen=True)
class Connections:
    """Both accounts, or None where one is not connected."""

    salesforce: SalesforceConnection | None
    peoplelinx: PeopleLinxSettings | None
    sandbox: bool = False
    salesforce_login: LoginRef | None = None  # where the login is saved and renewed, if it is

    def missing(self) -> list[str]:
        return [name for name, value in (("Salesforce", self.salesforce),
                                         ("PeopleLinx", self.peoplelinx)) if value is None]


class NotConnected(ConnectorError):
    """One or both accounts are not connected yet."""


def sandbox_info(data_dir: Path) -> dict | None:
    """The running sandbox's sandbox.json for this data dir, or None when there is none."""
    path = sandbox_dir(data_dir) / "sandbox.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def sandbox_connections(data_dir: Path) -> Connections:
    """Connections to the sandbox described in data_dir/sandbox/sandbox.json."""
    info = sandbox_info(data_dir)
    if info is None:
        raise NotConnected("No sandbox is running for this data directory; start one with "
                           "`plx-desktop sandbox serve` or pass --sandbox to start it here.")
    sf = SalesforceConnection(
        instance_url=info["salesforce_instance_url"],
        access_token=info["salesforce_access_token"],
        refresh_token=info["salesforce_refresh_token"],
        client_id=info["salesforce_client_id"],
        login_url=info["salesforce_login_url"],
        api_version=info["salesforce_api_version"],
        ca_file=info["ca_file"],
    )
    plx = PeopleLinxSettings(info["peoplelinx_base_url"], info["peoplelinx_api_key"],
                             info["ca_file"])
    login_file = sandbox_dir(data_dir) / SANDBOX_LOGIN_FILE
    saved = next(iter(SandboxLoginFile(login_file)._read()), None)
    if saved is not None:
        # Signed in through the window's Connect (not the standing login): renew that one.
        ref = LoginRef(saved, login_lock(data_dir), str(login_file))
        return Connections(sf, plx, sandbox=True, salesforce_login=ref)
    return Connections(sf, plx, sandbox=True)


def sandbox_login_ref(data_dir: Path, account: str) -> LoginRef:
    """Where the window keeps a login it made against the sandbox (a file, never the keyring)."""
    return LoginRef(account, login_lock(data_dir), str(sandbox_dir(data_dir) / SANDBOX_LOGIN_FILE))


def keyring_login_ref(data_dir: Path, sf_info: dict) -> LoginRef | None:
    """The keyring login the settings describe (None when nothing is saved)."""
    if sf_info.get("account"):
        return LoginRef(sf_info["account"], login_lock(data_dir))
    if sf_info.get("instance_url") and sf_info.get("username"):
        return LoginRef(salesforce_account(sf_info["instance_url"], sf_info["username"]),
                        login_lock(data_dir))
    return None


def saved_connections(store: Store, data_dir: Path | None = None) -> Connections:
    """Connections to the real accounts the admin connected (keyring + settings)."""
    from plx_desktop.connectors.secrets import SecretStore

    secrets = SecretStore()
    sf = plx = None
    ref = None
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
        else:
            ref = None
    plx_info = store.settings.get(PEOPLELINX_CONNECTION) or {}
    if plx_info.get("base_url"):
        key = secrets.load_peoplelinx_api_key(plx_info["base_url"])
        if key:
            plx = PeopleLinxSettings(plx_info["base_url"], key, plx_info.get("ca_file"))
    return Connections(sf, plx, sandbox=False, salesforce_login=ref)


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

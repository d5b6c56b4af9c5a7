"""The saved Salesforce login, and the one refresher of it across every PLX Desktop process.

With refresh token rotation (required of External Client Apps) each refresh answers a new refresh
token and kills the old one; presenting the old one again revokes the whole login. So:
- only one process refreshes at a time: a file lock in the data directory (filelock) is held from
  reading the saved pair to saving the new one;
- under the lock the saved pair is read again: if another process (the window, a sync child, a
  headless `sync --every`) refreshed since we read it, its new access token is used, and our
  stale refresh token is never presented;
- the new pair is saved before the new access token is handed to anyone.

Refresh goes to the org's instance (its My Domain), as the Salesforce CLI does; the login URL
(login.salesforce.com) is tried only when the instance cannot be reached at all (a renamed My
Domain that no longer resolves), never after a request that may have arrived. A changed
`instance_url` in the answer is saved and followed.

The store is the keyring (secrets.SecretStore) for real orgs; for a login made in the window
against the sandbox, a throwaway JSON file next to sandbox.json (sandbox credentials never go to
the keyring).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from filelock import FileLock, Timeout

from plx_desktop.connectors import sf_auth
from plx_desktop.connectors.errors import AuthError, NetworkError, TransientError
from plx_desktop.connectors.secrets import SavedSalesforceLogin, SecretStore
from plx_desktop.connectors.sf_auth_errors import RECONNECT

LOCK_FILE = "salesforce-login.lock"
SANDBOX_LOGIN_FILE = "salesforce-login.json"
LOCK_TIMEOUT = 120.0  # seconds: longer than any refresh, retries included


class LoginStore(Protocol):
    def load_login(self, account: str) -> SavedSalesforceLogin | None: ...
    def save_login(self, account: str, login: SavedSalesforceLogin) -> None: ...
    def delete_login(self, account: str) -> None: ...


class SandboxLoginFile:
    """A login kept in a JSON file (sandbox only: its credentials are throwaway)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def load_login(self, account: str) -> SavedSalesforceLogin | None:
        found = self._read().get(account)
        return SavedSalesforceLogin(**found) if isinstance(found, dict) else None

    def save_login(self, account: str, login: SavedSalesforceLogin) -> None:
        data = self._read()
        data[account] = asdict(login) | {"account": account}
        self._write(data)

    def delete_login(self, account: str) -> None:
        data = self._read()
        if data.pop(account, None) is not None:
            self._write(data)

    def _write(self, data: dict[str, dict[str, Any]]) -> None:
        # Written whole and moved into place: a reader never sees half a file.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
            json.dump(data, out)
        os.replace(temporary, self.path)


@dataclass(frozen=True)
class LoginRef:
    """Where a saved login lives; plain values, so it crosses into a sync child process."""

    account: str
    lock_path: str
    sandbox_file: str | None = None  # None: the keyring

    def store(self) -> LoginStore:
        return SandboxLoginFile(Path(self.sandbox_file)) if self.sandbox_file else SecretStore()


def login_lock(data_dir: Path) -> str:
    return str(Path(data_dir) / LOCK_FILE)


class LoginRefresher:
    """Renews the saved login for SalesforceClient: call it with the access token that failed."""

    def __init__(self, ref: LoginRef, client_id: str, *, login_url: str = "",
                 ca_file: str | None = None, store: LoginStore | None = None):
        self.ref = ref
        self.client_id = client_id
        self.login_url = login_url.rstrip("/")
        self.ca_file = ca_file
        self.store = store or ref.store()

    def saved(self) -> SavedSalesforceLogin | None:
        """The saved login as it is now (no lock: for reading the freshest access token)."""
        return self.store.load_login(self.ref.account)

    def __call__(self, token_used: str) -> sf_auth.Tokens:
        lock = FileLock(self.ref.lock_path, timeout=LOCK_TIMEOUT)
        try:
            with lock:
                return self._renew(token_used)
        except Timeout:
            raise TransientError("Another PLX Desktop process has been renewing the Salesforce "
                                 "session for two minutes; trying again later",
                                 code="REFRESH_LOCKED") from None

    def _renew(self, token_used: str) -> sf_auth.Tokens:
        saved = self.store.load_login(self.ref.account)
        if saved is None:
            raise AuthError("PLX Desktop is no longer connected to Salesforce (it was "
                            f"disconnected). {RECONNECT}", code="DISCONNECTED")
        if saved.access_token and saved.access_token != token_used:
            # Someone renewed it while we waited: use theirs, never our stale refresh token.
            return sf_auth.Tokens(saved.access_token, saved.refresh_token, saved.instance_url)
        tokens = self._refresh(saved)
        renewed = SavedSalesforceLogin(
            instance_url=tokens.instance_url or saved.instance_url, username=saved.username,
            refresh_token=tokens.refresh_token or saved.refresh_token,
            access_token=tokens.access_token, account=self.ref.account)
        self.store.save_login(self.ref.account, renewed)  # before anyone uses the new token
        return tokens

    def _refresh(self, saved: SavedSalesforceLogin) -> sf_auth.Tokens:
        bases = [saved.instance_url.rstrip("/")]
        if self.login_url and self.login_url not in bases:
            bases.append(self.login_url)
        for index, base in enumerate(bases):
            try:
                return sf_auth.refresh(sf_auth.token_url_for(base), self.client_id,
                                       saved.refresh_token, self.ca_file)
            except NetworkError as exc:
                if exc.code != "UNREACHABLE" or index == len(bases) - 1:
                    raise
        raise AssertionError("unreachable")

"""The keyring: the only place PLX Desktop reads or writes credentials.

Secrets live under the service name "PLX Desktop" in whatever backend keyring itself chooses
(keyring.get_keyring(): the platform's store, PYTHON_KEYRING_BACKEND, or keyringrc.cfg). There is no
plain-file fallback: with no usable backend, saving or loading raises SecretStoreUnavailable with
a message that says how to fix it.

Sandbox credentials are throwaway and come from sandbox.json; callers must never pass them here.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from plx_desktop.connectors.errors import ConnectorError

SERVICE = "PLX Desktop"

NO_KEYRING_MESSAGE = (
    "No system keyring is available. Install and unlock one (GNOME Keyring / KWallet on Linux), "
    "or configure keyring's backend (see `keyring --list-backends`); PLX Desktop never stores "
    "credentials in plain files."
)


class SecretStoreUnavailable(ConnectorError):
    """The keyring cannot be used at all (none installed, locked, access denied)."""


class SecretStoreError(ConnectorError):
    """The keyring is there but refused one operation."""


@dataclass
class SavedSalesforceLogin:
    """The Salesforce tokens kept for one instance and user. repr never shows the secrets.

    `instance_url` is where the org answered last (it follows a My Domain rename); `account` is
    the keyring name the login is kept under, fixed at connect time so a rename never loses it.
    """

    instance_url: str
    username: str
    refresh_token: str = field(repr=False)
    access_token: str | None = field(default=None, repr=False)
    account: str = ""


def salesforce_account(instance_url: str, username: str) -> str:
    """The keyring name of a login made at `instance_url` as `username`."""
    return f"salesforce:{_host(instance_url)}:{username}"


def _usable(backend: KeyringBackend) -> bool:
    # Imported here: keyring loads these lazily and the null backend may be absent in old versions.
    from keyring.backends import chainer, fail

    if isinstance(backend, fail.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return any(_usable(b) for b in backend.backends)
    try:
        from keyring.backends import null

        if isinstance(backend, null.Keyring):
            return False  # it silently forgets everything
    except ImportError:  # pragma: no cover - depends on the keyring version
        pass
    return True


def _host(url: str) -> str:
    parts = urllib.parse.urlsplit(url if "://" in url else f"https://{url}")
    return (parts.netloc or url).lower()


class SecretStore:
    """Save, load and delete the app's secrets. `backend` defaults to keyring's own choice."""

    def __init__(self, backend: KeyringBackend | None = None, service: str = SERVICE):
        self._backend = backend
        self.service = service

    def backend(self) -> KeyringBackend:
        """The keyring backend in use; SecretStoreUnavailable when there is none worth the name."""
        try:
            backend = self._backend or keyring.get_keyring()
        except keyring.errors.KeyringError as exc:
            raise SecretStoreUnavailable(f"{NO_KEYRING_MESSAGE} ({exc})") from exc
        if not _usable(backend):
            raise SecretStoreUnavailable(NO_KEYRING_MESSAGE)
        return backend

    def check(self) -> None:
        """Raise SecretStoreUnavailable now if secrets could not be kept (for a Connect button)."""
        self.backend()

    # -- the three primitives, with keyring's errors in plain words

    def _get(self, key: str) -> str | None:
        backend = self.backend()
        try:
            return backend.get_password(self.service, key)
        except keyring.errors.KeyringError as exc:
            raise _mapped(exc, "read a saved credential") from exc

    def _set(self, key: str, value: str) -> None:
        backend = self.backend()
        try:
            backend.set_password(self.service, key, value)
        except keyring.errors.KeyringError as exc:
            raise _mapped(exc, "save a credential") from exc

    def _delete(self, key: str) -> None:
        backend = self.backend()
        try:
            backend.delete_password(self.service, key)
        except keyring.errors.PasswordDeleteError:
            pass  # nothing saved: already the state we want
        except keyring.errors.KeyringError as exc:
            raise _mapped(exc, "delete a saved credential") from exc

    # -- Salesforce, by account (salesforce_account()); see sf_login.py for who may write

    def save_login(self, account: str, login: SavedSalesforceLogin) -> None:
        """Keep a login: the refresh token first, so a crash never leaves a new access token
        next to a refresh token that rotation has already killed."""
        self._set(f"{account}:refresh_token", login.refresh_token)
        # Not a secret, but shared by every process: where the org answered last.
        self._set(f"{account}:instance_url", login.instance_url)
        if login.access_token:
            self._set(f"{account}:access_token", login.access_token)
        else:
            self._delete(f"{account}:access_token")

    def load_login(self, account: str, instance_url: str = "",
                   username: str = "") -> SavedSalesforceLogin | None:
        refresh_token = self._get(f"{account}:refresh_token")
        if refresh_token is None:
            return None
        return SavedSalesforceLogin(
            instance_url=self._get(f"{account}:instance_url") or instance_url,
            username=username,
            refresh_token=refresh_token, access_token=self._get(f"{account}:access_token"),
            account=account)

    def delete_login(self, account: str) -> None:
        for what in ("refresh_token", "access_token", "instance_url"):
            self._delete(f"{account}:{what}")

    # -- Salesforce, by where and as whom the login was made (the account derived from them)

    def save_salesforce_login(self, instance_url: str, username: str, refresh_token: str,
                              access_token: str | None = None) -> None:
        self.save_login(salesforce_account(instance_url, username), SavedSalesforceLogin(
            instance_url, username, refresh_token, access_token))

    def save_salesforce_access_token(self, instance_url: str, username: str, access_token: str) -> None:
        """Keep a refreshed access token next to the saved refresh token."""
        self._set(f"{salesforce_account(instance_url, username)}:access_token", access_token)

    def load_salesforce_login(self, instance_url: str, username: str) -> SavedSalesforceLogin | None:
        return self.load_login(salesforce_account(instance_url, username), instance_url, username)

    def delete_salesforce_login(self, instance_url: str, username: str) -> None:
        self.delete_login(salesforce_account(instance_url, username))

    # -- PeopleLinx

    @staticmethod
    def _plx_key(base_url: str) -> str:
        return f"peoplelinx:{_host(base_url)}:api_key"

    def save_peoplelinx_api_key(self, base_url: str, api_key: str) -> None:
        self._set(self._plx_key(base_url), api_key)

    def load_peoplelinx_api_key(self, base_url: str) -> str | None:
        return self._get(self._plx_key(base_url))

    def delete_peoplelinx_api_key(self, base_url: str) -> None:
        self._delete(self._plx_key(base_url))


def _mapped(exc: keyring.errors.KeyringError, doing: str) -> ConnectorError:
    if isinstance(exc, keyring.errors.NoKeyringError | keyring.errors.InitError):
        return SecretStoreUnavailable(NO_KEYRING_MESSAGE)
    if isinstance(exc, keyring.errors.KeyringLocked):
        return SecretStoreUnavailable(
            f"The system keyring is locked, so PLX Desktop could not {doing}. "
            "Unlock it (for example by signing in to your desktop session) and try again.")
    return SecretStoreError(f"The system keyring refused to let PLX Desktop {doing}: {exc}. "
                            "Check that access to the keyring is allowed and try again.")

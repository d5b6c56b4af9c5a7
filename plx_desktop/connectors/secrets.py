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
    """The Salesforce tokens kept for one instance and user. repr never shows the secrets."""

    instance_url: str
    username: str
    refresh_token: str = field(repr=False)
    access_token: str | None = field(default=None, repr=False)


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

    # -- Salesforce

    @staticmethod
    def _sf_key(instance_url: str, username: str, what: str) -> str:
        return f"salesforce:{_host(instance_url)}:{username}:{what}"

    def save_salesforce_login(self, instance_url: str, username: str, refresh_token: str,
                              access_token: str | None = None) -> None:
        self._set(self._sf_key(instance_url, username, "refresh_token"), refresh_token)
        if access_token:
            self._set(self._sf_key(instance_url, username, "access_token"), access_token)
        else:
            self._delete(self._sf_key(instance_url, username, "access_token"))

    def save_salesforce_access_token(self, instance_url: str, username: str, access_token: str) -> None:
        """Keep a refreshed access token (for SalesforceClient's on_tokens_refreshed)."""
        self._set(self._sf_key(instance_url, username, "access_token"), access_token)

    def load_salesforce_login(self, instance_url: str, username: str) -> SavedSalesforceLogin | None:
        refresh_token = self._get(self._sf_key(instance_url, username, "refresh_token"))
        if refresh_token is None:
            return None
        access_token = self._get(self._sf_key(instance_url, username, "access_token"))
        return SavedSalesforceLogin(instance_url, username, refresh_token, access_token)

    def delete_salesforce_login(self, instance_url: str, username: str) -> None:
        for what in ("refresh_token", "access_token"):
            self._delete(self._sf_key(instance_url, username, what))

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

"""A real keyring backend that keeps passwords in a dict: the tests' stand-in for the OS keyring.

Like the real backends, deleting a password that is not there raises PasswordDeleteError, so the
code under test must handle it as it would on a desktop.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import keyring
import keyring.errors
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError("not found") from None


@contextmanager
def installed(backend: KeyringBackend | None = None) -> Iterator[KeyringBackend]:
    """Make `backend` (a new MemoryKeyring by default) the keyring for the block, then restore."""
    previous = keyring.get_keyring()
    backend = backend if backend is not None else MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)

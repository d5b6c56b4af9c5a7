"""A keyring backend keeping passwords in a JSON file named by $PLX_TEST_KEYRING_FILE.

For tests that run `plx-desktop` in child processes: they select it the way an admin selects a
backend, with PYTHON_KEYRING_BACKEND=file_keyring.FileKeyring (keyring's own configuration).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.errors
from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @staticmethod
    def _path() -> Path:
        return Path(os.environ["PLX_TEST_KEYRING_FILE"])

    def _read(self) -> dict[str, str]:
        try:
            return json.loads(self._path().read_text())
        except (OSError, ValueError):
            return {}

    def _write(self, data: dict[str, str]) -> None:
        temporary = self._path().with_suffix(".tmp")
        temporary.write_text(json.dumps(data))
        os.replace(temporary, self._path())

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._read()
        data[f"{service}\n{username}"] = password
        self._write(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._read()
        if data.pop(f"{service}\n{username}", None) is None:
            raise keyring.errors.PasswordDeleteError("not found")
        self._write(data)

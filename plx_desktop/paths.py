"""Where PLX Desktop keeps its files: one data directory, chosen by --data-dir or the platform."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "PLX Desktop"
APP_AUTHOR = "PeopleLinx"


def default_data_dir() -> Path:
    """The platform's user data directory (e.g. ~/.local/share/PLX Desktop on Linux)."""
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def resolve_data_dir(data_dir: str | Path | None) -> Path:
    """The data directory to use, created if missing."""
    path = Path(data_dir).expanduser() if data_dir else default_data_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


def sandbox_dir(data_dir: Path) -> Path:
    """The sandbox's state directory inside a data directory (CA, databases, sandbox.json)."""
    path = data_dir / "sandbox"
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path(data_dir: Path) -> Path:
    """The app's own SQLite store (profiles, links, cursors, outbox, log)."""
    return data_dir / "plx-desktop.sqlite3"

"""Fixtures for the engine's end-to-end tests: a data dir wired to the running sandbox, its store,
and `sync`, which runs the real engine (run_sync) against the sandbox over HTTPS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import Control

from plx_desktop.connectors.retry import NO_WAIT
from plx_desktop.paths import database_path, sandbox_dir
from plx_desktop.store import Store, open_store
from plx_desktop.sync.context import Tuning
from plx_desktop.sync.service import RunSummary, run_sync, sandbox_connections


@pytest.fixture
def data_dir(tmp_path: Path, sandbox: Any) -> Path:
    """A fresh app data dir whose sandbox/sandbox.json points at the running sandbox."""
    path = tmp_path / "data"
    path.mkdir()
    sandbox.info.write(sandbox_dir(path))
    return path


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    """The app's store in the data dir (the test's own connection; the engine opens another)."""
    opened = open_store(database_path(data_dir))
    yield opened
    opened.close()


@pytest.fixture
def control(sandbox: Any) -> Iterator[Control]:
    ctl = Control(sandbox)
    yield ctl
    ctl.http.close()


@pytest.fixture
def sync(data_dir: Path):
    """run_sync against the sandbox with no retry delays; keyword arguments pass through."""
    connections = sandbox_connections(data_dir)

    def run(profile: str | None = None, **kwargs: Any) -> RunSummary:
        kwargs.setdefault("retry", NO_WAIT)
        kwargs.setdefault("tuning", Tuning())
        return run_sync(data_dir, connections, profile=profile, **kwargs)

    return run

"""`--sandbox` for headless commands: use the sandbox already serving this data dir, or start one.

A sandbox counts as running when sandbox.json names a live process and its Salesforce port
answers; otherwise (no file, a stale file from a crashed serve) one is started for as long as the
command runs.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from plx_desktop.paths import sandbox_dir
from plx_desktop.sync.connections import read_sandbox


def _running(data_dir: Path) -> bool:
    info = read_sandbox(data_dir)
    if info is None:
        return False
    try:
        os.kill(int(info.pid), 0)
        url = urlsplit(info.salesforce_instance_url)
        with socket.create_connection((url.hostname or "localhost", url.port or 443), timeout=2):
            return True
    except (OSError, ValueError, KeyError, TypeError):
        return False


@contextmanager
def sandbox_for(data_dir: Path, *, seed_if_empty: bool = True) -> Iterator[None]:
    """Make sure a sandbox serves `data_dir` while the block runs."""
    state = sandbox_dir(data_dir)
    if _running(data_dir):
        yield
        return
    from plx_desktop.sandbox.runner import start_sandbox

    sandbox = start_sandbox(state, seed_if_empty=seed_if_empty)
    try:
        yield
    finally:
        sandbox.stop()

"""Fixtures for the application shell's GUI tests: a qasync loop, and a data dir on the sandbox."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import threading
import urllib.parse
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
import qasync
import requests

from plx_desktop.gui.connection_state import SandboxDetails


@pytest.fixture(scope="session")
def qloop(qapp: Any) -> Any:
    """A qasync loop over pytest-qt's QApplication, so @asyncSlot handlers run while qtbot waits.

    One per session: a second qasync loop on the same QApplication does not get its callbacks
    scheduled after the first was closed. Closed explicitly at the end, as the app does.
    """
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    loop.stop()
    loop.close()
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)


@pytest.fixture
def make_window(qtbot: Any, qloop: Any, sandbox: Any, tmp_path: Path) -> Any:
    """Opens the main window on a data dir wired to the sandbox (call it to get one)."""
    from plx_desktop.gui.main_window import MainWindow

    data_dir, details = sandbox_data_dir(sandbox, tmp_path)

    def make(**options: Any) -> MainWindow:
        # Idle unless a test asks for the automatic first run (start_due_run=True).
        options.setdefault("start_due_run", False)
        window = MainWindow(data_dir, sandbox=details, **options)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


def sandbox_data_dir(sandbox: Any, data_dir: Path) -> tuple[Path, SandboxDetails]:
    """A fresh data dir (own store, own window settings) that points at the shared test sandbox."""
    (data_dir / "sandbox").mkdir(parents=True, exist_ok=True)
    shutil.copy(sandbox.state_dir / "sandbox.json", data_dir / "sandbox" / "sandbox.json")
    info = asdict(sandbox.info)
    return data_dir, SandboxDetails(**{k: info[k] for k in SandboxDetails.__dataclass_fields__})


class BrowserStandIn:
    """Plays the admin's browser: follows the authorize URL, fills the sandbox login form, follows
    the redirect to the app's loopback listener. Runs on its own thread, as a browser would."""

    def __init__(self, username: str, password: str, ca_file: str, action: str = "login"):
        self.username, self.password, self.ca_file, self.action = username, password, ca_file, action
        self.urls: list[str] = []
        self.error: BaseException | None = None
        self.done = threading.Event()

    def open(self, url: str) -> None:
        self.urls.append(url)
        threading.Thread(target=self._login, args=(url,), daemon=True).start()

    def _login(self, url: str) -> None:
        try:
            with requests.Session() as session:
                session.trust_env = False
                session.verify = self.ca_file
                page = session.get(url, timeout=10)
                page.raise_for_status()
                fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                                         page.text))
                fields = {k: _unescape(v) for k, v in fields.items()}
                fields.update(username=self.username, password=self.password, action=self.action)
                post_url = urllib.parse.urljoin(url, "/services/oauth2/authorize")
                answer = session.post(post_url, data=fields, allow_redirects=False, timeout=10)
                location = answer.headers["Location"]
                session.get(location, timeout=10)  # the loopback listener on localhost
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            self.error = exc
        finally:
            self.done.set()


def _unescape(value: str) -> str:
    import html

    return html.unescape(value)


def sandbox_password(sandbox: Any) -> tuple[str, str]:
    creds = json.loads((sandbox.state_dir / "sandbox.json").read_text())
    return creds["salesforce_username"], creds["salesforce_password"]


def free_port() -> int:
    """A port nobody listens on right now (tests never use the fixed default, 1717)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def use_free_callback_port(state: Any, sandbox: Any) -> int:
    """Point the window's sign-in at a free port and register it on the sandbox's app."""
    from plx_desktop.connectors.sf_auth import redirect_uri_for

    state.callback_port = free_port()
    sandbox.salesforce.org.connected_apps.allow_callback(sandbox.info.salesforce_client_id,
                                                         redirect_uri_for(state.callback_port))
    return state.callback_port

"""Start the desktop app: QApplication, the qasync event loop, the sandbox if asked, the main window.

`--sandbox` connects both services from data_dir/sandbox/sandbox.json; when no sandbox is running
for that data dir, it starts one (seeded with demo data if empty) for as long as the app runs.
`--self-test` opens the main window, runs one sync, and exits 0 on success or 1 with the reason.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import socket
import sys
import urllib.parse
from typing import Any

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from plx_desktop.gui.connection_state import SandboxDetails
from plx_desktop.gui.resources import icon, style_sheet
from plx_desktop.logfile import log_uncaught, use_log_file
from plx_desktop.paths import APP_AUTHOR, APP_NAME, resolve_data_dir, sandbox_dir

SELF_TEST_TIMEOUT_MS = 5 * 60 * 1000


def _reachable(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 443), timeout=2):
            return True
    except OSError:
        return False


def running_sandbox(data_dir: Any) -> SandboxDetails | None:
    """The sandbox already serving this data dir (another process's), or None."""
    try:
        details = SandboxDetails.read(data_dir)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if details.pid != os.getpid():
        try:
            os.kill(details.pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass  # alive, someone else's
    if _reachable(details.salesforce_instance_url) and _reachable(details.peoplelinx_base_url):
        return details
    return None


def ensure_sandbox(data_dir: Any) -> tuple[SandboxDetails, Any]:
    """(details, the Sandbox we started or None). Starts one only when none is running."""
    details = running_sandbox(data_dir)
    if details is not None:
        return details, None
    from plx_desktop.sandbox.runner import start_sandbox

    sandbox = start_sandbox(sandbox_dir(data_dir), seed_if_empty=True)
    return SandboxDetails.read(data_dir), sandbox


class SelfTest:
    """Runs one sync once the window is up, then ends the app with 0 or 1 (reason on stderr)."""

    def __init__(self, window: Any, app: QApplication):
        self.window, self.app = window, app
        window.sync.run_finished.connect(self._finished)
        window.sync.run_failed.connect(self._failed)
        self._timeout = QTimer(window)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(lambda: self._end(1, "the sync did not finish in 5 minutes"))

    def start(self) -> None:
        self._timeout.start(SELF_TEST_TIMEOUT_MS)
        QTimer.singleShot(0, self._run)

    def _run(self) -> None:
        if self.window.runner.running:
            return  # the automatic first run (the sync begins by itself) is the one to watch
        if not self.window.sync.run_now():
            self._end(1, self.window.status.state.text() or "the sync did not start")

    def _finished(self, summary: Any) -> None:
        if summary.status == "completed":
            print(f"self-test: sync completed ({self.window.status.progress_text.text()})")
            self._end(0)
        else:
            self._end(1, f"the sync ended {summary.status}: {summary.reason or 'no reason given'}")

    def _failed(self, message: str) -> None:
        self._end(1, message)

    def _end(self, code: int, reason: str = "") -> None:
        if reason:
            print(f"self-test failed: {reason}", file=sys.stderr)
        self._timeout.stop()
        # `finished` reaches us before the worker thread has ended: let it end first, or Qt
        # aborts the process for a QThread destroyed while running (exit -6, seen under load).
        self.window.runner.stop_and_wait()
        self.window.close()
        self.app.exit(code)


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setWindowIcon(icon("app"))
    app.setStyleSheet(style_sheet())
    return app


def tune_for_the_window() -> None:
    """Before the window: the engine runs in a child process, but the thread that relays its
    messages is still Python in this one; a short GIL switch interval hands the GUI thread its
    turn sooner."""
    sys.setswitchinterval(0.001)


def window_is_up() -> None:
    """Once the window is built: what start-up made (modules, Qt wrappers, the window) lives as
    long as the app, so the garbage collector stops walking it; a full collection then costs
    what the session added, not the whole app (a stall that grew with the session's length)."""
    gc.collect()
    gc.freeze()


def run_gui(args: argparse.Namespace) -> int:
    """Run the desktop app until its window closes; the exit code."""
    from plx_desktop.gui.main_window import MainWindow

    tune_for_the_window()

    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    use_log_file(data_dir)
    log_uncaught()
    app = make_application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    sandbox = None
    try:
        details = None
        if getattr(args, "sandbox", False):
            details, sandbox = ensure_sandbox(data_dir)
        window = MainWindow(data_dir, sandbox=details)
        window.show()
        window_is_up()
        if getattr(args, "self_test", False):
            SelfTest(window, app).start()
        code = loop.run_forever()
        return int(code) if isinstance(code, int) else 0
    finally:
        loop.close()  # explicitly: its executor threads and notifiers go with it
        asyncio.set_event_loop(None)
        if sandbox is not None:
            sandbox.stop()

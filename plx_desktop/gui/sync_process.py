"""The sync's child process: run_sync in a process of its own, reporting through a pipe.

The GUI process never runs the engine's Python, so the window never waits for the engine's GIL
(docs/PERFORMANCE.md, the window). No Qt here: the child imports only the engine. Everything that
crosses the pipe is a plain picklable message, a tuple whose first item says what it is:

    ("progress", Progress) | ("log_entries", list[LogEntry]) | ("api_usage", used, limit)
    ("finished", RunSummary) | ("failed", reason)          # the last message of a run

Started with the "spawn" method (the same on every platform, safe from a thread of a Qt process;
PyInstaller bundles need multiprocessing.freeze_support() in __main__ for it).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from plx_desktop.background import give_way
from plx_desktop.logfile import DETAILS, short, use_log_file

PROGRESS, LOG_ENTRIES, API_USAGE, FINISHED, FAILED = (
    "progress", "log_entries", "api_usage", "finished", "failed")

_SLICE = 250


class PipeEvents:
    """The engine's SyncEvents, turned into messages to the GUI process (called in the child)."""

    def __init__(self, pipe: Any):
        self._pipe = pipe
        self._lock = threading.Lock()  # one message at a time, whichever thread reports

    def send(self, message: tuple) -> None:
        with self._lock:
            self._pipe.send(message)

    def progress(self, p: Any) -> None:
        self.send((PROGRESS, p))

    def log_entries(self, entries: list) -> None:
        # In slices: each message is unpickled on the GUI side while holding the GIL, and a
        # bulk step's 10,000 entries in one message would be a visible stall.
        entries = list(entries)
        for start in range(0, len(entries), _SLICE):
            self.send((LOG_ENTRIES, entries[start:start + _SLICE]))

    def api_usage(self, used: int, limit: int) -> None:
        self.send((API_USAGE, int(used), int(limit)))


def run_in_child(pipe: Any, cancel: Any, data_dir: Path, connections: Any,
                 options: dict[str, Any]) -> None:
    """The child process's whole life: one run_sync, its events and its end sent on `pipe`.

    `cancel` is the receiving end of a pipe from the GUI process: a message on it, or its end
    (the GUI process is gone), cancels the run. Not a multiprocessing Event: setting one blocks
    for ever when a process that waited on it has exited.
    """
    events = PipeEvents(pipe)
    give_way(own_session=True)  # the window first when every core is busy (background.py)
    try:
        from plx_desktop.sync import service
        from plx_desktop.sync.start_up import settle_start_up

        settle_start_up()  # a run's full collections skip what start-up left alive
        token = service.CancelToken()
        threading.Thread(target=_watch, args=(cancel, token), name="sync-cancel-watch",
                         daemon=True).start()
        summary = service.run_sync(data_dir, connections, events=events, cancel=token,
                                   **options)
    except Exception as exc:  # noqa: BLE001 - every failure must reach the admin, not vanish
        use_log_file(data_dir)
        logging.getLogger(__name__).exception("The sync process failed")
        events.send((FAILED, f"An unexpected error stopped the run ({short(exc)}); {DETAILS}"))
    else:
        events.send((FINISHED, summary))
    finally:
        pipe.close()


def _watch(cancel: Any, token: Any) -> None:
    """Cancel the run when the GUI asks (the message is the reason, for the log), or when the GUI
    process is gone (never orphan a sync)."""
    reason = "PLX Desktop ended during the run"
    try:
        cancel.poll(None)  # readable on a message and on end of file alike
        reason = cancel.recv_bytes().decode("utf-8", "replace") or reason
    except (EOFError, OSError):
        pass
    token.cancel(reason)

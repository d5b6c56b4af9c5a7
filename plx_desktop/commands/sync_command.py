"""`plx-desktop sync`: run the profile once or every N seconds, one summary line per step.

Exit codes: 0 the run completed (records Salesforce or PeopleLinx refused are in the log, not a
failure of the run); 1 a fatal error (not connected, login refused, network down after retries);
3 stopped at the API usage cap; 130 interrupted.
"""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

from plx_desktop.commands.sandbox_session import sandbox_for
from plx_desktop.connectors.errors import ConnectorError
from plx_desktop.domain.record_names import record_name
from plx_desktop.logfile import DETAILS, log_file
from plx_desktop.sync.connections import Connections, load_connections
from plx_desktop.sync.service import CancelToken, RunSummary, run_sync
from plx_desktop.sync.start_up import settle_start_up

EXIT_OK, EXIT_FAILED, EXIT_STOPPED, EXIT_INTERRUPTED = 0, 1, 3, 130
MINIMUM_INTERVAL = 30


def _connections(data_dir: Path, sandbox: bool) -> Connections:
    return load_connections(data_dir, sandbox=sandbox)


def _print_summary(summary: RunSummary) -> None:
    for step in summary.steps:
        print(step.line())
    if summary.api_usage:
        used, limit = summary.api_usage
        print(f"Salesforce API usage: {used:,} of {limit:,} calls today")


def _exit_code(summary: RunSummary, data_dir: Path) -> int:
    if summary.status == "completed":
        return EXIT_OK
    code = f" [{summary.code}]" if getattr(summary, "code", "") else ""
    print(f"plx-desktop: {summary.reason}{code}", file=sys.stderr)
    if DETAILS in (summary.reason or ""):
        print(f"plx-desktop: the log file is {log_file(data_dir)}", file=sys.stderr)
    return EXIT_STOPPED if summary.status == "stopped" else EXIT_FAILED


def _print_preview(summary: RunSummary) -> None:
    for entry in summary.preview:
        record = record_name(entry)
        code = f" [{entry.error_code}]" if entry.error_code else ""
        print(f"{entry.outcome:<8} {entry.step_label}  {record}{code}  {entry.message}")
    print("Preview only: nothing was written to Salesforce, PeopleLinx or the local store.")


def run(data_dir: Path, *, sandbox: bool, every: float | None, profile: str | None,
        dry_run: bool = False) -> int:
    if dry_run and every is not None:
        print("plx-desktop: --dry-run previews one run; it does not go with --every",
              file=sys.stderr)
        return 2
    if every is not None and every < MINIMUM_INTERVAL:
        print(f"plx-desktop: --every must be at least {MINIMUM_INTERVAL} seconds", file=sys.stderr)
        return 2
    cancel = CancelToken()
    stop = threading.Event()

    def interrupt(signum: int, frame: object) -> None:
        cancel.cancel()
        stop.set()

    previous = signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        with ExitStack() as stack:
            if sandbox:
                stack.enter_context(sandbox_for(data_dir))
            try:
                connections = _connections(data_dir, sandbox)
            except ConnectorError as exc:
                print(f"plx-desktop: {exc.reason}", file=sys.stderr)
                return EXIT_FAILED
            settle_start_up()
            while True:
                started = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
                if every is not None:
                    print(f"-- run at {started}", flush=True)
                summary = run_sync(data_dir, connections, profile=profile, cancel=cancel,
                                   dry_run=dry_run)
                if dry_run:
                    _print_preview(summary)
                _print_summary(summary)
                code = _exit_code(summary, data_dir)
                if cancel.cancelled:
                    return EXIT_INTERRUPTED
                if every is None:
                    return code
                if summary.status == "failed":
                    return code
                sys.stdout.flush()
                if stop.wait(every):
                    return EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGINT, previous)

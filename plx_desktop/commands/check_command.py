"""`plx-desktop check [--fix]`: is the connected Salesforce org ready? Set up what is missing.

Prints one line per item (ok / MISSING / warning, and what to do). Exit codes: 0 nothing is
missing; 1 something is (or the check could not run: not connected, login refused). `--fix` runs
Set up first (creates the PeopleLinx fields, grants the connected user read and edit), then checks
again. `--json` prints the report as one JSON object.
"""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path

from plx_desktop.commands.sandbox_session import sandbox_for
from plx_desktop.connectors.errors import ConnectorError
from plx_desktop.domain import Profile
from plx_desktop.paths import database_path
from plx_desktop.store import open_store
from plx_desktop.sync.connections import Connections, load_connections
from plx_desktop.sync.org_check import CheckReport, open_salesforce, run_check
from plx_desktop.sync.org_setup import SetupResult, set_up

EXIT_READY, EXIT_MISSING = 0, 1
_MARKS = {"ok": "ok", "missing": "MISSING", "warning": "warning"}


def _load(data_dir: Path, sandbox: bool) -> tuple[Connections, Profile | None]:
    with open_store(database_path(data_dir)) as store:
        profile = store.profiles.load_active()
        return load_connections(data_dir, sandbox=sandbox, store=store), profile


def print_report(report: CheckReport) -> None:
    who = f" as {report.username}" if report.username else ""
    print(f"Check org {report.org_id or '(unknown org)'}{who}")
    for item in report.items:
        print(f"  {_MARKS.get(item.status, item.status):<8} {item.title}: {item.detail}")
    plan = report.setup_plan()
    if plan:
        print("Set up would:")
        for line in plan:
            print(f"  - {line}")
        print("Run `plx-desktop check --fix` to make these changes.")
    print("Ready: nothing is missing." if report.ready else
          f"Not ready: {len(report.missing)} item(s) missing.")


def _print_setup(result: SetupResult) -> None:
    for line in result.done:
        print(f"Set up: {line}")
    for what, raw in result.failed:
        print(f"plx-desktop: Set up could not {what[0].lower() + what[1:]}: {raw}",
              file=sys.stderr)
    if not result.done and not result.failed:
        print("Set up: nothing to change.")


def run(data_dir: Path, *, sandbox: bool, fix: bool, as_json: bool = False) -> int:
    with ExitStack() as stack:
        if sandbox:
            stack.enter_context(sandbox_for(data_dir))
        try:
            connections, profile = _load(data_dir, sandbox)
            client = stack.enter_context(open_salesforce(connections))
            if fix:
                result = set_up(client, profile)
                if not as_json:
                    _print_setup(result)
                report = result.report or run_check(client, profile)
            else:
                report = run_check(client, profile)
        except ConnectorError as exc:
            print(f"plx-desktop: {exc.reason}", file=sys.stderr)
            return EXIT_MISSING
    if as_json:
        print(json.dumps({**asdict(report), "ready": report.ready,
                          "setup_plan": report.setup_plan()}))
    else:
        print_report(report)
    return EXIT_READY if report.ready else EXIT_MISSING

"""The engine's front door for the CLI and the GUI bridge: run_sync() and what it reports.

run_sync opens its own store connection (the worker thread's), runs the profile once, and returns
a RunSummary; it raises nothing the admin could act on, but says it in `status` and `reason`.
Whatever happens, the run's record is closed: an unexpected error ends it as failed with a short
reason, and its traceback goes to the log file (logfile.py), as does every run's summary.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plx_desktop.connectors.errors import AuthError, ConnectorError
from plx_desktop.connectors.peoplelinx import PeopleLinxClient
from plx_desktop.connectors.retry import RetryPolicy
from plx_desktop.connectors.salesforce import SalesforceClient
from plx_desktop.connectors.salesforce_models import ObjectDescription
from plx_desktop.domain import Profile
from plx_desktop.logfile import DETAILS, short, use_log_file
from plx_desktop.paths import database_path
from plx_desktop.store import LogEntry, Store, open_store
from plx_desktop.store.settings import (
    API_USAGE_CAP,
    FOLLOW_CONVERTED_LEADS,
)
from plx_desktop.sync import org_guard
from plx_desktop.sync.connections import (
    Connections,
    PeopleLinxSettings,
    load_connections,
    open_clients,
    sandbox_connections,
    saved_connections,
)
from plx_desktop.sync.context import UNEXPECTED_ERROR as UNEXPECTED
from plx_desktop.sync.context import (
    CancelToken,
    Progress,
    StepSummary,
    SyncEvents,
    Tuning,
    open_run,
)
from plx_desktop.sync.engine import Outcome, run_profile

__all__ = ["CancelToken", "Connections", "PeopleLinxSettings", "Progress", "RunSummary",
           "StepSummary", "SyncEvents", "Tuning", "load_connections", "run_sync",
           "sandbox_connections", "saved_connections"]

log = logging.getLogger(__name__)

# Describe results kept between runs of one process (the GUI's timer, `sync --every`), so that a
# poll with nothing to write costs one query per source object and no describe.
_DESCRIBES: dict[str, dict[str, ObjectDescription]] = {}
_PEOPLE_FIELDS: dict[str, dict[str, dict[str, Any]]] = {}


@dataclass(frozen=True)
class RunSummary:
    run_id: int  # 0 for a preview, which records no run
    status: str  # "completed" | "stopped" | "failed"
    steps: list[StepSummary]
    reason: str | None
    api_usage: tuple[int, int] | None
    preview: list[LogEntry] = field(default_factory=list)  # a dry run's would-be log
    code: str = ""  # why it did not complete: AUTH, ACCESS, NETWORK, API_LIMIT, CANCELLED...

    @property
    def ok(self) -> bool:
        return self.status == "completed"


def run_sync(data_dir: Path, connections: Connections, *, profile: str | None = None,
             events: SyncEvents | None = None, cancel: CancelToken | None = None,
             dry_run: bool = False, steps: Collection[str] | None = None,
             tuning: Tuning | None = None, retry: RetryPolicy | None = None) -> RunSummary:
    """Run the active (or named) profile once against both accounts.

    `steps`: run only the steps with these uids. `dry_run`: read both systems and write nothing
    anywhere (not even the local store); what would happen comes back in RunSummary.preview.
    """
    use_log_file(data_dir)
    store = open_store(database_path(data_dir))
    clients: list[SalesforceClient | PeopleLinxClient] = []
    run_id = 0
    try:
        chosen = store.profiles.load(profile) if profile else store.profiles.load_active()
        if not dry_run:
            store.log.close_abandoned_runs()
            run_id = store.log.start_run(chosen.kind.value)
        # One org's state stays with that org: no run against another until it is connected.
        refused = org_guard.refusal(data_dir, store, connections, dry_run=dry_run)
        if refused is not None:
            return _finish(store, run_id, Outcome("failed", [], refused, "OTHER_ORG"), None, [])
        return _run(store, run_id, chosen, connections, events=events, cancel=cancel,
                    dry_run=dry_run, steps=steps, tuning=tuning, retry=retry, clients=clients)
    except Exception as exc:  # noqa: BLE001 - the run's record is closed whatever happened
        log.exception("Run %s: unexpected error", run_id or "(not started)")
        reason = f"An unexpected error stopped the run ({short(exc)}); {DETAILS}"
        if not run_id:
            return RunSummary(0, "failed", [], reason, None)
        return _finish(store, run_id, Outcome("failed", [], reason, UNEXPECTED), None, [], events)
    finally:
        for client in clients:
            if client is not None:
                client.close()
        if run_id and store.log.run_is_open(run_id):  # _finish itself failed
            store.log.finish_run(run_id, "failed", {}, f"The run ended unexpectedly; {DETAILS}")
        store.close()


def _run(store: Store, run_id: int, chosen: Profile, connections: Connections, *,
         events: SyncEvents | None, cancel: CancelToken | None, dry_run: bool,
         steps: Collection[str] | None, tuning: Tuning | None, retry: RetryPolicy | None,
         clients: list[SalesforceClient | PeopleLinxClient]) -> RunSummary:
    """The run itself, once its record is open; `clients` gets the clients opened, to close."""
    try:
        sf, plx = open_clients(connections, retry=retry,
                               usage_cap=float(store.settings.get(API_USAGE_CAP)))
    except ConnectorError as exc:
        code = "AUTH" if isinstance(exc, AuthError) else "NOT_CONNECTED"
        return _finish(store, run_id, Outcome("failed", [], exc.reason, code), None, [])
    clients += [sf, plx]
    describes = _DESCRIBES.setdefault(connections.salesforce.instance_url
                                      if connections.salesforce else "", {})
    ctx = open_run(
        store=store, profile=chosen, run_id=run_id, events=events, cancel=cancel, sf=sf, plx=plx,
        tuning=tuning, describe_cache=describes, dry_run=dry_run,
        people_fields_cache=_PEOPLE_FIELDS.setdefault(
            connections.peoplelinx.base_url if connections.peoplelinx else "", {}),
        follow_converted_leads=bool(store.settings.get(FOLLOW_CONVERTED_LEADS, False)))
    outcome = run_profile(ctx, only=set(steps) if steps is not None else None)
    usage = sf.api_usage
    return _finish(store, run_id, outcome, (usage.used, usage.limit) if usage else None,
                   ctx.recorder.preview, events)


def _finish(store: Store, run_id: int, outcome: Outcome, usage: tuple[int, int] | None,
            preview: list[LogEntry], events: SyncEvents | None = None) -> RunSummary:
    """Close the run's record; a run that did not complete also says why in the log."""
    if run_id:
        counts = {key: sum(getattr(s, key) for s in outcome.steps)
                  for key in ("created", "updated", "skipped", "failed", "conflicts")}
        if outcome.status != "completed":
            entry = LogEntry(outcome="failed" if outcome.status == "failed" else "skipped",
                             error_code=outcome.code, run_id=run_id,
                             message=f"The run {outcome.status}: {outcome.reason}")
            stored = store.log.append_many([entry])
            if events is not None:
                events.log_entries(stored)
        store.log.finish_run(run_id, outcome.status, counts, outcome.reason or "")
        log.info("Run %s %s%s%s", run_id, outcome.status,
                 f" ({outcome.code}: {outcome.reason})" if outcome.reason else "",
                 "".join(f"\n    {s.line()}" for s in outcome.steps))
    return RunSummary(run_id, outcome.status, outcome.steps, outcome.reason, usage, preview,
                      outcome.code)

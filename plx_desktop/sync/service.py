"""The engine's front door for the CLI and the GUI bridge: run_sync() and what it reports.

run_sync opens its own store connection (the worker thread's), runs the profile once, and returns
a RunSummary; it raises nothing the admin could act on, but says it in `status` and `reason`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from plx_desktop.connectors.errors import ConnectorError
from plx_desktop.connectors.retry import RetryPolicy
from plx_desktop.connectors.salesforce_models import ObjectDescription
from plx_desktop.paths import database_path
from plx_desktop.store import open_store
from plx_desktop.store.settings import API_USAGE_CAP, SALESFORCE_CONNECTION
from plx_desktop.sync.connections import (
    Connections,
    PeopleLinxSettings,
    open_clients,
    sandbox_connections,
    saved_connections,
)
from plx_desktop.sync.context import (
    CancelToken,
    Progress,
    RunContext,
    StepSummary,
    SyncEvents,
    Tuning,
)
from plx_desktop.sync.engine import run_profile

__all__ = ["CancelToken", "Connections", "PeopleLinxSettings", "Progress", "RunSummary",
           "StepSummary", "SyncEvents", "Tuning", "run_sync", "sandbox_connections",
           "saved_connections"]

# Describe results kept between runs of one process (the GUI's timer, `sync --every`), so that a
# poll with nothing to write costs one query per source object and no describe.
_DESCRIBES: dict[str, dict[str, ObjectDescription]] = {}


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    status: str  # "completed" | "stopped" | "failed"
    steps: list[StepSummary]
    reason: str | None
    api_usage: tuple[int, int] | None

    @property
    def ok(self) -> bool:
        return self.status == "completed"


def run_sync(data_dir: Path, connections: Connections, *, profile: str | None = None,
             events: SyncEvents | None = None, cancel: CancelToken | None = None,
             dry_run: bool = False, tuning: Tuning | None = None,
             retry: RetryPolicy | None = None) -> RunSummary:
    """Run the active (or named) profile once against both accounts."""
    if dry_run:
        raise NotImplementedError("dry runs arrive with the Preview feature")
    store = open_store(database_path(data_dir))
    sf = plx = None
    run_id = 0
    try:
        chosen = store.profiles.load(profile) if profile else store.profiles.load_active()
        run_id = store.log.start_run(chosen.kind.value)
        try:
            sf, plx = open_clients(connections, retry=retry,
                                   on_tokens_refreshed=_token_keeper(store, connections),
                                   usage_cap=float(store.settings.get(API_USAGE_CAP)))
        except ConnectorError as exc:
            store.log.finish_run(run_id, "failed", message=exc.reason)
            return RunSummary(run_id, "failed", [], exc.reason, None)
        describes = _DESCRIBES.setdefault(connections.salesforce.instance_url
                                          if connections.salesforce else "", {})
        ctx = RunContext(store=store, sf=sf, plx=plx, profile=chosen, run_id=run_id,
                         events=events, cancel=cancel, tuning=tuning, describe_cache=describes)
        outcome = run_profile(ctx)
        counts = {key: sum(getattr(s, key) for s in outcome.steps)
                  for key in ("created", "updated", "skipped", "failed", "conflicts")}
        store.log.finish_run(run_id, outcome.status, counts, outcome.reason or "")
        usage = sf.api_usage
        return RunSummary(run_id, outcome.status, outcome.steps, outcome.reason,
                          (usage.used, usage.limit) if usage else None)
    finally:
        for client in (sf, plx):
            if client is not None:
                client.close()
        store.close()


def _token_keeper(store, connections: Connections):
    """Where a renewed Salesforce session goes: the keyring for real orgs, nowhere for the sandbox."""
    if connections.sandbox or connections.salesforce is None:
        return None

    def keep(access_token: str) -> None:
        from plx_desktop.connectors.secrets import SecretStore

        info = store.settings.get(SALESFORCE_CONNECTION) or {}
        try:
            SecretStore().save_salesforce_access_token(
                info.get("instance_url", ""), info.get("username", ""), access_token)
        except ConnectorError:
            pass  # the refresh token still works next time; nothing is lost

    return keep

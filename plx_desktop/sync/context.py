"""What every step handler gets: one run of a profile, in four parts named for what they are.

A handler is a plain function `run(step, ctx, report)`:

- `ctx.services`: the two clients (`sf`, `plx`), the store, and the clock. In a dry run the
  clients are previews (dry_run.py): reads pass, known writes are answered, anything else refuses.
- `ctx.recorder`: the log, conflicts, links, cursor and outbox, committed batch by batch in one
  transaction (recorder.py); in a dry run a recorder that writes nothing.
- `ctx.queries`: the profile's steps and both systems' shapes, cached for the run (queries.py).
- `ctx.run`: this run's id, tuning, cancellation, and which steps ran so far.

The counts, outcomes and progress a step reports are plain data in report.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from plx_desktop.connectors.peoplelinx import PeopleLinxClient
from plx_desktop.connectors.salesforce import SalesforceClient
from plx_desktop.connectors.salesforce_models import ObjectDescription
from plx_desktop.domain import Profile
from plx_desktop.store import Store
from plx_desktop.sync.dry_run import PreviewPeopleLinx, PreviewSalesforce
from plx_desktop.sync.queries import ProfileQueries
from plx_desktop.sync.recorder import DryRecorder, Recorder
from plx_desktop.sync.report import (
    CONFLICT,
    CREATED,
    FAILED,
    SKIPPED,
    UNEXPECTED_ERROR,
    UPDATED,
    Cancelled,
    CancelToken,
    Progress,
    StepReport,
    StepSummary,
    SyncEvents,
    Tuning,
)

__all__ = ["CONFLICT", "CREATED", "FAILED", "SKIPPED", "UNEXPECTED_ERROR", "UPDATED", "CancelToken",
           "Cancelled", "Progress", "RunContext", "RunState", "Services", "StepReport",
           "StepSummary", "SyncEvents", "Tuning", "after_cursor", "open_run"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    """What a run reads and writes through: both clients, the local store, and the clock."""

    sf: SalesforceClient
    plx: PeopleLinxClient
    store: Store
    clock: Callable[[], datetime] = _utc_now


@dataclass
class RunState:
    """This run: its id, tuning and cancellation, and what its steps left for the later ones."""

    run_id: int
    cancel: CancelToken = field(default_factory=CancelToken)
    tuning: Tuning = field(default_factory=Tuning)
    follow_converted_leads: bool = False  # Sync settings: a converted lead's updates to its contact
    dry_run: bool = False  # only for what a preview reads differently (retries.asked)
    steps_run: set[str] = field(default_factory=set)  # uids of steps finished in this run
    steps_completed: set[str] = field(default_factory=set)  # ... of those, the ones that ran through
    cache: dict[str, Any] = field(default_factory=dict)  # what a step reads once a run (org rules)

    def check_cancel(self) -> None:
        if self.cancel.cancelled:
            raise Cancelled()


@dataclass(frozen=True)
class RunContext:
    """One run of a profile: services, recorder, queries, run (see the module's docstring)."""

    services: Services
    recorder: Recorder
    queries: ProfileQueries
    run: RunState


def open_run(*, store: Store, sf: SalesforceClient, plx: PeopleLinxClient, profile: Profile,
             run_id: int, events: SyncEvents | None = None, cancel: CancelToken | None = None,
             tuning: Tuning | None = None,
             describe_cache: dict[str, ObjectDescription] | None = None,
             people_fields_cache: dict[str, dict[str, Any]] | None = None,
             dry_run: bool = False, follow_converted_leads: bool = False) -> RunContext:
    """The context of one run. A dry run (Preview) is wired here and only here: preview clients
    that write nothing (and refuse what they do not know) and a recorder that keeps its log."""
    real_sf = sf
    if dry_run:
        sf = PreviewSalesforce(sf)  # type: ignore[assignment]  # a client by its reads' shape
        plx = PreviewPeopleLinx(plx)  # type: ignore[assignment]
    recorder_class = DryRecorder if dry_run else Recorder
    return RunContext(
        services=Services(sf=sf, plx=plx, store=store),
        recorder=recorder_class(store, run_id, events, usage=lambda: real_sf.api_usage),
        queries=ProfileQueries(profile, sf, plx, describe_cache=describe_cache,
                               people_fields_cache=people_fields_cache),
        run=RunState(run_id=run_id, cancel=cancel or CancelToken(), tuning=tuning or Tuning(),
                     follow_converted_leads=follow_converted_leads, dry_run=dry_run))


def after_cursor(pages: Iterable[list[dict[str, Any]]], since: str | None,
                 stamp: str = "updated_at") -> Iterable[list[dict[str, Any]]]:
    """PeopleLinx pages without the item the cursor stands on.

    Reads are inclusive (updated_since >= cursor) so that nothing written in the same instant is
    missed; PeopleLinx gives every write a strictly later updated_at, so an item exactly at the
    cursor is the one the previous batch ended on, already synced.
    """
    for page in pages:
        if since is not None:
            page = [item for item in page if item.get(stamp) != since]
        if page:
            yield page

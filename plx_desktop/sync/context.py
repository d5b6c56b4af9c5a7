"""What every step handler gets: the clients, the store, the run, and a report to fill.

A handler is a plain function `run(step, ctx) -> StepReport`; it checks `ctx.cancel` between
batches and hands finished batches to `ctx.commit`, which records them in one transaction and
tells the listener (the GUI bridge or the CLI) about the new log entries.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from plx_desktop.connectors.peoplelinx import PeopleLinxClient
from plx_desktop.connectors.salesforce import SalesforceClient
from plx_desktop.connectors.salesforce_models import ObjectDescription
from plx_desktop.domain import Profile, Step
from plx_desktop.store import LogEntry, RecordLink, Store
from plx_desktop.sync.accounts import Accounts

CREATED, UPDATED, SKIPPED, FAILED, CONFLICT = "created", "updated", "skipped", "failed", "conflict"


@dataclass(frozen=True)
class Progress:
    """Where a run is: `done` records of the current step (of `total`, when known)."""

    run_id: int
    step_uid: str
    step_label: str
    done: int
    total: int | None
    message: str


@dataclass(frozen=True)
class StepSummary:
    step_uid: str
    label: str
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    conflicts: int = 0

    def line(self) -> str:
        return (f"{self.label}: {self.created} created, {self.updated} updated, "
                f"{self.skipped} skipped, {self.failed} failed"
                + (f", {self.conflicts} conflicts" if self.conflicts else ""))


class SyncEvents(Protocol):
    """What a run tells its listener; called on the worker thread."""

    def progress(self, p: Progress) -> None: ...

    def log_entries(self, entries: list[LogEntry]) -> None: ...

    def api_usage(self, used: int, limit: int) -> None: ...


class CancelToken:
    """Cooperative cancellation: the run stops at the next batch boundary."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class Cancelled(Exception):
    """Raised inside a handler when the run was cancelled; nothing half-done is left behind."""


@dataclass
class Tuning:
    """Batch sizes and thresholds (benchmarks and tests change them; admins never need to)."""

    salesforce_batch: int = 200  # sObject Collections' limit
    peoplelinx_batch: int = 500  # PeopleLinx batch endpoint's limit
    bulk_threshold: int = 10_000  # records in one step above which Bulk API 2.0 writes
    page_size: int = 1000  # PeopleLinx page size


@dataclass
class StepReport:
    """Counts and log entries of one step (entries are flushed at each commit)."""

    step: Step
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    conflicts: int = 0
    done: int = 0
    pending_log: list[LogEntry] = field(default_factory=list)

    def summary(self) -> StepSummary:
        return StepSummary(self.step.uid, self.step.label, self.created, self.updated,
                           self.skipped, self.failed, self.conflicts)


class RunContext:
    """One run of a profile: both clients, the store, and the run's bookkeeping."""

    def __init__(self, *, store: Store, sf: SalesforceClient, plx: PeopleLinxClient,
                 profile: Profile, run_id: int, events: SyncEvents | None = None,
                 cancel: CancelToken | None = None, tuning: Tuning | None = None,
                 describe_cache: dict[str, ObjectDescription] | None = None):
        self.store, self.sf, self.plx, self.profile = store, sf, plx, profile
        self.run_id = run_id
        self.events = events
        self.cancel = cancel or CancelToken()
        self.tuning = tuning or Tuning()
        self.steps_run: set[str] = set()  # uids of steps finished in this run
        self._describes = describe_cache if describe_cache is not None else {}
        self._people_fields: dict[str, dict[str, Any]] | None = None
        self._accounts: Accounts | None = None

    # -- lookups cached for the run --------------------------------------------------------

    def describe(self, sobject: str) -> ObjectDescription:
        """Salesforce describe, once per object per process (fields rarely change mid-day)."""
        if sobject not in self._describes:
            self._describes[sobject] = self.sf.describe(sobject)
        return self._describes[sobject]

    def people_fields(self) -> dict[str, dict[str, Any]]:
        """PeopleLinx people fields by key ("custom_fields.<key>" for custom ones)."""
        if self._people_fields is None:
            fields: dict[str, dict[str, Any]] = {}
            for f in self.plx.people_fields():
                key = f"custom_fields.{f['key']}" if f.get("custom") else f["key"]
                fields[key] = f
            self._people_fields = fields
        return self._people_fields

    @property
    def accounts(self) -> Accounts:
        """Account names and ids, shared by the run's steps."""
        if self._accounts is None:
            self._accounts = Accounts(self.sf)
        return self._accounts

    @property
    def instance_url(self) -> str:
        return self.sf.connection.instance_url.rstrip("/")

    def record_url(self, sf_id: str) -> str:
        return f"{self.instance_url}/{sf_id}"

    def reverse_step(self, step: Step) -> Step | None:
        """The enabled step that syncs the same pair the other way, if the profile has one."""
        if not step.kind.can_switch_direction:
            return None
        for other in self.profile.enabled_steps():
            if other.kind.key == step.kind.reverse_key:
                return other
        return None

    def step_enabled(self, kind_key: str) -> bool:
        return any(s.kind.key == kind_key for s in self.profile.enabled_steps())

    # -- progress, log, commit ----------------------------------------------------------------

    def check_cancel(self) -> None:
        if self.cancel.cancelled:
            raise Cancelled()

    def progress(self, report: StepReport, total: int | None = None, message: str = "") -> None:
        if self.events is not None:
            self.events.progress(Progress(self.run_id, report.step.uid, report.step.label,
                                          report.done, total, message))
        usage = self.sf.api_usage
        if self.events is not None and usage is not None:
            self.events.api_usage(usage.used, usage.limit)

    def log(self, report: StepReport, outcome: str, *, sf_id: str = "", plx_id: str = "",
            label: str = "", code: str = "", message: str = "") -> None:
        """Count an outcome and keep its log entry for the next commit."""
        if outcome == CREATED:
            report.created += 1
        elif outcome == UPDATED:
            report.updated += 1
        elif outcome == SKIPPED:
            report.skipped += 1
        elif outcome == FAILED:
            report.failed += 1
        elif outcome == CONFLICT:
            report.conflicts += 1
        step = report.step
        report.pending_log.append(LogEntry(
            outcome=outcome, step_uid=step.uid, step_label=step.label,
            direction=step.direction.value, sf_id=sf_id, plx_id=plx_id, record_label=label,
            error_code=code, message=message, run_id=self.run_id))

    def commit(self, report: StepReport, *, links: Iterable[RecordLink] = (),
               cursor: str | None = None, done: Iterable[int] = (),
               failed: dict[int, str] | None = None) -> None:
        """Record a finished batch in one transaction: links, log, cursor, outbox items."""
        entries, report.pending_log = report.pending_log, []
        self.store.commit_batch(done=done, failed=failed, links=links, log=entries,
                                cursors={report.step.uid: cursor} if cursor else None)
        if entries and self.events is not None:
            self.events.log_entries(entries)


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

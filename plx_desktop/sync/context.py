"""What every step handler gets: the clients, the store, the run, and a report to fill.

A handler is a plain function `run(step, ctx) -> StepReport`; it checks `ctx.cancel` between
batches and hands finished batches to `ctx.commit`, which records them in one transaction and
tells the listener (the GUI bridge or the CLI) about the new log entries.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from plx_desktop.connectors.peoplelinx import PeopleLinxClient
from plx_desktop.connectors.salesforce import SalesforceClient
from plx_desktop.connectors.salesforce_models import ObjectDescription
from plx_desktop.domain import Profile, Step, SyncRule
from plx_desktop.store import Conflict, LogEntry, RecordLink, Store
from plx_desktop.sync import retry_schedule
from plx_desktop.sync.accounts import Accounts

CREATED, UPDATED, SKIPPED, FAILED, CONFLICT = "created", "updated", "skipped", "failed", "conflict"
UNEXPECTED_ERROR = "UNEXPECTED_ERROR"  # the error code of what nobody foresaw (a bug)


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
    """Cooperative cancellation: the run stops at the next batch boundary, saying `reason`."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = "Stopped by the user"

    def cancel(self, reason: str | None = None) -> None:
        if reason and not self._event.is_set():
            self.reason = reason  # the run's log says why it stopped (the Stop button, a close)
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
    bulk_threshold: int = 10_000  # people in one step past which creations go by Bulk API 2.0
    page_size: int = 1000  # PeopleLinx page size
    salesforce_page_size: int | None = None  # query page size (None: Salesforce's 2,000)


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
    pending_conflicts: list[Conflict] = field(default_factory=list)
    failed_to_run: bool = False  # the step stopped on an error of its own (its settings)
    unexpected: int = 0  # records failed by an error nobody foresaw (see batch_guard.py)
    # The current batch's PeopleLinx events by record key, kept with a failure to send it again.
    batch_items: dict[str, dict[str, Any]] = field(default_factory=dict)

    def summary(self) -> StepSummary:
        return StepSummary(self.step.uid, self.step.label, self.created, self.updated,
                           self.skipped, self.failed, self.conflicts)


class RunContext:
    """One run of a profile: both clients, the store, and the run's bookkeeping."""

    def __init__(self, *, store: Store, sf: SalesforceClient, plx: PeopleLinxClient,
                 profile: Profile, run_id: int, events: SyncEvents | None = None,
                 cancel: CancelToken | None = None, tuning: Tuning | None = None,
                 describe_cache: dict[str, ObjectDescription] | None = None,
                 people_fields_cache: dict[str, dict[str, Any]] | None = None,
                 dry_run: bool = False, follow_converted_leads: bool = False):
        self.store, self.sf, self.plx, self.profile = store, sf, plx, profile
        # A dry run reads both systems and writes nothing anywhere: its log stays in `preview`.
        self.dry_run = dry_run
        self.preview: list[LogEntry] = []
        self.follow_converted_leads = follow_converted_leads
        self.run_id = run_id
        self.events = events
        self.cancel = cancel or CancelToken()
        self.tuning = tuning or Tuning()
        self.steps_run: set[str] = set()  # uids of steps finished in this run
        self.steps_completed: set[str] = set()  # ... and of those, the ones that ran through
        self._describes = describe_cache if describe_cache is not None else {}
        self._people_fields = people_fields_cache if people_fields_cache is not None else {}
        self._accounts: Accounts | None = None
        self.run_cache: dict[str, Any] = {}  # what a step reads once a run (the org's rules, ...)

    # -- lookups cached for the run --------------------------------------------------------

    def describe(self, sobject: str, fields: Iterable[str] = ()) -> ObjectDescription:
        """Salesforce describe, kept for the process (fields rarely change mid-day), and asked
        again when it lacks one of `fields` (the admin added a field and mapped it since)."""
        known = self._describes.get(sobject)
        wanted = [f for f in fields if "." not in f]
        if known is None or any(known.field(f) is None for f in wanted):
            self._describes[sobject] = self.sf.describe(sobject)
        return self._describes[sobject]

    def people_fields(self, keys: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
        """PeopleLinx people fields by key ("custom_fields.<key>" for custom ones), kept for the
        process like describe, and asked again when one of `keys` is missing from them."""
        if not self._people_fields or any(k not in self._people_fields for k in keys):
            fresh = {(f"custom_fields.{f['key']}" if f.get("custom") else f["key"]): f
                     for f in self.plx.people_fields()}
            self._people_fields.clear()
            self._people_fields.update(fresh)
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

    def keep_items(self, report: StepReport, items: dict[str, dict[str, Any]]) -> None:
        """The batch's PeopleLinx events by the id its log entries name (activity id, person
        id): a failed one is kept to be sent again by the automatic retries."""
        report.batch_items = items

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
            if code == UNEXPECTED_ERROR:
                report.unexpected += 1
        elif outcome == CONFLICT:
            report.conflicts += 1
        step = report.step
        if self.dry_run:
            message = f"Preview: {message}"
        report.pending_log.append(LogEntry(
            outcome=outcome, step_uid=step.uid, step_label=step.label,
            direction=step.direction.value, sf_id=sf_id, plx_id=plx_id, record_label=label,
            error_code=code, message=message, run_id=self.run_id))

    def conflict(self, report: StepReport, *, sf_id: str, plx_id: str, label: str, field: str,
                 salesforce_value: Any, peoplelinx_value: Any, salesforce_time: datetime,
                 peoplelinx_time: datetime, salesforce_wins: bool, rule: SyncRule) -> None:
        """Log a field changed on both sides, and keep it in the conflict record."""
        why = {SyncRule.TWO_WAY: "the most recent change",
               SyncRule.PREFER_SALESFORCE_UNLESS_BLANK: "Prefer Salesforce unless blank",
               SyncRule.ALWAYS_SALESFORCE: "Always use Salesforce",
               SyncRule.ALWAYS_PEOPLELINX: "Always use PeopleLinx"}.get(rule, str(rule))
        winner = "Salesforce's" if salesforce_wins else "PeopleLinx's"
        self.log(report, CONFLICT, sf_id=sf_id, plx_id=plx_id, label=label, code="CONFLICT",
                 message=(f"{field} changed on both sides: Salesforce {salesforce_value!r} "
                          f"({salesforce_time:%Y-%m-%d %H:%M:%S}), PeopleLinx "
                          f"{peoplelinx_value!r} ({peoplelinx_time:%Y-%m-%d %H:%M:%S}); kept "
                          f"{winner} by {why}"))
        report.pending_conflicts.append(Conflict(
            step_uid=report.step.uid, sf_id=sf_id, plx_id=plx_id, field=field,
            salesforce_value=salesforce_value, peoplelinx_value=peoplelinx_value,
            winner="salesforce" if salesforce_wins else "peoplelinx", rule=rule.value,
            record_label=label, salesforce_changed_at=salesforce_time,
            peoplelinx_changed_at=peoplelinx_time, run_id=self.run_id))

    def commit(self, report: StepReport, *, links: Iterable[RecordLink] = (),
               cursor: str | None = None, done: Iterable[int] = (),
               failed: dict[int, str] | None = None) -> None:
        """Record a finished batch in one transaction: links, log, conflicts, cursor, outbox.

        In a dry run nothing is written: the log entries are kept in `preview` instead."""
        entries, report.pending_log = report.pending_log, []
        conflicts, report.pending_conflicts = report.pending_conflicts, []
        if self.dry_run:
            self.preview.extend(entries)
        else:
            with self.store.transaction():
                self.store.conflicts.add_many(conflicts)
                entries = self.store.commit_batch(
                    done=done, failed=failed, links=links, log=entries,
                    cursors={report.step.uid: cursor} if cursor else None)
                retry_schedule.note_batch(self.store, entries, report.batch_items)
        if entries and self.events is not None and not self.dry_run:
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

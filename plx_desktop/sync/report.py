"""What a step reports: the outcomes it counts, its report, progress, and how a run is stopped.

Plain data, shared by the run context's parts (context.py, recorder.py) and by every handler.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from plx_desktop.domain import Step
from plx_desktop.store import Conflict, LogEntry

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
    # People in one step past which creations go by Bulk API 2.0, that many a job: with one job
    # in flight while the next is read, two jobs' people are in memory (≤ 200 MB at any N).
    bulk_threshold: int = 5_000
    bulk_in_flight: int = 2  # Bulk API jobs sent and not yet settled
    page_size: int = 1000  # PeopleLinx page size
    salesforce_page_size: int | None = None  # query page size (None: Salesforce's 2,000)
    peoplelinx_in_flight: int = 4  # PeopleLinx batch writes sent and not yet settled (overlap.py)
    salesforce_in_flight: int = 4  # People → Salesforce batches sent and not yet settled
    # A Bulk job's write-backs to PeopleLinx at once: each answer is 500 whole people, so four
    # at once held 13 MB more at the peak than two, for a second less in 100,000.
    write_backs_in_flight: int = 2
    read_ahead_pages: int = 1  # Salesforce query pages read while the one before is synced
    # Finished batches written to the store in one transaction (Recorder.grouped): the links'
    # and the log's indexes on random ids put most batches' keys on the same pages, so a
    # commit per batch wrote those pages again and again. The Log tab sees a group at once.
    batches_per_commit: int = 8
    commit_every_seconds: float = 1.0  # or sooner, once the oldest waiting batch is this old


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

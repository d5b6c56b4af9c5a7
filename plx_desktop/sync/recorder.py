"""The run's recorder: what a step keeps (log, conflicts, links, cursor, outbox) and when.

A handler counts each record's outcome with `log` (or `conflict`) and hands a finished batch to
`commit`, which records it in one transaction: links, log entries, conflicts, the cursor, the
outbox items it settled, and whatever else the batch changes in the store (`also`). Store writes
outside a batch go through `write`. Every write of a run to the store passes here, so that a dry
run is one other recorder (`DryRecorder`): the same log, kept in `preview`, and nothing written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from plx_desktop.connectors.salesforce_models import ApiUsage
from plx_desktop.domain import SyncRule
from plx_desktop.store import Conflict, LogEntry, OutboxItem, RecordLink, Store
from plx_desktop.sync import retry_schedule
from plx_desktop.sync.report import (
    CONFLICT,
    CREATED,
    FAILED,
    SKIPPED,
    UNEXPECTED_ERROR,
    UPDATED,
    Progress,
    StepReport,
    SyncEvents,
)

T = TypeVar("T")
StoreWrite = Callable[[Store], object]

_WHY = {SyncRule.TWO_WAY: "the most recent change",
        SyncRule.PREFER_SALESFORCE_UNLESS_BLANK: "Prefer Salesforce unless blank",
        SyncRule.ALWAYS_SALESFORCE: "Always use Salesforce",
        SyncRule.ALWAYS_PEOPLELINX: "Always use PeopleLinx"}


class Recorder:
    """Records a run's outcomes in the store, batch by batch, and tells the listener."""

    def __init__(self, store: Store, run_id: int, events: SyncEvents | None = None,
                 usage: Callable[[], ApiUsage | None] = lambda: None) -> None:
        self._store = store
        self.run_id = run_id
        self._events = events
        self._usage = usage  # the Salesforce client's last Sforce-Limit-Info, for the meter
        self.preview: list[LogEntry] = []  # a dry run's log (DryRecorder); empty otherwise

    # -- counting and logging -----------------------------------------------------------------

    def log(self, report: StepReport, outcome: str, *, sf_id: str = "", plx_id: str = "",
            label: str = "", code: str = "", message: str = "") -> None:
        """Count an outcome and keep its log entry for the next commit."""
        _count(report, outcome, code)
        step = report.step
        report.pending_log.append(LogEntry(
            outcome=outcome, step_uid=step.uid, step_label=step.label,
            direction=step.direction.value, sf_id=sf_id, plx_id=plx_id, record_label=label,
            error_code=code, message=self._worded(message), run_id=self.run_id))

    def conflict(self, report: StepReport, *, sf_id: str, plx_id: str, label: str, field: str,
                 salesforce_value: Any, peoplelinx_value: Any, salesforce_time: datetime,
                 peoplelinx_time: datetime, salesforce_wins: bool, rule: SyncRule) -> None:
        """Log a field changed on both sides, and keep it in the conflict record."""
        winner = "Salesforce's" if salesforce_wins else "PeopleLinx's"
        self.log(report, CONFLICT, sf_id=sf_id, plx_id=plx_id, label=label, code="CONFLICT",
                 message=(f"{field} changed on both sides: Salesforce {salesforce_value!r} "
                          f"({salesforce_time:%Y-%m-%d %H:%M:%S}), PeopleLinx "
                          f"{peoplelinx_value!r} ({peoplelinx_time:%Y-%m-%d %H:%M:%S}); kept "
                          f"{winner} by {_WHY.get(rule, str(rule))}"))
        report.pending_conflicts.append(Conflict(
            step_uid=report.step.uid, sf_id=sf_id, plx_id=plx_id, field=field,
            salesforce_value=salesforce_value, peoplelinx_value=peoplelinx_value,
            winner="salesforce" if salesforce_wins else "peoplelinx", rule=rule.value,
            record_label=label, salesforce_changed_at=salesforce_time,
            peoplelinx_changed_at=peoplelinx_time, run_id=self.run_id))

    def would(self, report: StepReport, label: str, message: str) -> None:
        """What only a preview says (a real run does it instead): not counted, not a record's."""

    def keep_items(self, report: StepReport, items: dict[str, dict[str, Any]]) -> None:
        """The batch's PeopleLinx events by the id its log entries name (activity id, person
        id): a failed one is kept to be sent again by the automatic retries."""
        report.batch_items = items

    def progress(self, report: StepReport, total: int | None = None, message: str = "") -> None:
        if self._events is None:
            return
        self._events.progress(Progress(self.run_id, report.step.uid, report.step.label,
                                       report.done, total, message))
        usage = self._usage()
        if usage is not None:
            self._events.api_usage(usage.used, usage.limit)

    # -- writing ------------------------------------------------------------------------------

    def commit(self, report: StepReport, *, links: Iterable[RecordLink] = (),
               cursor: str | None = None, done: Iterable[int] = (),
               failed: dict[int, str] | None = None, also: StoreWrite | None = None) -> None:
        """Record a finished batch in one transaction: `also` (the batch's other changes to the
        store: ended links, outbox items), conflicts, links, log, cursor, settled outbox items."""
        entries, report.pending_log = report.pending_log, []
        conflicts, report.pending_conflicts = report.pending_conflicts, []
        store = self._store
        with store.transaction():
            if also is not None:
                also(store)
            store.conflicts.add_many(conflicts)
            entries = store.commit_batch(done=done, failed=failed, links=links, log=entries,
                                         cursors={report.step.uid: cursor} if cursor else None)
            retry_schedule.note_batch(store, entries, report.batch_items)
        if entries and self._events is not None:
            self._events.log_entries(entries)

    def write(self, change: Callable[[Store], T], otherwise: T) -> T:
        """A change to the store outside a batch's commit; a dry run skips it (`otherwise`)."""
        return change(self._store)

    def record_intent(self, step_uid: str, target: str, operation: str,
                      writes: Sequence[tuple[str, str, bool]], at: datetime) -> list[int]:
        """Enqueue one outbox item for a batch's writes (key, version, create?), marked sent;
        its id, in a list (what commit's `done` takes).

        One item a batch, not one a write: the intent is read back only after a crash (which
        writes were creations, and since when: outbox_flow.InFlight), and an item per record
        was a fifth of a sync's CPU (three index entries written three times each). The
        versions (modstamps or updated_at) make the key unique per batch of changes, so a later
        change is a new item while a retry of the same writes is not."""
        if not writes:
            return []
        digest = hashlib.sha256("\n".join(f"{key}:{version}" for key, version, _ in writes)
                                .encode("utf-8")).hexdigest()
        item = OutboxItem(step_uid=step_uid, target_system=target, operation=operation,
                          idempotency_key=f"{step_uid}:{operation}:batch:{digest}",
                          payload={"writes": [[key, create] for key, _, create in writes],
                                   "at": at.isoformat()},
                          run_id=self.run_id)
        return self.write(lambda store: store.outbox.enqueue_sent([item]), [])

    def _worded(self, message: str) -> str:
        return message


class DryRecorder(Recorder):
    """A dry run's recorder: the same counts and log, kept in `preview`; nothing is written to
    the store and the listener hears only progress (the preview comes back with the run)."""

    def _worded(self, message: str) -> str:
        return f"Preview: {message}"

    def would(self, report: StepReport, label: str, message: str) -> None:
        step = report.step
        self.preview.append(LogEntry(
            outcome=UPDATED, step_uid=step.uid, step_label=step.label,
            direction=step.direction.value, record_label=label, message=self._worded(message)))

    def commit(self, report: StepReport, *, links: Iterable[RecordLink] = (),
               cursor: str | None = None, done: Iterable[int] = (),
               failed: dict[int, str] | None = None, also: StoreWrite | None = None) -> None:
        self.preview.extend(report.pending_log)
        report.pending_log, report.pending_conflicts = [], []

    def write(self, change: Callable[[Store], T], otherwise: T) -> T:
        return otherwise


def _count(report: StepReport, outcome: str, code: str) -> None:
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

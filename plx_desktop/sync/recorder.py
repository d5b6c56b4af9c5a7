"""The run's recorder: what a step keeps (log, conflicts, links, cursor, outbox) and when.

A handler counts each record's outcome with `log` (or `conflict`) and hands a finished batch to
`commit`, which records it in one transaction: links, log entries, conflicts, the cursor, the
outbox items it settled, and whatever else the batch changes in the store (`also`). Store writes
outside a batch go through `write`. Every write of a run to the store passes here, so that a dry
run is one other recorder (`DryRecorder`): the same log, kept in `preview`, and nothing written.

Inside `grouped`, a few finished batches are written together, in the order they were finished,
in one transaction (a commit of SQLite writes each page it dirtied, and the links' and the log's
indexes on random ids put most batches' keys on the same pages). Nothing is lost by waiting: a
batch's writes to the other system went out before its commit, its outbox intent (written at
once, not grouped) says which were creations, and a crash before the group is written leaves
the cursor where the last written batch left it, so those records are read and written again,
as after a crash between a send and its commit. What a later batch reads from the store must
have been written first: `write_holding` writes the group when it holds one of the keys, and
`write_group` (any `write` too) writes it whatever it holds.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
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


@dataclass
class _Finished:
    """A finished batch waiting for its group's transaction: what `commit` was given."""

    step_uid: str
    entries: list[LogEntry]
    conflicts: list[Conflict]
    links: list[RecordLink]
    cursor: str | None
    done: list[int]
    failed: dict[int, str] | None
    also: StoreWrite | None
    batch_items: dict[str, dict[str, Any]]


@dataclass
class _Group:
    """Batches finished and not yet written (`Recorder.grouped`), and the keys they hold."""

    batches: int  # written when this many are waiting
    seconds: float  # or when the oldest has waited this long
    waiting: list[_Finished] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    since: float = 0.0

    def add(self, finished: _Finished, keys: Collection[str]) -> None:
        if not self.waiting:
            self.since = time.monotonic()
        self.waiting.append(finished)
        self.keys.update(keys)

    def full(self) -> bool:
        return len(self.waiting) >= self.batches or (
            time.monotonic() - self.since >= self.seconds)

    def take(self) -> list[_Finished]:
        waiting, self.waiting = self.waiting, []
        self.keys = set()
        return waiting


class Recorder:
    """Records a run's outcomes in the store, batch by batch, and tells the listener."""

    def __init__(self, store: Store, run_id: int, events: SyncEvents | None = None,
                 usage: Callable[[], ApiUsage | None] = lambda: None) -> None:
        self._store = store
        self.run_id = run_id
        self._events = events
        self._usage = usage  # the Salesforce client's last Sforce-Limit-Info, for the meter
        self.preview: list[LogEntry] = []  # a dry run's log (DryRecorder); empty otherwise
        self._group: _Group | None = None

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
               failed: dict[int, str] | None = None, also: StoreWrite | None = None,
               holding: Collection[str] = ()) -> None:
        """Record a finished batch in one transaction: `also` (the batch's other changes to the
        store: ended links, outbox items), conflicts, links, log, cursor, settled outbox items.
        Inside `grouped` it waits for its group; `holding`: the keys (record ids, emails) a
        later batch may read its links by (`write_holding`)."""
        entries, report.pending_log = report.pending_log, []
        conflicts, report.pending_conflicts = report.pending_conflicts, []
        finished = _Finished(report.step.uid, entries, conflicts, list(links), cursor, list(done),
                             failed, also, report.batch_items)
        if self._group is None:
            self._write([finished])
            return
        self._group.add(finished, holding)
        if self._group.full():
            self.write_group()

    @contextmanager
    def grouped(self, batches: int, seconds: float) -> Iterator[None]:
        """Batches committed inside are written `batches` at a time (or once the oldest has
        waited `seconds`, so that the Log tab keeps up), and all that wait at the end."""
        if self._group is not None or batches <= 1:
            yield  # already grouped (the outer group writes), or nothing to group
            return
        self._group = _Group(batches, seconds)
        try:
            yield
        finally:
            try:
                self.write_group()
            finally:
                self._group = None

    def write_group(self) -> None:
        """Write the batches waiting in the group now, in the order they were finished."""
        if self._group is not None and self._group.waiting:
            self._write(self._group.take())

    def write_holding(self, keys: Iterable[str]) -> None:
        """Write the group now if a batch in it holds one of `keys`: a later batch is about to
        read the store by them."""
        if self._group is not None and not self._group.keys.isdisjoint(keys):
            self.write_group()

    def _write(self, batches: list[_Finished]) -> None:
        store = self._store
        written: list[LogEntry] = []
        with store.transaction():
            for batch in batches:
                if batch.also is not None:
                    batch.also(store)
                store.conflicts.add_many(batch.conflicts)
                entries = store.commit_batch(
                    done=batch.done, failed=batch.failed, links=batch.links, log=batch.entries,
                    cursors={batch.step_uid: batch.cursor} if batch.cursor else None)
                retry_schedule.note_batch(store, entries, batch.batch_items)
                written += entries
        if written and self._events is not None:
            self._events.log_entries(written)

    def write(self, change: Callable[[Store], T], otherwise: T) -> T:
        """A change to the store outside a batch's commit, after the batches waiting in a group
        (in the order things happened); a dry run skips it (`otherwise`)."""
        self.write_group()
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
        # Written now, outside any group: the intent must be in the store before the send.
        return self._store.outbox.enqueue_sent([item])

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
               failed: dict[int, str] | None = None, also: StoreWrite | None = None,
               holding: Collection[str] = ()) -> None:
        self.preview.extend(report.pending_log)
        report.pending_log, report.pending_conflicts = [], []

    def write(self, change: Callable[[Store], T], otherwise: T) -> T:
        return otherwise

    def record_intent(self, step_uid: str, target: str, operation: str,
                      writes: Sequence[tuple[str, str, bool]], at: datetime) -> list[int]:
        return []


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

"""One batch's unexpected error fails that batch, never the whole run, nor every later run.

A step hands each batch to `guarded`: an error the engine has no rule for (a bug, a shape nobody
foresaw) is written to the application log with its traceback, each record of the batch is
logged as failed with the reason (so Sync health lists it and offers Retry), and the step's cursor
moves past the batch, so the next batch, step and run go on. Errors with a meaning of their own
(cancellation, a connector's, a domain's) pass through to the engine's run-level handling.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from plx_desktop.connectors.errors import ConnectorError
from plx_desktop.domain import DomainError
from plx_desktop.sync.context import FAILED, Cancelled, RunContext, StepReport

_log = logging.getLogger(__name__)
T = TypeVar("T")
UNEXPECTED = "UNEXPECTED_ERROR"


@dataclass(frozen=True)
class BatchRecord:
    """How a record of the batch is named in its failure entry."""

    sf_id: str = ""
    plx_id: str = ""
    label: str = ""


@dataclass(frozen=True)
class Mark:
    """Where a report stood before a batch: its counts, and how much it had logged."""

    counts: tuple[int, int, int, int, int]
    pending: int
    conflicts: int


def mark(report: StepReport) -> Mark:
    return Mark((report.created, report.updated, report.skipped, report.failed, report.conflicts),
                len(report.pending_log), len(report.pending_conflicts))


def guarded(ctx: RunContext, report: StepReport, records: Iterable[BatchRecord],
            cursor: str | None, sync: Callable[[], Any], since: Mark | None = None) -> None:
    """Run `sync` (one batch); on an unexpected error, fail the batch's records and move on.
    `since`: where the batch began, when it began before `sync` (a batch sent ahead of its
    settling, overlap.py); what it logged since then goes with the error."""
    since = since or mark(report)
    try:
        sync()
    except (Cancelled, ConnectorError, DomainError):
        raise
    except Exception as exc:  # noqa: BLE001 - this is the net for what nobody foresaw
        _log.exception("Unexpected error in a batch of step %s", report.step.label)
        # What the batch logged before it broke may not have happened: its entries go.
        del report.pending_log[since.pending:]
        del report.pending_conflicts[since.conflicts:]
        (report.created, report.updated, report.skipped, report.failed,
         report.conflicts) = since.counts
        reason = (f"Not synced: an unexpected error stopped this record's batch "
                  f"({type(exc).__name__}: {exc}); the rest of the run went on. Retry it from "
                  "Sync health; if it fails again, send the log file to support")
        for record in records:
            ctx.recorder.log(report, FAILED, sf_id=record.sf_id, plx_id=record.plx_id, label=record.label,
                             code=UNEXPECTED, message=reason)
        ctx.recorder.commit(report, cursor=cursor)


def add_settled(ctx: RunContext, report: StepReport, part: StepReport, settled: bool) -> None:
    """A batch sent ahead of its settling keeps its own counts and log (`part`): what it logged
    before an earlier batch's commit must not go out with that commit. Once settled they go
    into the step's; what it logged after its commit is committed now; after an error, what is
    left goes to the step's own log."""
    if settled and (part.pending_log or part.pending_conflicts):
        ctx.recorder.commit(part)
    report.created += part.created
    report.updated += part.updated
    report.skipped += part.skipped
    report.failed += part.failed
    report.conflicts += part.conflicts
    report.unexpected += part.unexpected
    report.pending_log += part.pending_log
    report.pending_conflicts += part.pending_conflicts


@dataclass
class SentAhead(Generic[T]):
    """A batch sent ahead of its settling (overlap.py): its own report, where that began, and
    what its send half returned, or the error it raised (raised later, in its turn)."""

    part: StepReport
    since: Mark
    sent: T | None
    failure: Exception | None


def send_ahead(report: StepReport, part: StepReport, send: Callable[[], T]) -> SentAhead[T]:
    """Run a batch's send half, which logs into `part` (the batch's own report); progress
    counts what is read, settled or not."""
    since = mark(part)
    sent: T | None = None
    failure: Exception | None = None
    try:
        sent = send()
    except Exception as exc:  # noqa: BLE001 - raised in its turn, inside the batch guard
        failure = exc
    report.done += part.done
    return SentAhead(part, since, sent, failure)


def settle_in_turn(ctx: RunContext, report: StepReport, ahead: SentAhead[Any],
                   records: Iterable[BatchRecord], cursor: str | None,
                   settle: Callable[[], Any]) -> None:
    """The settle half, in the batch's turn: the send half's error, or `settle`, inside the
    batch guard; then the batch's counts and log added to the step's (add_settled)."""

    def guarded_settle() -> None:
        if ahead.failure is not None:
            raise ahead.failure
        settle()

    settled = False
    try:
        guarded(ctx, ahead.part, records, cursor, guarded_settle, since=ahead.since)
        settled = True
    finally:
        add_settled(ctx, report, ahead.part, settled)

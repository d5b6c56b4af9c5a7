"""Retries, read first in a step's run: the records the admin asked to retry from Sync health, and
the failing records whose next automatic try has come (retry_schedule.py).

Salesforce records and people are read again by id (whatever the cursor says); PeopleLinx events
(activities, status changes), which cannot be, are sent again as they were kept when they failed.
Either way they go through the step's normal batch, so a retried record is matched, written and
logged like any other, and its next try moves on (or its row goes). The requests are then
forgotten, and so are due records that produced nothing to write (gone, or already in sync).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from plx_desktop.domain import Step
from plx_desktop.store.retry_schedule import ScheduledRetry, record_key
from plx_desktop.sync.context import RunContext

Batch = list[dict[str, Any]]


@dataclass
class Asked:
    """What a step retries first: the admin's requests and the records due an automatic try."""

    requests: list[tuple[str, str]] = field(default_factory=list)  # (sf_id, plx_id)
    due: list[ScheduledRetry] = field(default_factory=list)
    since: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __bool__(self) -> bool:
        return bool(self.requests or self.due)

    def keys(self, direction: str) -> list[str]:
        """The record keys asked for (the id the step reads records by), in a stable order."""
        keys = {record_key(direction, sf_id, plx_id) for sf_id, plx_id in self.requests}
        return sorted(keys | {r.record_key for r in self.due} - {""})


def asked(step: Step, ctx: RunContext) -> Asked:
    if ctx.run.dry_run:  # a preview shows what the next run reads, not what Sync health asked
        return Asked()
    return Asked(ctx.services.store.health.retry_requests(step.uid), ctx.services.store.retry_schedule.due(step.uid))


def salesforce_records(step: Step, ctx: RunContext, fields: list[str]) -> tuple[Asked, Iterator[Batch]]:
    """What a Salesforce-sourced step retries, and its records read again by Id."""
    wanted = asked(step, ctx)
    ids = wanted.keys(step.direction.value)

    def pages() -> Iterator[Batch]:
        yield from ctx.services.sf.iter_query_in(
            f"SELECT {', '.join(fields)} FROM {step.source.name} "
            "WHERE Id IN {} ORDER BY SystemModstamp, Id", ids)

    return wanted, pages()


def people(step: Step, ctx: RunContext) -> tuple[Asked, Iterator[Batch]]:
    """What a PeopleLinx-sourced People step retries, and the people read again by id."""
    wanted = asked(step, ctx)
    ids = wanted.keys(step.direction.value)

    def pages() -> Iterator[Batch]:
        if ids:
            found = ctx.services.plx.get_people(ids)
            yield sorted(found.values(), key=lambda p: (p["updated_at"], p["id"]))

    return wanted, pages()


def events(step: Step, ctx: RunContext, batch: int) -> tuple[Asked, Iterator[Batch]]:
    """What a PeopleLinx event step retries, and the events kept when they failed (a request for
    a failure logged before events were kept has nothing to send, and is forgotten)."""
    wanted = asked(step, ctx)
    kept = {r.record_key: r.item for r in ctx.services.store.retry_schedule.of_step(step.uid) if r.item}
    items = sorted((kept[k] for k in wanted.keys(step.direction.value) if k in kept),
                   key=lambda e: (str(e.get("updated_at", "")), str(e.get("id", ""))))

    def pages() -> Iterator[Batch]:
        for start in range(0, len(items), batch):
            yield items[start:start + batch]

    return wanted, pages()


def run_first(ctx: RunContext, step: Step, wanted: Asked, pages: Iterator[Batch],
              sync_batch: Callable[[Batch], None]) -> None:
    """Sync the records asked for (without moving the cursor), then forget the requests."""
    if not wanted:
        return
    for page in pages:
        if page:
            ctx.run.check_cancel()
            sync_batch(page)
    ctx.services.store.health.retried(step.uid, wanted.requests)
    # Due records whose try logged nothing (not read back, or nothing to write): done with.
    untouched = {r.record_key for r in ctx.services.store.retry_schedule.due(step.uid, now=wanted.since)}
    ctx.services.store.retry_schedule.forget(step.uid, untouched & {r.record_key for r in wanted.due})

"""Retry from Sync health: records the admin asked to retry go first in their step's next run.

They are read again by id (whatever the cursor says) and go through the step's normal batch, so
a retried record is matched, written and logged like any other; the request is then forgotten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from simple_salesforce.format import format_soql

from plx_desktop.domain import Step
from plx_desktop.sync.context import RunContext

Batch = list[dict[str, Any]]


def salesforce_records(step: Step, ctx: RunContext, fields: list[str]) -> tuple[list, Iterator[Batch]]:
    """The requests of a Salesforce-sourced step, and its records read again by Id."""
    requests = [] if ctx.dry_run else ctx.store.health.retry_requests(step.uid)
    ids = sorted({sf_id for sf_id, _ in requests if sf_id})

    def pages() -> Iterator[Batch]:
        for start in range(0, len(ids), 200):
            soql = format_soql(f"SELECT {', '.join(fields)} FROM {step.source.name} "
                               "WHERE Id IN {} ORDER BY SystemModstamp, Id", ids[start:start + 200])
            yield from ctx.sf.iter_query(soql)

    return requests, pages()


def people(step: Step, ctx: RunContext) -> tuple[list, Iterator[Batch]]:
    """The requests of a PeopleLinx-sourced People step, and the people read again by id."""
    requests = [] if ctx.dry_run else ctx.store.health.retry_requests(step.uid)
    ids = sorted({plx_id for _, plx_id in requests if plx_id})

    def pages() -> Iterator[Batch]:
        if ids:
            found = ctx.plx.get_people(ids)
            yield sorted(found.values(), key=lambda p: (p["updated_at"], p["id"]))

    return requests, pages()


def run_first(ctx: RunContext, step: Step, requests: list, pages: Iterator[Batch],
              sync_batch: Callable[[Batch], None]) -> None:
    """Sync the requested records (without moving the cursor), then forget the requests."""
    if not requests:
        return
    for page in pages:
        if page:
            sync_batch(page)
    ctx.store.health.retried(step.uid, requests)

"""Automatic retries, the engine's side: each committed batch updates the failing records' next try.

A record that failed is tried again by itself at later runs, with growing gaps (store/
retry_schedule.py: 5 min, 30 min, 2 h, then daily), and at once when it changes (the step's cursor
reads it again). Its row goes when it syncs or is skipped for a reason a retry cannot change.
Steps that read PeopleLinx events keep the batch's events (`keep_items`), so that a failed one can
be sent again: PeopleLinx has no way to read one activity or status change by id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from plx_desktop.store import LogEntry, Store
from plx_desktop.store.log import CREATED, FAILED, SKIPPED, UPDATED
from plx_desktop.store.retry_schedule import Failure, record_key

_SETTLED = (CREATED, UPDATED, SKIPPED)


def note_batch(store: Store, entries: Iterable[LogEntry],
               items: Mapping[str, dict[str, Any]] | None = None) -> None:
    """Schedule the batch's failures, forget its records that went through (or were skipped);
    `items`: the batch's source events by record key. Call inside the batch's transaction."""
    last: dict[tuple[str, str], LogEntry] = {}
    for entry in entries:
        key = record_key(entry.direction, entry.sf_id, entry.plx_id)
        if entry.step_uid and key and entry.outcome in (FAILED, *_SETTLED):
            last[(entry.step_uid, key)] = entry  # the record's last word in the batch counts
    failures = [Failure(step_uid, key, e.sf_id, e.plx_id, (items or {}).get(key))
                for (step_uid, key), e in last.items() if e.outcome == FAILED]
    recovered = [k for k, e in last.items() if e.outcome in _SETTLED]
    if failures or recovered:
        store.retry_schedule.note(failures, recovered)

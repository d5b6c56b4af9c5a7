"""The outbox: writes the engine has decided on but not yet seen confirmed.

Life of an item: pending (enqueued) -> sent (handed to an API; attempts + 1) -> done or failed.
After a crash, items still pending or sent are what the engine reconciles on its next run; the
idempotency key (unique) means enqueueing the same write twice keeps one item.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import peewee as pw

from plx_desktop.store.models import Models
from plx_desktop.store.timestamps import now_text

PENDING, SENT, DONE, FAILED = "pending", "sent", "done", "failed"
STATES = (PENDING, SENT, DONE, FAILED)
_ENQUEUE = ("INSERT INTO outbox (run_id, step_uid, target_system, operation, idempotency_key, "
            "payload, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(idempotency_key) DO NOTHING")


@dataclass(frozen=True)
class OutboxItem:
    """One write. target_system: "salesforce" | "peoplelinx"; operation: e.g. "create",
    "update", "upsert", "add_to_sequence" (the engine's words; the store does not interpret)."""

    step_uid: str
    target_system: str
    operation: str
    idempotency_key: str
    payload: dict[str, Any] = field(default_factory=dict)
    run_id: int | None = None
    id: int | None = None
    state: str = PENDING
    attempts: int = 0
    last_error: str = ""


class Outbox:
    def __init__(self, db: pw.Database, models: Models):
        self._db, self._m = db, models

    def enqueue_many(self, items: Iterable[OutboxItem]) -> list[OutboxItem]:
        """Add items in one transaction; an idempotency key already present is left as it is.
        Returns the stored items for the given keys (with ids), in the order given."""
        now = now_text()
        items = list(items)
        rows = [(i.run_id, i.step_uid, i.target_system, i.operation, i.idempotency_key,
                 json.dumps(i.payload, default=str), PENDING, now, now) for i in items]
        with self._db.atomic():
            self._db.cursor().executemany(_ENQUEUE, rows)
            return self.by_keys([i.idempotency_key for i in items])

    def by_keys(self, keys: list[str]) -> list[OutboxItem]:
        model = self._m.Outbox
        found: dict[str, OutboxItem] = {}
        for start in range(0, len(keys), 500):
            rows = model.select().where(model.idempotency_key.in_(keys[start:start + 500]))
            found.update({r.idempotency_key: _item(r) for r in rows})
        return [found[k] for k in keys if k in found]

    def pending(self, step_uid: str | None = None, limit: int | None = None) -> list[OutboxItem]:
        """Items not yet confirmed (pending or sent), oldest first."""
        model = self._m.Outbox
        query = model.select().where(model.state.in_([PENDING, SENT]))
        if step_uid is not None:
            query = query.where(model.step_uid == step_uid)
        query = query.order_by(model.id)
        if limit is not None:
            query = query.limit(limit)
        return [_item(r) for r in query]

    def mark_sent(self, ids: Iterable[int]) -> None:
        self._set(ids, state=SENT, attempts=self._m.Outbox.attempts + 1)

    def mark_done(self, ids: Iterable[int]) -> None:
        self._set(ids, state=DONE, last_error="")

    def mark_failed(self, errors: dict[int, str]) -> None:
        """Failed for good (the error is logged); {id: reason}."""
        with self._db.atomic():
            for item_id, reason in errors.items():
                self._set([item_id], state=FAILED, last_error=reason)

    def mark_pending(self, ids: Iterable[int], reason: str = "") -> None:
        """Back to pending, to be retried on a later run (e.g. after a transient error)."""
        self._set(ids, state=PENDING, last_error=reason)

    def counts(self) -> dict[str, int]:
        model = self._m.Outbox
        rows = model.select(model.state, pw.fn.COUNT(model.id).alias("n")).group_by(model.state)
        # "n" is the COUNT's alias: Peewee sets it on each row, the model does not declare it.
        return {state: 0 for state in STATES} | {r.state: r.n for r in rows}  # type: ignore[attr-defined]

    def purge_finished(self) -> int:
        """Delete done items (failed ones stay for inspection); how many went."""
        deleted: int = self._m.Outbox.delete().where(self._m.Outbox.state == DONE).execute()
        return deleted

    def _set(self, ids: Iterable[int], **values: Any) -> None:
        ids = list(ids)
        model = self._m.Outbox
        with self._db.atomic():
            for start in range(0, len(ids), 500):
                (model.update(updated_at=now_text(), **values)
                 .where(model.id.in_(ids[start:start + 500])).execute())


def _item(row: Any) -> OutboxItem:
    return OutboxItem(step_uid=row.step_uid, target_system=row.target_system,
                      operation=row.operation, idempotency_key=row.idempotency_key,
                      payload=json.loads(row.payload), run_id=row.run_id, id=row.id,
                      state=row.state, attempts=row.attempts, last_error=row.last_error)

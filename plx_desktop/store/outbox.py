"""The outbox: writes the engine has decided on but not yet seen confirmed.

Life of an item: pending (enqueued) -> sent (handed to an API; attempts + 1) -> done or failed.
After a crash, items still pending or sent are what the engine reconciles on its next run; the
idempotency key (unique) means enqueueing the same write twice keeps one item.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import peewee as pw

from plx_desktop.domain import json_text
from plx_desktop.store.models import Models
from plx_desktop.store.timestamps import now_text

PENDING, SENT, DONE, FAILED = "pending", "sent", "done", "failed"
STATES = (PENDING, SENT, DONE, FAILED)
_ENQUEUE = ("INSERT INTO outbox (run_id, step_uid, target_system, operation, idempotency_key, "
            "payload, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(idempotency_key) DO NOTHING")
# Plain SQL and tuples: every batch of a sync enqueues and reads back its items, and Peewee
# model instances cost more than the statements.
_READ_COLUMNS = ("id", "run_id", "step_uid", "target_system", "operation", "idempotency_key",
                 "payload", "state", "attempts", "last_error")
_SELECT = f"SELECT {', '.join(_READ_COLUMNS)} FROM outbox"


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
        with self._db.atomic():
            return self.by_keys(self._insert(items))

    def enqueue_ids(self, items: Iterable[OutboxItem]) -> list[int]:
        """enqueue_many, answering only the stored items' ids (in the order given): the engine
        enqueues every write of a batch, and reading each item back whole was most of it."""
        found: dict[str, int] = {}
        with self._db.atomic():
            keys = self._insert(items)
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                cursor = self._db.execute_sql(
                    "SELECT idempotency_key, id FROM outbox WHERE idempotency_key IN "
                    f"({', '.join('?' * len(chunk))})", chunk)
                found.update(cursor)
        return [found[k] for k in keys if k in found]

    def _insert(self, items: Iterable[OutboxItem]) -> list[str]:
        """INSERT the items whose keys are new (inside the caller's transaction); their keys."""
        now = now_text()
        items = list(items)
        self._db.cursor().executemany(_ENQUEUE, [
            (i.run_id, i.step_uid, i.target_system, i.operation, i.idempotency_key,
             json_text.dumps(i.payload), PENDING, now, now) for i in items])
        return [i.idempotency_key for i in items]

    def enqueue_sent(self, items: Iterable[OutboxItem]) -> list[int]:
        """Intents about to be sent: enqueued (enqueue_ids) and marked sent in one transaction,
        one commit before the send, not two. An idempotency key already present keeps its
        item, which is marked sent again."""
        with self._db.atomic():
            ids = self.enqueue_ids(items)
            self.mark_sent(ids)
        return ids

    def by_keys(self, keys: list[str]) -> list[OutboxItem]:
        found: dict[str, OutboxItem] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            cursor = self._db.execute_sql(
                f"{_SELECT} WHERE idempotency_key IN ({', '.join('?' * len(chunk))})", chunk)
            found.update((row[5], _item(row)) for row in cursor)
        return [found[k] for k in keys if k in found]

    def pending(self, step_uid: str | None = None, limit: int | None = None) -> list[OutboxItem]:
        """Items not yet confirmed (pending or sent), oldest first."""
        sql = f"{_SELECT} WHERE state IN (?, ?)"
        params: list[Any] = [PENDING, SENT]
        if step_uid is not None:
            sql, params = sql + " AND step_uid = ?", [*params, step_uid]
        sql += " ORDER BY id"
        if limit is not None:
            sql, params = sql + " LIMIT ?", [*params, limit]
        return [_item(row) for row in self._db.execute_sql(sql, params)]

    def mark_sent(self, ids: Iterable[int]) -> None:
        self._set(ids, "state = ?, attempts = attempts + 1", [SENT])

    def mark_done(self, ids: Iterable[int]) -> None:
        self._set(ids, "state = ?, last_error = ?", [DONE, ""])

    def mark_failed(self, errors: dict[int, str]) -> None:
        """Failed for good (the error is logged); {id: reason}."""
        with self._db.atomic():
            for item_id, reason in errors.items():
                self._set([item_id], "state = ?, last_error = ?", [FAILED, reason])

    def mark_pending(self, ids: Iterable[int], reason: str = "") -> None:
        """Back to pending, to be retried on a later run (e.g. after a transient error)."""
        self._set(ids, "state = ?, last_error = ?", [PENDING, reason])

    def counts(self) -> dict[str, int]:
        model = self._m.Outbox
        rows = model.select(model.state, pw.fn.COUNT(model.id).alias("n")).group_by(model.state)
        # "n" is the COUNT's alias: Peewee sets it on each row, the model does not declare it.
        return {state: 0 for state in STATES} | {r.state: r.n for r in rows}  # type: ignore[attr-defined]

    def purge_finished(self) -> int:
        """Delete done items (failed ones stay for inspection); how many went."""
        deleted: int = self._m.Outbox.delete().where(self._m.Outbox.state == DONE).execute()
        return deleted

    def _set(self, ids: Iterable[int], assignments: str, values: list[Any]) -> None:
        """UPDATE the items' columns (`assignments`, with `values` for its placeholders)."""
        ids = list(ids)
        if not ids:
            return
        now = now_text()
        with self._db.atomic():
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                self._db.execute_sql(
                    f"UPDATE outbox SET {assignments}, updated_at = ? "
                    f"WHERE id IN ({', '.join('?' * len(chunk))})", [*values, now, *chunk])


def _item(row: tuple[Any, ...]) -> OutboxItem:
    """An item from a row in _READ_COLUMNS order."""
    (item_id, run_id, step_uid, target, operation, key, payload, state, attempts,
     last_error) = row
    return OutboxItem(step_uid=step_uid, target_system=target, operation=operation,
                      idempotency_key=key, payload=json_text.loads(payload), run_id=run_id,
                      id=item_id, state=state, attempts=attempts, last_error=last_error)

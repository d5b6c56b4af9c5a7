"""The outbox around each batch: record the intended writes, send, then settle them.

Writes are idempotent upserts (PeopleLinx matches on email or Salesforce id; Salesforce on the
PeopleLinx_Id__c / PeopleLinx_Activity_Id__c external ids), so a batch in flight when the process
died is settled by re-reading its source from the unchanged cursor and writing again. What the
outbox adds is memory: which of those writes were creations, so that "created" (and Add to
sequence with Exclude updated from action) still means created after a crash.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from plx_desktop.domain.convert import parse_datetime
from plx_desktop.sync.context import RunContext


class InFlight:
    """Writes a previous run of this step sent but never settled."""

    def __init__(self, ctx: RunContext, step_uid: str, operations: Sequence[str]):
        self._ctx = ctx
        self.items = [i for i in ctx.services.store.outbox.pending(step_uid) if i.operation in operations]
        self.creating: set[str] = set()
        self._sent_at: dict[str, str] = {}
        for item in self.items:
            at = item.payload.get("at")
            for key, create in _writes(item.payload):
                if not create:
                    continue
                self.creating.add(key)
                if at and (key not in self._sent_at
                           or parse_datetime(at) < parse_datetime(self._sent_at[key])):
                    # Sent by two runs that both died: it was made by the first.
                    self._sent_at[key] = at

    def was_creating(self, key: str) -> bool:
        return key in self.creating

    def sent_at(self, key: str) -> str | None:
        """When a previous run sent this write (ISO 8601), for looking up what it made."""
        return self._sent_at.get(key)

    def created_by_us(self, key: str, created_at: str | None) -> bool:
        """For an upsert that may have matched someone who already existed: it created the
        record only if the record is younger than the write. (The comparison is across two
        clocks, so it can be off by their skew, and only for writes a crash interrupted.)"""
        if key not in self.creating:
            return False
        sent_at = self._sent_at.get(key)
        if not sent_at or not created_at:
            return True
        return parse_datetime(created_at) >= parse_datetime(sent_at)

    def settle(self) -> None:
        """The step has read past these writes again: they are settled."""
        ids = [i.id for i in self.items if i.id is not None]
        if ids:
            self._ctx.recorder.write(lambda store: store.outbox.mark_done(ids), None)


def _writes(payload: dict[str, Any]) -> list[tuple[str, bool]]:
    """(key, create?) of an intent: a batch's (Recorder.record_intent), or one write's, as
    versions before 2026-12 recorded them."""
    if "writes" in payload:
        return [(str(key), bool(create)) for key, create in payload["writes"]]
    return [(payload.get("key", ""), bool(payload.get("create")))]


def record_intent(ctx: RunContext, step_uid: str, target: str, operation: str,
                  writes: Sequence[tuple[str, str, bool]]) -> list[int]:
    """Enqueue the batch's intent (key, version, create? of each write), marked sent (see
    Recorder.record_intent; a dry run's recorder enqueues nothing)."""
    return ctx.recorder.record_intent(step_uid, target, operation, writes,
                                      ctx.services.clock())

"""Per-step cursors: where each step's next incremental read starts (an opaque value string)."""

from __future__ import annotations

import peewee as pw

from plx_desktop.store.models import Models
from plx_desktop.store.timestamps import now_text


class Cursors:
    def __init__(self, db: pw.Database, models: Models):
        self._db, self._m = db, models

    def get(self, step_uid: str) -> str | None:
        row = self._m.StepCursor.get_or_none(self._m.StepCursor.step_uid == step_uid)
        return row.value if row else None

    def set(self, step_uid: str, value: str) -> None:
        self.set_many({step_uid: value})

    def set_many(self, values: dict[str, str]) -> None:
        if not values:
            return
        now = now_text()
        rows = [{"step_uid": uid, "value": value, "updated_at": now} for uid, value in values.items()]
        with self._db.atomic():
            self._m.StepCursor.insert_many(rows).on_conflict_replace().execute()

    def delete(self, step_uid: str) -> None:
        """Forget a step's cursor: its next run reads everything again (links prevent duplicates)."""
        self._m.StepCursor.delete().where(self._m.StepCursor.step_uid == step_uid).execute()

    def all(self) -> dict[str, str]:
        return {row.step_uid: row.value for row in self._m.StepCursor.select()}

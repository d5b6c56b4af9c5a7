"""Automatic retries: when each failing record is tried again by itself, with growing gaps.

A record that fails in a step gets a row here: how many times it failed in a row and its next try
(5 minutes after the first failure, then 30 minutes, 2 hours, then once a day). A record that
syncs, or is skipped for a reason no retry can change, loses its row. Steps that read PeopleLinx
events (activities, status changes), which cannot be read again by id, keep the event itself
(`item`, JSON) to send it again.

A record is known as Sync health knows it (health.record_key): by the id on the side it is read
from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import peewee as pw

from plx_desktop.store.timestamps import from_text, to_text

GAPS: tuple[timedelta, ...] = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                               timedelta(days=1))


def gap_after(failures: int) -> timedelta:
    """How long after its n-th failure in a row a record is tried again."""
    return GAPS[min(max(failures, 1), len(GAPS)) - 1]


def record_key(direction: str, sf_id: str, plx_id: str) -> str:
    """The id a step reads the record by: PeopleLinx's for PeopleLinx → Salesforce steps (a failed
    creation has no Salesforce id yet), else Salesforce's."""
    return plx_id if direction == "peoplelinx_to_salesforce" and plx_id else sf_id


@dataclass(frozen=True)
class ScheduledRetry:
    step_uid: str
    record_key: str
    sf_id: str
    plx_id: str
    failures: int  # in a row
    next_try: datetime | None
    item: dict[str, Any] | None = None  # the PeopleLinx event to send again, if kept


@dataclass(frozen=True)
class Failure:
    """One failure to note: a record of a step, and the source item when the step keeps it."""

    step_uid: str
    record_key: str
    sf_id: str
    plx_id: str
    item: dict[str, Any] | None = None


def _now() -> datetime:
    return datetime.now(UTC)


class RetrySchedule:
    def __init__(self, db: pw.Database):
        self._db = db

    def note(self, failures: Sequence[Failure], recovered: Iterable[tuple[str, str]],
             now: datetime | None = None) -> None:
        """A batch's outcome: these records failed (again), these (step_uid, record_key) did not.
        Call inside the batch's transaction."""
        now = now or _now()
        # A batch's records in a few statements, not one or two per record: a step of 100,000
        # records that all went through forgets 100,000 keys.
        recovered = list(recovered)
        steps = self._steps_with_rows({step for step, _ in recovered})
        # Only the steps that have records waiting: most batches of most runs have none, and
        # a DELETE per record that went through was a per-record cost of every sync.
        gone = [key for key in recovered if key[0] in steps]
        if gone:
            self._db.cursor().executemany(
                "DELETE FROM retry_schedule WHERE step_uid = ? AND record_key = ?", gone)
        if not failures:
            return
        known = self._known([(f.step_uid, f.record_key) for f in failures])
        rows = []
        for failure in failures:
            row = known.get((failure.step_uid, failure.record_key))
            count = (row[0] if row else 0) + 1
            item = json.dumps(failure.item, default=str) if failure.item is not None else (
                row[1] if row else "")
            rows.append((failure.step_uid, failure.record_key, failure.sf_id, failure.plx_id,
                         count, to_text(now + gap_after(count)), item))
            # The same record twice in one call counts twice, as two calls would.
            known[(failure.step_uid, failure.record_key)] = (count, item)
        self._db.cursor().executemany(
            "INSERT INTO retry_schedule (step_uid, record_key, sf_id, plx_id, failures, "
            "next_try, item) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (step_uid, record_key) "
            "DO UPDATE SET sf_id = excluded.sf_id, plx_id = excluded.plx_id, "
            "failures = excluded.failures, next_try = excluded.next_try, item = excluded.item",
            rows)

    def _steps_with_rows(self, steps: set[str]) -> set[str]:
        if not steps:
            return set()
        marks = ", ".join("?" * len(steps))
        return {row[0] for row in self._db.execute_sql(
            f"SELECT DISTINCT step_uid FROM retry_schedule WHERE step_uid IN ({marks})",
            list(steps))}

    def _known(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, str]]:
        """(failures, item) of the rows these (step_uid, record_key) have already."""
        found: dict[tuple[str, str], tuple[int, str]] = {}
        for uid in {uid for uid, _ in keys}:
            wanted = list(dict.fromkeys(key for u, key in keys if u == uid))
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                cursor = self._db.execute_sql(
                    "SELECT record_key, failures, item FROM retry_schedule WHERE step_uid = ? "
                    f"AND record_key IN ({', '.join('?' * len(chunk))})", [uid, *chunk])
                found.update(((uid, r[0]), (r[1], r[2])) for r in cursor)
        return found

    def due(self, step_uid: str, now: datetime | None = None) -> list[ScheduledRetry]:
        """The step's records whose next try has come, oldest first."""
        return self._select("WHERE step_uid = ? AND next_try <= ? ORDER BY next_try, id",
                            (step_uid, to_text(now or _now())))

    def of_step(self, step_uid: str) -> list[ScheduledRetry]:
        return self._select("WHERE step_uid = ? ORDER BY next_try, id", (step_uid,))

    def next_tries(self) -> dict[tuple[str, str], datetime | None]:
        """(step_uid, record_key) → next try, for Sync health."""
        cursor = self._db.execute_sql("SELECT step_uid, record_key, next_try FROM retry_schedule")
        return {(r[0], r[1]): from_text(r[2]) for r in cursor}

    def forget(self, step_uid: str, keys: Iterable[str]) -> None:
        """Nothing is left to retry for these (gone, or in sync without a write)."""
        with self._db.atomic():
            self._db.cursor().executemany(
                "DELETE FROM retry_schedule WHERE step_uid = ? AND record_key = ?",
                [(step_uid, key) for key in keys])

    def _select(self, where: str, params: tuple[str, ...]) -> list[ScheduledRetry]:
        cursor = self._db.execute_sql(
            "SELECT step_uid, record_key, sf_id, plx_id, failures, next_try, item "
            f"FROM retry_schedule {where}", params)
        return [ScheduledRetry(r[0], r[1], r[2], r[3], r[4], from_text(r[5]),
                               json.loads(r[6]) if r[6] else None) for r in cursor]

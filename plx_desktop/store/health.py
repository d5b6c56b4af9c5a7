"""Sync health: the records that are failing now, grouped by cause, and the admin's Retry requests.

A failure counts while the record's newest log entry in that step is still a failure or a skip
with a reason; once the record syncs, it leaves the list. A failure that recurs at every run is one
row with its count, not a thousand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import peewee as pw

from plx_desktop.domain.catalog import Direction
from plx_desktop.store.retry_schedule import RetrySchedule
from plx_desktop.store.timestamps import from_text, now_text

# Salesforce and PeopleLinx error codes, by the cause an admin would name.
CAUSES: dict[str, tuple[str, ...]] = {
    "converted lead": ("CANNOT_UPDATE_CONVERTED_LEAD",),
    "validation rule": ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "REQUIRED_FIELD_MISSING",
                        "required_field_missing", "FIELD_FILTER_VALIDATION_EXCEPTION"),
    "duplicate": ("DUPLICATE_VALUE", "DUPLICATES_DETECTED", "duplicate_email",
                  "DUPLICATE_EXTERNAL_ID"),
    "permission": ("INSUFFICIENT_ACCESS_OR_READONLY", "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY",
                   "INVALID_FIELD_FOR_INSERT_UPDATE", "read_only_field", "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY"),
    "bad value": ("INVALID_EMAIL_ADDRESS", "STRING_TOO_LONG", "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                  "BAD_VALUE", "invalid_value", "value_too_long", "MALFORMED_ID",
                  "JSON_PARSER_ERROR", "INVALID_CROSS_REFERENCE_KEY", "FIELD_INTEGRITY_EXCEPTION",
                  "unknown_field", "INVALID_FIELD", "INVALID_TYPE_ON_FIELD_IN_RECORD"),
    "API limit": ("REQUEST_LIMIT_EXCEEDED", "USAGE_CAP", "API_LIMIT"),
    "network": ("NETWORK", "SERVER_UNAVAILABLE", "UNKNOWN_EXCEPTION", "UNABLE_TO_LOCK_ROW"),
}
_CAUSE_OF = {code: cause for cause, codes in CAUSES.items() for code in codes}
OTHER = "other"
# Refusals logged as skipped (the Log's word: nothing was written) that Sync health always lists,
# in their own group: Salesforce refused the write, and the admin may want to act.
ALWAYS_SHOWN_SKIPS = ("CANNOT_UPDATE_CONVERTED_LEAD",)
# Skips that are only informational ("not a lead") are not failures to fix.
_NOT_FAILURES = ("NOT_A_LEAD", "NOT_A_CONTACT")


TO_SALESFORCE = Direction.PEOPLELINX_TO_SALESFORCE.value


def _marks(values: tuple[str, ...]) -> str:
    return ", ".join("?" * len(values))


def _side_id(t: str) -> str:
    """SQL: the id a log entry's record is known by, on the side it is read from: the PeopleLinx
    id for PeopleLinx → Salesforce steps (a failed creation has no Salesforce id yet), else the
    Salesforce id (as retry_schedule.record_key). `t` is the table's alias; one mark: the
    direction, TO_SALESFORCE."""
    return f"CASE WHEN {t}.direction = ? AND {t}.plx_id != '' THEN {t}.plx_id ELSE {t}.sf_id END"


def _record_key(t: str) -> str:
    """SQL: one record in one step, "step_uid|id"; one mark, as _side_id."""
    return f"{t}.step_uid || '|' || {_side_id(t)}"


def _shown(t: str, outcomes: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """SQL: an entry Sync health lists (one of `outcomes`, or a refusal logged as skipped), and
    the values of its marks."""
    sql = (f"({t}.outcome IN ({_marks(outcomes)}) OR ({t}.outcome = ? AND "
           f"{t}.error_code IN ({_marks(ALWAYS_SHOWN_SKIPS)})))")
    return sql, (*outcomes, "skipped", *ALWAYS_SHOWN_SKIPS)


def cause_of(error_code: str) -> str:
    return _CAUSE_OF.get(error_code, OTHER)


@dataclass(frozen=True)
class FailingRecord:
    """One record failing in one step: how often, since when, and the newest reason."""

    step_uid: str
    step_label: str
    sf_id: str
    plx_id: str
    record_label: str
    error_code: str
    message: str
    outcome: str  # of its newest entry, in the Log's words: "failed" or "skipped"
    count: int
    first_seen: datetime | None
    last_seen: datetime | None
    retry_requested: bool = False
    next_try: datetime | None = None  # its next automatic try (None: none is planned)

    @property
    def cause(self) -> str:
        return cause_of(self.error_code)


@dataclass
class CauseGroup:
    cause: str
    records: list[FailingRecord] = field(default_factory=list)

    @property
    def failures(self) -> int:
        return sum(r.count for r in self.records)


class Health:
    def __init__(self, db: pw.Database):
        self._db = db

    def failing(self, *, include_skips: bool = False) -> list[FailingRecord]:
        """Records whose newest entry in a step is a failure (or a converted lead's refusal,
        which is logged as skipped but is Salesforce refusing a write), oldest problem first;
        `include_skips`: every skip with a reason too."""
        outcomes = ("failed", "skipped") if include_skips else ("failed",)
        shown_k, shown_params = _shown("k", outcomes)
        shown_e, _ = _shown("e", outcomes)
        sql = f"""
        WITH keyed AS (
            SELECT l.id, l.outcome, l.error_code, {_record_key("l")} AS record_key
            FROM log_entry l WHERE l.step_uid != '' AND (l.sf_id != '' OR l.plx_id != '')
        ),
        newest AS (SELECT record_key, MAX(id) AS id FROM keyed GROUP BY record_key),
        failing AS (
            SELECT k.record_key FROM newest n JOIN keyed k ON k.id = n.id
            WHERE {shown_k} AND k.error_code NOT IN ({_marks(_NOT_FAILURES)})
        )
        SELECT e.step_uid, MAX(e.step_label), MAX(e.sf_id), MAX(e.plx_id), MAX(e.record_label),
               COUNT(*), MIN(e.time), MAX(e.time), MAX(e.id), {_side_id("e")},
               {_record_key("e")} AS record_key
        FROM log_entry e  -- SQLite lets WHERE and GROUP BY name a result column (record_key)
        WHERE record_key IN (SELECT record_key FROM failing) AND {shown_e}
        GROUP BY record_key
        ORDER BY MIN(e.time), MAX(e.id)
        """
        # The parameters in the order their marks stand above.
        params = (TO_SALESFORCE, *shown_params, *_NOT_FAILURES,
                  TO_SALESFORCE, TO_SALESFORCE, *shown_params)
        rows = self._db.execute_sql(sql, params).fetchall()
        newest_ids = [row[8] for row in rows]
        details = self._details(newest_ids)
        requested = {tuple(r) for r in self._db.execute_sql(
            "SELECT step_uid, sf_id, plx_id FROM retry_request")}
        tries = RetrySchedule(self._db).next_tries()
        return [FailingRecord(step_uid=r[0], step_label=r[1], sf_id=r[2], plx_id=r[3],
                              record_label=r[4], error_code=details[r[8]][0],
                              message=details[r[8]][1], outcome=details[r[8]][2], count=r[5],
                              first_seen=from_text(r[6]),
                              last_seen=from_text(r[7]),
                              retry_requested=(r[0], r[2], r[3]) in requested,
                              next_try=tries.get((r[0], r[9])))
                for r in rows]

    def _details(self, ids: list[int]) -> dict[int, tuple[str, str, str]]:
        out: dict[int, tuple[str, str, str]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            sql = (f"SELECT id, error_code, message, outcome FROM log_entry WHERE id IN "
                   f"({', '.join('?' * len(chunk))})")
            out.update({row[0]: (row[1], row[2], row[3])
                        for row in self._db.execute_sql(sql, chunk)})
        return out

    def by_cause(self, *, include_skips: bool = False) -> list[CauseGroup]:
        """Failing records grouped by cause, the largest group first."""
        groups: dict[str, CauseGroup] = {}
        for record in self.failing(include_skips=include_skips):
            groups.setdefault(record.cause, CauseGroup(record.cause)).records.append(record)
        return sorted(groups.values(), key=lambda g: (-len(g.records), g.cause))

    # -- Retry --------------------------------------------------------------------------------

    def request_retry(self, records: Iterable[FailingRecord]) -> int:
        """Ask the next run to retry these records first; how many were asked."""
        rows = [(r.step_uid, r.sf_id, r.plx_id, now_text()) for r in records]
        with self._db.atomic():
            for row in rows:
                self._db.execute_sql(
                    "INSERT OR IGNORE INTO retry_request (step_uid, sf_id, plx_id, requested_at) "
                    "VALUES (?, ?, ?, ?)", row)
        return len(rows)

    def request_pairs(self, step_uid: str, pairs: Iterable[tuple[str, str]]) -> None:
        """Ask the next run of a step to read these (sf_id, plx_id) records again first (Apply
        to existing records: a new mapping reaches records that did not change)."""
        now = now_text()
        with self._db.atomic():
            cursor = self._db.cursor()
            cursor.executemany(
                "INSERT OR IGNORE INTO retry_request (step_uid, sf_id, plx_id, requested_at) "
                "VALUES (?, ?, ?, ?)", [(step_uid, sf_id, plx_id, now) for sf_id, plx_id in pairs])

    def retry_requests(self, step_uid: str) -> list[tuple[str, str]]:
        """(sf_id, plx_id) pairs the admin asked this step to retry."""
        cursor = self._db.execute_sql(
            "SELECT sf_id, plx_id FROM retry_request WHERE step_uid = ? ORDER BY id", (step_uid,))
        return [(row[0], row[1]) for row in cursor]

    def retried(self, step_uid: str, pairs: Iterable[tuple[str, str]]) -> None:
        """The step has retried these: forget the requests."""
        with self._db.atomic():
            for sf_id, plx_id in pairs:
                self._db.execute_sql("DELETE FROM retry_request WHERE step_uid = ? AND sf_id = ? "
                                     "AND plx_id = ?", (step_uid, sf_id, plx_id))

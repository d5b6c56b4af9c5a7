"""The conflict record: each field changed on both sides, both values, when, who won and why."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import peewee as pw

from plx_desktop.store.timestamps import from_text, now_text, to_text


@dataclass(frozen=True)
class Conflict:
    step_uid: str
    sf_id: str
    plx_id: str
    field: str  # the PeopleLinx field key (or Salesforce field, for People → Salesforce steps)
    salesforce_value: Any
    peoplelinx_value: Any
    winner: str  # "salesforce" | "peoplelinx"
    rule: str  # the mapping's sync rule that decided, e.g. "two_way" (the most recent wins)
    record_label: str = ""
    salesforce_changed_at: datetime | None = None
    peoplelinx_changed_at: datetime | None = None
    run_id: int | None = None
    time: datetime | None = None
    id: int | None = None


class Conflicts:
    def __init__(self, db: pw.Database):
        self._db = db

    def add_many(self, conflicts: Iterable[Conflict]) -> int:
        rows = [(to_text(c.time) if c.time else now_text(), c.run_id, c.step_uid, c.sf_id,
                 c.plx_id, c.record_label, c.field, json.dumps(c.salesforce_value, default=str),
                 json.dumps(c.peoplelinx_value, default=str),
                 to_text(c.salesforce_changed_at) if c.salesforce_changed_at else "",
                 to_text(c.peoplelinx_changed_at) if c.peoplelinx_changed_at else "",
                 c.winner, c.rule) for c in conflicts]
        with self._db.atomic():
            for row in rows:
                self._db.execute_sql(
                    "INSERT INTO conflict (time, run_id, step_uid, sf_id, plx_id, record_label, "
                    "field, salesforce_value, peoplelinx_value, salesforce_changed_at, "
                    "peoplelinx_changed_at, winner, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row)
        return len(rows)

    def for_records(self, *, sf_ids: Iterable[str] = (), plx_ids: Iterable[str] = (),
                    limit: int = 500) -> list[Conflict]:
        """Conflicts of these records, newest first."""
        sf_ids, plx_ids = list(sf_ids), list(plx_ids)
        if not sf_ids and not plx_ids:
            return []
        clauses, params = [], []
        if sf_ids:
            clauses.append(f"sf_id IN ({', '.join('?' * len(sf_ids))})")
            params += sf_ids
        if plx_ids:
            clauses.append(f"plx_id IN ({', '.join('?' * len(plx_ids))})")
            params += plx_ids
        sql = (f"SELECT id, time, run_id, step_uid, sf_id, plx_id, record_label, field, "
               f"salesforce_value, peoplelinx_value, salesforce_changed_at, peoplelinx_changed_at, "
               f"winner, rule FROM conflict WHERE {' OR '.join(clauses)} ORDER BY id DESC LIMIT ?")
        return [_conflict(r) for r in self._db.execute_sql(sql, (*params, limit))]

    def recent(self, limit: int = 200) -> list[Conflict]:
        sql = ("SELECT id, time, run_id, step_uid, sf_id, plx_id, record_label, field, "
               "salesforce_value, peoplelinx_value, salesforce_changed_at, peoplelinx_changed_at, "
               "winner, rule FROM conflict ORDER BY id DESC LIMIT ?")
        return [_conflict(r) for r in self._db.execute_sql(sql, (limit,))]


def _conflict(row: Any) -> Conflict:
    return Conflict(id=row[0], time=from_text(row[1]), run_id=row[2], step_uid=row[3],
                    sf_id=row[4], plx_id=row[5], record_label=row[6], field=row[7],
                    salesforce_value=json.loads(row[8]), peoplelinx_value=json.loads(row[9]),
                    salesforce_changed_at=from_text(row[10]) if row[10] else None,
                    peoplelinx_changed_at=from_text(row[11]) if row[11] else None,
                    winner=row[12], rule=row[13])

"""Steps that could not run: a step whose settings Salesforce (or PeopleLinx) refuses, kept until it
runs through again, so that Sync health lists it and the step list marks it.

One row per step: the newest problem, in the admin's words and in the service's raw text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import peewee as pw

from plx_desktop.store.timestamps import from_text, now_text


@dataclass(frozen=True)
class StepProblem:
    step_uid: str
    step_label: str
    error_code: str
    words: str  # what the admin reads: which field, which object, what to do
    raw: str  # the service's own text, one click away
    time: datetime | None
    run_id: int | None = None


class StepProblems:
    def __init__(self, db: pw.Database):
        self._db = db

    def note(self, problem: StepProblem) -> None:
        self._db.execute_sql(
            "INSERT OR REPLACE INTO step_problem (step_uid, step_label, error_code, words, raw, "
            "time, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (problem.step_uid, problem.step_label, problem.error_code, problem.words, problem.raw,
             now_text(), problem.run_id))

    def clear(self, step_uid: str) -> None:
        """The step ran through: its problem is gone."""
        self._db.execute_sql("DELETE FROM step_problem WHERE step_uid = ?", (step_uid,))

    def all(self) -> dict[str, StepProblem]:
        cursor = self._db.execute_sql(
            "SELECT step_uid, step_label, error_code, words, raw, time, run_id FROM step_problem "
            "ORDER BY time")
        return {r[0]: StepProblem(r[0], r[1], r[2], r[3], r[4], from_text(r[5]), r[6])
                for r in cursor}

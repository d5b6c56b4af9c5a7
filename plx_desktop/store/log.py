"""The sync log and the runs it belongs to: fast appends, newest-first pages, filters, pruning.

Reads are ordered by id (insertion order, the primary key), so a page is an index walk from the
newest row; filters on outcome and step use (outcome, id) and (step_uid, id) indexes. For deep
pages pass `before_id` (the last id of the previous page) rather than a large offset.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import peewee as pw

from plx_desktop.store import models as tables
from plx_desktop.store.models import Models
from plx_desktop.store.timestamps import from_text, now_text, to_text, written_time

CREATED, UPDATED, SKIPPED, FAILED, CONFLICT = "created", "updated", "skipped", "failed", "conflict"
OUTCOMES = (CREATED, UPDATED, SKIPPED, FAILED, CONFLICT)
_INSERT = ("INSERT INTO log_entry (time, run_id, step_uid, step_label, direction, sf_id, plx_id, "
           "record_label, outcome, error_code, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


# Not frozen: made for every record of a sync, and a frozen dataclass's __init__ (object.__setattr__
# per field) cost about 5 µs against under 1. Treat it as immutable all the same.
@dataclass
class LogEntry:
    outcome: str
    step_uid: str = ""
    step_label: str = ""
    direction: str = ""
    sf_id: str = ""
    plx_id: str = ""
    record_label: str = ""  # name or email, as the admin knows the record
    error_code: str = ""  # Salesforce errorCode / statusCode, e.g. CANNOT_UPDATE_CONVERTED_LEAD
    message: str = ""
    run_id: int | None = None
    time: datetime | None = None  # None: now, when appended
    id: int | None = None


@dataclass(frozen=True)
class Run:
    id: int
    profile: str
    started_at: datetime
    finished_at: datetime | None
    status: str  # running / completed / failed / cancelled
    counts: dict[str, int] = field(default_factory=dict)
    message: str = ""


class SyncLog:
    def __init__(self, db: pw.Database, models: Models):
        self._db, self._m = db, models

    def append_many(self, entries: Iterable[LogEntry]) -> list[LogEntry]:
        """Append entries in one transaction; the entries as stored, with their ids and times.

        A prepared statement run with executemany: several times faster than building
        multi-row INSERTs, which matters when a bulk step logs tens of thousands of records.
        The ids come back so that a live view can show the rows without reading them again:
        one transaction is one writer, so its rows take consecutive ids ending at the last.
        """
        now = now_text()
        entries = list(entries)
        rows = [(to_text(e.time) if e.time else now, e.run_id, e.step_uid, e.step_label,
                 e.direction, e.sf_id, e.plx_id, e.record_label, e.outcome, e.error_code,
                 e.message) for e in entries]
        if not rows:
            return []
        with self._db.atomic():
            cursor = self._db.cursor()
            cursor.executemany(_INSERT, rows)
            last = cursor.execute("SELECT last_insert_rowid()").fetchone()[0]
        first = last - len(rows) + 1
        # The entries as stored, built directly: dataclasses.replace and a parse of the same
        # `now` for each of tens of thousands of entries cost more than the insert itself.
        stamp = from_text(now)
        return [LogEntry(e.outcome, e.step_uid, e.step_label, e.direction, e.sf_id, e.plx_id,
                         e.record_label, e.error_code, e.message, e.run_id,
                         from_text(row[0]) if e.time else stamp, first + n)
                for n, (e, row) in enumerate(zip(entries, rows, strict=True))]

    def append(self, entry: LogEntry) -> None:
        self.append_many([entry])

    def read(self, *, outcomes: Collection[str] | None = None, step_uid: str | None = None,
             search: str | None = None, limit: int = 200, offset: int = 0,
             before_id: int | None = None) -> list[LogEntry]:
        """Entries newest first, filtered; `search` matches record, ids, step and message
        (case-insensitive substring; % and _ are taken literally)."""
        query = self._filtered(outcomes, step_uid, search)
        if before_id is not None:
            query = query.where(self._m.LogEntry.id < before_id)
        query = query.order_by(self._m.LogEntry.id.desc()).limit(limit).offset(offset)
        return [_entry(r) for r in _dict_rows(query)]

    def count(self, *, outcomes: Collection[str] | None = None, step_uid: str | None = None,
              search: str | None = None) -> int:
        return self._filtered(outcomes, step_uid, search).count()

    def newest_id(self) -> int:
        """The id of the newest entry (0 when empty): the GUI asks for entries after it."""
        return self._m.LogEntry.select(pw.fn.MAX(self._m.LogEntry.id)).scalar() or 0

    def after(self, after_id: int, limit: int = 1000) -> list[LogEntry]:
        """Entries newer than `after_id`, oldest first (for tailing)."""
        model = self._m.LogEntry
        query = model.select().where(model.id > after_id).order_by(model.id).limit(limit)
        return [_entry(r) for r in _dict_rows(query)]

    def prune(self, *, older_than: datetime | None = None, keep_newest: int | None = None) -> int:
        """Delete entries older than a time and/or beyond the newest N; how many went."""
        model = self._m.LogEntry
        deleted = 0
        with self._db.atomic():
            if older_than is not None:
                deleted += model.delete().where(model.time < to_text(older_than)).execute()
            if keep_newest is not None:
                cutoff = (model.select(model.id).order_by(model.id.desc())
                          .offset(keep_newest).limit(1).scalar())
                if cutoff is not None:
                    deleted += model.delete().where(model.id <= cutoff).execute()
        return deleted

    def _filtered(self, outcomes: Collection[str] | None, step_uid: str | None,
                  search: str | None) -> pw.ModelSelect[tables.LogEntry]:
        model = self._m.LogEntry
        query = model.select()
        if outcomes:
            outcomes = list(outcomes)
            query = query.where(model.outcome == outcomes[0] if len(outcomes) == 1
                                else model.outcome.in_(outcomes))
        if step_uid:
            query = query.where(model.step_uid == step_uid)
        if search and search.strip():
            pattern = "%" + _like_escape(search.strip()) + "%"
            condition: pw.ColumnBase | None = None
            for column in (model.record_label, model.sf_id, model.plx_id, model.message,
                           model.step_label):
                match = pw.NodeList((column, pw.SQL("LIKE"), pattern, pw.SQL("ESCAPE '\\'")))
                condition = match if condition is None else (condition | match)
            query = query.where(condition)
        return query

    # -- runs ----------------------------------------------------------------------------------

    def close_abandoned_runs(self, reason: str = "") -> int:
        """Runs still marked running when a new one starts were cut off (a killed process, a
        window closed mid-run): mark them so; how many."""
        model = self._m.Run
        closed: int = (model.update(finished_at=now_text(), status="failed",
                                    message=reason or "Interrupted before it finished; the next "
                                                      "run picked up where it stopped")
                       .where(model.status == "running").execute())
        return closed

    def start_run(self, profile: str) -> int:
        return self._m.Run.create(profile=profile, started_at=now_text(), status="running").id

    def finish_run(self, run_id: int, status: str, counts: dict[str, int] | None = None,
                   message: str = "") -> None:
        model = self._m.Run
        model.update(finished_at=now_text(), status=status, counts=json.dumps(counts or {}),
                     message=message).where(model.id == run_id).execute()

    def run_is_open(self, run_id: int) -> bool:
        """Still marked running (its end was never recorded)."""
        model = self._m.Run
        return model.select().where((model.id == run_id) & (model.status == "running")).exists()

    def runs(self, limit: int = 50) -> list[Run]:
        """Runs, newest first."""
        model = self._m.Run
        return [_run(r) for r in model.select().order_by(model.id.desc()).limit(limit)]

    def run(self, run_id: int) -> Run | None:
        row = self._m.Run.get_or_none(self._m.Run.id == run_id)
        return _run(row) if row else None


def _dict_rows(query: pw.ModelSelect[tables.LogEntry]) -> Iterable[dict[str, Any]]:
    # Peewee's stubs type .dicts() as the query itself, yielding models; it yields dicts.
    return cast("Iterable[dict[str, Any]]", query.dicts())


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _entry(row: dict[str, Any]) -> LogEntry:
    return LogEntry(outcome=row["outcome"], step_uid=row["step_uid"], step_label=row["step_label"],
                    direction=row["direction"], sf_id=row["sf_id"], plx_id=row["plx_id"],
                    record_label=row["record_label"], error_code=row["error_code"],
                    message=row["message"], run_id=row["run_id"], time=from_text(row["time"]),
                    id=row["id"])


def _run(row: tables.Run) -> Run:
    return Run(id=row.id, profile=row.profile, started_at=written_time(row.started_at),
               finished_at=from_text(row.finished_at), status=row.status,
               counts=json.loads(row.counts), message=row.message)

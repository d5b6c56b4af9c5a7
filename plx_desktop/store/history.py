"""A record's history: its links, every sync log entry that touched it, and its conflicts.

Start from an email, a Salesforce id or a PeopleLinx id. The links found give every id the record
goes by: a person linked to a contact and to a lead brings both. Activities (Emails, Tasks, Calls)
synced to Salesforce Tasks are linked as "email:<id>" etc.; those whose Task names one of the
record's Salesforce ids (WhoId) belong to its history too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from plx_desktop.domain.fields import normalise_email
from plx_desktop.store.conflicts import Conflict
from plx_desktop.store.database import Store
from plx_desktop.store.links import RecordLink
from plx_desktop.store.log import LogEntry, _entry

ENTRY_LIMIT = 2000
_ENTRY_COLUMNS = ("id, time, run_id, step_uid, step_label, direction, sf_id, plx_id, "
                  "record_label, outcome, error_code, message")
_CHUNK = 400  # ids per IN (...), well under SQLite's parameter limit


@dataclass(frozen=True)
class RecordHistory:
    """links: the record's links (people first, then activities); entries: newest first."""

    links: list[RecordLink] = field(default_factory=list)
    entries: list[LogEntry] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    sf_ids: tuple[str, ...] = ()
    plx_ids: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.links or self.entries or self.conflicts)

    @property
    def email(self) -> str:
        return next((link.email for link in self.links if link.email), "")


def record_history(store: Store, *, email: str | None = None, sf_id: str | None = None,
                   plx_id: str | None = None, limit: int = ENTRY_LIMIT) -> RecordHistory:
    """Everything the store knows about one person, contact or lead (give at least one key)."""
    people = _people_links(store, email, sf_id, plx_id)
    sf_ids = _unique([sf_id or "", *(link.sf_id for link in people)])
    plx_ids = _unique([plx_id or "", *(link.plx_id for link in people)])
    activities = _activity_links(store, [link.sf_id for link in people])
    conflicts = store.conflicts.for_records(sf_ids=sf_ids, plx_ids=plx_ids)
    entry_sf = _unique([*sf_ids, *(a.sf_id for a in activities)])
    entry_plx = _unique([*plx_ids, *(a.plx_id for a in activities)])
    entries = _entries(store, entry_sf, entry_plx, limit)
    return RecordHistory(links=[*people, *activities], entries=entries, conflicts=conflicts,
                         sf_ids=tuple(sf_ids), plx_ids=tuple(plx_ids))


def _people_links(store: Store, email: str | None, sf_id: str | None,
                  plx_id: str | None) -> list[RecordLink]:
    found: dict[str, RecordLink] = {}
    if email and normalise_email(email):
        found |= {link.sf_id: link for link in store.links.by_email(email)}
    if sf_id:
        link = store.links.by_sf_id(sf_id.strip())
        if link is not None:
            found[link.sf_id] = link
    if plx_id:
        found |= {link.sf_id: link for link in store.links.by_plx_id(plx_id.strip())}
    # One person with a contact and a lead: the person's id brings in the other link too.
    for person in _unique(link.plx_id for link in found.values()):
        found |= {link.sf_id: link for link in store.links.by_plx_id(person)}
    return sorted((link for link in found.values() if link.sf_object in ("Contact", "Lead")),
                  key=lambda link: (link.sf_object, link.sf_id))


def _activity_links(store: Store, who_ids: list[str]) -> list[RecordLink]:
    """Task links whose Task was written on one of these contacts or leads."""
    if not who_ids:
        return []
    marks = ", ".join("?" * len(who_ids))
    rows = store.db.execute_sql(
        f"SELECT sf_id FROM record_link WHERE sf_object = 'Task' "
        f"AND json_extract(sf_values, '$.WhoId') IN ({marks}) ORDER BY id", who_ids).fetchall()
    links = store.links.for_sf_ids(row[0] for row in rows)
    return [links[row[0]] for row in rows if row[0] in links]


def _entries(store: Store, sf_ids: list[str], plx_ids: list[str], limit: int) -> list[LogEntry]:
    """Entries by either id; one indexed query per column (log_entry_sf, log_entry_plx)."""
    found: dict[int, LogEntry] = {}
    for column, ids in (("sf_id", sf_ids), ("plx_id", plx_ids)):
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            sql = (f"SELECT {_ENTRY_COLUMNS} FROM log_entry WHERE {column} IN "
                   f"({', '.join('?' * len(chunk))}) ORDER BY id DESC LIMIT ?")
            for row in store.db.execute_sql(sql, (*chunk, limit)).fetchall():
                found[row[0]] = _entry(dict(zip(_ENTRY_COLUMNS.split(", "), row, strict=True)))
    return sorted(found.values(), key=lambda e: e.id or 0, reverse=True)[:limit]


def _unique(values: Iterable[str]) -> list[str]:
    return [v for v in dict.fromkeys(values) if v]

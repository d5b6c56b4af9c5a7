"""Record links: which Salesforce record is which PeopleLinx record, and what was last synced.

A Salesforce record is linked to at most one PeopleLinx record (sf_id is unique; upserting a link
for the same sf_id replaces it). A PeopleLinx person may have several links: a Contact and a Lead
with the same email are one person linked to both. The mapped values last synced on each side
let the engine suppress echoes and detect conflicts.

A link's fingerprint (the hash of its Salesforce values, `RecordLink.sf_print`) is worked out
from those values when it is needed (a record read again in the look-back window, a Task
compared with what was last written), not stored: it was two hashes and 128 bytes in every
link written, a link's largest part after its values, and almost never read. The
fingerprint columns stay in the table for the stores earlier versions made; they are written
empty and not read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import peewee as pw

from plx_desktop.domain import json_text
from plx_desktop.domain.convert import fingerprint
from plx_desktop.domain.fields import normalise_email
from plx_desktop.store.models import Models
from plx_desktop.store.timestamps import from_text, now_text

_CHUNK = 500  # ids per IN (...) query
_COLUMNS = ("sf_id", "sf_object", "plx_id", "plx_object", "step_uid", "email", "sf_values",
            "plx_values", "sf_url", "created_at", "updated_at")
# created_at is kept from the first link; everything else follows the latest sync. The
# fingerprint columns an earlier version filled are emptied as each link is written again.
_UPSERT = (f"INSERT INTO record_link ({', '.join(_COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(_COLUMNS))}) ON CONFLICT(sf_id) DO UPDATE SET "
           + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c not in ("sf_id", "created_at"))
           + ", sf_fingerprint = '', plx_fingerprint = ''")
_READ_COLUMNS = ("id", *_COLUMNS)
_SELECT = f"SELECT {', '.join(_READ_COLUMNS)} FROM record_link"


# Not frozen: made for every record of a sync, and a frozen dataclass's __init__ (object.__setattr__
# per field) cost about 5 µs against under 1. Treat it as immutable all the same.
@dataclass
class RecordLink:
    """One link. `sf_object`: Contact / Lead / Task; `plx_object`: person / email / task / call."""

    sf_id: str
    sf_object: str
    plx_id: str
    plx_object: str
    step_uid: str
    email: str = ""
    sf_values: dict[str, Any] = field(default_factory=dict)
    plx_values: dict[str, Any] = field(default_factory=dict)
    sf_url: str = ""
    id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def sf_print(self) -> str:
        """The fingerprint of the Salesforce values last synced (domain.convert.fingerprint);
        empty when none were."""
        return fingerprint(self.sf_values) if self.sf_values else ""


class Links:
    def __init__(self, db: pw.Database, models: Models):
        self._db, self._m = db, models

    def upsert_many(self, links: Iterable[RecordLink]) -> int:
        """Insert or update (by sf_id) many links in one transaction; how many were given."""
        now = now_text()
        rows = [_row(link, now) for link in links]
        with self._db.atomic():
            self._db.cursor().executemany(_UPSERT, rows)
        return len(rows)

    def upsert(self, link: RecordLink) -> None:
        self.upsert_many([link])

    def by_sf_id(self, sf_id: str) -> RecordLink | None:
        return self.for_sf_ids([sf_id]).get(sf_id)

    def by_plx_id(self, plx_id: str) -> list[RecordLink]:
        return self.for_plx_ids([plx_id]).get(plx_id, [])

    def by_email(self, email: str) -> list[RecordLink]:
        key = normalise_email(email)
        return self.for_emails([key]).get(key, [])

    def for_sf_ids(self, sf_ids: Iterable[str]) -> dict[str, RecordLink]:
        """Links of many Salesforce ids at once (one query per 500 ids)."""
        return {link.sf_id: link for link in self._select_in(self._m.RecordLink.sf_id, sf_ids)}

    def for_plx_ids(self, plx_ids: Iterable[str]) -> dict[str, list[RecordLink]]:
        found: dict[str, list[RecordLink]] = defaultdict(list)
        for link in self._select_in(self._m.RecordLink.plx_id, plx_ids):
            found[link.plx_id].append(link)
        return dict(found)

    def for_emails(self, emails: Iterable[str]) -> dict[str, list[RecordLink]]:
        """Keyed by the normalised email (trimmed, lower-case)."""
        found: dict[str, list[RecordLink]] = defaultdict(list)
        keys = {normalise_email(e) for e in emails} - {""}
        for link in self._select_in(self._m.RecordLink.email, keys):
            found[link.email].append(link)
        return dict(found)

    def linked_only_to(self, plx_ids: Iterable[str], sf_object: str, other: str) -> set[str]:
        """Of these people, those linked to a record of `sf_object` and to none of `other` (ids
        only: no link is read whole)."""
        ids = list(dict.fromkeys(plx_ids))
        found: set[str] = set()
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            cursor = self._db.execute_sql(
                "SELECT plx_id FROM record_link WHERE plx_object = 'person' AND plx_id IN "
                f"({', '.join('?' * len(chunk))}) GROUP BY plx_id "
                "HAVING SUM(sf_object = ?) > 0 AND SUM(sf_object = ?) = 0",
                (*chunk, sf_object, other))
            found.update(row[0] for row in cursor)
        return found

    def for_step(self, step_uid: str) -> list[RecordLink]:
        cursor = self._db.execute_sql(f"{_SELECT} WHERE step_uid = ?", (step_uid,))
        return [_link(r) for r in cursor]

    def person_ids_of(self, sf_object: str) -> list[str]:
        """The Salesforce ids of every record of an object linked to a person."""
        model = self._m.RecordLink
        query = model.select(model.sf_id).where((model.sf_object == sf_object)
                                                & (model.plx_object == "person"))
        return [row.sf_id for row in query.order_by(model.id)]

    def delete(self, sf_id: str) -> None:
        self._m.RecordLink.delete().where(self._m.RecordLink.sf_id == sf_id).execute()

    def count(self) -> int:
        return self._m.RecordLink.select().count()

    def _select_in(self, column: pw.Field, values: Iterable[str]) -> list[RecordLink]:
        # Plain SQL and tuples: the engine reads the links of every batch, and building Peewee
        # model instances for them was most of the cost of a read.
        values = list(dict.fromkeys(values))
        name = column.column_name
        out: list[RecordLink] = []
        for start in range(0, len(values), _CHUNK):
            chunk = values[start:start + _CHUNK]
            cursor = self._db.execute_sql(
                f"{_SELECT} WHERE {name} IN ({', '.join('?' * len(chunk))}) ORDER BY id", chunk)
            out += [_link(r) for r in cursor]
        return out


def _row(link: RecordLink, now: str) -> tuple[Any, ...]:
    """The link's values in _COLUMNS order (the values as canonical JSON, so that a
    fingerprint worked out from what is read back is the one of what was synced)."""
    return (link.sf_id, link.sf_object, link.plx_id, link.plx_object, link.step_uid,
            normalise_email(link.email), json_text.canonical(link.sf_values),
            json_text.canonical(link.plx_values), link.sf_url, now, now)


def _link(row: tuple[Any, ...]) -> RecordLink:
    """A link from a row in _READ_COLUMNS order."""
    (link_id, sf_id, sf_object, plx_id, plx_object, step_uid, email, sf_values, plx_values,
     sf_url, created_at, updated_at) = row
    return RecordLink(
        sf_id=sf_id, sf_object=sf_object, plx_id=plx_id, plx_object=plx_object,
        step_uid=step_uid, email=email, sf_values=json_text.loads(sf_values),
        plx_values=json_text.loads(plx_values), sf_url=sf_url, id=link_id,
        created_at=from_text(created_at), updated_at=from_text(updated_at),
    )

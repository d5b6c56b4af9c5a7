"""Record links: which Salesforce record is which PeopleLinx record, and what was last synced.

A Salesforce record is linked to at most one PeopleLinx record (sf_id is unique; upserting a link
for the same sf_id replaces it). A PeopleLinx person may have several links: a Contact and a Lead
with the same email are one person linked to both. The mapped values last synced on each side,
and their fingerprints, let the engine suppress echoes and detect conflicts.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import peewee as pw

from plx_desktop.domain.convert import fingerprint
from plx_desktop.domain.fields import normalise_email
from plx_desktop.store.models import Models
from plx_desktop.store.timestamps import from_text, now_text

_CHUNK = 500  # ids per IN (...) query
_COLUMNS = ("sf_id", "sf_object", "plx_id", "plx_object", "step_uid", "email", "sf_fingerprint",
            "plx_fingerprint", "sf_values", "plx_values", "sf_url", "created_at", "updated_at")
# created_at is kept from the first link; everything else follows the latest sync.
_UPSERT = (f"INSERT INTO record_link ({', '.join(_COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(_COLUMNS))}) ON CONFLICT(sf_id) DO UPDATE SET "
           + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c not in ("sf_id", "created_at")))


@dataclass(frozen=True)
class RecordLink:
    """One link. `sf_object`: Contact / Lead / Task; `plx_object`: person / email / task / call.

    Fingerprints left empty are computed from the values on upsert (domain.convert.fingerprint).
    """

    sf_id: str
    sf_object: str
    plx_id: str
    plx_object: str
    step_uid: str
    email: str = ""
    sf_values: dict[str, Any] = field(default_factory=dict)
    plx_values: dict[str, Any] = field(default_factory=dict)
    sf_url: str = ""
    sf_fingerprint: str = ""
    plx_fingerprint: str = ""
    id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class Links:
    def __init__(self, db: pw.Database, models: Models):
        self._db, self._m = db, models

    def upsert_many(self, links: Iterable[RecordLink]) -> int:
        """Insert or update (by sf_id) many links in one transaction; how many were given."""
        now = now_text()
        rows = [tuple(row[column] for column in _COLUMNS)
                for row in (_row(link, now) for link in links)]
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

    def for_step(self, step_uid: str) -> list[RecordLink]:
        model = self._m.RecordLink
        return [_link(r) for r in model.select().where(model.step_uid == step_uid)]

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
        values = list(dict.fromkeys(values))
        model = self._m.RecordLink
        out: list[RecordLink] = []
        for start in range(0, len(values), _CHUNK):
            chunk = values[start:start + _CHUNK]
            out += [_link(r) for r in model.select().where(column.in_(chunk)).order_by(model.id)]
        return out


def _row(link: RecordLink, now: str) -> dict[str, Any]:
    return {
        "sf_id": link.sf_id, "sf_object": link.sf_object, "plx_id": link.plx_id,
        "plx_object": link.plx_object, "step_uid": link.step_uid,
        "email": normalise_email(link.email),
        "sf_fingerprint": link.sf_fingerprint or (fingerprint(link.sf_values) if link.sf_values
                                                  else ""),
        "plx_fingerprint": link.plx_fingerprint or (fingerprint(link.plx_values)
                                                    if link.plx_values else ""),
        "sf_values": json.dumps(link.sf_values, sort_keys=True, default=str),
        "plx_values": json.dumps(link.plx_values, sort_keys=True, default=str),
        "sf_url": link.sf_url, "created_at": now, "updated_at": now,
    }


def _link(row: Any) -> RecordLink:
    return RecordLink(
        sf_id=row.sf_id, sf_object=row.sf_object, plx_id=row.plx_id, plx_object=row.plx_object,
        step_uid=row.step_uid, email=row.email, sf_values=json.loads(row.sf_values),
        plx_values=json.loads(row.plx_values), sf_url=row.sf_url,
        sf_fingerprint=row.sf_fingerprint, plx_fingerprint=row.plx_fingerprint, id=row.id,
        created_at=from_text(row.created_at), updated_at=from_text(row.updated_at),
    )

"""Ended links: records deleted or merged away on one side, remembered with the person they were.

A link ends when its Salesforce record is deleted or merged away, or its person is deleted in
PeopleLinx. The ended link keeps who was who, so that the step that would otherwise create the
record (or person) again skips it with the reason, an undeleted record finds its person again,
and Sync health can offer to create it again (which forgets the ended link).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import peewee as pw

from plx_desktop.store.links import RecordLink
from plx_desktop.store.timestamps import now_text

DELETED_IN_SALESFORCE = "deleted_in_salesforce"
MERGED_IN_SALESFORCE = "merged_in_salesforce"
DELETED_IN_PEOPLELINX = "deleted_in_peoplelinx"
_CHUNK = 500


@dataclass(frozen=True)
class EndedLink:
    sf_id: str
    sf_object: str
    plx_id: str
    step_uid: str
    reason: str
    master_id: str = ""  # a merge's surviving Salesforce record
    email: str = ""


class EndedLinks:
    def __init__(self, db: pw.Database):
        self._db = db

    def end(self, links: Iterable[RecordLink], reason: str, master_id: str = "") -> list[str]:
        """Delete the links and remember them as ended, in one transaction; their sf ids."""
        links = list(links)
        now = now_text()
        with self._db.atomic():
            for link in links:
                self._db.execute_sql(
                    "INSERT OR REPLACE INTO ended_link (sf_id, sf_object, plx_id, step_uid, reason, "
                    "master_id, email, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (link.sf_id, link.sf_object, link.plx_id, link.step_uid, reason, master_id,
                     link.email, now))
                self._db.execute_sql("DELETE FROM record_link WHERE sf_id = ?", (link.sf_id,))
        return [link.sf_id for link in links]

    def for_sf_ids(self, sf_ids: Iterable[str]) -> dict[str, EndedLink]:
        return {e.sf_id: e for e in self._select("sf_id", sf_ids)}

    def for_plx_ids(self, plx_ids: Iterable[str]) -> dict[str, list[EndedLink]]:
        out: dict[str, list[EndedLink]] = {}
        for ended in self._select("plx_id", plx_ids):
            out.setdefault(ended.plx_id, []).append(ended)
        return out

    def forget(self, sf_ids: Iterable[str] = (), plx_ids: Iterable[str] = ()) -> None:
        """The record is linked (or to be created) again: its ended link goes."""
        with self._db.atomic():
            for column, values in (("sf_id", list(sf_ids)), ("plx_id", list(plx_ids))):
                for start in range(0, len(values), _CHUNK):
                    chunk = values[start:start + _CHUNK]
                    self._db.execute_sql(f"DELETE FROM ended_link WHERE {column} IN "
                                         f"({', '.join('?' * len(chunk))})", chunk)

    def count(self) -> int:
        count: int = self._db.execute_sql("SELECT COUNT(*) FROM ended_link").fetchone()[0]
        return count

    def _select(self, column: str, values: Iterable[str]) -> list[EndedLink]:
        values = list(dict.fromkeys(v for v in values if v))
        out: list[EndedLink] = []
        for start in range(0, len(values), _CHUNK):
            chunk = values[start:start + _CHUNK]
            rows = self._db.execute_sql(
                "SELECT sf_id, sf_object, plx_id, step_uid, reason, master_id, email FROM "
                f"ended_link WHERE {column} IN ({', '.join('?' * len(chunk))})", chunk)
            out += [EndedLink(*row) for row in rows]
        return out

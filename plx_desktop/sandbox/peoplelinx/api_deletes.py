"""Deleting and merging people: DELETE /v1/people/{id}, POST /v1/people/merge, and the list of
deleted people (GET /v1/people/deleted?since=) that integrations read to end their links.

A merge moves the merged people's sequence memberships, activities (emails, tasks, calls), inbox
state and custom fields (those the master has no value for) to the master, then deletes them;
the deleted list names the master in `merged_into`. Activities recorded later for a merged
person's id go to the master (`merged_target`), so nothing in flight is lost.
"""

from __future__ import annotations

import json
from typing import Any

from plx_desktop.sandbox.peoplelinx.errors import fail, json_object
from plx_desktop.sandbox.peoplelinx.paging import list_response, parse_list_query
from plx_desktop.sandbox.peoplelinx.people import get_person
from plx_desktop.sandbox.peoplelinx.store import Store, WriteTx, normalise_timestamp
from plx_desktop.sandbox.web import Request, Response, Router

MAX_MERGED = 10
_ACTIVITY_TABLES = ("emails", "tasks", "calls")
DELETED_SELECT = "SELECT id, email, merged_into, deleted_at FROM deleted_people d"


def deleted_from_row(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "email": row["email"], "merged_into": row["merged_into"],
            "deleted_at": row["deleted_at"]}


def merged_target(tx: WriteTx, person_id: str) -> str:
    """The live person an id stands for: itself, or the master it was merged into (followed)."""
    seen = {person_id}
    while True:
        row = tx.execute("SELECT merged_into FROM deleted_people WHERE id = ?",
                         (person_id,)).fetchone()
        if row is None or not row[0] or row[0] in seen:
            return person_id
        person_id = row[0]
        seen.add(person_id)


def delete_person(tx: WriteTx, person_id: str, merged_into: str | None = None) -> None:
    """Remove a person (and, unless merged, what only they had), and list them as deleted."""
    row = tx.execute("SELECT email FROM people WHERE id = ?", (person_id,)).fetchone()
    if row is None:
        raise fail(404, "not_found", f"No person has the id {person_id}.")
    if merged_into is None:
        for table in (*_ACTIVITY_TABLES, "sequence_memberships"):
            tx.execute(f"DELETE FROM {table} WHERE person_id = ?", (person_id,))
    tx.execute("DELETE FROM inbox_states WHERE person_id = ?", (person_id,))
    tx.execute("DELETE FROM salesforce_deletions WHERE person_id = ?", (person_id,))
    tx.execute("DELETE FROM people WHERE id = ?", (person_id,))
    tx.execute("INSERT OR REPLACE INTO deleted_people (id, email, merged_into, deleted_at) "
               "VALUES (?, ?, ?, ?)", (person_id, row[0], merged_into, tx.now()))


def merge_people(tx: WriteTx, master_id: str, merged_ids: list[str]) -> None:
    master = tx.execute("SELECT custom_fields FROM people WHERE id = ?", (master_id,)).fetchone()
    if master is None:
        raise fail(404, "not_found", f"No person has the id {master_id}.", field="master_id")
    custom = json.loads(master[0])
    for merged_id in merged_ids:
        row = tx.execute("SELECT custom_fields FROM people WHERE id = ?", (merged_id,)).fetchone()
        if row is None:
            raise fail(404, "not_found", f"No person has the id {merged_id}.", field="merged_ids")
        for key, value in json.loads(row[0]).items():
            custom.setdefault(key, value)
        now = tx.now()
        # A membership of a sequence the master is already in stays the master's.
        tx.execute("UPDATE OR IGNORE sequence_memberships SET person_id = ?, updated_at = ? "
                   "WHERE person_id = ?", (master_id, now, merged_id))
        for table in _ACTIVITY_TABLES:
            tx.execute(f"UPDATE {table} SET person_id = ?, updated_at = ? WHERE person_id = ?",
                       (master_id, tx.now(), merged_id))
        tx.execute("UPDATE OR IGNORE inbox_states SET person_id = ? WHERE person_id = ?",
                   (master_id, merged_id))
        tx.execute("DELETE FROM sequence_memberships WHERE person_id = ?", (merged_id,))
        delete_person(tx, merged_id, merged_into=master_id)
    tx.execute("UPDATE people SET custom_fields = ?, updated_at = ? WHERE id = ?",
               (json.dumps(custom), tx.now(), master_id))


class DeletesApi:
    def __init__(self, store: Store):
        self.store = store

    def register(self, router: Router) -> None:
        """Before /v1/people/{person_id}: the router takes the first match."""
        router.add("GET", "/v1/people/deleted", self.deleted)
        router.add("POST", "/v1/people/merge", self.merge)
        router.add("DELETE", "/v1/people/{person_id}", self.delete)

    def deleted(self, request: Request) -> Response:
        query = parse_list_query(request, ("since",), "d.deleted_at")
        since = request.query.get("since")
        if since is not None:
            try:
                query.params.append(normalise_timestamp(since))
            except ValueError:
                raise fail(400, "invalid_parameter", "since must be an RFC 3339 date-time such "
                           f"as 2026-01-31T12:00:00.000000Z (got {since!r}).",
                           field="since") from None
            query.where.append("d.deleted_at >= ?")
        return list_response(self.store, query, DELETED_SELECT, "d.deleted_at", "d.id",
                             deleted_from_row)

    def delete(self, request: Request) -> Response:
        with self.store.write() as tx:
            delete_person(tx, request.params["person_id"])
        return Response.empty(204)

    def merge(self, request: Request) -> Response:
        body = json_object(request)
        master_id, merged = body.get("master_id"), body.get("merged_ids")
        if set(body) - {"master_id", "merged_ids"}:
            raise fail(400, "invalid_request", "The body takes only master_id and merged_ids.")
        if not isinstance(master_id, str) or not master_id:
            raise fail(422, "required_field_missing", "master_id is required.", field="master_id")
        if (not isinstance(merged, list) or not 1 <= len(merged) <= MAX_MERGED
                or not all(isinstance(m, str) for m in merged)):
            raise fail(422, "invalid_value", f"merged_ids takes 1 to {MAX_MERGED} person ids.",
                       field="merged_ids")
        if master_id in merged or len(set(merged)) < len(merged):
            raise fail(422, "invalid_value", "merged_ids must not repeat an id, nor hold the "
                       "master_id.", field="merged_ids")
        with self.store.write() as tx:
            merge_people(tx, master_id, list(merged))
            person = get_person(tx, master_id)
        return Response.json(person)

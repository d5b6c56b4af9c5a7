"""The /v1 engagement endpoints: sequences and their people, inbox states, emails, tasks, calls."""

from __future__ import annotations

from typing import Any

from plx_desktop.sandbox.peoplelinx.errors import fail, json_object
from plx_desktop.sandbox.peoplelinx.paging import list_response, parse_list_query
from plx_desktop.sandbox.peoplelinx.store import Store, new_id
from plx_desktop.sandbox.web import Request, Response, Router

MAX_SEQUENCE_ADD = 500


def row_dict(row: Any) -> dict[str, Any]:
    return {key: row[key] for key in row.keys()}


def inbox_state_dict(row: Any) -> dict[str, Any]:
    return {"person_id": row["person_id"], "state": row["state"], "updated_at": row["updated_at"]}


# Activity lists: table, columns in answer order, filters they take.
ACTIVITY_LISTS = {
    "emails": ("id", "person_id", "direction", "subject", "body", "sent_at", "user_email",
               "updated_at"),
    "tasks": ("id", "person_id", "type", "title", "note", "due_date", "status", "completed_at",
              "user_email", "updated_at"),
    "calls": ("id", "person_id", "direction", "disposition", "duration_seconds", "notes",
              "called_at", "user_email", "updated_at"),
}


class EngagementApi:
    """Handlers for what PeopleLinx does with people: sequences, the inbox, activities."""

    def __init__(self, store: Store):
        self.store = store

    def register(self, router: Router) -> None:
        router.add("GET", "/v1/sequences", self.list_sequences)
        router.add("GET", "/v1/sequences/{sequence_id}", self.get_sequence)
        router.add("GET", "/v1/sequences/{sequence_id}/people", self.sequence_people)
        router.add("POST", "/v1/sequences/{sequence_id}/people", self.add_to_sequence)
        router.add("GET", "/v1/sequence_memberships", self.memberships)
        router.add("GET", "/v1/inbox_states", self.inbox_states)
        for table, columns in ACTIVITY_LISTS.items():
            router.add("GET", f"/v1/{table}", self._activity_list(table, columns))

    def _sequence(self, sequence_id: str) -> Any:
        row = self.store.one("SELECT * FROM sequences WHERE id = ?", (sequence_id,))
        if row is None:
            raise fail(404, "not_found", f"No sequence has the id {sequence_id}.")
        return row

    def list_sequences(self, request: Request) -> Response:
        query = parse_list_query(request, ("status",), "updated_at")
        status = request.query.get("status")
        if status is not None:
            query.where.append("status = ?")
            query.params.append(status)
        return list_response(self.store, query, "SELECT * FROM sequences", "updated_at", "id",
                             row_dict)

    def get_sequence(self, request: Request) -> Response:
        return Response.json(row_dict(self._sequence(request.params["sequence_id"])))

    def sequence_people(self, request: Request) -> Response:
        sequence_id = self._sequence(request.params["sequence_id"])["id"]
        query = parse_list_query(request, ("status",), "updated_at")
        query.where.append("sequence_id = ?")
        query.params.append(sequence_id)
        self._status_filter(request, query)
        return list_response(self.store, query, "SELECT * FROM sequence_memberships",
                             "updated_at", "id", row_dict)

    def memberships(self, request: Request) -> Response:
        query = parse_list_query(request, ("sequence_id", "person_id", "status"), "updated_at")
        for key in ("sequence_id", "person_id"):
            if key in request.query:
                query.where.append(f"{key} = ?")
                query.params.append(request.query[key])
        self._status_filter(request, query)
        return list_response(self.store, query, "SELECT * FROM sequence_memberships",
                             "updated_at", "id", row_dict)

    @staticmethod
    def _status_filter(request: Request, query: Any) -> None:
        if "status" in request.query:
            query.where.append("status = ?")
            query.params.append(request.query["status"])

    def add_to_sequence(self, request: Request) -> Response:
        sequence = self._sequence(request.params["sequence_id"])
        body = json_object(request)
        person_ids = body.get("person_ids")
        if not isinstance(person_ids, list) or not all(isinstance(p, str) for p in person_ids):
            raise fail(400, "invalid_request", "person_ids must be a list of person ids.",
                       field="person_ids")
        if len(person_ids) > MAX_SEQUENCE_ADD:
            raise fail(413, "batch_too_large",
                       f"Add at most {MAX_SEQUENCE_ADD} people per call (got {len(person_ids)}).",
                       field="person_ids")
        if sequence["status"] == "archived":
            raise fail(409, "sequence_archived",
                       f"The sequence {sequence['name']!r} is archived; people cannot be added.")
        results = []
        with self.store.write() as tx:
            for index, person_id in enumerate(person_ids):
                if not tx.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone():
                    results.append({"index": index, "person_id": person_id, "status": 404,
                                    "result": "failed", "error": {
                                        "code": "not_found",
                                        "message": f"No person has the id {person_id}."}})
                    continue
                row = tx.execute("SELECT * FROM sequence_memberships WHERE sequence_id = ? "
                                 "AND person_id = ?", (sequence["id"], person_id)).fetchone()
                if row is not None:
                    results.append({"index": index, "person_id": person_id, "status": 200,
                                    "result": "already_in_sequence", "membership": row_dict(row)})
                    continue
                now, membership_id = tx.now(), new_id("sqm_")
                tx.execute("INSERT INTO sequence_memberships VALUES (?, ?, ?, 'active', ?, ?)",
                           (membership_id, sequence["id"], person_id, now, now))
                row = tx.execute("SELECT * FROM sequence_memberships WHERE id = ?",
                                 (membership_id,)).fetchone()
                results.append({"index": index, "person_id": person_id, "status": 201,
                                "result": "added", "membership": row_dict(row)})
        return Response.json({"data": results})

    def inbox_states(self, request: Request) -> Response:
        query = parse_list_query(request, ("person_id", "state"), "updated_at")
        for key in ("person_id", "state"):
            if key in request.query:
                query.where.append(f"{key} = ?")
                query.params.append(request.query[key])
        return list_response(self.store, query, "SELECT * FROM inbox_states", "updated_at",
                             "person_id", inbox_state_dict)

    def _activity_list(self, table: str, columns: tuple[str, ...]) -> Any:
        select = f"SELECT {', '.join(columns)} FROM {table}"

        def handler(request: Request) -> Response:
            query = parse_list_query(request, ("person_id",), "updated_at")
            if "person_id" in request.query:
                query.where.append("person_id = ?")
                query.params.append(request.query["person_id"])
            return list_response(self.store, query, select, "updated_at", "id", row_dict)

        handler.__name__ = f"list_{table}"
        return handler

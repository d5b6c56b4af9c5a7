"""The /v1 people endpoints: me, people, people fields, saved filters, batch writes."""

from __future__ import annotations

import json
from typing import Any

from plx_desktop.sandbox.peoplelinx.api_deletes import DeletesApi
from plx_desktop.sandbox.peoplelinx.criteria import CriteriaError, compile_criteria
from plx_desktop.sandbox.peoplelinx.errors import ItemError, fail, json_object
from plx_desktop.sandbox.peoplelinx.fields import all_fields
from plx_desktop.sandbox.peoplelinx.paging import list_response, parse_list_query, whole_list
from plx_desktop.sandbox.peoplelinx.people import (
    PERSON_SELECT,
    PeopleWriter,
    get_person,
    person_from_row,
)
from plx_desktop.sandbox.peoplelinx.store import Store
from plx_desktop.sandbox.web import Request, Response, Router

MAX_BATCH = 500
BATCH_OPS = ("create", "update", "upsert")


def filter_from_row(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "criteria": json.loads(row["criteria"]),
            "created_at": row["created_at"], "updated_at": row["updated_at"]}


MAX_IDS = 500  # ids or emails per GET /v1/people?ids= / ?emails=


class PeopleApi:
    """Handlers for people and everything that describes them."""

    def __init__(self, store: Store, account: dict[str, Any]):
        self.store = store
        self.account = account

    def register(self, router: Router) -> None:
        router.add("GET", "/v1/me", self.me)
        DeletesApi(self.store).register(router)
        # Fixed sub-paths before /v1/people/{person_id}: the router takes the first match.
        router.add("GET", "/v1/people/fields", self.fields)
        router.add("GET", "/v1/people/filters", self.filters)
        router.add("GET", "/v1/people/filters/{filter_id}", self.filter)
        router.add("POST", "/v1/people/batch", self.batch)
        router.add("GET", "/v1/people", self.list_people)
        router.add("POST", "/v1/people", self.create)
        router.add("GET", "/v1/people/{person_id}", self.get)
        router.add("PATCH", "/v1/people/{person_id}", self.update)

    def me(self, request: Request) -> Response:
        return Response.json(self.account)

    def fields(self, request: Request) -> Response:
        return whole_list(all_fields(self.store))

    def filters(self, request: Request) -> Response:
        rows = self.store.query("SELECT * FROM saved_filters ORDER BY name, id")
        return whole_list([filter_from_row(r) for r in rows])

    def filter(self, request: Request) -> Response:
        row = self.store.one("SELECT * FROM saved_filters WHERE id = ?",
                             (request.params["filter_id"],))
        if row is None:
            raise fail(404, "not_found", f"No saved filter has the id {request.params['filter_id']}.")
        return Response.json(filter_from_row(row))

    def list_people(self, request: Request) -> Response:
        query = parse_list_query(request, ("email", "emails", "filter_id", "ids"), "p.updated_at")
        for name, column, normalise in (("ids", "p.id", str.strip),
                                        ("emails", "p.email_key", lambda e: e.strip().lower())):
            given = request.query.get(name)
            if given is None:
                continue
            wanted = [v for v in (normalise(part) for part in given.split(",")) if v]
            if not 1 <= len(wanted) <= MAX_IDS:
                raise fail(400, "invalid_parameter", f"{name} takes 1 to {MAX_IDS} "
                           "comma-separated values.", field=name)
            query.where.append(f"{column} IN ({', '.join('?' * len(wanted))})")
            query.params.extend(wanted)
        email = request.query.get("email")
        if email is not None:
            query.where.append("p.email_key = ?")
            query.params.append(email.strip().lower())
        filter_id = request.query.get("filter_id")
        if filter_id is not None:
            row = self.store.one("SELECT criteria FROM saved_filters WHERE id = ?", (filter_id,))
            if row is None:
                raise fail(400, "invalid_parameter", f"No saved filter has the id {filter_id}.",
                           field="filter_id")
            try:
                sql, params = compile_criteria(json.loads(row[0]), all_fields(self.store))
            except CriteriaError as exc:
                raise fail(400, "invalid_filter", f"The saved filter cannot be applied: {exc}",
                           field="filter_id") from None
            query.where.append(sql)
            query.params.extend(params)
        return list_response(self.store, query, PERSON_SELECT, "p.updated_at", "p.id",
                             person_from_row)

    def get(self, request: Request) -> Response:
        person = get_person(self.store, request.params["person_id"])
        if person is None:
            raise fail(404, "not_found", f"No person has the id {request.params['person_id']}.")
        return Response.json(person)

    def create(self, request: Request) -> Response:
        body = json_object(request)
        try:
            with self.store.write() as tx:
                person = PeopleWriter(tx, self.store).create(body)
        except ItemError as exc:
            raise exc.http() from None
        return Response.json(person, 201)

    def update(self, request: Request) -> Response:
        body = json_object(request)
        try:
            with self.store.write() as tx:
                person = PeopleWriter(tx, self.store).update(request.params["person_id"], body)
        except ItemError as exc:
            raise exc.http() from None
        return Response.json(person)

    def batch(self, request: Request) -> Response:
        body = json_object(request)
        items = body.get("items")
        if set(body) - {"items"}:
            raise fail(400, "invalid_request", "The body takes only 'items'.")
        if not isinstance(items, list):
            raise fail(400, "invalid_request", "items must be a list.", field="items")
        if len(items) > MAX_BATCH:
            raise fail(413, "batch_too_large",
                       f"A batch takes at most {MAX_BATCH} items (got {len(items)}).",
                       field="items")
        results = []
        with self.store.write() as tx:
            writer = PeopleWriter(tx, self.store)
            for index, item in enumerate(items):
                tx.execute("SAVEPOINT item")
                try:
                    status, person = self._batch_item(writer, item)
                    results.append({"index": index, "status": status, "person": person})
                    tx.execute("RELEASE item")
                except ItemError as exc:
                    tx.execute("ROLLBACK TO item")
                    tx.execute("RELEASE item")
                    results.append({"index": index, "status": exc.status, "error": exc.body()})
        return Response.json({"data": results})

    @staticmethod
    def _batch_item(writer: PeopleWriter, item: Any) -> tuple[int, dict[str, Any]]:
        if not isinstance(item, dict):
            raise ItemError(400, "invalid_request", "Each item must be a JSON object.")
        unknown = set(item) - {"op", "id", "match_on", "person"}
        if unknown:
            raise ItemError(400, "invalid_request",
                            f"Unknown item key {sorted(unknown)[0]!r}; an item takes op, id, "
                            f"match_on and person.")
        op = item.get("op")
        if op not in BATCH_OPS:
            raise ItemError(400, "invalid_request", "op must be create, update or upsert.",
                            field="op")
        if "person" not in item:
            raise ItemError(400, "invalid_request", "person is required.", field="person")
        if op == "create":
            return 201, writer.create(item["person"])
        if op == "update":
            return 200, writer.update(item.get("id"), item["person"])
        return writer.upsert(item["person"], item.get("match_on"))

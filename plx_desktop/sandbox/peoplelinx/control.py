"""The /__sandbox__/ control endpoints of the PeopleLinx stand-in (no auth, no faults, not counted).

They let tests and demos do what a PeopleLinx user would do in the web app: send emails, log calls
and tasks, move people through sequences, triage the inbox, add custom fields. See docs/SANDBOX.md.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from plx_desktop.sandbox import fake
from plx_desktop.sandbox.peoplelinx.api_deletes import delete_person, merged_target
from plx_desktop.sandbox.peoplelinx.api_engagement import ACTIVITY_LISTS, inbox_state_dict, row_dict
from plx_desktop.sandbox.peoplelinx.api_people import filter_from_row
from plx_desktop.sandbox.peoplelinx.criteria import CriteriaError, compile_criteria
from plx_desktop.sandbox.peoplelinx.errors import ItemError, fail, json_object
from plx_desktop.sandbox.peoplelinx.fields import add_custom_field, all_fields, check_value
from plx_desktop.sandbox.peoplelinx.people import PERSON_SELECT, person_from_row
from plx_desktop.sandbox.peoplelinx.store import WriteTx, new_id
from plx_desktop.sandbox.web import Request, Response, Router, register_clock

if TYPE_CHECKING:
    from plx_desktop.sandbox.peoplelinx.app import PeopleLinxApp

MEMBERSHIP_STATUSES = ("active", "paused", "finished", "replied", "bounced", "opted_out")
INBOX_STATES = ("new", "interested", "not_interested", "meeting_booked", "out_of_office",
                "wrong_person", "unsubscribed")
PREFIX = {"email": "eml_", "task": "tsk_", "call": "cal_"}
TABLE = {"email": "emails", "task": "tasks", "call": "calls"}


def _picklist(*options: str) -> dict[str, Any]:
    return {"type": "picklist", "options": list(options), "max_length": None, "required": False}


def _typed(type_: str, max_length: int | None = None) -> dict[str, Any]:
    return {"type": type_, "options": None, "max_length": max_length, "required": False}


# What each simulated activity accepts, and the default for a field left out ("now": the time).
# `user_email`: the PeopleLinx user who sent the email, owns the task or made the call.
ACTIVITY_FIELDS: dict[str, dict[str, tuple[dict[str, Any], Any]]] = {
    "email": {"direction": (_picklist("outbound", "inbound"), "outbound"),
              "subject": (_typed("string", 255), "(no subject)"),
              "body": (_typed("text", 32000), ""),
              "sent_at": (_typed("datetime"), "now"),
              "user_email": (_typed("email", 255), None)},
    "task": {"type": (_picklist("call", "email", "linkedin", "other"), "other"),
             "title": (_typed("string", 255), "Follow up"),
             "note": (_typed("text", 32000), None),
             "due_date": (_typed("date"), None),
             "status": (_picklist("open", "completed"), "open"),
             "completed_at": (_typed("datetime"), None),
             "user_email": (_typed("email", 255), None)},
    "call": {"direction": (_picklist("outbound", "inbound"), "outbound"),
             "disposition": (_picklist("connected", "left_voicemail", "no_answer", "busy",
                                       "wrong_number"), "connected"),
             "duration_seconds": (_typed("number"), 0),
             "notes": (_typed("text", 32000), None),
             "called_at": (_typed("datetime"), "now"),
             "user_email": (_typed("email", 255), None)},
}


class Control:
    """Handlers for /__sandbox__/."""

    def __init__(self, app: PeopleLinxApp):
        self.app = app
        self.store = app.store

    def register(self, router: Router) -> None:
        p = "/__sandbox__"
        router.add("GET", f"{p}/faults", self.get_faults)
        router.add("POST", f"{p}/faults", self.set_faults)
        self.app.calls.register(router)
        register_clock(router, self.app.clock)
        router.add("POST", f"{p}/reset", self.reset)
        router.add("POST", f"{p}/seed", self.seed)
        router.add("POST", f"{p}/activity", self.activity)
        router.add("POST", f"{p}/sequence-status", self.sequence_status)
        router.add("POST", f"{p}/inbox-state", self.inbox_state)
        router.add("POST", f"{p}/fields", self.add_field)
        router.add("POST", f"{p}/filters", self.add_filter)
        router.add("GET", f"{p}/people", self.people)
        router.add("POST", f"{p}/delete-person", self.delete_person)

    def get_faults(self, request: Request) -> Response:
        return Response.json(self.app.faults.as_dict())

    def set_faults(self, request: Request) -> Response:
        body = json_object(request)
        try:
            self.app.faults.configure(latency_ms=body.get("latency_ms"),
                                      fail_rate=body.get("fail_rate"), kinds=body.get("kinds"),
                                      seed=body.get("seed"), poison=body.get("poison"),
                                      poison_kind=body.get("poison_kind"))
        except (ValueError, TypeError) as exc:
            raise fail(400, "invalid_request", str(exc)) from None
        return Response.json(self.app.faults.as_dict())

    def reset(self, request: Request) -> Response:
        self.app.reset()
        return Response.json({"ok": True})

    def seed(self, request: Request) -> Response:
        value = json_object(request).get("seed", "demo")
        if str(value) == "demo":
            population, demo = fake.demo_population(), True
        elif str(value).isdigit() and int(value) > 0:
            population, demo = fake.bulk_population(int(value)), False
        else:
            raise fail(400, "invalid_request", 'seed must be "demo" or a positive number.')
        self.app.reset()
        self.app.seed(population, demo)
        count = self.store.one("SELECT COUNT(*) FROM people")[0]
        return Response.json({"ok": True, "people": count})

    def _person_id(self, tx: WriteTx, body: dict[str, Any]) -> str:
        person_id = body.get("person_id")
        if isinstance(person_id, str):
            person_id = merged_target(tx, person_id)  # a merged person's activity: the master's
        if not isinstance(person_id, str) or not tx.execute(
                "SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone():
            raise ItemError(404, "not_found", f"No person has the id {person_id}.")
        return person_id

    def activity(self, request: Request) -> Response:
        body = json_object(request)
        kind = body.get("kind")
        if kind not in ACTIVITY_FIELDS:
            raise fail(400, "invalid_request", "kind must be email, task or call.")
        spec = ACTIVITY_FIELDS[kind]
        unknown = set(body) - set(spec) - {"kind", "person_id", "id"}
        if unknown:
            raise fail(400, "invalid_request",
                       f"Unknown key {sorted(unknown)[0]!r}; a {kind} takes {', '.join(spec)}.")
        table = TABLE[kind]
        try:
            with self.store.write() as tx:
                values = {key: check_value({**field, "key": key}, body[key], key)
                          for key, (field, _) in spec.items() if key in body}
                duration = values.get("duration_seconds")
                if duration is not None and (not isinstance(duration, int) or duration < 0):
                    raise ItemError(400, "invalid_request",
                                    "duration_seconds must be a whole number of seconds.")
                existing = body.get("id")
                if existing is not None:
                    if not tx.execute(f"SELECT 1 FROM {table} WHERE id = ?",
                                      (existing,)).fetchone():
                        raise ItemError(404, "not_found", f"No {kind} has the id {existing}.")
                    if "person_id" in body:
                        values["person_id"] = self._person_id(tx, body)
                    activity_id = existing
                    if kind == "task" and values.get("status") == "completed" \
                            and "completed_at" not in values:
                        values["completed_at"] = tx.now()
                else:
                    activity_id = new_id(PREFIX[kind])
                    now = tx.now()
                    for key, (_, default) in spec.items():
                        if values.get(key) is None:
                            values[key] = now if default == "now" else default
                    if kind == "task" and values["status"] == "completed" \
                            and values["completed_at"] is None:
                        values["completed_at"] = now
                    values["person_id"] = self._person_id(tx, body)
                values["updated_at"] = tx.now()
                if existing is None:
                    values["id"] = activity_id
                    tx.execute(f"INSERT INTO {table} ({', '.join(values)}) "
                               f"VALUES ({', '.join('?' * len(values))})", tuple(values.values()))
                else:
                    sets = ", ".join(f"{k} = ?" for k in values)
                    tx.execute(f"UPDATE {table} SET {sets} WHERE id = ?",
                               (*values.values(), activity_id))
                row = tx.execute(f"SELECT {', '.join(ACTIVITY_LISTS[table])} FROM {table} "
                                 "WHERE id = ?", (activity_id,)).fetchone()
        except ItemError as exc:
            raise exc.http() from None
        return Response.json(row_dict(row), 200 if existing else 201)

    def sequence_status(self, request: Request) -> Response:
        body = json_object(request)
        status = body.get("status")
        if status not in MEMBERSHIP_STATUSES:
            raise fail(400, "invalid_request",
                       f"status must be one of {', '.join(MEMBERSHIP_STATUSES)}.")
        try:
            with self.store.write() as tx:
                person_id = self._person_id(tx, body)
                sequence_id = body.get("sequence_id")
                if not tx.execute("SELECT 1 FROM sequences WHERE id = ?",
                                  (sequence_id,)).fetchone():
                    raise ItemError(404, "not_found", f"No sequence has the id {sequence_id}.")
                now = tx.now()
                tx.execute(
                    "INSERT INTO sequence_memberships VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (sequence_id, person_id) DO UPDATE SET status = excluded.status, "
                    "updated_at = excluded.updated_at",
                    (new_id("sqm_"), sequence_id, person_id, status, now, now))
                row = tx.execute("SELECT * FROM sequence_memberships WHERE sequence_id = ? AND "
                                 "person_id = ?", (sequence_id, person_id)).fetchone()
        except ItemError as exc:
            raise exc.http() from None
        return Response.json(row_dict(row))

    def inbox_state(self, request: Request) -> Response:
        body = json_object(request)
        state = body.get("state")
        if state not in INBOX_STATES:
            raise fail(400, "invalid_request", f"state must be one of {', '.join(INBOX_STATES)}.")
        try:
            with self.store.write() as tx:
                person_id = self._person_id(tx, body)
                tx.execute("INSERT OR REPLACE INTO inbox_states VALUES (?, ?, ?)",
                           (person_id, state, tx.now()))
                row = tx.execute("SELECT * FROM inbox_states WHERE person_id = ?",
                                 (person_id,)).fetchone()
        except ItemError as exc:
            raise exc.http() from None
        return Response.json(inbox_state_dict(row))

    def add_field(self, request: Request) -> Response:
        body = json_object(request)
        try:
            with self.store.write() as tx:
                field = add_custom_field(tx, body)
        except ItemError as exc:
            raise exc.http() from None
        return Response.json(field, 201)

    def add_filter(self, request: Request) -> Response:
        body = json_object(request)
        name, criteria = body.get("name"), body.get("criteria")
        if not isinstance(name, str) or not name.strip():
            raise fail(400, "invalid_request", "name is required.")
        try:
            compile_criteria(criteria, all_fields(self.store))
        except CriteriaError as exc:
            raise fail(400, "invalid_filter", str(exc)) from None
        with self.store.write() as tx:
            now, filter_id = tx.now(), new_id("flt_")
            tx.execute("INSERT INTO saved_filters VALUES (?, ?, ?, ?, ?)",
                       (filter_id, name.strip(), json.dumps(criteria), now, now))
        row = self.store.one("SELECT * FROM saved_filters WHERE id = ?", (filter_id,))
        return Response.json(filter_from_row(row), 201)

    def people(self, request: Request) -> Response:
        rows = self.store.query(f"{PERSON_SELECT} ORDER BY p.updated_at, p.id")
        return Response.json({"data": [person_from_row(r) for r in rows], "next_cursor": None})

    def delete_person(self, request: Request) -> Response:
        """A PeopleLinx user deletes a person (as DELETE /v1/people/{id} does)."""
        person_id = json_object(request).get("person_id")
        if not isinstance(person_id, str):
            raise fail(400, "invalid_request", "person_id is required.", field="person_id")
        with self.app.store.write() as tx:
            delete_person(tx, person_id)
        return Response.json({"deleted": person_id})

"""Helpers for the engine's end-to-end tests: read both sandbox services back, edit them as a user
would, and build Custom profiles. Reads go through the control endpoints (over HTTPS) or the
in-process apps, never through the engine's own clients.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import requests

from plx_desktop.connectors.peoplelinx import PeopleLinxClient
from plx_desktop.connectors.retry import NO_WAIT
from plx_desktop.domain import Profile, ProfileKind, custom_profile
from plx_desktop.store import LogEntry, Store


class Control:
    """The sandbox's /__sandbox__/ endpoints of both services, over HTTPS with the sandbox CA."""

    def __init__(self, sandbox: Any):
        self.info = sandbox.info
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.verify = self.info.ca_file

    def _sf(self, method: str, path: str, body: Any = None) -> Any:
        url = f"{self.info.salesforce_instance_url}/__sandbox__/{path}"
        response = self.http.request(method, url, json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def _plx(self, method: str, path: str, body: Any = None) -> Any:
        url = f"{self.info.peoplelinx_base_url}/__sandbox__/{path}"
        response = self.http.request(method, url, json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    # -- Salesforce ----------------------------------------------------------------------------
    def sf_records(self, sobject: str) -> list[dict[str, Any]]:
        """Every live record of the object."""
        return [r for r in self._sf("GET", f"records/{sobject}")["records"]
                if not r.get("IsDeleted")]

    def convert_lead(self, lead_id: str) -> dict[str, Any]:
        return self._sf("POST", "convert-lead", {"lead_id": lead_id})

    def sf_limits(self, **values: int) -> dict[str, Any]:
        return self._sf("POST", "limits", values) if values else self._sf("GET", "limits")

    def sf_faults(self, **values: Any) -> dict[str, Any]:
        return self._sf("POST", "faults", values)

    def sf_control(self, method: str, path: str, body: Any = None) -> Any:
        """Any Salesforce control endpoint (users, assignment-rule, duplicate-rule, ...)."""
        return self._sf(method, path, body)

    def sf_user(self, name: str, email: str | None = None) -> str:
        """A new active user of the org (users outlive a reset: the username is made unique)."""
        import secrets

        username = f"{name}-{secrets.token_hex(4)}@plx-sandbox.example.com"
        return self._sf("POST", "users", {"username": username, "email": email or username,
                                          "first_name": name.title(), "last_name": "Rep"})["id"]

    def sf_calls(self) -> dict[str, Any]:
        return self._sf("GET", "calls")

    def sf_clear_calls(self) -> None:
        self._sf("DELETE", "calls")

    def late_commit(self, sobject: str, seconds_ago: float, record_id: str | None = None,
                    **fields: Any) -> str:
        """A create (or update) committed now, stamped seconds_ago in the past; its id."""
        body = {"object": sobject, "fields": fields, "seconds_ago": seconds_ago}
        return self._sf("POST", "late-commit", body | ({"id": record_id} if record_id else {}))["id"]

    def merge(self, sobject: str, master_id: str, *merged_ids: str) -> dict[str, Any]:
        return self._sf("POST", "merge", {"object": sobject, "master_id": master_id,
                                          "merged_ids": list(merged_ids)})

    def undelete(self, *ids: str) -> dict[str, Any]:
        return self._sf("POST", "undelete", {"ids": list(ids)})

    def empty_recycle_bin(self, sobject: str | None = None) -> dict[str, Any]:
        return self._sf("POST", "empty-recycle-bin", {"object": sobject} if sobject else {})

    # -- PeopleLinx ----------------------------------------------------------------------------
    def people(self) -> list[dict[str, Any]]:
        data = self._plx("GET", "people")
        return data["data"] if isinstance(data, dict) else data

    def activity(self, kind: str, person_id: str, **fields: Any) -> dict[str, Any]:
        return self._plx("POST", "activity", {"kind": kind, "person_id": person_id, **fields})

    def sequence_status(self, person_id: str, sequence_id: str, status: str) -> Any:
        return self._plx("POST", "sequence-status",
                         {"person_id": person_id, "sequence_id": sequence_id, "status": status})

    def inbox_state(self, person_id: str, state: str) -> Any:
        return self._plx("POST", "inbox-state", {"person_id": person_id, "state": state})

    def delete_person(self, person_id: str) -> dict[str, Any]:
        """A PeopleLinx user deletes a person."""
        return self._plx("POST", "delete-person", {"person_id": person_id})

    def add_filter(self, name: str, criteria: Any) -> dict[str, Any]:
        return self._plx("POST", "filters", {"name": name, "criteria": criteria})

    def plx_faults(self, **values: Any) -> dict[str, Any]:
        return self._plx("POST", "faults", values)


def plx_client(sandbox: Any) -> PeopleLinxClient:
    """A PeopleLinx user's client (editing people as someone in the web app would)."""
    info = sandbox.info
    return PeopleLinxClient(info.peoplelinx_base_url, info.peoplelinx_api_key,
                            ca_file=info.ca_file, retry=NO_WAIT)


def by_email(records: Iterable[dict[str, Any]], key: str = "Email") -> dict[str, list[dict]]:
    """Records grouped by trimmed lower-case email (records without one are left out)."""
    out: dict[str, list[dict]] = {}
    for record in records:
        email = (record.get(key) or "").strip().lower()
        if email:
            out.setdefault(email, []).append(record)
    return out


def duplicates(records: Iterable[dict[str, Any]], key: str = "Email") -> dict[str, int]:
    counts = Counter((r.get(key) or "").strip().lower() for r in records)
    return {email: n for email, n in counts.items() if email and n > 1}


def custom_with(store: Store, *kinds: str, edit: Callable[[Profile, list], None] | None = None,
                ) -> Profile:
    """Save (and activate) a Custom profile with one step of each kind, in order; `edit` may
    change it through the domain's Profile API before it is saved. Returns the saved profile."""
    profile = custom_profile()
    steps = [profile.add_step(kind) for kind in kinds]
    if edit is not None:
        edit(profile, steps)
    store.profiles.save(profile)
    store.profiles.set_active_kind(ProfileKind.CUSTOM)
    return store.profiles.load(ProfileKind.CUSTOM)


def totals(summary: Any) -> dict[str, int]:
    return {key: sum(getattr(s, key) for s in summary.steps)
            for key in ("created", "updated", "skipped", "failed", "conflicts")}


def log_of(store: Store, *, outcomes: Iterable[str] | None = None, code: str | None = None,
           run_id: int | None = None) -> list[LogEntry]:
    entries = store.log.read(outcomes=list(outcomes) if outcomes else None, limit=100_000)
    return [e for e in entries if (code is None or e.error_code == code)
            and (run_id is None or e.run_id == run_id)]


def wait_until(condition: Callable[[], Any], timeout: float = 30.0, every: float = 0.02) -> Any:
    """Wait on a condition (not a fixed time): its first truthy value, or AssertionError."""
    pause = threading.Event()
    deadline = timeout / every
    for _ in range(int(deadline) + 1):
        value = condition()
        if value:
            return value
        pause.wait(every)
    raise AssertionError(f"condition not met within {timeout} s")


def move_clock_past(sandbox: Any, stamp: datetime) -> None:
    """Move the sandbox clock (both services') 2 ms past `stamp`, so that the next change on
    either side is stamped later, without waiting on the wall clock."""
    ahead = (stamp - sandbox.clock.datetime()).total_seconds()
    sandbox.clock.advance(max(0.0, ahead) + 0.002)


def emptied(sandbox: Any) -> Any:
    """Both services with no records (the demo seed is too big for a test about three people)."""
    sandbox.salesforce.reset()
    sandbox.peoplelinx.reset()
    return sandbox


def sf_create(sandbox: Any, sobject: str, **values: Any) -> str:
    """Create a record as a Salesforce user would; its id."""
    result = sandbox.salesforce.org.create(sobject, values)
    assert result.success, result.errors
    return result.id


def assert_in_agreement(control: Control) -> None:
    """Every record on one side has its counterpart on the other, once, with the same names."""
    people = by_email(control.people(), "email")
    contacts = by_email(control.sf_records("Contact"))
    leads = by_email(control.sf_records("Lead"))
    assert duplicates(control.people(), "email") == {}
    assert duplicates(control.sf_records("Contact")) == {}
    assert duplicates(control.sf_records("Lead")) == {}
    assert set(people) == set(contacts) | set(leads)
    for email, [person] in people.items():
        records = contacts.get(email, []) + leads.get(email, [])
        for record in records:
            assert (record["FirstName"], record["LastName"]) == (person["first_name"],
                                                                 person["last_name"])
        if email in contacts:
            assert person["salesforce_contact_id"] == contacts[email][0]["Id"]
        if email in leads:
            assert person["salesforce_lead_id"] == leads[email][0]["Id"]
        assert person["synced_with_salesforce"] is True


def run_engine_child(data_dir: str, tuning: dict[str, int]) -> None:
    """A child process's whole life: one sync run (the crash tests kill it part way)."""
    from pathlib import Path

    from plx_desktop.sync.context import Tuning
    from plx_desktop.sync.service import run_sync, sandbox_connections

    path = Path(data_dir)
    run_sync(path, sandbox_connections(path), retry=NO_WAIT, tuning=Tuning(**tuning))


def handling(now_handling: set[threading.Thread] | None = None) -> set[threading.Thread]:
    """The sandbox's connection threads (one per client connection), less those given."""
    return {t for t in threading.enumerate() if t.name.endswith("(process_request_thread)")
            and t.is_alive()} - (now_handling or set())


class CommitWatch:
    """The run's events, keeping what each commit of one step handed to the listener: the ids
    it logged (`id_field`: "sf_id" or "plx_id") and the step's cursor as the store holds it
    right then (read through the test's own connection)."""

    def __init__(self, store: Store, step_label: str, id_field: str):
        self.store, self.step_label, self.id_field = store, step_label, id_field
        self.seen: list[tuple[list[str], str | None]] = []
        self.step_uid = ""

    def progress(self, p: Any) -> None:
        if p.step_label == self.step_label:
            self.step_uid = p.step_uid

    def api_usage(self, used: int, limit: int) -> None:
        pass

    def log_entries(self, entries: list[LogEntry]) -> None:
        mine = [getattr(e, self.id_field) for e in entries
                if e.step_label == self.step_label and getattr(e, self.id_field)]
        if mine:
            self.seen.append((mine, self.store.cursors.get(entries[0].step_uid)))

"""The PeopleLinx API client the app and the sync engine use (the contract: docs/peoplelinx-openapi.yaml).

Reads page through cursor-paged lists (`iter_*` yield one page, a list of dicts, at a time);
writes go through the batch endpoints, chunked to the service's limits. Every failure is one of
connectors.errors' exceptions; transient ones are retried with the given RetryPolicy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from plx_desktop.connectors.errors import RequestError, TransientError
from plx_desktop.connectors.peoplelinx_http import DEFAULT_TIMEOUT, Transport
from plx_desktop.connectors.peoplelinx_types import (
    BatchItem,
    ItemError,
    ItemResult,
    SequenceAddResult,
    format_timestamp,
)
from plx_desktop.connectors.retry import RetryPolicy

MAX_PAGE_SIZE = 1000
MAX_BATCH = 500  # items per POST /v1/people/batch, and people per POST /v1/sequences/{id}/people

Since = str | dt.datetime | None


def _segment(value: str) -> str:
    return quote(value, safe="")


class PeopleLinxClient:
    """A connection to one PeopleLinx account, authenticated by its API key.

    Thread-safe: each call in flight has an HTTPS session of its own (peoplelinx_http). Use as a context manager
    or call close().
    """

    def __init__(self, base_url: str, api_key: str, *, ca_file: str | Path | None = None,
                 retry: RetryPolicy | None = None,
                 timeout: tuple[float, float] = DEFAULT_TIMEOUT, pool_size: int = 4):
        """`ca_file`: a CA bundle to trust (the sandbox's ca.pem, a corporate CA); None: the
        system store. `retry`: how to retry transient failures (tests pass retry.NO_WAIT)."""
        self._http = Transport(base_url, api_key, ca_file=ca_file, retry=retry or RetryPolicy(),
                               timeout=timeout, pool_size=pool_size)

    @property
    def base_url(self) -> str:
        return self._http.base_url

    @property
    def calls_made(self) -> int:
        """HTTP requests sent so far, retries included."""
        return self._http.calls_made

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PeopleLinxClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PeopleLinxClient({self.base_url!r})"

    # -- account and metadata -----------------------------------------------------------------
    def me(self) -> dict[str, Any]:
        """The account and user the API key belongs to ("Test the key")."""
        return self._object("GET", "/v1/me")

    def people_fields(self) -> list[dict[str, Any]]:
        """Every people field (standard and custom): key, label, type, custom, required,
        read_only, max_length, options."""
        return self._all("/v1/people/fields")

    def saved_filters(self) -> list[dict[str, Any]]:
        """Saved People filters: id, name, criteria."""
        return self._all("/v1/people/filters")

    def saved_filter(self, filter_id: str) -> dict[str, Any]:
        return self._object("GET", f"/v1/people/filters/{_segment(filter_id)}")

    # -- people -------------------------------------------------------------------------------
    def iter_people(self, updated_since: Since = None, filter_id: str | None = None,
                    email: str | None = None,
                    page_size: int = MAX_PAGE_SIZE) -> Iterator[list[dict[str, Any]]]:
        """Pages of people in (updated_at, id) order; `updated_since` is inclusive."""
        return self._pages("/v1/people", {"updated_since": updated_since, "filter_id": filter_id,
                                          "email": email}, page_size)

    def get_people(self, person_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Many people by id, 500 a call; {id: person}, unknown ids left out."""
        found: dict[str, dict[str, Any]] = {}
        ids = list(dict.fromkeys(person_ids))
        for start in range(0, len(ids), MAX_BATCH):
            chunk = ",".join(ids[start:start + MAX_BATCH])
            for page in self._pages("/v1/people", {"ids": chunk}, MAX_PAGE_SIZE):
                found.update((p["id"], p) for p in page)
        return found

    def find_people_by_email(self, emails: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Many people by email, 500 a call; {normalised email: person}, unknown ones left out.

        An email with a comma cannot be looked up this way (the list is comma-separated)."""
        found: dict[str, dict[str, Any]] = {}
        wanted = list(dict.fromkeys(e.strip().lower() for e in emails if e and "," not in e))
        for start in range(0, len(wanted), MAX_BATCH):
            chunk = ",".join(wanted[start:start + MAX_BATCH])
            for page in self._pages("/v1/people", {"emails": chunk}, MAX_PAGE_SIZE):
                found.update((p["email"].strip().lower(), p) for p in page if p.get("email"))
        return found

    def find_person_by_email(self, email: str) -> dict[str, Any] | None:
        """The person with this email (case-insensitive), or None."""
        for page in self.iter_people(email=email, page_size=1):
            return page[0] if page else None
        return None

    def get_person(self, person_id: str) -> dict[str, Any]:
        return self._object("GET", f"/v1/people/{_segment(person_id)}")

    def create_person(self, person: Mapping[str, Any]) -> dict[str, Any]:
        """Create one person; RequestError(code="duplicate_email") if the email is taken."""
        return self._object("POST", "/v1/people", json=dict(person))

    def update_person(self, person_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Change some fields (custom_fields merge; null clears); the whole person back."""
        return self._object("PATCH", f"/v1/people/{_segment(person_id)}", json=dict(changes))

    def delete_person(self, person_id: str) -> bool:
        """Delete one person; False when nobody has that id (already deleted: a retried call
        whose first try went through answers 404)."""
        try:
            self._http.call("DELETE", f"/v1/people/{_segment(person_id)}")
        except RequestError as exc:
            if exc.code == "not_found":
                return False
            raise
        return True

    def merge_people(self, master_id: str, merged_ids: Sequence[str]) -> dict[str, Any]:
        """Merge people into the master (memberships, activities, custom fields move to it; the
        merged people are deleted); the master back."""
        return self._object("POST", "/v1/people/merge",
                            json={"master_id": master_id, "merged_ids": list(merged_ids)})

    def iter_deleted_people(self, since: Since = None,
                            page_size: int = MAX_PAGE_SIZE) -> Iterator[list[dict[str, Any]]]:
        """Pages of deleted people (id, email, merged_into, deleted_at) in (deleted_at, id)
        order; `since` is inclusive."""
        return self._pages("/v1/people/deleted", {"since": since}, page_size)

    def batch_people(self, items: Sequence[BatchItem | Mapping[str, Any]]) -> list[ItemResult]:
        """Create / update / upsert many people; one result per item, in input order.

        Sent in chunks of MAX_BATCH; one item's refusal never stops the others.
        """
        results: list[ItemResult] = []
        for start in range(0, len(items), MAX_BATCH):
            chunk = [i.to_json() if isinstance(i, BatchItem) else dict(i)
                     for i in items[start:start + MAX_BATCH]]
            answer = self._http.call("POST", "/v1/people/batch", json={"items": chunk})
            data = self._data(answer, "/v1/people/batch", len(chunk))
            for n, result in enumerate(data):
                error = result.get("error")
                results.append(ItemResult(start + n, int(result["status"]), result.get("person"),
                                          ItemError.from_json(error) if error else None))
        return results

    # -- sequences ----------------------------------------------------------------------------
    def sequences(self) -> list[dict[str, Any]]:
        """Every sequence: id, name, status (active|paused|archived), step_count."""
        return self._all("/v1/sequences")

    def get_sequence(self, sequence_id: str) -> dict[str, Any]:
        return self._object("GET", f"/v1/sequences/{_segment(sequence_id)}")

    def iter_sequence_people(self, sequence_id: str, updated_since: Since = None,
                             page_size: int = MAX_PAGE_SIZE) -> Iterator[list[dict[str, Any]]]:
        """Pages of one sequence's memberships (id, sequence_id, person_id, status, ...)."""
        return self._pages(f"/v1/sequences/{_segment(sequence_id)}/people",
                           {"updated_since": updated_since}, page_size)

    def add_to_sequence(self, sequence_id: str,
                        person_ids: Sequence[str]) -> list[SequenceAddResult]:
        """Add people to a sequence; one result per id, in order. Someone already in it gets
        result "already_in_sequence" (not an error). RequestError for an archived sequence."""
        results: list[SequenceAddResult] = []
        path = f"/v1/sequences/{_segment(sequence_id)}/people"
        for start in range(0, len(person_ids), MAX_BATCH):
            chunk = list(person_ids[start:start + MAX_BATCH])
            data = self._data(self._http.call("POST", path, json={"person_ids": chunk}), path,
                              len(chunk))
            for n, result in enumerate(data):
                error = result.get("error")
                results.append(SequenceAddResult(
                    start + n, result["person_id"], int(result["status"]), result["result"],
                    result.get("membership"), ItemError.from_json(error) if error else None))
        return results

    # -- incremental reads for the sync ------------------------------------------------------
    def iter_sequence_memberships(self, updated_since: Since = None,
                                  page_size: int = MAX_PAGE_SIZE) -> Iterator[list[dict[str, Any]]]:
        """Pages of memberships across all sequences (id, sequence_id, person_id, status)."""
        return self._pages("/v1/sequence_memberships", {"updated_since": updated_since}, page_size)

    def iter_inbox_states(self, updated_since: Since = None,
                          page_size: int = MAX_PAGE_SIZE) -> Iterator[list[dict[str, Any]]]:
        """Pages of inbox states (person_id, state, updated_at)."""
        return self._pages("/v1/inbox_states", {"updated_since": updated_since}, page_size)

    def iter_emails(self, updated_since: Since = None,
                    page_size: int = MAX_PAGE_SIZE) -> Iterator[list[dict[str, Any]]]:
        """Pages of emails (id, person_id, direction, subject, body, sent_at, user_email: the
        sender, updated_at)."""
        return self._pages("/v1/emails", {"updated_since": updated_since}, page_size)

    def iter_tasks(self, updated_since: Since = None,
                   page_size: int = MAX_PAGE_SIZE) -> Iterator[list[dict[str, Any]]]:
        """Pages of tasks (id, person_id, type, title, note, due_date, status, completed_at,
        user_email: the task's owner)."""
        return self._pages("/v1/tasks", {"updated_since": updated_since}, page_size)

    def iter_calls(self, updated_since: Since = None,
                   page_size: int = MAX_PAGE_SIZE) -> Iterator[list[dict[str, Any]]]:
        """Pages of calls (id, person_id, direction, disposition, duration_seconds, notes,
        user_email: who made the call)."""
        return self._pages("/v1/calls", {"updated_since": updated_since}, page_size)

    # -- plumbing -----------------------------------------------------------------------------
    def _pages(self, path: str, filters: Mapping[str, Any],
               page_size: int) -> Iterator[list[dict[str, Any]]]:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}")
        params = {k: format_timestamp(v) if isinstance(v, dt.datetime) else v
                  for k, v in filters.items() if v is not None}
        params["limit"] = page_size

        def pages() -> Iterator[list[dict[str, Any]]]:
            cursor = None
            while True:
                query = {**params, "cursor": cursor} if cursor else params
                answer = self._http.call("GET", path, params=query)
                yield self._data(answer, path)
                cursor = answer.get("next_cursor")
                if not cursor:
                    return

        return pages()

    def _all(self, path: str) -> list[dict[str, Any]]:
        return [item for page in self._pages(path, {}, MAX_PAGE_SIZE) for item in page]

    def _object(self, method: str, path: str, *, json: Any = None) -> dict[str, Any]:
        """A call whose answer is one JSON object (a person, a filter, the account...)."""
        answer: dict[str, Any] = self._http.call(method, path, json=json)
        return answer

    @staticmethod
    def _data(answer: Any, path: str, expected: int | None = None) -> list[dict[str, Any]]:
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, list) or (expected is not None and len(data) != expected):
            raise TransientError(f"PeopleLinx {path}: the answer did not have the expected shape")
        return data


def account_label(me: dict[str, Any]) -> str:
    """A readable name for GET /v1/me's answer, whatever shape the account takes."""
    account = me.get("account")
    if isinstance(account, dict) and account.get("name"):
        return str(account["name"])
    for key in ("account_name", "name", "email", "id"):
        if me.get(key):
            return str(me[key])
    return "PeopleLinx account"

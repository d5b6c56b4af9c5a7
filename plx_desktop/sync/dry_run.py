"""Preview: the engine's clients with every write answered as the service would, without writing.

Deny by default: a preview client forwards only the reads it lists (`READS`), so a preview costs
read calls only; each write it knows is answered from one read where the answer depends on what
exists (an upsert creates or updates, a PeopleLinx upsert by email matches someone or not), so the
preview's created/updated/skipped are those of a real run as of now. Any other method (a write
added to a client later, say) is refused with `PreviewRefused`, never passed through. Steps of one
run preview independently: what an earlier step would have written is not there for the later
ones to see.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import count
from typing import Any

from plx_desktop.connectors.peoplelinx import PeopleLinxClient
from plx_desktop.connectors.peoplelinx_types import BatchItem, ItemResult, SequenceAddResult
from plx_desktop.connectors.salesforce import SalesforceClient
from plx_desktop.connectors.salesforce_models import RecordResult

_NEW = count(1)


class PreviewRefused(AttributeError):
    """A preview was asked for a client method it does not know to be a read: refused, so that
    a write nobody taught the preview about can never reach a service during a preview. (An
    AttributeError, so that `hasattr` and `copy` treat the method as absent.)"""


def _forward(client: object, name: str, reads: frozenset[str]) -> Any:
    if name in reads:
        return getattr(client, name)
    raise PreviewRefused(f"A preview does not call {type(client).__name__}.{name}: only the reads "
                         "it lists pass, and the writes it answers itself")


def _new_id(kind: str) -> str:
    return f"(new {kind} {next(_NEW)})"


class PreviewSalesforce:
    """A SalesforceClient whose writes are answered, not made."""

    # What passes to the real client: reads, and the client's bookkeeping (`retry` is read by
    # inflight.create_once, `connection` for record URLs).
    READS = frozenset({"describe", "describe_global", "iter_query", "iter_query_in", "iter_changed",
                       "changed_soql", "deleted_ids", "bulk_query", "userinfo", "limits",
                       "api_usage", "server_time", "calls_made", "connection", "retry",
                       "usage_cap", "close"})

    def __init__(self, sf: SalesforceClient):
        self._sf = sf

    def __getattr__(self, name: str) -> Any:  # only for what the class does not define
        return _forward(self.__dict__.get("_sf"), name, self.READS)

    # The org-rule options (assign, allow_duplicates, assignment_rule_id) change nothing here.
    def create(self, sobject: str, records: list[dict[str, Any]], **_rules: Any) -> list[RecordResult]:
        return [RecordResult(_new_id(sobject), True, True) for _ in records]

    def update(self, sobject: str, records: list[dict[str, Any]], **_rules: Any) -> list[RecordResult]:
        return [RecordResult(r.get("Id"), True, False) for r in records]

    def upsert(self, sobject: str, ext_field: str, records: list[dict[str, Any]],
               **_rules: Any) -> list[RecordResult]:
        values = [str(r.get(ext_field)) for r in records if r.get(ext_field)]
        existing: dict[str, str] = {}
        for page in self._sf.iter_query_in(f"SELECT Id, {ext_field} FROM {sobject} "
                                           f"WHERE {ext_field} IN {{}}", values):
            existing.update((str(r[ext_field]), r["Id"]) for r in page)
        out = []
        for record in records:
            found = existing.get(str(record.get(ext_field)))
            out.append(RecordResult(found or _new_id(sobject), True, found is None))
        return out

    bulk_upsert = upsert

    def delete(self, ids: list[str]) -> list[RecordResult]:
        return [RecordResult(i, True, False) for i in ids]


class PreviewPeopleLinx:
    """A PeopleLinxClient whose writes are answered, not made."""

    READS = frozenset({"me", "people_fields", "saved_filters", "saved_filter", "iter_people",
                       "get_people", "find_people_by_email", "find_person_by_email",
                       "get_person", "iter_deleted_people", "sequences", "get_sequence",
                       "iter_sequence_people", "iter_sequence_memberships", "iter_inbox_states",
                       "iter_emails", "iter_tasks", "iter_calls", "base_url", "calls_made",
                       "close"})
    # Writes the engine never makes (it writes people through batch_people): refused like any
    # method not listed, and named here so that a new method is a decision (the preview tests).
    REFUSED = frozenset({"create_person", "update_person"})

    def __init__(self, plx: PeopleLinxClient):
        self._plx = plx

    def __getattr__(self, name: str) -> Any:  # only for what the class does not define
        return _forward(self.__dict__.get("_plx"), name, self.READS)

    def batch_people(self, items: Sequence[BatchItem]) -> list[ItemResult]:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        emails = [i.person.get("email", "") for i in items if i.op == "upsert"
                  and (i.match_on or "email") == "email" and i.person.get("email")]
        existing = self._plx.find_people_by_email(emails) if emails else {}
        updating = self._plx.get_people([i.id for i in items if i.op == "update" and i.id])
        results = []
        for index, item in enumerate(items):
            person: dict[str, Any] | None = None
            if item.op == "update":
                person = updating.get(item.id or "")
            elif item.op == "upsert" and (item.match_on or "email") == "email":
                person = existing.get(str(item.person.get("email", "")).strip().lower())
            if person is not None:
                results.append(ItemResult(index, 200, {**person, **item.person, "updated_at": now}))
            else:
                results.append(ItemResult(index, 201, {**item.person, "id": _new_id("person"),
                                                       "created_at": now, "updated_at": now}))
        return results

    def delete_person(self, person_id: str) -> bool:
        return True

    def merge_people(self, master_id: str, merged_ids: Sequence[str]) -> dict[str, Any]:
        return {"id": master_id}

    def add_to_sequence(self, sequence_id: str, person_ids: Sequence[str]) -> list[SequenceAddResult]:
        return [SequenceAddResult(i, pid, 201, "added") for i, pid in enumerate(person_ids)]

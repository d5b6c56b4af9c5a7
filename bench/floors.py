"""The floors of an initial sync: the connectors alone reading and writing the same records.

A sync cannot be faster than reading its source or writing its target, so each sync figure is
printed beside these, measured in the same run against the same freshly seeded sandbox and at
the same latency (issue 14 item 4):

- read floor: the source read with the connector the sync uses, nothing done with the records.
  Contacts → People: SalesforceClient.iter_changed on Contact (queryAll, the sync's fields, 2,000
  a page); People → Contacts/Leads: PeopleLinxClient.iter_people (1,000 a page).
- write floor: the same records written with the connector, nothing else, IN_FLIGHT calls at once
  (the bound the issue gives the sync). Contacts → People: PeopleLinx batch upserts, 500 a call;
  People → Contacts/Leads: Salesforce upserts on PeopleLinx_Id__c (Bulk API 2.0 jobs of
  Tuning.bulk_threshold records past that threshold, as the sync does, else Collections of 200),
  then the PeopleLinx write-backs of the new Salesforce ids, 500 a call. The write floor is the
  slower of those two writes.

The floors run in the benchmark's process (the sync runs in its own, start-up included), so the
ratio is a little unfair to the sync at small N and fair at 100,000.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plx_desktop.connectors.peoplelinx import MAX_BATCH, MAX_PAGE_SIZE
from plx_desktop.connectors.peoplelinx_types import BatchItem
from plx_desktop.sync.connections import open_clients, sandbox_connections
from plx_desktop.sync.context import Tuning

IN_FLIGHT = 4
COLLECTION_SIZE = 200
# What the Contact → People step selects besides its mapped fields (people_from_salesforce's
# BASE_FIELDS and the delete fields): copied, so that an engine refactor cannot break the floor.
CONTACT_FIELDS = ("Id", "FirstName", "LastName", "Email", "LastModifiedDate", "SystemModstamp",
                  "IsDeleted", "MasterRecordId")


@dataclass
class Floor:
    what: str
    seconds: float
    calls: int
    sandbox_ms: float | None = None  # the sandbox's own time on those calls, when it says

    def text(self) -> str:
        own = ("" if self.sandbox_ms is None else
               f", the sandbox's own {self.sandbox_ms / max(1, self.calls):.1f} ms a call")
        return f"{self.what} {self.seconds:.1f} s ({self.calls:,} calls{own})"


@dataclass
class Floors:
    read: Floor
    writes: list[Floor]

    @property
    def write(self) -> Floor:
        return max(self.writes, key=lambda f: f.seconds)

    @property
    def slower(self) -> Floor:
        return max([self.read, *self.writes], key=lambda f: f.seconds)

    def text(self) -> str:
        return "; ".join(f.text() for f in [self.read, *self.writes])


class _Clients:
    """One pair of connector clients per thread (a requests session is not shared by threads)."""

    def __init__(self, data_dir: Path):
        self.connections = sandbox_connections(data_dir)
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()

    def get(self) -> tuple[Any, Any]:
        pair = getattr(self._local, "pair", None)
        if pair is None:
            pair = open_clients(self.connections)
            self._local.pair = pair
            with self._lock:
                self._all.append(pair)
        return pair

    def close(self) -> None:
        for sf, plx in self._all:
            sf.close()
            plx.close()


class _Meter:
    """Wall time of one floor, and the API calls the sandbox counted meanwhile."""

    def __init__(self, sandbox: Any):
        self.sandbox = sandbox

    def __call__(self, what: str, work: Callable[[], object]) -> Floor:
        self.sandbox.reset_calls()
        started = time.perf_counter()
        work()
        seconds = time.perf_counter() - started
        calls = sum(n for by_route in self.sandbox.calls().values() for n in by_route.values())
        own = self.sandbox.own_time()
        sandbox_ms = None if own is None else sum(float(v.get("ms", 0.0)) for v in own.values())
        return Floor(what, seconds, calls, sandbox_ms)


def _in_flight(chunks: Iterable[list[Any]], send: Callable[[list[Any]], Any]) -> list[Any]:
    """Send every chunk, IN_FLIGHT at a time; the answers in chunk order."""
    with ThreadPoolExecutor(IN_FLIGHT) as pool:
        return list(pool.map(send, chunks))


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def contacts_to_people(sandbox: Any, mapped: list[tuple[str, str]]) -> Floors:
    """Read every Contact as the sync does; write as many people to PeopleLinx, 500 a call.

    `sandbox`: the SandboxProcess; `mapped`: the step's (Salesforce field, PeopleLinx field)
    pairs."""
    clients, meter = _Clients(sandbox.data_dir), _Meter(sandbox)
    try:
        sf, _ = clients.get()
        fields = list(dict.fromkeys([*CONTACT_FIELDS, *(f for f, _ in mapped)]))
        records: list[dict[str, Any]] = []

        def read() -> None:
            for page in sf.iter_changed("Contact", fields, None, include_deleted=True):
                records.extend(page)

        read_floor = meter("read (Salesforce queryAll)", read)
        items = [BatchItem("upsert", {**{plx: _path(r, sf_field) for sf_field, plx in mapped},
                                      "salesforce_id": r["Id"], "salesforce_object": "Contact",
                                      "salesforce_contact_id": r["Id"]}, match_on="email")
                 for r in records]
        records.clear()  # the items hold what the write needs

        def send(chunk: list[BatchItem]) -> None:
            clients.get()[1].batch_people(chunk)

        write_floor = meter(f"write (PeopleLinx batch, {IN_FLIGHT} in flight)",
                            lambda: _in_flight(_chunks(items, MAX_BATCH), send))
    finally:
        clients.close()
    return Floors(read_floor, [write_floor])


def people_to_contacts(sandbox: Any) -> Floors:
    """Read every person as the sync does; upsert as many Contacts, then write their ids back."""
    clients, meter = _Clients(sandbox.data_dir), _Meter(sandbox)
    threshold = Tuning().bulk_threshold
    try:
        _, plx = clients.get()
        people: list[tuple[str, Any, Any, Any]] = []

        def read() -> None:
            for page in plx.iter_people(page_size=MAX_PAGE_SIZE):
                people.extend((p["id"], p.get("first_name"), p.get("last_name"), p.get("email"))
                              for p in page)

        read_floor = meter("read (PeopleLinx people)", read)
        rows = [{"FirstName": first, "LastName": last or "Unknown", "Email": email,
                 "PeopleLinx_Id__c": pid} for pid, first, last, email in people]
        bulk = len(rows) > threshold

        def upsert(chunk: list[dict[str, Any]]) -> list[Any]:
            sf = clients.get()[0]
            if bulk:
                return sf.bulk_upsert("Contact", "PeopleLinx_Id__c", chunk)
            return sf.upsert("Contact", "PeopleLinx_Id__c", chunk)

        how = (f"Bulk API 2.0 jobs of {threshold:,}" if bulk else "Collections of 200")
        answers: list[list[Any]] = []
        sf_floor = meter(f"write (Salesforce upserts, {how}, {IN_FLIGHT} in flight)",
                         lambda: answers.extend(_in_flight(
                             _chunks(rows, threshold if bulk else COLLECTION_SIZE), upsert)))
        ids = [r.id for answer in answers for r in answer]
        rows.clear()
        items = [BatchItem("update", {"salesforce_contact_id": sf_id, "salesforce_id": sf_id,
                                      "salesforce_object": "Contact"}, id=pid)
                 for (pid, *_), sf_id in zip(people, ids, strict=True) if sf_id]

        def tell(chunk: list[BatchItem]) -> None:
            clients.get()[1].batch_people(chunk)

        back_floor = meter(f"write-back (PeopleLinx batch, {IN_FLIGHT} in flight)",
                           lambda: _in_flight(_chunks(items, MAX_BATCH), tell))
    finally:
        clients.close()
    return Floors(read_floor, [sf_floor, back_floor])


def _path(record: dict[str, Any], field: str) -> Any:
    """A field of a query record, following a relationship path (Account.Name)."""
    value: Any = record
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value

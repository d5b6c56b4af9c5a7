"""What the PeopleLinx client takes and gives back besides plain JSON: batch items and results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

BatchOp = Literal["create", "update", "upsert"]


def format_timestamp(value: str | dt.datetime) -> str:
    """A PeopleLinx timestamp (RFC 3339, UTC, microseconds, Z) from a string or aware datetime."""
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        raise ValueError("a PeopleLinx timestamp needs a time zone; use an aware datetime")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# Not frozen: made for every record of a sync, and a frozen dataclass's __init__ (object.__setattr__
# per field) cost about 5 µs against under 1. Treat it as immutable all the same.
@dataclass
class BatchItem:
    """One write in POST /v1/people/batch.

    create: `person` is the new person. update: `id` names the person, `person` holds the changes.
    upsert: matched on `match_on` ("email" or "salesforce_id"), updated if found, created if not;
    safe to repeat, so the engine upserts whatever it may have to retry.
    """

    op: BatchOp
    person: dict[str, Any]
    id: str | None = None
    match_on: Literal["email", "salesforce_id"] | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"op": self.op, "person": self.person}
        if self.id is not None:
            body["id"] = self.id
        if self.match_on is not None:
            body["match_on"] = self.match_on
        return body


@dataclass(frozen=True)
class ItemError:
    """Why one item was refused: PeopleLinx's code (e.g. duplicate_email) and message."""

    code: str
    message: str
    field: str | None = None
    existing_id: str | None = None  # for duplicate_email: the person who has that email

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ItemError:
        return cls(str(data.get("code", "")), str(data.get("message", "")), data.get("field"),
                   data.get("existing_id"))


# Not frozen: made for every record of a sync, and a frozen dataclass's __init__ (object.__setattr__
# per field) cost about 5 µs against under 1. Treat it as immutable all the same.
@dataclass
class ItemResult:
    """The outcome of one batch item; `index` is its position in the caller's whole list."""

    index: int
    status: int  # HTTP-like: 201 created, 200 updated, 4xx refused
    person: dict[str, Any] | None = None
    error: ItemError | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def created(self) -> bool:
        return self.status == 201


@dataclass(frozen=True)
class SequenceAddResult:
    """The outcome of adding one person to a sequence."""

    index: int
    person_id: str
    status: int  # 201 added, 200 already in the sequence, 404 no such person
    result: Literal["added", "already_in_sequence", "failed"]
    membership: dict[str, Any] | None = None
    error: ItemError | None = None

    @property
    def ok(self) -> bool:
        return self.result != "failed"


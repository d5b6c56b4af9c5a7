"""SOQL field paths: resolving `Account.Name` or `Who.Name` against the schema, and reading them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from plx_desktop.sandbox.salesforce.soql_errors import INVALID_FIELD, error
from plx_desktop.sandbox.salesforce.soql_syntax import FieldPath

ParentLookup = Callable[[str | None, str], dict | None]


class FieldInfo(Protocol):
    name: str
    type: str
    reference_to: list[str]
    relationship_name: str | None


class Schema(Protocol):
    def object_name(self, name: str) -> str | None: ...
    def field(self, sobject: str, name: str) -> FieldInfo | None: ...
    def relationship(self, sobject: str, rel_name: str) -> FieldInfo | None: ...


@dataclass(frozen=True)
class Hop:
    """One step to a parent: the reference field, and its object (None when polymorphic)."""

    relationship: str  # canonical relationship name, e.g. "Account", "Who"
    reference_field: str  # e.g. "AccountId"
    target: str | None
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class ResolvedPath:
    hops: tuple[Hop, ...]
    leaf: Any  # FieldInfo
    pos: int

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(h.relationship for h in self.hops) + (self.leaf.name,)

    @property
    def text(self) -> str:
        return ".".join(self.names)

    def getter(self) -> Callable[[dict, ParentLookup], Any]:
        """A function (record, parent lookup) -> the value, None when any parent is missing."""
        name = self.leaf.name
        if not self.hops:
            return lambda record, parent: record.get(name)
        steps = tuple((h.reference_field, h.target) for h in self.hops)

        def get(record: dict, parent: ParentLookup) -> Any:
            current: dict | None = record
            for reference_field, target in steps:
                parent_id = current.get(reference_field)
                if not parent_id:
                    return None
                current = parent(target, parent_id)
                if current is None:
                    return None
            return current.get(name)

        return get


_NO_COLUMN = ("No such column '{name}' on entity '{entity}'. If you are attempting to use a "
              "custom field, be sure to append the '__c' after the custom field name. Please "
              "reference your WSDL or the describe call for the appropriate names.")
_NO_RELATIONSHIP = ("Didn't understand relationship '{name}' in field path. If you are attempting "
                    "to use a custom relationship, be sure to append the '__r' after the custom "
                    "relationship name. Please reference your WSDL or the describe call for the "
                    "appropriate names.")


def _field_on(schema: Schema, objects: tuple[str, ...], name: str) -> Any:
    for obj in objects:
        found = schema.field(obj, name)
        if found is not None:
            return found
    return None


def _relationship_on(schema: Schema, objects: tuple[str, ...], name: str) -> Any:
    for obj in objects:
        found = schema.relationship(obj, name)
        if found is not None:
            return found
    return None


def resolve(schema: Schema, sobject: str, path: FieldPath, text: str) -> ResolvedPath:
    """The canonical path; INVALID_FIELD naming the first part that does not exist."""
    parts = list(path.parts)
    # Salesforce accepts the queried object's own name as a prefix: Contact.Email FROM Contact.
    if (len(parts) > 1 and parts[0].lower() == sobject.lower()
            and schema.relationship(sobject, parts[0]) is None):
        parts = parts[1:]
    objects: tuple[str, ...] = (sobject,)
    hops: list[Hop] = []
    for part in parts[:-1]:
        ref = _relationship_on(schema, objects, part)
        if ref is None or not ref.reference_to:
            raise error(INVALID_FIELD, text, path.pos, _NO_RELATIONSHIP.format(name=part))
        candidates = tuple(ref.reference_to)
        target = candidates[0] if len(candidates) == 1 else None
        hops.append(Hop(ref.relationship_name or part, ref.name, target, candidates))
        objects = candidates
    leaf = _field_on(schema, objects, parts[-1])
    if leaf is None:
        if hops:
            entity = hops[-1].target or hops[-1].candidates[0]
            name = parts[-1]
        else:
            entity, name = sobject, path.text
        raise error(INVALID_FIELD, text, path.pos, _NO_COLUMN.format(name=name, entity=entity))
    return ResolvedPath(tuple(hops), leaf, path.pos)


def memoized(parent: ParentLookup) -> ParentLookup:
    """A parent lookup that asks once per parent: many children share an account."""
    seen: dict[tuple[str | None, str], dict | None] = {}

    def lookup(sobject: str | None, record_id: str) -> dict | None:
        key = (sobject, record_id)
        if key not in seen:
            seen[key] = parent(sobject, record_id)
        return seen[key]

    return lookup

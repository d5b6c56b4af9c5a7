"""The SOQL engine of the Salesforce stand-in: parse, bind to the schema, filter, sort and project.

    query = bind(parse(text), schema)          # SoqlError on anything Salesforce would refuse
    rows = query.run(records, parent)          # filter + ORDER BY + OFFSET + LIMIT
    body = [query.project(r, parent, url_for) for r in rows]

The syntax lives in soql_syntax, field paths in soql_paths, WHERE compilation in soql_where and
value comparison rules in soql_values; this module ties them into the interface the app uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from plx_desktop.sandbox.salesforce.soql_errors import (
    INVALID_FIELD,
    INVALID_QUERY_FILTER_OPERATOR,
    INVALID_TYPE,
    MALFORMED_QUERY,
    SoqlError,
    error,
)
from plx_desktop.sandbox.salesforce.soql_paths import (
    FieldInfo,
    Hop,
    ParentLookup,
    ResolvedPath,
    Schema,
    memoized,
    resolve,
)
from plx_desktop.sandbox.salesforce.soql_syntax import CountCall, FieldPath, Query, parse
from plx_desktop.sandbox.salesforce.soql_values import RECORD_KEYS, family
from plx_desktop.sandbox.salesforce.soql_where import Hints, Predicate, WhereCompiler

__all__ = [
    "INVALID_FIELD", "INVALID_QUERY_FILTER_OPERATOR", "INVALID_TYPE", "MALFORMED_QUERY",
    "Aggregate", "BoundQuery", "FieldInfo", "Hints", "ParentLookup", "Query", "Schema",
    "SoqlError", "bind", "parse", "prepare",
]

_NO_OBJECT = ("sObject type '{name}' is not supported. If you are attempting to use a custom "
              "object, be sure to append the '__c' after the entity name. Please reference your "
              "WSDL or the describe call for the appropriate names.")


@dataclass(frozen=True)
class Aggregate:
    """COUNT(field) in the SELECT list; `alias` is its key in the row (the alias, or exprN)."""

    function: str
    field: str
    alias: str


@dataclass(frozen=True)
class _SortKey:
    path: ResolvedPath
    descending: bool
    nulls_first: bool


class BoundQuery:
    """A query checked against the schema, ready to run over record dicts many times."""

    def __init__(self, query: Query, schema: Schema, sobject: str, today: Any,
                 indexed: tuple[str, ...] = ()):
        self.text = query.text
        self.sobject = sobject
        self.limit = query.limit
        self.offset = query.offset
        self.is_count = False
        self._schema = schema
        self._paths: list[ResolvedPath] = []
        aggregates: list[tuple[CountCall, ResolvedPath]] = []
        plain: list[FieldPath] = []
        for item in query.select:
            if isinstance(item, CountCall) and item.field is None:
                if len(query.select) > 1:
                    raise error(MALFORMED_QUERY, self.text, item.pos,
                                "COUNT() must be the only element in the SELECT list")
                self.is_count = True
            elif isinstance(item, CountCall):
                aggregates.append((item, resolve(schema, sobject, item.field, self.text)))
            else:
                plain.append(item)
        if aggregates and plain:
            raise error(MALFORMED_QUERY, self.text, plain[0].pos,
                        f"Field must be grouped or aggregated: {plain[0].text}")
        seen: set[str] = set()
        for item in plain:
            path = resolve(schema, sobject, item, self.text)
            if path.text.lower() in seen:
                raise error(MALFORMED_QUERY, self.text, item.pos,
                            f"duplicate field selected: {path.text}")
            seen.add(path.text.lower())
            self._paths.append(path)
        self.select: list[str] = [p.text for p in self._paths]
        self.aggregate: tuple[Aggregate, ...] = self._aggregates(aggregates)
        self._count_paths = [p for _, p in aggregates]

        self._predicate: Predicate | None = None
        self._hints = Hints()
        if query.where is not None:
            compiler = WhereCompiler(schema, sobject, self.text, today)
            self._predicate = compiler.compile(query.where)
            self._hints = compiler.hints(indexed)

        self._order: list[_SortKey] = []
        for key in query.order_by:
            path = resolve(schema, sobject, key.field, self.text)
            if self.aggregate or self.is_count:
                raise error(MALFORMED_QUERY, self.text, key.field.pos,
                            f"Ordered field must be grouped or aggregated: {path.text}")
            self._order.append(_SortKey(path, key.descending, key.nulls_first))

    @staticmethod
    def _aggregates(items: list[tuple[CountCall, ResolvedPath]]) -> tuple[Aggregate, ...]:
        out, unnamed = [], 0
        for call, path in items:
            alias = call.alias
            if alias is None:
                alias = f"expr{unnamed}"
                unnamed += 1
            out.append(Aggregate("COUNT", path.text, alias))
        return tuple(out)

    # -- filtering -----------------------------------------------------------------------------
    def matches(self, record: dict, parent: ParentLookup) -> bool:
        return self._predicate is None or self._predicate(record, parent)

    def hints(self) -> Hints:
        hints = self._hints
        return Hints(hints.modstamp_from, hints.modstamp_to,
                     None if hints.ids is None else set(hints.ids),
                     None if hints.equal is None else (hints.equal[0], set(hints.equal[1])))

    def _filtered(self, records: Iterable[dict], parent: ParentLookup) -> Iterable[dict]:
        predicate = self._predicate
        if predicate is None:
            return records
        return (r for r in records if predicate(r, parent))

    def run(self, records: Iterable[dict], parent: ParentLookup) -> list[dict]:
        """The matching records in ORDER BY order, after OFFSET and LIMIT (the raw dicts)."""
        parent = memoized(parent)
        start = self.offset or 0
        stop = None if self.limit is None else start + self.limit
        matched = self._filtered(records, parent)
        if not self._order:
            return list(islice(matched, start, stop))
        rows = list(matched)
        for key in reversed(self._order):
            rows.sort(key=_sort_key(key, parent), reverse=key.descending)
        return rows[start:stop]

    @property
    def in_modstamp_order(self) -> bool:
        """ORDER BY SystemModstamp, Id (both ascending): the order the records table's
        (sobject, modstamp) index and the Id give, so the store can hand the records over
        already in it (Org.find), a query's only order that every sync asks for."""
        return ([(k.path.names, k.descending) for k in self._order]
                == [(("SystemModstamp",), False), (("Id",), False)])

    def ordered_ids(self, records: Iterable[dict], parent: ParentLookup, *,
                    presorted: bool = False) -> list[str]:
        """The Ids `run` would answer, in its order; holds only sort keys and ids, never the
        records (a query over 100,000 records stays small). `presorted`: the records come in
        the query's order already (in_modstamp_order, from the store), so only ids are kept:
        a million of them, not a million sort keys and a sort."""
        parent = memoized(parent)
        start = self.offset or 0
        stop = None if self.limit is None else start + self.limit
        matched = self._filtered(records, parent)
        if not self._order or presorted:
            return [r["Id"] for r in islice(matched, start, stop)]
        keys = [_sort_key(key, parent) for key in self._order]
        rows = [(tuple(key(r) for key in keys), r["Id"]) for r in matched]
        for i in reversed(range(len(self._order))):
            rows.sort(key=lambda row, i=i: row[0][i], reverse=self._order[i].descending)
        return [record_id for _, record_id in rows[start:stop]]

    def count(self, records: Iterable[dict], parent: ParentLookup) -> int:
        """How many records COUNT() reports (OFFSET and LIMIT applied, as Salesforce does)."""
        total = sum(1 for _ in self._filtered(records, memoized(parent)))
        total = max(0, total - (self.offset or 0))
        return total if self.limit is None else min(total, self.limit)

    def aggregate_rows(self, records: Iterable[dict], parent: ParentLookup) -> list[dict]:
        """The AggregateResult rows of COUNT(field) queries: one row without GROUP BY."""
        parent = memoized(parent)
        getters = [p.getter() for p in self._count_paths]
        counts = [0] * len(getters)
        for record in self._filtered(records, parent):
            for i, get in enumerate(getters):
                if get(record, parent) not in (None, ""):
                    counts[i] += 1
        row: dict[str, Any] = {"attributes": {"type": "AggregateResult"}}
        for agg, n in zip(self.aggregate, counts, strict=True):
            row[agg.alias] = n
        rows = [row][self.offset or 0:]
        return rows if self.limit is None else rows[:self.limit]

    # -- the JSON shape ------------------------------------------------------------------------
    def project(self, record: dict, parent: ParentLookup,
                url_for: Callable[[str, str], str]) -> dict:
        """The record as Salesforce's query answer shows it: attributes, then SELECT order."""
        out: dict[str, Any] = {"attributes": {"type": self.sobject,
                                              "url": url_for(self.sobject, record.get("Id"))}}
        nodes: dict[tuple[str, ...], tuple[dict | None, dict | None]] = {(): (out, record)}
        for path in self._paths:
            container: dict | None = out
            source: dict | None = record
            prefix: tuple[str, ...] = ()
            for hop in path.hops:
                prefix += (hop.relationship,)
                if prefix not in nodes:
                    nodes[prefix] = self._parent_node(container, source, hop, parent, url_for)
                container, source = nodes[prefix]
                if container is None:
                    break
            else:
                container[path.leaf.name] = source.get(path.leaf.name)
        return out

    def _parent_node(self, container: dict, source: dict, hop: Hop, parent: ParentLookup,
                     url_for: Callable[[str, str], str]) -> tuple[dict | None, dict | None]:
        parent_id = source.get(hop.reference_field)
        found = parent(hop.target, parent_id) if parent_id else None
        if found is None:
            container[hop.relationship] = None
            return None, None
        sobject = hop.target or self._polymorphic_type(found, parent_id, hop, parent)
        node = {"attributes": {"type": sobject, "url": url_for(sobject, found.get("Id") or
                                                               parent_id)}}
        container[hop.relationship] = node
        return node, found

    def _polymorphic_type(self, found: dict, parent_id: str, hop: Hop,
                          parent: ParentLookup) -> str:
        attributes = found.get("attributes")
        if isinstance(attributes, dict) and attributes.get("type"):
            return attributes["type"]
        key_prefixes = getattr(self._schema, "key_prefixes", None)
        if callable(key_prefixes):
            name = key_prefixes().get(parent_id[:3])
            if name in hop.candidates:
                return name
        for candidate in hop.candidates:
            if parent(candidate, parent_id) is not None:
                return candidate
        return hop.candidates[0]


def _sort_key(key: _SortKey, parent: ParentLookup) -> Callable[[dict], tuple]:
    get = key.path.getter()
    value_key = RECORD_KEYS[family(key.path.leaf.type)]
    # Python's sort keeps ties stable even with reverse=True, so one pass per key (last first)
    # gives a multi-key sort; the null rank is chosen so that nulls land where asked after
    # reversal.
    null_rank = 0 if key.descending != key.nulls_first else 1
    value_rank = 1 - null_rank
    null_key = (null_rank, 0)

    def sort_key(record: dict) -> tuple:
        value = value_key(get(record, parent))
        return null_key if value is None else (value_rank, value)

    return sort_key


def bind(query: Query, schema: Schema, *, now: datetime | None = None,
         indexed: tuple[str, ...] = ()) -> BoundQuery:
    """Resolve names against the schema and check literal types; `now` fixes TODAY (UTC);
    `indexed` names the text fields the store can find by `=` and `IN` (for the hints)."""
    sobject = schema.object_name(query.sobject)
    if sobject is None:
        raise error(INVALID_TYPE, query.text, query.sobject_pos,
                    _NO_OBJECT.format(name=query.sobject))
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    return BoundQuery(query, schema, sobject, today, indexed)


def prepare(text: str, schema: Schema, *, now: datetime | None = None) -> BoundQuery:
    """parse + bind."""
    return bind(parse(text), schema, now=now)

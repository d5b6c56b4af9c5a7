"""SOQL WHERE: type-checks each comparison and compiles the condition into one Python closure.

The closure is built once per query; per record it only reads values and compares precomputed
keys (see soql_values), so filtering 100k records does not re-walk any tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from plx_desktop.sandbox.salesforce.soql_errors import (
    INVALID_FIELD,
    INVALID_QUERY_FILTER_OPERATOR,
    MALFORMED_QUERY,
    error,
)
from plx_desktop.sandbox.salesforce.soql_paths import ParentLookup, ResolvedPath, Schema, resolve
from plx_desktop.sandbox.salesforce.soql_syntax import And, Comparison, Literal, Not, Or
from plx_desktop.sandbox.salesforce.soql_values import (
    RECORD_KEYS,
    date_range,
    family,
    id_to_18,
    instant_from_parts,
    range_keys,
    text_key,
    type_word,
)

Predicate = Callable[[dict, ParentLookup], bool]
MODSTAMP_FIELDS = ("SystemModstamp", "LastModifiedDate", "CreatedDate")


@dataclass
class Hints:
    """What a store may use to narrow its scan; the full filter must still be applied after.

    modstamp_from: (field, canonical datetime, inclusive) from a top-level `> / >=` conjunct.
    modstamp_to: the latest SystemModstamp a match can have (inclusive) from a top-level
    `SystemModstamp < / <=` conjunct (only SystemModstamp itself: LastModifiedDate and
    CreatedDate never exceed it, so they bound it from below, never from above).
    ids: canonical 18-character ids from a top-level `Id = / Id IN` conjunct (intersected).
    equal: (field, text keys) from a top-level `= / IN` conjunct on an indexed text field.
    """

    modstamp_from: tuple[str, str, bool] | None = None
    modstamp_to: str | None = None
    ids: set[str] | None = None
    equal: tuple[str, set[str]] | None = None


@dataclass
class _Value:
    kind: str  # value, null, range
    key: Any = None
    id18: str | None = None


@dataclass
class BoundComparison:
    path: ResolvedPath
    op: str
    values: list[_Value] = field(default_factory=list)


class WhereCompiler:
    def __init__(self, schema: Schema, sobject: str, text: str, today: date):
        self.schema, self.sobject, self.text, self.today = schema, sobject, text, today
        self.top_level: list[BoundComparison] = []
        self._top_ids: set[int] = set()

    def compile(self, node: Any) -> Predicate:
        terms = node.terms if isinstance(node, And) else (node,)
        # Only top-level conjuncts may narrow a scan; under OR or NOT they would drop matches.
        self._top_ids = {id(t) for t in terms if isinstance(t, Comparison)}
        return self._node(node)

    # -- tree ----------------------------------------------------------------------------------
    def _node(self, node: Any) -> Predicate:
        if isinstance(node, Comparison):
            return self._comparison(node)
        if isinstance(node, Not):
            inner = self._node(node.term)
            return lambda r, p: not inner(r, p)
        parts = tuple(self._node(t) for t in node.terms)
        if isinstance(node, And):
            if len(parts) == 2:
                a, b = parts
                return lambda r, p: a(r, p) and b(r, p)

            def all_of(r: dict, p: ParentLookup) -> bool:
                for part in parts:
                    if not part(r, p):
                        return False
                return True

            return all_of
        assert isinstance(node, Or)

        def any_of(r: dict, p: ParentLookup) -> bool:
            for part in parts:
                if part(r, p):
                    return True
            return False

        return any_of

    # -- one comparison ------------------------------------------------------------------------
    def _bind(self, node: Comparison) -> BoundComparison:
        path = resolve(self.schema, self.sobject, node.field, self.text)
        fam = family(path.leaf.type)
        literals = node.value if isinstance(node.value, tuple) else (node.value,)
        bound = BoundComparison(path, node.op)
        for lit in literals:
            bound.values.append(self._value(lit, path, fam, node))
        return bound

    def _comparison(self, node: Comparison) -> Predicate:
        bound = self._bind(node)
        if id(node) in self._top_ids:
            self.top_level.append(bound)
        path, op = bound.path, bound.op
        fam = family(path.leaf.type)
        if op == "LIKE":
            value = bound.values[0]
            literal = node.value
            assert isinstance(literal, Literal)
            matcher = re.compile(literal.like or "", re.IGNORECASE | re.DOTALL).fullmatch
            return self._wrap(path, None, lambda v: isinstance(v, str) and v != "" and
                              matcher(v) is not None) if value.kind == "value" else \
                self._wrap(path, RECORD_KEYS[fam], lambda k: k is None)
        test = (_membership(bound.values, op == "NOT IN") if op in ("IN", "NOT IN")
                else _single(bound.values[0], op))
        return self._wrap(path, RECORD_KEYS[fam], test)

    @staticmethod
    def _wrap(path: ResolvedPath, key: Callable[[Any], Any] | None,
              test: Callable[[Any], bool]) -> Predicate:
        if not path.hops:
            name = path.leaf.name
            if key is None:
                return lambda r, p: test(r.get(name))
            return lambda r, p: test(key(r.get(name)))
        get = path.getter()
        if key is None:
            return lambda r, p: test(get(r, p))
        return lambda r, p: test(key(get(r, p)))

    def _value(self, lit: Literal, path: ResolvedPath, fam: str, node: Comparison) -> _Value:
        name, ftype = path.leaf.name, path.leaf.type
        if lit.kind == "null":
            if node.op not in ("=", "!=", "IN", "NOT IN"):
                raise error(MALFORMED_QUERY, self.text, node.pos,
                            f"invalid operator '{node.op}' for null value")
            return _Value("null")
        if node.op == "LIKE" and fam != "text":
            raise error(INVALID_FIELD, self.text, path.pos,
                        f"invalid operator on {type_word(ftype)} field '{name}': LIKE applies "
                        "to text fields only")
        if fam == "boolean" and node.op in ("<", "<=", ">", ">="):
            raise error(INVALID_FIELD, self.text, path.pos,
                        f"invalid operator on boolean field '{name}'")
        expected = {"text": ("string",), "id": ("string",), "number": ("number",),
                    "boolean": ("boolean",), "date": ("date", "date_literal"),
                    "datetime": ("datetime", "date_literal")}[fam]
        if lit.kind not in expected:
            quoted = "should be enclosed in quotes" if fam in ("text", "id") else \
                "should not be enclosed in quotes"
            raise error(INVALID_FIELD, self.text, path.pos,
                        f"value of filter criterion for field '{name}' must be of type "
                        f"{type_word(ftype)} and {quoted}")
        if lit.kind == "date_literal":
            start, end = date_range(lit.value, lit.n, self.today)
            return _Value("range", range_keys(start, end, fam))
        if fam == "text":
            key = text_key(lit.value)
            return _Value("null") if key is None else _Value("value", key)
        if fam == "id":
            if lit.value == "":
                return _Value("null")
            id18 = id_to_18(lit.value)
            if id18 is None:
                raise error(INVALID_QUERY_FILTER_OPERATOR, self.text, lit.pos,
                            f"invalid ID field: {lit.value}")
            return _Value("value", id18[:15], id18)
        if fam == "date":
            try:
                return _Value("value", date(*map(int, lit.value.groups())).isoformat())
            except ValueError:
                raise error(MALFORMED_QUERY, self.text, lit.pos,
                            f"invalid date: {lit.text}") from None
        if fam == "datetime":
            try:
                # Salesforce ignores milliseconds in datetime comparisons: the literal's
                # fraction is dropped, so "> 12:00:00.500Z" also matches 12:00:00.200.
                parts = lit.value.groups()
                return _Value("value", instant_from_parts((*parts[:6], None, parts[7])))
            except ValueError:
                raise error(MALFORMED_QUERY, self.text, lit.pos,
                            f"invalid dateTime: {lit.text}") from None
        return _Value("value", lit.value)

    # -- push-down hints -----------------------------------------------------------------------
    def hints(self, indexed: tuple[str, ...] = ()) -> Hints:
        """Narrowing hints from the top-level conjuncts; `indexed`: text fields with an index."""
        hints = Hints()
        for bound in self.top_level:
            if bound.path.hops:
                continue
            name = bound.path.leaf.name
            if name == "Id" and bound.op in ("=", "IN"):
                ids = {v.id18 for v in bound.values if v.id18}
                hints.ids = ids if hints.ids is None else hints.ids & ids
            elif name in indexed and bound.op in ("=", "IN"):
                _narrow_equal(hints, name, bound)
            elif name in MODSTAMP_FIELDS and bound.op in (">", ">="):
                _raise_floor(hints, name, bound)
            elif name == "SystemModstamp" and bound.op in ("<", "<="):
                _lower_ceiling(hints, bound)
        return hints


def _narrow_equal(hints: Hints, name: str, bound: BoundComparison) -> None:
    if any(v.kind != "value" for v in bound.values):
        return  # `= null` and the like: the index holds no key for a missing value
    keys = {v.key for v in bound.values}
    if hints.equal is None or len(keys) < len(hints.equal[1]):
        hints.equal = (name, keys)


def _raise_floor(hints: Hints, name: str, bound: BoundComparison) -> None:
    value = bound.values[0]
    if value.kind == "value":
        candidate = (name, value.key, bound.op == ">=")
    elif value.kind == "range":
        start, end = value.key
        candidate = (name, start if bound.op == ">=" else end, True)
    else:
        return
    current = hints.modstamp_from
    # keep the tightest bound: the later instant, exclusive before inclusive
    if current is None or (candidate[1], not candidate[2]) > (current[1], not current[2]):
        hints.modstamp_from = candidate


def _lower_ceiling(hints: Hints, bound: BoundComparison) -> None:
    value = bound.values[0]
    if value.kind == "value":
        ceiling = value.key  # inclusive, a superset for `<` too: the filter decides
    elif value.kind == "range":
        start, end = value.key
        ceiling = start if bound.op == "<" else end
    else:
        return
    if hints.modstamp_to is None or ceiling < hints.modstamp_to:
        hints.modstamp_to = ceiling


def _single(value: _Value, op: str) -> Callable[[Any], bool]:
    if value.kind == "null":
        return (lambda k: k is None) if op == "=" else (lambda k: k is not None)
    if value.kind == "range":
        start, end = value.key
        return {
            "=": lambda k: k is not None and start <= k < end,
            "!=": lambda k: k is None or not (start <= k < end),
            "<": lambda k: k is not None and k < start,
            "<=": lambda k: k is not None and k < end,
            ">": lambda k: k is not None and k >= end,
            ">=": lambda k: k is not None and k >= start,
        }[op]
    v = value.key
    return {
        "=": lambda k: k == v,
        "!=": lambda k: k != v,
        "<": lambda k: k is not None and k < v,
        "<=": lambda k: k is not None and k <= v,
        ">": lambda k: k is not None and k > v,
        ">=": lambda k: k is not None and k >= v,
    }[op]


def _membership(values: list[_Value], negate: bool) -> Callable[[Any], bool]:
    plain = {v.key for v in values if v.kind == "value"}
    if any(v.kind == "null" for v in values):
        plain.add(None)
    ranges = [v.key for v in values if v.kind == "range"]
    if ranges:
        def member(k: Any) -> bool:
            return k in plain or (k is not None and any(s <= k < e for s, e in ranges))
    else:
        def member(k: Any) -> bool:
            return k in plain
    if negate:
        return lambda k: not member(k)
    return member

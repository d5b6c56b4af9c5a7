"""Cursor-paged lists, the same for every collection: keyset order by (updated_at, id), opaque cursors.

A cursor remembers the last (updated_at, id) it returned and the parameters it was made for, so a
cursor reused with other parameters is refused instead of silently skipping records.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from plx_desktop.sandbox.peoplelinx.errors import fail
from plx_desktop.sandbox.peoplelinx.store import Store, normalise_timestamp
from plx_desktop.sandbox.web import Request, Response

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
PAGING_PARAMS = ("limit", "cursor", "updated_since")


@dataclass
class ListQuery:
    """What a list request asked for: filters (already SQL), page size, and where to start."""

    where: list[str]
    params: list[Any]
    limit: int
    after: tuple[str, str] | None
    fingerprint: str


def _fingerprint(request: Request) -> str:
    relevant = sorted((k, v) for k, v in request.query.items() if k not in ("cursor", "limit"))
    return hashlib.sha256(json.dumps([request.path, relevant]).encode()).hexdigest()[:12]


def encode_cursor(updated_at: str, record_id: str, fingerprint: str) -> str:
    raw = json.dumps([updated_at, record_id, fingerprint], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, fingerprint: str) -> tuple[str, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        updated_at, record_id, made_for = json.loads(base64.urlsafe_b64decode(padded))
        if not (isinstance(updated_at, str) and isinstance(record_id, str)):
            raise ValueError
    except (ValueError, TypeError):
        raise fail(400, "invalid_parameter", "cursor is not a cursor this API gave out.",
                   field="cursor") from None
    if made_for != fingerprint:
        raise fail(400, "invalid_parameter",
                   "cursor was made for other parameters; repeat the first request's parameters "
                   "with it.", field="cursor")
    return updated_at, record_id


def parse_list_query(request: Request, allowed: tuple[str, ...], ts_col: str) -> ListQuery:
    """Check a list request's parameters: limit, cursor, updated_since, plus `allowed` filters."""
    unknown = sorted(set(request.query) - set(PAGING_PARAMS) - set(allowed))
    if unknown:
        known = ", ".join(PAGING_PARAMS + allowed)
        raise fail(400, "invalid_parameter",
                   f"Unknown parameter {unknown[0]!r}; this list takes {known}.", field=unknown[0])
    raw_limit = request.query.get("limit", str(DEFAULT_LIMIT))
    try:
        limit = int(raw_limit)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise fail(400, "invalid_parameter",
                   f"limit must be a whole number from 1 to {MAX_LIMIT} (got {raw_limit!r}).",
                   field="limit")
    where: list[str] = []
    params: list[Any] = []
    since = request.query.get("updated_since")
    if since is not None:
        try:
            params.append(normalise_timestamp(since))
        except ValueError:
            raise fail(400, "invalid_parameter",
                       f"updated_since must be an RFC 3339 date-time such as "
                       f"2026-01-31T12:00:00.000000Z (got {since!r}).",
                       field="updated_since") from None
        where.append(f"{ts_col} >= ?")
    fingerprint = _fingerprint(request)
    cursor = request.query.get("cursor")
    after = _decode_cursor(cursor, fingerprint) if cursor else None
    return ListQuery(where, params, limit, after, fingerprint)


def list_response(store: Store, query: ListQuery, select: str, ts_col: str, id_col: str,
                  to_dict: Callable[[Any], dict[str, Any]]) -> Response:
    """Run `select` with the query's filters in keyset order; answer {"data", "next_cursor"}."""
    where, params = list(query.where), list(query.params)
    if query.after:
        where.append(f"({ts_col} > ? OR ({ts_col} = ? AND {id_col} > ?))")
        params += [query.after[0], query.after[0], query.after[1]]
    sql = select + (" WHERE " + " AND ".join(where) if where else "")
    sql += f" ORDER BY {ts_col}, {id_col} LIMIT ?"
    rows = store.query(sql, (*params, query.limit + 1))
    page = rows[: query.limit]
    next_cursor = None
    if len(rows) > query.limit:
        last = page[-1]
        next_cursor = encode_cursor(last[ts_col.split(".")[-1]], last[id_col.split(".")[-1]],
                                    query.fingerprint)
    return Response.json({"data": [to_dict(r) for r in page], "next_cursor": next_cursor})


def whole_list(items: list[dict[str, Any]]) -> Response:
    """A short, complete collection in the list shape (one page, no cursor)."""
    return Response.json({"data": items, "next_cursor": None})

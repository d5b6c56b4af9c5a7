"""The query and queryAll resources: SOQL results in pages, through nextRecordsUrl query locators.

A locator keeps what its query found, the matching Ids in result order, in the org's SQLite file,
never the records: each page reads its records as they are then. As in Salesforce (*API Query
Cursor Limits*, Salesforce App Limits Cheatsheet; help article 000384958, "INVALID_QUERY_LOCATOR"),
a locator and its results are available for two days after the initial query, there is no limit
on open locators since API version 56.0, and an unknown or expired one answers 400
INVALID_QUERY_LOCATOR.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from plx_desktop.sandbox.salesforce.org import Org
from plx_desktop.sandbox.salesforce.rest import api_route, error
from plx_desktop.sandbox.web import Request, Response, Router

DEFAULT_BATCH, MIN_BATCH, MAX_BATCH = 2000, 200, 2000
LOCATOR_SECONDS = 2 * 24 * 3600  # two days after the initial query
_BATCH_OPTION = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)


class QueryApi:
    def __init__(self, org: Org):
        self.org = org

    def register(self, router: Router) -> None:
        for resource, deleted in (("query", False), ("queryAll", True)):
            base = f"/services/data/v{{version}}/{resource}"
            router.add("GET", base, api_route(self.org, self._runner(deleted)), resource)
            router.add("GET", base + "/{locator}", api_route(self.org, self.more), f"{resource}/more")

    def _runner(self, include_deleted: bool) -> Any:
        def run(request: Request, version: str) -> Response:
            return self.run(request, version, include_deleted)
        return run

    def run(self, request: Request, version: str, include_deleted: bool) -> Response:
        text = request.query.get("q")
        if not text:
            raise error(400, "MALFORMED_QUERY", "A query string has to be specified")
        from plx_desktop.sandbox.salesforce.soql import SoqlError

        try:
            bound, found = self.org.find(text, include_deleted=include_deleted)
        except SoqlError as exc:
            raise error(400, exc.error_code, exc.message) from None
        if bound.is_count:
            return Response.json({"totalSize": found, "done": True, "records": []})
        if bound.aggregate:
            return Response.json({"totalSize": len(found), "done": True, "records": found})
        batch = _batch_size(request)
        locator = (self._remember(text, include_deleted, found, batch) if len(found) > batch
                   else None)
        return Response.json(self._page(bound, found[:batch], len(found), 0, batch, version,
                                        locator))

    def more(self, request: Request, version: str) -> Response:
        locator, _, offset_text = request.params["locator"].rpartition("-")
        cursor = self._cursor(locator) if offset_text.isdigit() else None
        if cursor is None:
            raise error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        text, include_deleted, total, batch = cursor
        from plx_desktop.sandbox.salesforce import soql

        # Bound again for this call's user (field-level security), as the first page was.
        bound = soql.bind(soql.parse(text), self.org.security.view())
        offset = int(offset_text)
        ids = [row[0] for row in self.org.db.connection().execute(
            "SELECT id FROM query_cursor_ids WHERE locator = ? AND n >= ? ORDER BY n LIMIT ?",
            (locator, offset, batch))]
        return Response.json(self._page(bound, ids, total, offset, batch, version, locator))

    def _page(self, bound: Any, ids: list[str], total: int, offset: int, batch: int,
              version: str, locator: str | None) -> dict[str, Any]:
        found = self.org.store.get_many(ids)
        parent = self.org.parent_lookup()
        # A record purged from the Recycle Bin since the query is gone from its page.
        records = [self.org.project(bound, dict(found[i][2]), version, parent)
                   for i in ids if i in found]
        out: dict[str, Any] = {"totalSize": total, "done": offset + batch >= total,
                               "records": records}
        if not out["done"]:
            out["nextRecordsUrl"] = f"/services/data/v{version}/query/{locator}-{offset + batch}"
        return out

    def _remember(self, text: str, include_deleted: bool, ids: list[str], batch: int) -> str:
        locator = "01g" + secrets.token_hex(8)[:12].upper() + "AAA"
        now = self.org.clock.time()
        with self.org.db.transaction() as conn:
            self._forget_expired(conn, now)
            conn.execute("INSERT INTO query_cursors (locator, created, query, include_deleted, "
                         "total, batch) VALUES (?, ?, ?, ?, ?, ?)",
                         (locator, now, text, int(include_deleted), len(ids), batch))
            conn.executemany("INSERT INTO query_cursor_ids (locator, n, id) VALUES (?, ?, ?)",
                             ((locator, n, i) for n, i in enumerate(ids)))
        return locator

    def _cursor(self, locator: str) -> tuple[str, bool, int, int] | None:
        row = self.org.db.connection().execute(
            "SELECT query, include_deleted, total, batch, created FROM query_cursors "
            "WHERE locator = ?", (locator,)).fetchone()
        if row is None or self.org.clock.time() >= row[4] + LOCATOR_SECONDS:
            return None
        return row[0], bool(row[1]), row[2], row[3]

    @staticmethod
    def _forget_expired(conn: Any, now: float) -> None:
        expired = [row[0] for row in conn.execute(
            "SELECT locator FROM query_cursors WHERE created <= ?", (now - LOCATOR_SECONDS,))]
        for locator in expired:
            conn.execute("DELETE FROM query_cursor_ids WHERE locator = ?", (locator,))
            conn.execute("DELETE FROM query_cursors WHERE locator = ?", (locator,))

    def clear(self) -> None:
        with self.org.db.transaction() as conn:
            conn.execute("DELETE FROM query_cursor_ids")
            conn.execute("DELETE FROM query_cursors")


def _batch_size(request: Request) -> int:
    match = _BATCH_OPTION.search(request.header("sforce-query-options") or "")
    if not match:
        return DEFAULT_BATCH
    return max(MIN_BATCH, min(MAX_BATCH, int(match.group(1))))

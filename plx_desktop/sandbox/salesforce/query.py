"""The query and queryAll resources: SOQL results in pages, with nextRecordsUrl cursors kept in memory."""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from plx_desktop.sandbox.salesforce.org import Org
from plx_desktop.sandbox.salesforce.rest import api_route, error
from plx_desktop.sandbox.web import Request, Response, Router

DEFAULT_BATCH, MIN_BATCH, MAX_BATCH = 2000, 200, 2000
MAX_CURSORS = 50  # the oldest open cursor is dropped past this, as Salesforce limits open cursors
_BATCH_OPTION = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)


@dataclass
class _Cursor:
    bound: Any
    records: list[dict[str, Any]]
    batch: int


class QueryApi:
    def __init__(self, org: Org):
        self.org = org
        self._lock = threading.Lock()
        self._cursors: OrderedDict[str, _Cursor] = OrderedDict()

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
            bound, records = self.org.query(text, include_deleted=include_deleted)
        except SoqlError as exc:
            raise error(400, exc.error_code, exc.message) from None
        if bound.is_count:
            return Response.json({"totalSize": len(records), "done": True, "records": []})
        cursor = _Cursor(bound, records, _batch_size(request))
        return Response.json(self._page(cursor, 0, version))

    def more(self, request: Request, version: str) -> Response:
        locator, _, offset_text = request.params["locator"].rpartition("-")
        with self._lock:
            cursor = self._cursors.get(locator)
        if cursor is None or not offset_text.isdigit():
            raise error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return Response.json(self._page(cursor, int(offset_text), version, locator))

    def _page(self, cursor: _Cursor, offset: int, version: str,
              locator: str | None = None) -> dict[str, Any]:
        page = cursor.records[offset:offset + cursor.batch]
        parent = self.org.parent_lookup()
        out: dict[str, Any] = {
            "totalSize": len(cursor.records),
            "done": offset + cursor.batch >= len(cursor.records),
            "records": [self.org.project(cursor.bound, r, version, parent) for r in page],
        }
        if not out["done"]:
            locator = locator or self._remember(cursor)
            out["nextRecordsUrl"] = (f"/services/data/v{version}/query/{locator}-"
                                     f"{offset + cursor.batch}")
        return out

    def _remember(self, cursor: _Cursor) -> str:
        locator = "01g" + secrets.token_hex(8)[:12].upper() + "AAA"
        with self._lock:
            self._cursors[locator] = cursor
            while len(self._cursors) > MAX_CURSORS:
                self._cursors.popitem(last=False)
        return locator

    def clear(self) -> None:
        with self._lock:
            self._cursors.clear()


def _batch_size(request: Request) -> int:
    match = _BATCH_OPTION.search(request.header("sforce-query-options") or "")
    if not match:
        return DEFAULT_BATCH
    return max(MIN_BATCH, min(MAX_BATCH, int(match.group(1))))

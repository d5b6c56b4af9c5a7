"""The Log tab's reader of the store's sync log (store.log), with the filter as the store takes it."""

from __future__ import annotations

from typing import Any

from plx_desktop.gui.log_query import LogQuery
from plx_desktop.store import Store


class StoreLogSource:
    """Reads past entries for the Log tab from a Store opened on the GUI thread."""

    def __init__(self, store: Store):
        self.store = store

    @staticmethod
    def _filters(query: LogQuery) -> dict[str, Any]:
        return {"outcomes": sorted(query.outcomes) or None, "step_uid": query.step_uid,
                "search": query.search or None}

    def snapshot(self, query: LogQuery) -> tuple[int, int]:
        # One read transaction: WAL gives both statements the same snapshot, so entries the
        # engine appends meanwhile are neither counted nor below the newest id.
        with self.store.transaction():
            return self.store.log.newest_id(), self.store.log.count(**self._filters(query))

    def page(self, query: LogQuery, before_id: int, offset: int, limit: int) -> list[Any]:
        return self.store.log.read(**self._filters(query), limit=limit, offset=offset,
                                   before_id=before_id)

    def after(self, after_id: int, limit: int) -> list[Any]:
        return self.store.log.after(after_id, limit)

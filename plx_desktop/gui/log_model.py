"""The Log tab's table model: newest first, reading pages from the store as the view scrolls.

A million entries cost only their count: the model holds a small cache of pages. Live entries
from the engine are batched (one beginInsertRows per flush, coalesced by a short timer) and go in
by time, not by count: one event-loop turn inserts about `slice_budget_ms` worth of rows, and a
zero timer takes the rest on the next turns, so a burst of entries never stalls the window
(issue 14 item 6). The rows per turn follow the measured cost of the last turn.

Painting is the window's costliest work during a run: every insert on top repaints every
visible row, and a painted cell asks the model for seven roles. So a cell's painted roles are
worked out once per row (`_cells`, keyed by position like the pages), not at every repaint; data() answers those roles
first, with the fewest calls into Qt (issue 14 item 6). (Not multiData(): with PySide6 6.12,
each QModelRoleData.setData() or clearData() call drops a reference to None, and the app
aborts once None's count reaches zero.)

Rows are addressed by their position counted from the oldest entry (`pos = total - 1 - row`), so
a page read once stays valid while new entries are inserted on top. Every read is bounded by
`up_to_id`, the newest entry counted, so entries the engine wrote but the GUI has not yet been
told about can never shift the rows.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from plx_desktop.domain.error_words import service_words
from plx_desktop.gui.log_query import (
    LogQuery,
    entry_id,
    entry_time_text,
    entry_value,
    record_text,
)

_Index = QModelIndex | QPersistentModelIndex


class LogSource(Protocol):
    """Past log entries, read from the store. Called on the GUI thread; every call is one query."""

    def snapshot(self, query: LogQuery) -> tuple[int, int]:
        """(id of the newest entry or 0, how many entries match), read in one transaction."""

    def page(self, query: LogQuery, before_id: int, offset: int, limit: int) -> list[Any]:
        """Matching entries with id < before_id, newest first, from offset, at most limit."""

    def after(self, after_id: int, limit: int) -> list[Any]:
        """Entries (unfiltered) with id > after_id, oldest first: for live entries without ids."""


COLUMNS = ("Time", "Step", "Direction", "Record", "Outcome", "Message")
TIME, STEP, DIRECTION, RECORD, OUTCOME, MESSAGE = range(len(COLUMNS))
RecordUrlRole = Qt.ItemDataRole.UserRole + 1  # the Salesforce record URL of a row (or None)
EntryRole = Qt.ItemDataRole.UserRole + 2  # the store's entry itself

_OUTCOME_COLOURS = {"created": "#1b7f3b", "updated": "#1d5fa8", "skipped": "#8a6d00",
                    "failed": "#b3261e", "conflict": "#9c27b0"}
_OUTCOME_ICONS = {"created": QStyle.StandardPixmap.SP_DialogApplyButton,
                  "updated": QStyle.StandardPixmap.SP_BrowserReload,
                  "skipped": QStyle.StandardPixmap.SP_MessageBoxInformation,
                  "failed": QStyle.StandardPixmap.SP_MessageBoxCritical,
                  "conflict": QStyle.StandardPixmap.SP_MessageBoxWarning}
# The roles a view's delegate asks for to paint a cell (QStyledItemDelegate::initStyleOption),
# the ones `_cells` keeps; other roles are worked out when asked for.
_PAINT_ROLES = frozenset(int(role) for role in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.CheckStateRole))
_DISPLAY, _DECORATION, _FONT, _FOREGROUND = (int(role) for role in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.ForegroundRole))
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_Cells = tuple[dict[int, Any], ...]  # one row: per column, its painted roles' values

_DIRECTION_TEXT = {"salesforce_to_peoplelinx": "Salesforce → PeopleLinx",
                   "peoplelinx_to_salesforce": "PeopleLinx → Salesforce","to_peoplelinx": "Salesforce → PeopleLinx",
                   "to_salesforce": "PeopleLinx → Salesforce"}


class LogModel(QAbstractTableModel):
    """The sync log as a lazy table (newest first).

    Attributes:
        page_size: rows read per store query.
        max_pages: pages kept in the cache (least recently used are dropped).
        flush_interval_ms: how long live entries are gathered before the first insert.
        slice_budget_ms: how long one event-loop turn may spend inserting live rows.
    """

    rows_inserted_on_top = Signal(int)  # how many rows a flush added above the current rows

    # Rows per turn stay within these whatever the measurements say: at least a few hundred so
    # that a burst still arrives in a few inserts, at most what a slow turn could not undo.
    MIN_SLICE_ROWS = 500
    MAX_SLICE_ROWS = 20_000
    # Rows whose painted cells are kept: several screens' worth, a few hundred kilobytes.
    MAX_CELL_ROWS = 1000

    def __init__(self, source: LogSource, parent: Any = None, *, page_size: int = 200,
                 max_pages: int = 30, flush_interval_ms: int = 40, slice_budget_ms: float = 8.0,
                 instance_url: str | None = None):
        super().__init__(parent)
        self.source = source
        self._instance_url = (instance_url or "").rstrip("/")
        self._cells: dict[int, _Cells] = {}  # position -> the row's painted cells
        self.page_size = page_size
        self.max_pages = max_pages
        self.slice_budget = slice_budget_ms / 1000
        self._slice_rows = self.MIN_SLICE_ROWS
        self._query = LogQuery()
        self._total = 0
        self._up_to_id = 0
        self._pages: OrderedDict[int, list[Any]] = OrderedDict()  # page no -> entries, oldest first
        self._pending: list[Any] = []
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(flush_interval_ms)
        self._flush_timer.timeout.connect(self._insert_a_slice)
        # Zero interval: the next slice runs once the event loop has handled what is waiting
        # (painting, input, the heartbeat of bench/gui.py), not within this turn.
        self._slice_timer = QTimer(self)
        self._slice_timer.setSingleShot(True)
        self._slice_timer.setInterval(0)
        self._slice_timer.timeout.connect(self._insert_a_slice)
        self._icons: dict[str, QIcon] = {}
        self.reload()

    # -- what is shown --------------------------------------------------------------------------

    @property
    def instance_url(self) -> str:
        return self._instance_url

    @instance_url.setter
    def instance_url(self, url: str) -> None:
        # Record cells look like links only with an instance: work them out again.
        self._instance_url = url
        self.forget_cells()

    def forget_cells(self) -> None:
        """Work painted cells out again when next asked (the palette or the instance changed)."""
        self._cells.clear()

    @property
    def query(self) -> LogQuery:
        return self._query

    def set_query(self, query: LogQuery) -> None:
        """Show other entries; re-reads the count (the pages come as the view asks for them)."""
        if query != self._query:
            self._query = query
            self.reload()

    def reload(self) -> None:
        """Forget every cached row and count the store's entries again."""
        self.flush()
        self.beginResetModel()
        self._pages.clear()
        self._cells.clear()
        self._up_to_id, self._total = self.source.snapshot(self._query)
        self.endResetModel()

    def cached_cells(self) -> int:
        """How many rows' painted cells the model keeps."""
        return len(self._cells)

    def cached_rows(self) -> int:
        """How many entries the model holds in memory (the rest live only in the store)."""
        return sum(len(page) for page in self._pages.values())

    # -- live entries ---------------------------------------------------------------------------

    def append_entries(self, entries: list[Any]) -> None:
        """Queue entries the engine has just written; they appear on top in the next turns."""
        if not entries:
            return
        pending = self._pending
        if pending and entry_id(entries[0]) < entry_id(pending[-1]):
            # Announced out of order (two writers): slices must go in id order, or a later
            # slice's older entries would be taken for ones already shown.
            pending.extend(entries)
            pending.sort(key=entry_id)
        else:
            pending.extend(entries)
        if not self._flush_timer.isActive() and not self._slice_timer.isActive():
            self._flush_timer.start()

    def pending_count(self) -> int:
        """Live entries received but not yet shown."""
        return len(self._pending)

    def flush(self) -> None:
        """Insert every queued live entry now (before a reload; the timers do it by slices)."""
        self._flush_timer.stop()
        self._slice_timer.stop()
        while self._pending:
            self._insert(len(self._pending))

    def _insert_a_slice(self) -> None:
        """One turn's worth of queued entries; the rest on the next turns."""
        started = time.perf_counter()
        count = self._insert(self._slice_rows)
        spent = time.perf_counter() - started
        if count >= self._slice_rows:  # a full slice measured the cost per row
            per_row = spent / count
            wanted = int(self.slice_budget / per_row) if per_row > 0 else self.MAX_SLICE_ROWS
            self._slice_rows = max(self.MIN_SLICE_ROWS, min(self.MAX_SLICE_ROWS, wanted))
        if self._pending:
            self._slice_timer.start()

    def _insert(self, limit: int) -> int:
        """Insert up to `limit` queued entries on top, in one batch; how many were taken."""
        pending = self._pending
        if any(entry_value(e, "id") is None for e in pending[:limit]):
            pending[:] = self._tail_store()  # announced without ids: what the store has is new
        taken = pending[:limit]
        del pending[:limit]
        fresh = sorted((e for e in taken if entry_id(e) > self._up_to_id), key=entry_id)
        if not fresh:
            return len(taken)
        self._up_to_id = entry_id(fresh[-1])
        shown = [e for e in fresh if self._query.matches(e)]
        if not shown:
            return len(taken)
        self.beginInsertRows(QModelIndex(), 0, len(shown) - 1)
        self._add_to_pages(shown)
        self._total += len(shown)
        self.endInsertRows()
        self.rows_inserted_on_top.emit(len(shown))
        return len(taken)

    def _tail_store(self) -> list[Any]:
        """Entries were announced without their ids: read what is new from the store instead."""
        entries: list[Any] = []
        after = self._up_to_id
        while True:
            batch = self.source.after(after, 5000)
            entries.extend(batch)
            if len(batch) < 5000:
                return entries
            after = entry_id(batch[-1])

    def _add_to_pages(self, shown: list[Any]) -> None:
        """Put new entries straight into the cache: the top page grows, new pages start."""
        size = self.page_size
        for offset, entry in enumerate(shown):
            pos = self._total + offset
            number = pos // size
            page = self._pages.get(number)
            if page is not None and len(page) == pos % size:
                page.append(entry)
            elif pos % size == 0:
                self._pages[number] = [entry]
        self._trim_cache()

    # -- reading rows ---------------------------------------------------------------------------

    def entry(self, row: int) -> Any:
        """The log entry shown on a row (read from the store if its page is not cached)."""
        pos = self._total - 1 - row
        number, within = divmod(pos, self.page_size)
        page = self._pages.get(number)
        if page is None or within >= len(page):
            page = self._read_page(number)
        else:
            self._pages.move_to_end(number)
        return page[within] if within < len(page) else None

    def _read_page(self, number: int) -> list[Any]:
        first = number * self.page_size
        last = min(first + self.page_size, self._total)  # one past the newest position
        newer = self._pages.get(number + 1)
        if newer and len(newer) == self.page_size:
            # Scrolling down page by page: continue from the newer page (an index walk).
            newest_first = self.source.page(self._query, entry_id(newer[0]), 0, last - first)
        else:
            newest_first = self.source.page(self._query, self._up_to_id + 1, self._total - last,
                                            last - first)
        page = list(reversed(newest_first))
        self._pages[number] = page
        self._trim_cache()
        return page

    def _trim_cache(self) -> None:
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)

    # -- QAbstractTableModel --------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _FLAGS

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A repaint asks for seven roles of every visible cell: those come from `_cells`, with
        # as few calls into Qt as possible (an invalid index has row -1: no cells).
        if role in _PAINT_ROLES:
            row = index.row()
            cells = self._cells.get(self._total - 1 - row) or self._row_cells(row)
            return cells[index.column()].get(role) if cells is not None else None
        if not index.isValid() or not 0 <= index.row() < self._total:
            return None
        entry = self.entry(index.row())
        if entry is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(entry, index.column())
        if role == RecordUrlRole:
            return self.record_url(entry)
        if role == EntryRole:
            return entry
        return None

    def _row_cells(self, row: int) -> _Cells | None:
        """A row's painted roles, per column (None past the rows or without an entry)."""
        if not 0 <= row < self._total:
            return None
        entry = self.entry(row)
        if entry is None:
            return None
        if len(self._cells) >= self.MAX_CELL_ROWS:
            self._cells.clear()  # simpler than least-recently-used, and as good: rows scroll by
        cells = tuple(self._cell(entry, column) for column in range(len(COLUMNS)))
        self._cells[self._total - 1 - row] = cells
        return cells

    def _cell(self, entry: Any, column: int) -> dict[int, Any]:
        """One cell's painted roles: its text, and a link's or an outcome's look."""
        cell: dict[int, Any] = {_DISPLAY: self._display(entry, column)}
        if column == RECORD and self.record_url(entry):
            font = QFont()
            font.setUnderline(True)
            cell[_FOREGROUND], cell[_FONT] = QApplication.palette().link(), font
        if column == OUTCOME:
            outcome = str(entry_value(entry, "outcome") or "")
            cell[_DECORATION] = self._outcome_icon(outcome)
            if outcome in _OUTCOME_COLOURS:
                cell[_FOREGROUND] = QColor(_OUTCOME_COLOURS[outcome])
        return cell

    def _display(self, entry: Any, column: int) -> str:
        if column == TIME:
            return entry_time_text(entry)
        if column == STEP:
            return str(entry_value(entry, "step_label") or "")
        if column == DIRECTION:
            direction = str(entry_value(entry, "direction") or "")
            return _DIRECTION_TEXT.get(direction, direction)
        if column == RECORD:
            return record_text(entry)
        if column == OUTCOME:
            return str(entry_value(entry, "outcome") or "").capitalize()
        code, message = entry_value(entry, "error_code"), str(entry_value(entry, "message") or "")
        message = service_words(str(code or ""), message,  # the raw text: in the tooltip
                                str(entry_value(entry, "step_label") or "")) or message
        return f"{code}: {message}" if code else message

    def _tooltip(self, entry: Any, column: int) -> str | None:
        if column == RECORD:
            url = self.record_url(entry)
            ids = ", ".join(f"{side} {value}" for side, value in (
                ("Salesforce", entry_value(entry, "sf_id")),
                ("PeopleLinx", entry_value(entry, "plx_id"))) if value)
            return f"Open {url} ({ids})" if url else ids or None
        if column == MESSAGE:
            shown = self._display(entry, MESSAGE)
            raw = str(entry_value(entry, "message") or "")
            if raw and not shown.endswith(raw):
                return f"{shown}\n\nAs the service said it:\n{raw}"
            return shown or None
        return None

    def record_url(self, entry: Any) -> str | None:
        """The Salesforce record's URL: the entry's own, else the instance URL and the id."""
        url = entry_value(entry, "sf_url")
        if url:
            return str(url)
        sf_id = entry_value(entry, "sf_id")
        return f"{self.instance_url}/{sf_id}" if sf_id and self.instance_url else None

    def _outcome_icon(self, outcome: str) -> QIcon | None:
        if outcome not in _OUTCOME_ICONS:
            return None
        if outcome not in self._icons:
            self._icons[outcome] = QApplication.style().standardIcon(_OUTCOME_ICONS[outcome])
        return self._icons[outcome]

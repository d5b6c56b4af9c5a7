"""Record history: for one person, contact or lead, both ids and their links, every sync event that
touched it, and its conflicts. Opened from a log entry or by searching an email or an id.
"""

from __future__ import annotations

import html
import re
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from plx_desktop.domain.record_names import record_name
from plx_desktop.gui.conflict_details import ConflictDetails, when
from plx_desktop.gui.links import open_url
from plx_desktop.gui.log_query import coded_message
from plx_desktop.store import LogEntry, RecordLink, Store
from plx_desktop.store.history import RecordHistory, record_history

_Index = QModelIndex | QPersistentModelIndex
EVENT_COLUMNS = ("TIME", "STEP", "RECORD", "OUTCOME", "MESSAGE")
TIME, STEP, RECORD, OUTCOME, MESSAGE = range(len(EVENT_COLUMNS))
SALESFORCE_ID = re.compile(r"^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$")
NOT_FOUND = "Nothing synced yet matches {query}."
PROMPT = "Search an email, a Salesforce id or a PeopleLinx id."


class EventsModel(QAbstractTableModel):
    """A record's log entries, newest first. Attributes: _entries, as the store gave them."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._entries: list[LogEntry] = []

    def set_entries(self, entries: list[LogEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> LogEntry:
        return self._entries[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(EVENT_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return EVENT_COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        e, column = self._entries[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            message = e.message or ""
            if e.outcome != "conflict":
                message = coded_message(e.error_code, message)
            return (when(e.time), e.step_label, record_name(e),
                    e.outcome, message)[column]
        if role == Qt.ItemDataRole.ToolTipRole and column in (RECORD, MESSAGE):
            ids = " · ".join(i for i in (e.sf_id, e.plx_id) if i)
            return f"{e.message}\n{ids}".strip() if column == MESSAGE else ids or None
        return None


def link_url(link: RecordLink, instance_url: str | None) -> str:
    """The Salesforce record's address: the one stored with the link, else instance/id."""
    if link.sf_url:
        return link.sf_url
    return f"{instance_url.rstrip('/')}/{link.sf_id}" if instance_url else ""


def links_html(history: RecordHistory, instance_url: str | None) -> str:
    """One line per link: object, Salesforce id (a link to the record) ↔ PeopleLinx id."""
    lines = []
    for link in history.links:
        url = link_url(link, instance_url)
        sf = (f'<a href="{html.escape(url)}">{html.escape(link.sf_id)}</a>' if url
              else html.escape(link.sf_id))
        what = "Task" if link.sf_object == "Task" else link.sf_object
        lines.append(f"Salesforce {what} {sf} ↔ PeopleLinx {html.escape(link.plx_object)} "
                     f"<code>{html.escape(link.plx_id)}</code>")
    if not lines:
        ids = [*(f"Salesforce {i}" for i in history.sf_ids),
               *(f"PeopleLinx {i}" for i in history.plx_ids)]
        return html.escape(f"Not linked yet ({', '.join(ids)})" if ids else "Not linked yet")
    return "<br>".join(lines)


class RecordHistoryDialog(QDialog):
    """The history of one record. Give one of email, sf_id or plx_id to show it at once (e.g. from
    a log entry), or none to start at the search box. `instance_url` makes Salesforce ids links.

    Signals: record_opened(url) when a Salesforce link is clicked (the URL is also opened in the
    browser); loaded(RecordHistory) after each search.
    """

    record_opened = Signal(str)
    loaded = Signal(object)

    def __init__(self, store: Store, *, email: str | None = None, sf_id: str | None = None,
                 plx_id: str | None = None, instance_url: str | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.instance_url = store, instance_url
        self.history: RecordHistory | None = None
        self.setWindowTitle("Record history")
        self.setMinimumSize(900, 600)
        self.search_box = QLineEdit(self)
        self.search_box.setPlaceholderText("Email, Salesforce id or PeopleLinx id")
        self.search_box.setAccessibleName("Search a record")
        self.search_box.setClearButtonEnabled(True)
        self.search_button = QPushButton("Search", self)
        self.search_button.setToolTip("Show the history of this email or id")
        self.title = QLabel(PROMPT, self)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.links = QLabel(self)
        self.links.setTextFormat(Qt.TextFormat.RichText)
        self.links.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.links.setOpenExternalLinks(False)  # opened by open_record, which also tells the app
        self.links.setWordWrap(True)
        self.events = EventsModel(self)
        self.events_table = QTableView(self)
        self.events_table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.events_table.setModel(self.events)
        self.events_table.setAccessibleName("Sync events")
        self.events_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.events_table.verticalHeader().hide()
        self.events_table.setWordWrap(False)
        header = self.events_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(RECORD, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(RECORD, 240)  # the same person on most rows; the message matters more
        self.conflicts = ConflictDetails(parent=self)

        search = QHBoxLayout()
        search.addWidget(self.search_box, 1)
        search.addWidget(self.search_button)
        links_box, events_box, conflicts_box = (QGroupBox(t, self) for t in (
            "Links", "Sync events", "Conflicts"))
        QVBoxLayout(links_box).addWidget(self.links)
        QVBoxLayout(events_box).addWidget(self.events_table)
        QVBoxLayout(conflicts_box).addWidget(self.conflicts)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(search)
        layout.addWidget(self.title)
        layout.addWidget(links_box)
        layout.addWidget(events_box, 3)
        layout.addWidget(conflicts_box, 1)
        layout.addWidget(buttons)

        self.search_box.returnPressed.connect(self.search)
        self.search_button.clicked.connect(self.search)
        self.links.linkActivated.connect(self.open_record)
        if email or sf_id or plx_id:
            self.show_record(email=email, sf_id=sf_id, plx_id=plx_id)
            self.search_box.setText(email or sf_id or plx_id or "")
        else:
            self.show_history(None)

    # -- searching --------------------------------------------------------------------------------

    def search(self, text: str | None = None) -> RecordHistory | None:
        """Find by what was typed: an email, else a Salesforce id, else a PeopleLinx id."""
        query = (text if isinstance(text, str) else self.search_box.text()).strip()
        if text is not None and isinstance(text, str):
            self.search_box.setText(query)
        if not query:
            self.show_history(None)
            return None
        if "@" in query:
            return self.show_record(email=query)
        history = record_history(self.store, sf_id=query) if SALESFORCE_ID.match(query) else None
        if history is None or not history.found:
            history = record_history(self.store, plx_id=query)
        self.show_history(history, query)
        return history

    def show_record(self, *, email: str | None = None, sf_id: str | None = None,
                    plx_id: str | None = None) -> RecordHistory:
        history = record_history(self.store, email=email, sf_id=sf_id, plx_id=plx_id)
        self.show_history(history, email or sf_id or plx_id or "")
        return history

    def show_history(self, history: RecordHistory | None, query: str = "") -> None:
        self.history = history
        if history is None:
            self.title.setText(PROMPT)
        elif not history.found:
            self.title.setText(NOT_FOUND.format(query=query))
        else:
            label = next((e.record_label for e in history.entries
                          if e.record_label and e.step_label.endswith("People")), "")
            email = history.email
            self.title.setText(label if label and (not email or email in label.lower())
                               else " · ".join(x for x in (label, email) if x) or query)
        self.links.setText(links_html(history, self.instance_url) if history else "")
        self.events.set_entries(history.entries if history else [])
        self.conflicts.set_conflicts(history.conflicts if history else [])
        if history is not None:
            self.loaded.emit(history)

    def open_record(self, url: str) -> None:
        self.record_opened.emit(url)
        open_url(url, self)  # no browser: shown with Copy (the label's menu copies it too)

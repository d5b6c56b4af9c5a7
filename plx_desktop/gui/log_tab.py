"""The Log tab: the live sync log, newest first, with outcome and step filters and a search box.

Like Frescobaldi's log: the tab replays the history from the store, then takes live entries
through `append_entries`; it stays pinned to the newest entry only if the admin was already
looking at the top, and otherwise keeps their place.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from plx_desktop.gui.links import copy_link_action, open_url
from plx_desktop.gui.log_model import (
    DIRECTION,
    MESSAGE,
    OUTCOME,
    RECORD,
    STEP,
    TIME,
    EntryRole,
    LogModel,
    LogSource,
    RecordUrlRole,
)
from plx_desktop.gui.log_query import OUTCOMES, LogQuery, entry_value

SEARCH_DELAY_MS = 250  # typing pauses shorter than this do not re-query the store


class LogTab(QWidget):
    """The Log tab. `source` reads past entries from the store (see log_model.LogSource).

    `steps` are (uid, label) pairs for the step filter; steps seen in the log are added as they
    appear. `instance_url` (the Salesforce instance) makes record links of entries that carry
    only a Salesforce id. Connect the worker bridge's log-entries signal to `append_entries`.

    Signals (the window opens the dialogs; this tab has no store of its own):
        record_history_requested(entry): Record history… on the selected entry (Ctrl+H).
        conflict_details_requested(entry): Conflict details… on a conflict entry (Ctrl+I, or a
            double-click on it).
    """

    record_history_requested = Signal(object)
    conflict_details_requested = Signal(object)

    def __init__(self, source: LogSource, parent: QWidget | None = None, *,
                 steps: list[tuple[str, str]] | None = None, instance_url: str | None = None):
        super().__init__(parent)
        self.model = LogModel(source, self, instance_url=instance_url)
        self._at_top_before_insert = True
        self._scroll_before_insert = 0

        self.outcome_filter = QComboBox(self)
        self.outcome_filter.setAccessibleName("Outcome")
        self.outcome_filter.setToolTip("Show only entries with this outcome")
        self.outcome_filter.addItem("All outcomes", None)
        for outcome in OUTCOMES:
            self.outcome_filter.addItem(outcome.capitalize(), outcome)
        self.step_filter = QComboBox(self)
        self.step_filter.setAccessibleName("Step")
        self.step_filter.setToolTip("Show only entries of this sync step")
        self.step_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.step_filter.addItem("All steps", None)
        self.search_box = QLineEdit(self)
        self.search_box.setPlaceholderText("Search records, ids, steps and messages…")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setToolTip("Search the log (Ctrl+F)")
        self.count_label = QLabel(self)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_box.setMaxLength(200)

        self.view = QTableView(self)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self._setup_view()
        self._layout()
        for uid, label in steps or []:
            self._add_step(uid, label)
        self._connect()
        self._update_count()

    # -- building -------------------------------------------------------------------------------

    def _setup_view(self) -> None:
        view = self.view
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setMouseTracking(True)
        view.setAccessibleName("Log")
        rows = view.verticalHeader()
        rows.hide()
        # Fixed heights: with a million rows nothing may be measured per row.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
        columns = view.horizontalHeader()
        columns.setHighlightSections(False)
        widths = {TIME: 19, STEP: 22, DIRECTION: 24, RECORD: 22, OUTCOME: 12}
        char = view.fontMetrics().averageCharWidth()
        for column, chars in widths.items():
            columns.resizeSection(column, chars * char + 24)
        columns.setSectionResizeMode(MESSAGE, QHeaderView.ResizeMode.Stretch)
        self.open_record_action = QAction("Open record in Salesforce", self.view)
        self.open_record_action.setShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Return))
        self.open_record_action.setToolTip("Open the selected row's record in Salesforce")
        view.addAction(self.open_record_action)
        # Every link can also be copied: a record opened elsewhere, or no browser on this machine.
        self.copy_link_action = copy_link_action(
            view, lambda: view.currentIndex().siblingAtColumn(RECORD).data(RecordUrlRole),
            "&Copy record link")
        self.copy_link_action.setToolTip("Copy the selected row's Salesforce address "
                                         "(Ctrl+Shift+C)")
        self.history_action = QAction("Record &history…", self.view)
        self.history_action.setShortcut(QKeySequence("Ctrl+H"))
        self.history_action.setToolTip("Every sync event of the selected row's record (Ctrl+H)")
        self.conflict_action = QAction("&Conflict details…", self.view)
        self.conflict_action.setShortcut(QKeySequence("Ctrl+I"))
        self.conflict_action.setToolTip("Both values, when each changed, the winner and the rule "
                                        "(Ctrl+I)")
        for action in (self.history_action, self.conflict_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            view.addAction(action)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        find = QAction("Search the log", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.search_box.setFocus)
        self.addAction(find)

    def _layout(self) -> None:
        bar = QHBoxLayout()
        outcome_label = QLabel("&Outcome:", self)
        outcome_label.setBuddy(self.outcome_filter)
        step_label = QLabel("Step:", self)  # no mnemonic: S, T, E and P are taken
        step_label.setBuddy(self.step_filter)
        bar.addWidget(outcome_label)
        bar.addWidget(self.outcome_filter)
        bar.addSpacing(12)
        bar.addWidget(step_label)
        bar.addWidget(self.step_filter)
        bar.addSpacing(12)
        bar.addWidget(self.search_box, 1)
        bar.addSpacing(12)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

    def _connect(self) -> None:
        self.outcome_filter.currentIndexChanged.connect(self._apply_filters)
        self.step_filter.currentIndexChanged.connect(self._apply_filters)
        self.search_box.textChanged.connect(self._search_timer.start)
        self._search_timer.timeout.connect(self._apply_filters)
        self.model.rowsAboutToBeInserted.connect(self._remember_place)
        self.model.rows_inserted_on_top.connect(self._keep_place)
        self.model.modelReset.connect(self._update_count)
        self.view.clicked.connect(self._open_link)
        self.view.entered.connect(self._hover)
        self.open_record_action.triggered.connect(
            lambda: self._open_link(self.view.currentIndex().siblingAtColumn(RECORD)))
        self.history_action.triggered.connect(lambda: self._request(self.record_history_requested))
        self.conflict_action.triggered.connect(
            lambda: self._request(self.conflict_details_requested))
        self.view.doubleClicked.connect(self._on_double_click)
        self.view.selectionModel().currentChanged.connect(self._update_entry_actions)
        self.model.modelReset.connect(self._update_entry_actions)
        self._update_entry_actions()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        # The model keeps painted cells (a record link's colour comes from the palette).
        if event.type() == QEvent.Type.PaletteChange:
            self.model.forget_cells()
            self.view.viewport().update()
        super().changeEvent(event)

    # -- live entries ---------------------------------------------------------------------------

    @Slot(list)
    def append_entries(self, entries: list[Any]) -> None:
        """Take entries the engine has just written (the worker bridge's signal, GUI thread)."""
        # One look-up per step, not per entry: a slice of a bulk step is hundreds of entries of
        # one step, and each findData is a call into Qt on the GUI thread.
        steps = {entry_value(e, "step_uid"): e for e in entries}
        for uid, entry in steps.items():
            if uid and self.step_filter.findData(uid) < 0:
                self._add_step(uid, str(entry_value(entry, "step_label") or uid))
        self.model.append_entries(entries)

    def set_instance_url(self, instance_url: str | None) -> None:
        """Where record links point (the connected Salesforce instance; None: no links)."""
        self.model.instance_url = (instance_url or "").rstrip("/")
        self.view.viewport().update()

    def set_steps(self, steps: list[tuple[str, str]]) -> None:
        """Offer these steps (uid, label) in the step filter, besides those already in the log."""
        for uid, label in steps:
            found = self.step_filter.findData(uid)
            if found >= 0:
                self.step_filter.setItemText(found, label)  # a name, or a label told apart
            else:
                self._add_step(uid, label)

    def _add_step(self, uid: str, label: str) -> None:
        if self.step_filter.findData(uid) < 0:
            self.step_filter.addItem(label, uid)

    def _remember_place(self, *_: Any) -> None:
        bar = self.view.verticalScrollBar()
        self._scroll_before_insert = bar.value()
        self._at_top_before_insert = bar.value() == bar.minimum()

    def _keep_place(self, inserted: int) -> None:
        bar = self.view.verticalScrollBar()
        if self._at_top_before_insert:
            bar.setValue(bar.minimum())
        else:
            # New rows went in above: move down with the rows the admin is reading.
            self.view.updateGeometries()
            bar.setValue(self._scroll_before_insert + inserted)
        self._update_count()

    # -- filters --------------------------------------------------------------------------------

    def current_query(self) -> LogQuery:
        outcome = self.outcome_filter.currentData()
        return LogQuery(outcomes=frozenset({outcome}) if outcome else frozenset(),
                        step_uid=self.step_filter.currentData(),
                        search=self.search_box.text().strip())

    def _apply_filters(self) -> None:
        self._search_timer.stop()
        self.model.set_query(self.current_query())
        self.view.scrollToTop()

    def _update_count(self) -> None:
        total = self.model.rowCount()
        self.count_label.setText(f"{total:,} entr{'y' if total == 1 else 'ies'}")

    # -- the selected entry ---------------------------------------------------------------------

    def current_entry(self) -> Any:
        index = self.view.currentIndex()
        return index.data(EntryRole) if index.isValid() else None

    def _update_entry_actions(self, *_: Any) -> None:
        entry = self.current_entry()
        has_record = entry is not None and bool(entry_value(entry, "sf_id")
                                                or entry_value(entry, "plx_id"))
        self.history_action.setEnabled(has_record)
        self.conflict_action.setEnabled(entry is not None and has_record
                                        and entry_value(entry, "outcome") == "conflict")

    def _request(self, signal: Any) -> None:
        self._update_entry_actions()
        action = (self.history_action if signal is self.record_history_requested
                  else self.conflict_action)
        entry = self.current_entry()
        if entry is not None and action.isEnabled():
            signal.emit(entry)

    def _on_double_click(self, index: QModelIndex) -> None:
        entry = index.data(EntryRole)
        if entry is None or index.column() == RECORD and index.data(RecordUrlRole):
            return  # the click already opened the record in Salesforce
        self.view.setCurrentIndex(index)
        if entry_value(entry, "outcome") == "conflict":
            self._request(self.conflict_details_requested)
        else:
            self._request(self.record_history_requested)

    # -- record links ---------------------------------------------------------------------------

    def _open_link(self, index: QModelIndex) -> None:
        if index.isValid() and index.column() == RECORD:
            url = index.data(RecordUrlRole)
            if url:
                open_url(url, self)

    def _hover(self, index: QModelIndex) -> None:
        link = index.column() == RECORD and bool(index.data(RecordUrlRole))
        shape = Qt.CursorShape.PointingHandCursor if link else Qt.CursorShape.ArrowCursor
        self.view.viewport().setCursor(shape)


__all__ = ["LogTab", "TIME", "STEP", "DIRECTION", "RECORD", "OUTCOME", "MESSAGE"]

"""The Log tab against a real store: history on start, live batches, filters, search, the
scroll-position rule, record links, and a bounded cache over a large log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QColor, QDesktopServices, QPalette
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem

from plx_desktop.gui.log_model import OUTCOME, RECORD, RecordUrlRole
from plx_desktop.gui.log_source import StoreLogSource
from plx_desktop.gui.log_tab import LogTab
from plx_desktop.store import LogEntry, open_store

INSTANCE = "https://acme.my.salesforce.example"
STEPS = [("s-contact", "Contact → People"), ("s-lead", "People → Lead")]
START = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


def entry(n: int, outcome: str | None = None, step: int | None = None) -> LogEntry:
    uid, label = STEPS[step if step is not None else n % 2]
    return LogEntry(outcome=outcome or ("failed" if n % 10 == 0 else "created"),
                    step_uid=uid, step_label=label, direction="salesforce_to_peoplelinx",
                    sf_id=f"003{n:015d}", plx_id=f"per_{n}", record_label=f"Person {n}",
                    error_code="INVALID_EMAIL_ADDRESS" if n % 10 == 0 else "",
                    message=f"record number {n}", run_id=1, time=START + timedelta(seconds=n))


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "plx.sqlite3") as store:
        yield store


def write(store, first: int, count: int) -> list[LogEntry]:
    """What the engine does: append, then announce the entries just written (with their ids)."""
    before = store.log.newest_id()
    store.log.append_many(entry(n) for n in range(first, first + count))
    return store.log.after(before, count)


@pytest.fixture
def tab(qtbot, store):
    write(store, 0, 1000)
    tab = LogTab(StoreLogSource(store), steps=STEPS, instance_url=INSTANCE)
    tab.resize(1100, 500)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def row_label(tab: LogTab, row: int) -> str:
    return tab.model.index(row, RECORD).data()


def test_past_entries_are_loaded_on_start_newest_first(tab, qtmodeltester):
    qtmodeltester.check(tab.model)
    assert tab.model.rowCount() == 1000
    assert row_label(tab, 0) == "Person 999"
    assert row_label(tab, 999) == "Person 0"
    assert tab.model.index(0, 5).data() == "record number 999"
    assert tab.count_label.text() == "1,000 entries"


def test_thousands_of_live_entries_arrive_in_few_batches(qtbot, tab, store, qtmodeltester):
    inserts = []
    tab.model.rowsInserted.connect(lambda *args: inserts.append(args))
    for batch in range(20):
        tab.append_entries(write(store, 1000 + batch * 250, 250))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 6000, timeout=5000)
    assert len(inserts) < 20  # coalesced: one beginInsertRows per flush, not per announcement
    assert row_label(tab, 0) == "Person 5999"
    assert row_label(tab, 5000) == "Person 999"
    assert tab.model.cached_rows() <= tab.model.page_size * tab.model.max_pages
    qtmodeltester.check(tab.model)


def test_a_burst_goes_in_by_slices_with_the_event_loop_turning_between(qtbot, tab, store):
    events: list[str] = []
    tab.model.rowsInserted.connect(lambda _parent, first, last: events.append(f"{last - first + 1}"))
    heartbeat = QTimer()
    heartbeat.setInterval(0)
    heartbeat.timeout.connect(lambda: events.append("turn"))
    tab.model.slice_budget = 0.0  # as if every row were slow: the smallest slices
    heartbeat.start()
    tab.append_entries(write(store, 1000, 5000))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 6000, timeout=10000)
    heartbeat.stop()
    inserts = [e for e in events if e != "turn"]
    assert inserts == [str(tab.model.MIN_SLICE_ROWS)] * 10
    # Between two slices the event loop ran other work (here a zero timer, in the app painting
    # and input): no single turn took the whole burst.
    between = "".join("i" if e != "turn" else "t" for e in events).strip("t")
    assert "ii" not in between
    assert row_label(tab, 0) == "Person 5999"
    assert row_label(tab, 5000) == "Person 999"
    assert tab.model.pending_count() == 0


def test_entries_announced_without_ids_are_read_back_from_the_store(qtbot, tab, store):
    fresh = [entry(n) for n in range(1000, 1010)]
    store.log.append_many(fresh)
    tab.append_entries(fresh)  # LogEntry.id is None: the model tails the store instead
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1010)
    assert row_label(tab, 0) == "Person 1009"


def test_outcome_and_step_filters(qtbot, tab, store):
    tab.outcome_filter.setCurrentIndex(tab.outcome_filter.findData("failed"))
    assert tab.model.rowCount() == 100
    assert {tab.model.index(r, 4).data() for r in range(100)} == {"Failed"}
    tab.step_filter.setCurrentIndex(tab.step_filter.findData("s-contact"))
    assert tab.model.rowCount() == 100  # every tenth entry is failed, and all of them are even
    tab.outcome_filter.setCurrentIndex(0)
    assert tab.model.rowCount() == 500
    # Live entries that do not match the filters stay out of the view.
    tab.append_entries(write(store, 1000, 10))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 505)
    assert tab.count_label.text() == "505 entries"


def test_a_filter_shows_its_own_entries_where_others_were_painted(qtbot, tab):
    tab.view.scrollToBottom()
    tab.view.viewport().repaint()  # the oldest entries' cells (Person 0, 1, 2...) are kept
    tab.outcome_filter.setCurrentIndex(tab.outcome_filter.findData("failed"))
    assert [painted(tab, row, RECORD).text for row in (97, 98, 99)] == [
        "Person 20", "Person 10", "Person 0"]


def test_search_is_debounced_and_matches_like_the_store(qtbot, tab):
    resets = []
    tab.model.modelReset.connect(lambda: resets.append(1))
    for text in ("P", "Pe", "Person 12"):
        tab.search_box.setText(text)
    assert resets == []  # nothing until the typing pauses
    qtbot.waitUntil(lambda: tab.model.rowCount() == 11)  # 12, 120..129
    assert len(resets) == 1
    assert row_label(tab, 0) == "Person 129"
    tab.search_box.setText("100%_")  # LIKE wildcards are taken literally
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0)


def test_view_stays_pinned_to_the_top_when_it_was_there(qtbot, tab, store):
    bar = tab.view.verticalScrollBar()
    assert bar.value() == 0
    tab.append_entries(write(store, 1000, 50))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1050)
    assert bar.value() == 0
    assert tab.view.indexAt(tab.view.viewport().rect().topLeft()).row() == 0


def test_view_keeps_the_admins_place_when_scrolled_down(qtbot, tab, store):
    bar = tab.view.verticalScrollBar()
    bar.setValue(300)
    top = tab.view.indexAt(tab.view.viewport().rect().topLeft())
    reading = top.siblingAtColumn(RECORD).data()
    tab.append_entries(write(store, 1000, 50))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1050)
    assert bar.value() == 350
    top = tab.view.indexAt(tab.view.viewport().rect().topLeft())
    assert top.siblingAtColumn(RECORD).data() == reading


def painted(tab: LogTab, row: int, column: int) -> QStyleOptionViewItem:
    """What the view's delegate draws for a cell: the roles it asks the model for."""
    option = QStyleOptionViewItem()
    option.initFrom(tab.view)
    QStyledItemDelegate().initStyleOption(option, tab.model.index(row, column))
    return option


def text_colour(tab: LogTab, row: int, column: int) -> QColor:
    option = painted(tab, row, column)  # kept: its palette lives in it
    return QColor(option.palette.color(QPalette.ColorRole.Text))


def test_a_painted_cell_shows_its_entry_with_a_links_and_an_outcomes_look(tab):
    record, outcome = painted(tab, 0, RECORD), painted(tab, 0, OUTCOME)
    assert record.text == "Person 999"
    assert record.font.underline()  # a link: the entry has a Salesforce id and an instance
    assert text_colour(tab, 0, RECORD) == QApplication.palette().link().color()
    assert outcome.text == "Created"
    assert not outcome.icon.isNull()
    assert text_colour(tab, 0, OUTCOME) == QColor("#1b7f3b")
    assert painted(tab, 9, OUTCOME).text == "Failed"  # Person 990
    assert text_colour(tab, 9, OUTCOME) == QColor("#b3261e")
    assert painted(tab, 1000, RECORD).text == ""  # past the last row: nothing to paint


def test_painted_cells_follow_rows_inserted_on_top_and_a_changed_instance(qtbot, tab, store):
    tab.view.viewport().repaint()  # the visible rows' cells are now kept
    before = [painted(tab, row, RECORD).text for row in range(40)]
    tab.append_entries(write(store, 1000, 250))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1250)
    assert [painted(tab, row + 250, RECORD).text for row in range(40)] == before
    assert painted(tab, 0, RECORD).text == "Person 1249"
    tab.set_instance_url(None)  # no instance: records are no longer links
    assert not painted(tab, 250, RECORD).font.underline()
    assert painted(tab, 250, RECORD).text == "Person 999"
    tab.set_instance_url(INSTANCE)
    assert painted(tab, 250, RECORD).font.underline()


def test_a_palette_change_repaints_record_links_in_the_new_colour(qtbot, tab):
    assert painted(tab, 0, RECORD).font.underline()
    app = QApplication.instance()
    original = app.palette()
    palette = QPalette(original)
    palette.setColor(QPalette.ColorRole.Link, QColor("#ff00aa"))
    try:
        app.setPalette(palette)
        qtbot.waitUntil(lambda: text_colour(tab, 0, RECORD) == QColor("#ff00aa"))
    finally:
        app.setPalette(original)


def test_painted_cells_kept_stay_bounded_over_a_long_scroll(qtbot, tab, store):
    model = tab.model
    for row in range(0, 1000, 10):
        tab.view.scrollTo(model.index(row, 0))
        tab.view.viewport().repaint()
    assert 0 < model.cached_cells() <= model.MAX_CELL_ROWS
    assert painted(tab, 999, RECORD).text == "Person 0"


class UrlCatcher(QObject):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


def test_clicking_a_record_opens_it_in_salesforce(qtbot, tab):
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("https", catcher, "open")
    try:
        index = tab.model.index(0, RECORD)
        assert index.data(RecordUrlRole) == f"{INSTANCE}/003{999:015d}"
        rect = tab.view.visualRect(index)
        qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.waitUntil(lambda: catcher.urls == [f"{INSTANCE}/003{999:015d}"])
        tab.view.setCurrentIndex(tab.model.index(3, 0))
        tab.open_record_action.trigger()
        assert catcher.urls[-1] == f"{INSTANCE}/003{996:015d}"
    finally:
        QDesktopServices.unsetUrlHandler("https")


def test_a_large_log_is_read_page_by_page(qtbot, store, qtmodeltester):
    total = 100_000
    store.log.append_many(entry(n) for n in range(total))
    tab = LogTab(StoreLogSource(store))
    qtbot.addWidget(tab)
    tab.resize(1000, 400)
    tab.show()
    model = tab.model
    assert model.rowCount() == total
    for row in (0, 50_000, 99_999, 25_000):
        tab.view.scrollTo(model.index(row, 0))
        assert row_label(tab, row) == f"Person {total - 1 - row}"
    for row in range(30_000, 31_000):  # scrolling down reads the next page by id
        assert row_label(tab, row) == f"Person {total - 1 - row}"
    assert model.cached_rows() <= model.page_size * model.max_pages


def test_every_record_link_can_be_copied(qtbot, tab):
    from PySide6.QtGui import QGuiApplication

    tab.view.setCurrentIndex(tab.model.index(3, 0))
    assert tab.copy_link_action in tab.view.actions()  # in the row's context menu
    assert tab.copy_link_action.shortcut().toString() == "Ctrl+Shift+C"
    tab.copy_link_action.trigger()
    assert QGuiApplication.clipboard().text() == f"{INSTANCE}/003{996:015d}"


def test_no_browser_shows_the_address_to_copy(qtbot, tab):
    # Qt's offscreen platform has no browser at all: opening a record fails, as on a server.
    from PySide6.QtGui import QGuiApplication

    from plx_desktop.gui.links import NO_BROWSER

    tab.view.setCurrentIndex(tab.model.index(0, 0))
    tab.open_record_action.trigger()
    dialog = tab.property("url_dialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.message.text() == NO_BROWSER
    assert dialog.url == f"{INSTANCE}/003{999:015d}"
    assert dialog.field.selectedText() == dialog.url
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.url
    dialog.close()


def test_a_services_refusal_reads_in_the_admins_words_with_the_raw_text_in_the_tip(qtbot, store):
    from plx_desktop.gui.log_model import MESSAGE

    raw = "Salesforce refused the record: Required fields are missing: [Company]"
    store.log.append(LogEntry(outcome="failed", step_uid="s", step_label="People → Lead",
                              direction="peoplelinx_to_salesforce", plx_id="per_1",
                              record_label="Alan", error_code="REQUIRED_FIELD_MISSING",
                              message=raw, run_id=1))
    tab = LogTab(StoreLogSource(store), instance_url=INSTANCE)
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    cell = tab.model.index(0, MESSAGE)
    assert cell.data() == ("REQUIRED_FIELD_MISSING: Salesforce requires Company on Lead. Map a "
                           "PeopleLinx field to it in the step's field mappings, or fill it in at "
                           "the source.")
    assert cell.data(Qt.ItemDataRole.ToolTipRole).endswith(f"As the service said it:\n{raw}")

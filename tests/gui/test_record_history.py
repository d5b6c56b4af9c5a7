"""Record history after a real sync against the sandbox: found by email or id, both links with the
Salesforce record's address, every event, and the conflict record; and the conflict details of a
log entry."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from plx_desktop.connectors.retry import NO_WAIT
from plx_desktop.gui.conflict_details import (
    SF_CHANGED,
    SF_VALUE,
    WINNER,
    ConflictDetailsDialog,
)
from plx_desktop.gui.record_history import NOT_FOUND, RecordHistoryDialog
from plx_desktop.paths import database_path, sandbox_dir
from plx_desktop.store import Conflict, LogEntry, open_store
from plx_desktop.sync.service import run_sync, sandbox_connections


class UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def synced(tmp_path: Path, sandbox: Any):
    """A data dir after one run of the Default profile against the sandbox."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    sandbox.info.write(sandbox_dir(data_dir))
    summary = run_sync(data_dir, sandbox_connections(data_dir), retry=NO_WAIT)
    assert summary.status == "completed", summary
    with open_store(database_path(data_dir)) as store:
        yield store, sandbox.info.salesforce_instance_url


def person_with_contact_and_lead(store) -> str:
    rows = store.db.execute_sql(
        "SELECT email FROM record_link WHERE sf_object IN ('Contact', 'Lead') GROUP BY plx_id "
        "HAVING COUNT(DISTINCT sf_object) = 2 LIMIT 1").fetchall()
    assert rows, "the demo data has people who are both a contact and a lead"
    return rows[0][0]


def test_searching_an_email_shows_both_links_and_every_event(qtbot, synced, qtmodeltester):
    store, instance = synced
    email = person_with_contact_and_lead(store)
    dialog = RecordHistoryDialog(store, instance_url=instance)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.search_box, email.upper())
    with qtbot.waitSignal(dialog.loaded):
        qtbot.keyClick(dialog.search_box, Qt.Key.Key_Return)
    history = dialog.history
    objects = {link.sf_object for link in history.links}
    assert {"Contact", "Lead"} <= objects
    qtmodeltester.check(dialog.events)
    steps = {dialog.events.index(r, 1).data() for r in range(dialog.events.rowCount())}
    assert {"Contact → People", "Lead → People"} <= steps
    assert dialog.events.rowCount() == len(history.entries) > 0
    times = [e.id for e in history.entries]
    assert times == sorted(times, reverse=True)
    contact = next(link for link in history.links if link.sf_object == "Contact")
    assert f'href="{instance}/{contact.sf_id}"' in dialog.links.text()
    assert contact.plx_id in dialog.links.text()

    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("https", catcher, "open")
    try:
        with qtbot.waitSignal(dialog.record_opened):
            dialog.links.linkActivated.emit(f"{instance}/{contact.sf_id}")
        assert catcher.urls == [f"{instance}/{contact.sf_id}"]
    finally:
        QDesktopServices.unsetUrlHandler("https")

    by_id = RecordHistoryDialog(store, sf_id=contact.sf_id, instance_url=instance)
    qtbot.addWidget(by_id)
    assert [link.sf_id for link in by_id.history.links] == [link.sf_id for link in history.links]
    by_plx = RecordHistoryDialog(store)
    qtbot.addWidget(by_plx)
    assert by_plx.search(contact.plx_id).links == history.links


def test_the_records_conflicts_are_shown_with_both_values_and_the_winner(qtbot, synced,
                                                                         qtmodeltester):
    store, instance = synced
    link = store.db.execute_sql("SELECT sf_id, plx_id, step_uid FROM record_link "
                                "WHERE sf_object = 'Contact' LIMIT 1").fetchone()
    sf_time = datetime(2026, 1, 31, 9, 30, tzinfo=UTC)
    store.conflicts.add_many([Conflict(
        step_uid=link[2], sf_id=link[0], plx_id=link[1], field="title",
        salesforce_value="CTO", peoplelinx_value="VP Engineering", winner="peoplelinx",
        rule="two_way", salesforce_changed_at=sf_time,
        peoplelinx_changed_at=datetime(2026, 1, 31, 9, 45, tzinfo=UTC), run_id=1)])
    dialog = RecordHistoryDialog(store, sf_id=link[0], instance_url=instance)
    qtbot.addWidget(dialog)
    model = dialog.conflicts.model
    qtmodeltester.check(model)
    assert [model.index(0, c).data() for c in range(model.columnCount())][:3] == [
        "title", "CTO", "VP Engineering"]
    assert model.index(0, SF_CHANGED).data() == sf_time.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    assert model.index(0, WINNER).data() == "PeopleLinx"
    assert model.index(0, WINNER + 1).data() == "Two-way (most recent wins)"
    assert model.index(0, SF_VALUE).data(Qt.ItemDataRole.FontRole) is None  # the loser's value

    entry = LogEntry("conflict", link[2], "Contact → People", sf_id=link[0], plx_id=link[1],
                     record_label="Ada <ada@example.com>", run_id=1)
    details = ConflictDetailsDialog(store, entry)
    qtbot.addWidget(details)
    assert details.details.model.rowCount() == 1
    other_run = ConflictDetailsDialog(store, LogEntry("conflict", link[2], sf_id=link[0], run_id=2))
    qtbot.addWidget(other_run)
    assert other_run.details.model.rowCount() == 0 and other_run.details.empty.isVisibleTo(other_run)


def test_an_unknown_record_says_so(qtbot, tmp_path):
    with open_store(tmp_path / "plx.sqlite3") as store:
        dialog = RecordHistoryDialog(store)
        qtbot.addWidget(dialog)
        assert dialog.search("nobody@example.com").found is False
        assert dialog.title.text() == NOT_FOUND.format(query="nobody@example.com")
        assert dialog.events.rowCount() == 0

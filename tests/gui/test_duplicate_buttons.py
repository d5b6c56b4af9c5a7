"""Sync health's Link to this record and Create anyway, on a real store: enabled only for one
selected duplicate refusal they can act on, and each leaves what the next run needs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel

from plx_desktop.gui.health_model import RECORD, FailingRecordRole
from plx_desktop.gui.health_tab import HealthTab
from plx_desktop.store import LogEntry, open_store
from plx_desktop.store.duplicate_actions import create_anyway_ids

pytestmark = pytest.mark.gui
URL = "https://org.example.com"
MATCH = "003AAAAAAAAAAAAAAA"


def refusal(plx_id: str, message: str, code: str = "DUPLICATES_DETECTED") -> LogEntry:
    return LogEntry(outcome="failed", step_uid="s-contact", step_label="People → Contact",
                    direction="peoplelinx_to_salesforce", plx_id=plx_id,
                    record_label=f"Ada Lovelace <{plx_id}@example.com>", error_code=code,
                    message=message, run_id=1)


@pytest.fixture
def tab(qtbot, tmp_path):
    with open_store(tmp_path / "plx.sqlite3") as store:
        store.log.append_many([
            refusal("per_one", f"The duplicate rule X refused the new record: it matches Contact "
                    f"{MATCH} ({URL}/{MATCH}). Link to this record ..., or Create anyway ..."),
            refusal("per_two", f"... it matches Contact {MATCH} ({URL}/{MATCH}); Lead "
                    f"00QAAAAAAAAAAAAAAA ({URL}/00QAAAAAAAAAAAAAAA). merge ..."),
            refusal("per_bad", "A validation rule refused the record", "FIELD_CUSTOM_VALIDATION_EXCEPTION"),
        ])
        widget = HealthTab(store, instance_url=URL)
        qtbot.addWidget(widget)
        yield widget


def _select(tab: HealthTab, plx_id: str) -> None:
    model = tab.model
    for group_row in range(model.rowCount()):
        group = model.index(group_row, RECORD)
        for row in range(model.rowCount(group)):
            index = model.index(row, RECORD, group)
            if index.data(FailingRecordRole).plx_id == plx_id:
                tab.view.selectionModel().select(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
                return
    raise AssertionError(plx_id)


def test_buttons_follow_the_selection(tab):
    buttons = tab.duplicates
    assert not buttons.link_button.isEnabled() and not buttons.create_button.isEnabled()
    _select(tab, "per_one")
    assert buttons.link_button.isEnabled() and buttons.create_button.isEnabled()
    _select(tab, "per_two")  # two matches: nothing to link to, but it can still be created
    assert not buttons.link_button.isEnabled() and buttons.create_button.isEnabled()
    _select(tab, "per_bad")
    assert not buttons.link_button.isEnabled() and not buttons.create_button.isEnabled()


def test_link_to_this_record_links_and_asks_for_a_retry(tab):
    _select(tab, "per_one")
    tab.duplicates.link_button.click()
    [link] = tab.store.links.by_plx_id("per_one")
    assert (link.sf_id, link.sf_object, link.sf_url) == (MATCH, "Contact", f"{URL}/{MATCH}")
    assert link.email == "per_one@example.com"
    assert ("", "per_one") in tab.store.health.retry_requests("s-contact")
    assert "linked" in tab.retry_note.text()


def test_create_anyway_remembers_the_person_for_the_step(tab):
    _select(tab, "per_two")
    tab.duplicates.create_button.click()
    assert create_anyway_ids(tab.store.settings, "s-contact") == {"per_two"}
    assert ("", "per_two") in tab.store.health.retry_requests("s-contact")

"""Per-field sync rules in Field mappings: a drop-down per mapping on Contact/Lead ↔ People steps,
saved through the dialog and read back; the Default profile shows Two-way, read-only."""

from __future__ import annotations

import settings_fixtures
from PySide6.QtCore import Qt
from settings_fixtures import open_dialog

from plx_desktop.domain import SyncRule
from plx_desktop.gui.step_settings.mappings_model import COLUMNS, SYNC_RULE

catalog, store = settings_fixtures.catalog, settings_fixtures.store


def rule_editor(section, row: int):
    return section.table.indexWidget(section.model.index(row, SYNC_RULE))


def test_a_sync_rule_is_chosen_saved_and_read_back(qtbot, store, catalog, qtmodeltester):
    dialog = open_dialog(qtbot, store, catalog, "contact_to_people")
    section = dialog.mappings
    qtmodeltester.check(section.model)
    assert section.model.headerData(SYNC_RULE, Qt.Orientation.Horizontal) == "SYNC RULE"
    combo = rule_editor(section, 3)  # Account.Name ↔ account
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Two-way (most recent wins)", "Prefer Salesforce unless blank", "Always use Salesforce",
        "Always use PeopleLinx", "Don't sync"]
    assert combo.currentText() == "Two-way (most recent wins)"
    with qtbot.waitSignal(section.changed):
        qtbot.keyClick(combo, Qt.Key.Key_Down)  # the keyboard, as an admin without a mouse
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert section.model.index(3, SYNC_RULE).data() == "Always use Salesforce"
    assert section.model.setData(section.model.index(0, SYNC_RULE), SyncRule.DONT_SYNC.value)
    assert dialog.save()

    saved = store.profiles.load("custom").step(dialog.step.uid).mappings
    assert [m.sync_rule for m in saved] == [SyncRule.DONT_SYNC, SyncRule.TWO_WAY, SyncRule.TWO_WAY,
                                            SyncRule.ALWAYS_SALESFORCE]
    again = open_dialog(qtbot, store, catalog, "contact_to_people")
    assert rule_editor(again.mappings, 3).currentText() == "Always use Salesforce"
    assert rule_editor(again.mappings, 0).currentText() == "Don't sync"


def test_a_mapping_added_later_gets_its_drop_down(qtbot, store, catalog):
    dialog = open_dialog(qtbot, store, catalog, "people_to_lead")
    section = dialog.mappings
    section.sf_fields.setCurrentIndex(section.sf_fields.findText("Title · string"))
    section.plx_fields.setCurrentIndex(section.plx_fields.findText("Title (title) · string"))
    assert section.add_mapping()
    assert rule_editor(section, section.model.rowCount() - 1) is not None


def test_default_profile_shows_two_way_read_only(qtbot, store, catalog):
    dialog = open_dialog(qtbot, store, catalog, "lead_to_people", profile_kind="default")
    model = dialog.mappings.model
    assert model.columnCount() == len(COLUMNS)
    for row in range(model.rowCount()):
        index = model.index(row, SYNC_RULE)
        assert index.data() == "Two-way (most recent wins)"
        assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
        assert dialog.mappings.table.indexWidget(index) is None
        assert not model.setData(index, SyncRule.DONT_SYNC.value)


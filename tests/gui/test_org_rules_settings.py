"""Sync settings' "The org's rules" group on a real store: defaults, a round trip, and a bad Task
owners line refused in the admin's words with nothing saved."""

from __future__ import annotations

import pytest

from plx_desktop.gui.org_rules_settings import parse_owner_map
from plx_desktop.gui.sync_settings import SyncSettingsDialog
from plx_desktop.store import open_store
from plx_desktop.store.settings import (
    DUPLICATE_RULES_ALLOW_SAVE,
    RUN_LEAD_ASSIGNMENT_RULES,
    TASK_OWNER_MAP,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "plx.sqlite3") as opened:
        yield opened


def test_defaults_and_a_round_trip(qtbot, store):
    dialog = SyncSettingsDialog(store)
    qtbot.addWidget(dialog)
    box = dialog.org_rules
    assert box.assign.isChecked() and not box.allow.isChecked()
    box.assign.setChecked(False)
    box.allow.setChecked(True)
    box.owners.setPlainText("Max@PeopleLinx.example.com = max.sf@corp.example.com\n\n")
    assert dialog.save()
    assert store.settings.get(RUN_LEAD_ASSIGNMENT_RULES) is False
    assert store.settings.get(DUPLICATE_RULES_ALLOW_SAVE) is True
    assert store.settings.get(TASK_OWNER_MAP) == {"max@peoplelinx.example.com":
                                                  "max.sf@corp.example.com"}
    again = SyncSettingsDialog(store)
    qtbot.addWidget(again)
    assert not again.org_rules.assign.isChecked()
    assert again.org_rules.owners.toPlainText() == ("max@peoplelinx.example.com = "
                                                    "max.sf@corp.example.com")


def test_a_bad_owner_line_is_refused_and_nothing_is_saved(qtbot, store):
    dialog = SyncSettingsDialog(store)
    qtbot.addWidget(dialog)
    dialog.org_rules.assign.setChecked(False)
    dialog.org_rules.owners.setPlainText("ok@example.com = fine@example.com\nmax only")
    assert not dialog.save()
    assert "line 2" in dialog.error.text() and "max only" in dialog.error.text()
    assert store.settings.get(RUN_LEAD_ASSIGNMENT_RULES) is True  # one transaction: none saved


def test_parse_owner_map_needs_two_addresses():
    with pytest.raises(ValueError, match="line 1"):
        parse_owner_map("rep@example.com = ")

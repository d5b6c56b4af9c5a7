"""Sync settings: the look-back window is kept in the store, in seconds, edited in minutes."""

from __future__ import annotations

import pytest
import shell_fixtures

from plx_desktop.store.settings import LOOKBACK_SECONDS

pytestmark = pytest.mark.gui
make_window = shell_fixtures.make_window


def test_the_look_back_window_round_trips_through_the_store(qtbot, make_window):
    window = make_window()
    assert window.store.settings.get(LOOKBACK_SECONDS) == 600
    window.menus.settings_action.trigger()
    dialog = window.sync_settings_dialog
    assert dialog.lookback.value() == 10 and dialog.lookback.accessibleName()
    dialog.lookback.setValue(25)
    dialog.reject()
    assert window.store.settings.get(LOOKBACK_SECONDS) == 600

    window.menus.settings_action.trigger()
    window.sync_settings_dialog.lookback.setValue(25)
    assert window.sync_settings_dialog.save()
    assert window.store.settings.get(LOOKBACK_SECONDS) == 1500


def test_the_deletes_settings_round_trip_through_the_store(qtbot, make_window):
    from plx_desktop.store.settings import PEOPLELINX_DELETES, SALESFORCE_DELETES

    window = make_window()
    window.menus.settings_action.trigger()
    box = window.sync_settings_dialog.deletes
    assert (box.salesforce.currentData(), box.peoplelinx.currentData()) == ("keep", "keep")
    box.salesforce.setCurrentIndex(box.salesforce.findData("delete"))
    box.peoplelinx.setCurrentIndex(box.peoplelinx.findData("delete"))
    assert window.sync_settings_dialog.save()
    assert window.store.settings.get(SALESFORCE_DELETES) == "delete"
    assert window.store.settings.get(PEOPLELINX_DELETES) == "delete"
    window.menus.settings_action.trigger()
    assert window.sync_settings_dialog.deletes.salesforce.currentData() == "delete"

"""The Status values editor offers the org's own Lead Status values (read over HTTPS from the
sandbox's LeadStatus object), and marks a chosen value the org lacks."""

from __future__ import annotations

import pytest
import requests
import settings_fixtures

from plx_desktop.gui.step_settings import StepSettingsDialog
from plx_desktop.gui.step_settings.status_map_section import NOT_IN_ORG, UNCHANGED

catalog, store = settings_fixtures.catalog, settings_fixtures.store  # fixtures
pytestmark = pytest.mark.gui


def _set_lead_statuses(sandbox, values):
    session = requests.Session()
    session.trust_env = False
    session.verify = sandbox.info.ca_file
    response = session.post(f"{sandbox.info.salesforce_instance_url}/__sandbox__/picklist",
                            json={"object": "Lead", "field": "Status", "values": values},
                            timeout=30)
    response.raise_for_status()


def test_the_status_map_offers_the_orgs_values(qtbot, sandbox, store, catalog):
    _set_lead_statuses(sandbox, [{"value": "New", "default": True}, {"value": "Working - Contacted"},
                                 {"value": "Won", "converted": True}, {"value": "Lost"}])
    profile = store.profiles.load("custom")
    uid = settings_fixtures.step_uid(profile, "sequence_status_to_lead_status")
    dialog = StepSettingsDialog.for_profile(profile, uid, catalog, persist=store.profiles.save)
    qtbot.addWidget(dialog)
    combo = dialog.status_map.combos["bounced"]  # the preset: "Closed - Not Converted"
    qtbot.waitUntil(lambda: combo.findText("Won") >= 0, timeout=10000)
    items = [combo.itemText(i) for i in range(combo.count())]
    assert items[:5] == [UNCHANGED, "New", "Working - Contacted", "Won", "Lost"]
    assert combo.currentText() == f"Closed - Not Converted {NOT_IN_ORG}"
    assert combo.currentData() == "Closed - Not Converted"

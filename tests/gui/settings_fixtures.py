"""Fixtures for the step settings' extra GUI tests: the sandbox catalog, a store, an open dialog."""

from __future__ import annotations

from typing import Any

import pytest

from plx_desktop.connectors.peoplelinx import PeopleLinxClient
from plx_desktop.connectors.retry import NO_WAIT
from plx_desktop.connectors.salesforce import SalesforceClient, SalesforceConnection
from plx_desktop.gui.step_settings import StepSettingsDialog
from plx_desktop.gui.step_settings.catalog import ConnectorCatalog
from plx_desktop.store import open_store


@pytest.fixture
def catalog(sandbox: Any):
    """The real field lists: Salesforce describe and PeopleLinx people fields, over HTTPS."""
    info = sandbox.info
    sf = SalesforceClient(SalesforceConnection(
        instance_url=info.salesforce_instance_url, access_token=info.salesforce_access_token,
        refresh_token=info.salesforce_refresh_token, client_id=info.salesforce_client_id,
        login_url=info.salesforce_login_url, api_version=info.salesforce_api_version,
        ca_file=info.ca_file), retry=NO_WAIT)
    plx = PeopleLinxClient(info.peoplelinx_base_url, info.peoplelinx_api_key,
                           ca_file=info.ca_file, retry=NO_WAIT)
    yield ConnectorCatalog(sf, plx)
    sf.close()
    plx.close()


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "plx.sqlite3") as store:
        yield store


def step_uid(profile, kind_key: str) -> str:
    return next(s.uid for s in profile.steps if s.kind.key == kind_key)


def open_dialog(qtbot, store, catalog, kind_key: str, *,
                profile_kind: str = "custom") -> StepSettingsDialog:
    """The settings of the profile's step of this kind, once the field lists are in."""
    profile = store.profiles.load(profile_kind)
    dialog = StepSettingsDialog.for_profile(profile, step_uid(profile, kind_key), catalog,
                                           persist=store.profiles.save)
    qtbot.addWidget(dialog)
    if profile_kind == "custom":
        qtbot.waitUntil(lambda: dialog.mappings.sf_fields.count() > 0, timeout=10000)
    return dialog

"""Connecting another Salesforce org in the window: it names both orgs and starts that org's own
state, keeping the other's (store/org_state.py); Check org then runs on the new connection."""

from __future__ import annotations

from typing import Any

import shell_fixtures

from plx_desktop.gui.connection_state import SalesforceAccount
from plx_desktop.store import RecordLink

make_window = shell_fixtures.make_window

FIRST_ORG = "00D8d0000000FirAAA"


def test_a_connect_to_another_org_names_both_and_keeps_the_first_orgs_state(
        make_window: Any, qtbot: Any, sandbox: Any) -> None:
    window = make_window()
    store = window.store
    store.org_state.claim(FIRST_ORG, "first@acme.example.com")
    store.links.upsert(RecordLink(sf_id="0038d000000000AAAA", sf_object="Contact",
                                  plx_id="p-first", plx_object="person", step_uid="s"))
    new_org = sandbox.salesforce.org.org_id
    account = SalesforceAccount(instance_url=sandbox.info.salesforce_instance_url,
                                username="admin@plx-sandbox.example.com", org_id=new_org)

    window.salesforce_card.salesforce_connected.emit(account)  # what a finished Connect sends

    notice = window.check_org.notice
    assert notice is not None and notice.isVisible()
    assert new_org in notice.text() and FIRST_ORG in notice.text()
    assert "kept" in notice.informativeText()
    assert store.org_state.owner() == new_org
    assert store.links.count() == 0
    assert store.org_state.archived_orgs() == [FIRST_ORG]

    # The same org again changes nothing and says nothing.
    window.check_org.notice = None
    window.salesforce_card.salesforce_connected.emit(account)
    assert window.check_org.notice is None

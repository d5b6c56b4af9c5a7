"""The Check org panel over the sandbox as a fresh org: it opens by itself, flags the missing
PeopleLinx fields, asks before Set up, and Set up makes the org ready; and Settings > Check org."""

from __future__ import annotations

from typing import Any

import pytest
import shell_fixtures

make_window = shell_fixtures.make_window

FIELDS = ("field:Contact.PeopleLinx_Id__c", "field:Lead.PeopleLinx_Id__c",
          "field:Task.PeopleLinx_Activity_Id__c")


@pytest.fixture
def sandbox(fresh_sandbox: Any) -> Any:
    return fresh_sandbox


def test_a_fresh_org_is_flagged_and_set_up_makes_it_ready(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    controller = window.check_org

    def flagged() -> None:
        assert controller.panel is not None and controller.panel.report is not None

    qtbot.waitUntil(flagged, timeout=30_000)
    panel = controller.panel
    assert panel.isVisible()
    assert {i.key for i in panel.report.missing} == set(FIELDS)
    assert panel.setup_button.isEnabled()
    shown = [panel.items.topLevelItem(i).text(0) for i in range(panel.items.topLevelItemCount())]
    assert shown.count("Missing") == 3

    # One click on an item: its full text, and what Set up would do.
    row = next(panel.items.topLevelItem(i) for i in range(panel.items.topLevelItemCount())
               if panel.items.topLevelItem(i).text(1) == "Task.PeopleLinx_Activity_Id__c")
    panel.items.setCurrentItem(row)
    assert "Set up would: Create Task.PeopleLinx_Activity_Id__c" in panel.details.toPlainText()

    panel.ask_set_up()
    question = panel.question
    assert question is not None and question.isVisible()
    assert "Create Contact.PeopleLinx_Id__c (Text(64), External ID, Unique)" in \
        question.informativeText()
    go = next(b for b in question.buttons() if b.text() == "Set up")
    go.click()

    def ready() -> None:
        assert not panel.busy and panel.report.ready

    qtbot.waitUntil(ready, timeout=30_000)
    assert "Set up made" in panel.heading.text()
    assert "Set up: Created Contact.PeopleLinx_Id__c" in panel.details.toPlainText()
    assert not panel.setup_button.isEnabled()


def test_settings_check_org_opens_the_panel(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    window.check_org.action.trigger()
    panel = window.check_org.panel

    def checked() -> None:
        assert panel.report is not None and not panel.busy

    qtbot.waitUntil(checked, timeout=30_000)
    assert panel.isVisible() and "Salesforce org 00D" in panel.heading.text()

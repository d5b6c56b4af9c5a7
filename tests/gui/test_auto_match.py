"""Auto-match in Field mappings, on the sandbox's real field lists: proposals listed with both
fields, types and why; accept all, accept the checked ones, drop; saved through the domain."""

from __future__ import annotations

import settings_fixtures
from PySide6.QtCore import Qt
from settings_fixtures import open_dialog

catalog, store = settings_fixtures.catalog, settings_fixtures.store


def saved_pairs(store, uid: str) -> list[tuple[str, str]]:
    step = store.profiles.load("custom").step(uid)
    return [(m.salesforce_field, m.peoplelinx_field) for m in step.mappings]


def proposal_rows(window) -> list[list[str]]:
    tree = window.list
    return [[tree.topLevelItem(i).text(c) for c in range(5)]
            for i in range(tree.topLevelItemCount())]


def test_auto_match_proposes_alike_fields_and_accept_all_adds_them(qtbot, store, catalog):
    dialog = open_dialog(qtbot, store, catalog, "lead_to_people")
    section = dialog.mappings
    assert section.auto_match_button.isEnabled()
    window = section.open_auto_match()
    rows = proposal_rows(window)
    assert rows[0] == ["Lead Score (Lead_Score__c)", "double",
                       "Lead Score (custom_fields.lead_score)", "number", "same name, same type"]
    assert {(r[0], r[2]) for r in rows} == {
        ("Lead Score (Lead_Score__c)", "Lead Score (custom_fields.lead_score)"),
        ("Title", "Title (title)"), ("Phone", "Phone (phone)")}
    assert all(r[4] for r in rows)  # each says why
    window.accept_all_button.click()
    assert section.model.rowCount() == 7
    assert section.note.text().startswith("Auto-match added 3 mappings")
    assert dialog.save()
    assert set(saved_pairs(store, dialog.step.uid)[4:]) == {
        ("Lead_Score__c", "custom_fields.lead_score"), ("Title", "title"), ("Phone", "phone")}

    reopened = open_dialog(qtbot, store, catalog, "lead_to_people")
    again = reopened.mappings.open_auto_match()
    assert proposal_rows(again) == [] and again.empty.isVisibleTo(again)
    assert not again.accept_all_button.isEnabled()


def test_accept_selected_and_drop(qtbot, store, catalog):
    dialog = open_dialog(qtbot, store, catalog, "contact_to_people")
    window = dialog.mappings.open_auto_match()
    names = [r[2] for r in proposal_rows(window)]
    assert "Persona (custom_fields.persona)" in names and "Title (title)" in names
    assert not window.accept_selected_button.isEnabled()  # nothing checked yet
    window.set_checked(names.index("Title (title)"))
    window.drop_button.click()  # drop Title
    names = [r[2] for r in proposal_rows(window)]
    assert "Title (title)" not in names
    window.list.topLevelItem(names.index("Persona (custom_fields.persona)")).setCheckState(
        0, Qt.CheckState.Checked)
    window.accept_selected_button.click()
    assert not window.isVisible()
    assert dialog.save()
    assert saved_pairs(store, dialog.step.uid)[-1] == ("Persona__c", "custom_fields.persona")
    assert ("Title", "title") not in saved_pairs(store, dialog.step.uid)


def test_cancel_adds_nothing_and_default_profile_has_no_auto_match(qtbot, store, catalog):
    dialog = open_dialog(qtbot, store, catalog, "contact_to_people")
    window = dialog.mappings.open_auto_match()
    window.close_button.click()
    assert dialog.mappings.model.rowCount() == 4
    default = open_dialog(qtbot, store, catalog, "contact_to_people", profile_kind="default")
    assert not default.mappings.auto_match_button.isEnabled()
    assert not default.mappings.editor.isVisibleTo(default)

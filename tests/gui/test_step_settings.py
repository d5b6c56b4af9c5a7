"""The step settings dialog against the sandbox and a real store: every section edited, saved and
read back; locked mandatory mappings; domain messages inline; loading that never blocks."""

from __future__ import annotations

import settings_fixtures
from PySide6.QtCore import QTimer

from plx_desktop.domain import AddToSequence, FilterRule, Operator
from plx_desktop.gui.step_settings import StepSettingsDialog
from plx_desktop.gui.step_settings.actions_section import EXCLUDE_OFF, EXCLUDE_ON
from plx_desktop.gui.step_settings.filters_section import NO_FILTER_TEXT
from plx_desktop.gui.step_settings.mappings_model import MANDATORY_TIP
from plx_desktop.gui.step_settings.status_map_section import UNCHANGED

catalog, store = settings_fixtures.catalog, settings_fixtures.store  # fixtures
step_uid = settings_fixtures.step_uid

def open_dialog(qtbot, store, catalog, kind_key: str, *, wait: tuple[str, ...] = ("fields",),
                profile_kind: str = "custom") -> StepSettingsDialog:
    profile = store.profiles.load(profile_kind)
    dialog = StepSettingsDialog.for_profile(profile, step_uid(profile, kind_key), catalog,
                                           persist=store.profiles.save)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: all(_already_loaded(dialog, what) for what in wait), timeout=10000)
    return dialog


def _already_loaded(dialog: StepSettingsDialog, what: str) -> bool:
    if what == "fields":
        return dialog.mappings is not None and dialog.mappings.sf_fields.count() > 0 \
            or dialog.filters.uses_rules and dialog.filters.field.count() > 0
    if what == "saved_filters":
        return dialog.filters.saved_filters.count() > 0
    return bool(dialog.actions and dialog.actions._sequences is not None)


def choose(combo, text_start: str) -> None:
    index = next(i for i in range(combo.count()) if combo.itemText(i).startswith(text_start))
    combo.setCurrentIndex(index)


def saved_step(store, uid: str):
    return store.profiles.load("custom").step(uid)


def test_field_mappings_are_added_removed_saved_and_reloaded(qtbot, store, catalog,
                                                             qtmodeltester):
    dialog = open_dialog(qtbot, store, catalog, "contact_to_people")
    model = dialog.mappings.model
    qtmodeltester.check(model)
    assert [m.salesforce_field for m in model.mappings()] == [
        "FirstName", "Email", "LastName", "Account.Name"]
    choose(dialog.mappings.sf_fields, "Title · ")
    choose(dialog.mappings.plx_fields, "Title (title)")
    assert dialog.mappings.plx_fields.currentText() == "Title (title) · string"
    dialog.mappings.add_button.click()
    assert model.rowCount() == 5
    dialog.mappings.table.selectRow(3)  # Account.Name → account: a preset, removable
    dialog.mappings.remove_button.click()
    qtmodeltester.check(model)
    assert dialog.save()

    uid = dialog.step.uid
    fields = [(m.salesforce_field, m.peoplelinx_field) for m in saved_step(store, uid).mappings]
    assert fields == [("FirstName", "first_name"), ("Email", "email"),
                      ("LastName", "last_name"), ("Title", "title")]
    again = open_dialog(qtbot, store, catalog, "contact_to_people")
    assert again.mappings.model.index(3, 0).data() == "Title"
    assert again.mappings.model.index(3, 3).data() == "string"


def test_mandatory_mappings_are_locked(qtbot, store, catalog):
    dialog = open_dialog(qtbot, store, catalog, "contact_to_people")
    model, section = dialog.mappings.model, dialog.mappings
    first = model.index(0, 0)
    assert not first.data(1).isNull()  # the lock icon (DecorationRole)
    assert first.data(3) == MANDATORY_TIP + " (API name: FirstName)"  # ToolTipRole
    section.table.selectRow(0)
    assert not section.remove_button.isEnabled()
    assert section.remove_selected() is False
    assert model.rowCount() == 4
    assert section.message.text() == MANDATORY_TIP + "."


def test_a_type_mismatch_shows_the_domains_message(qtbot, store, catalog):
    dialog = open_dialog(qtbot, store, catalog, "contact_to_people")
    choose(dialog.mappings.sf_fields, "Email · ")
    choose(dialog.mappings.plx_fields, "Lead Score")
    assert dialog.mappings.add_mapping() is False
    assert dialog.mappings.model.rowCount() == 4
    assert not dialog.mappings.message.isHidden()
    assert dialog.mappings.message.text() == (
        "Email (email) cannot be mapped to Lead Score (number): only a number or "
        "text holding a number can fill a number field.")


def test_filtering_rules_operators_validation_and_round_trip(qtbot, store, catalog,
                                                            qtmodeltester):
    dialog = open_dialog(qtbot, store, catalog, "contact_to_people")
    filters = dialog.filters
    qtmodeltester.check(filters.model)
    choose(filters.field, "Created Date")
    operators = [filters.operator.itemText(i) for i in range(filters.operator.count())]
    assert "greater than" in operators and "contains" not in operators
    choose(filters.operator, "greater than")
    filters.value.setText("yesterday")
    assert filters.add_rule() is False
    assert "is not a date and time" in filters.message.text()
    assert filters.model.rowCount() == 0

    choose(filters.field, "Email · ")
    operators = [filters.operator.itemText(i) for i in range(filters.operator.count())]
    assert "ends with" in operators and "greater than" not in operators
    choose(filters.operator, "ends with")
    filters.value.setText("@@not a domain,,")  # an email field's end must look like a domain
    assert filters.add_rule() is False
    assert "does not look like the end of an email address" in filters.message.text()
    assert filters.model.rowCount() == 0
    filters.value.setText("@acme.com")
    filters.add_button.click()
    choose(filters.operator, "is empty")
    assert not filters.value.isEnabled()
    choose(filters.field, "Title · ")
    choose(filters.operator, "is not empty")
    filters.add_button.click()
    assert filters.model.rowCount() == 2
    assert filters.message.isHidden()
    assert dialog.save()

    rules = saved_step(store, dialog.step.uid).filter_rules
    assert rules == (FilterRule("Email", Operator.ENDS_WITH, "@acme.com", "email"),
                     FilterRule("Title", Operator.IS_NOT_EMPTY, "", "string"))
    again = open_dialog(qtbot, store, catalog, "contact_to_people")
    assert again.filters.model.index(0, 1).data() == "ends with"
    again.filters.table.selectRow(0)
    again.filters.remove_button.click()
    assert again.save()
    assert len(saved_step(store, dialog.step.uid).filter_rules) == 1


def test_load_filter_and_clear_filter_on_a_peoplelinx_step(qtbot, store, catalog):
    dialog = open_dialog(qtbot, store, catalog, "people_to_contact",
                         wait=("fields", "saved_filters"))
    section = dialog.filters
    assert not section.uses_rules
    assert section.status.isHidden() and dialog.mappings.status.isHidden()
    names = [section.saved_filters.itemText(i) for i in range(section.saved_filters.count())]
    assert "Interested prospects" in names  # from the PeopleLinx sandbox
    assert section.current.text() == NO_FILTER_TEXT
    assert not section.clear_button.isEnabled()
    assert section.load_filter() is False  # nothing chosen yet
    assert section.message.text() == "Choose a saved People filter to load."
    choose(section.saved_filters, "Interested prospects")
    section.load_button.click()
    assert "Interested prospects" in section.current.text()
    assert dialog.save()
    uid = dialog.step.uid
    assert saved_step(store, uid).saved_filter.name == "Interested prospects"

    again = open_dialog(qtbot, store, catalog, "people_to_contact", wait=("saved_filters",))
    assert "Interested prospects" in again.filters.current.text()
    again.filters.clear_button.click()
    assert again.filters.current.text() == NO_FILTER_TEXT
    assert again.save()
    assert saved_step(store, uid).saved_filter is None


def test_status_values_are_edited_saved_and_reloaded(qtbot, store, catalog):
    dialog = open_dialog(qtbot, store, catalog, "sequence_status_to_lead_status",
                         wait=("saved_filters",))
    combos = dialog.status_map.combos
    assert combos["bounced"].currentText() == "Closed - Not Converted"
    choose(combos["replied"], "Closed - Converted")
    choose(combos["paused"], UNCHANGED)
    assert dialog.save()
    values = saved_step(store, dialog.step.uid).status_values()
    assert values["replied"] == "Closed - Converted"
    assert "paused" not in values
    again = open_dialog(qtbot, store, catalog, "sequence_status_to_lead_status",
                        wait=("saved_filters",))
    assert again.status_map.combos["replied"].currentText() == "Closed - Converted"
    assert again.status_map.combos["paused"].currentText() == UNCHANGED


def test_add_to_sequence_with_the_slider_then_remove_action(qtbot, store, catalog):
    dialog = open_dialog(qtbot, store, catalog, "contact_to_people", wait=("sequences",))
    section = dialog.actions
    section.add_to_sequence_action.trigger()
    row = section.rows[0]
    names = [row.sequence.itemText(i) for i in range(row.sequence.count())]
    assert "Webinar follow-up" in names  # from the PeopleLinx sandbox
    choose(row.sequence, "Webinar follow-up")
    assert row.exclude_updated.isChecked() and row.explanation.text() == EXCLUDE_ON
    row.exclude_updated.click()  # the slider: off
    assert row.explanation.text() == EXCLUDE_OFF
    assert dialog.save()
    uid = dialog.step.uid
    (action,) = saved_step(store, uid).actions
    assert action == AddToSequence(row.sequence.currentData().id, "Webinar follow-up",
                                   exclude_updated=False)

    again = open_dialog(qtbot, store, catalog, "contact_to_people", wait=("sequences",))
    row = again.actions.rows[0]
    assert row.sequence.currentText() == "Webinar follow-up"
    assert not row.exclude_updated.isChecked()
    row.remove_button.click()
    assert again.actions.rows == []
    assert again.save()
    assert saved_step(store, uid).actions == ()


def test_add_to_sequence_without_a_sequence_is_refused(qtbot, store, catalog):
    dialog = open_dialog(qtbot, store, catalog, "contact_to_people", wait=("sequences",))
    dialog.actions.add_to_sequence_action.trigger()
    assert dialog.save() is False
    assert dialog.error_label.text() == "Add to sequence needs a sequence"
    assert saved_step(store, dialog.step.uid).actions == ()


def test_the_default_profile_is_shown_read_only_with_the_reason(qtbot, store, catalog):
    profile = store.profiles.load("default")
    dialog = StepSettingsDialog.for_profile(profile, step_uid(profile, "contact_to_people"), catalog)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Default profile, which is read-only" in dialog.read_only_banner.text()
    assert dialog.read_only_banner.isVisible()
    assert dialog.mappings.model.rowCount() == 4
    for widget in (dialog.mappings.add_button, dialog.mappings.remove_button,
                   dialog.mappings.sf_fields, dialog.filters.add_button,
                   dialog.actions.add_button):
        assert not widget.isEnabled()
    assert dialog.save() is False


def test_cancel_discards_changes(qtbot, store, catalog):
    dialog = open_dialog(qtbot, store, catalog, "contact_to_people")
    before = saved_step(store, dialog.step.uid)
    dialog.mappings.table.selectRow(3)
    dialog.mappings.remove_button.click()
    dialog.reject()
    assert saved_step(store, dialog.step.uid) == before
    assert dialog.saved_step is None


def test_loading_fields_never_blocks_the_window(qtbot, store, catalog, sandbox):
    sandbox.salesforce.faults.configure(latency_ms=400)
    sandbox.peoplelinx.faults.configure(latency_ms=400)
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    profile = store.profiles.load("custom")
    dialog = StepSettingsDialog.for_profile(profile, step_uid(profile, "contact_to_people"), catalog)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.mappings.status.label.text() == "Loading fields…"
    assert not dialog.mappings.add_button.isEnabled()
    with qtbot.waitSignal(dialog.loaded, timeout=10000,
                          check_params_cb=lambda what: what == "fields"):
        pass
    timer.stop()
    assert len(ticks) >= 20  # 800 ms of latency; the GUI thread kept turning
    assert dialog.mappings.status.isHidden()
    assert dialog.mappings.add_button.isEnabled()


def test_an_unreachable_service_shows_retry_and_mappings_stay_editable(qtbot, store, catalog,
                                                                       sandbox):
    sandbox.salesforce.faults.configure(fail_rate=1.0, kinds=["503"])
    profile = store.profiles.load("custom")
    dialog = StepSettingsDialog.for_profile(profile, step_uid(profile, "contact_to_people"), catalog)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.load_failed, timeout=10000,
                          check_params_cb=lambda what, why: what == "fields"):
        pass
    status = dialog.mappings.status
    assert status.label.text().startswith("Could not load the field lists")
    assert status.retry.isVisible()
    dialog.mappings.table.selectRow(3)
    assert dialog.mappings.remove_button.isEnabled()
    dialog.mappings.remove_button.click()
    assert dialog.mappings.model.rowCount() == 3

    sandbox.salesforce.faults.configure(fail_rate=0.0)
    with qtbot.waitSignal(dialog.loaded, timeout=10000,
                          check_params_cb=lambda what: what == "fields"):
        status.retry.click()
    assert status.isHidden()
    assert dialog.mappings.sf_fields.count() > 0
    assert dialog.mappings.model.rowCount() == 3  # the edit made meanwhile is kept


def test_the_step_form_hands_the_checked_step_to_save_and_shows_a_refusal(qtbot, store, catalog):
    profile = store.profiles.load("custom")
    step = profile.step(step_uid(profile, "contact_to_people"))
    received = []

    def refuse(new_step):
        received.append(new_step)
        raise OSError("the disk is full")

    dialog = StepSettingsDialog(step, catalog, save=refuse)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: _already_loaded(dialog, "fields"), timeout=10000)
    dialog.mappings.table.selectRow(3)
    dialog.mappings.remove_button.click()
    assert dialog.save() is False
    assert [m.salesforce_field for m in received[0].mappings] == ["FirstName", "Email", "LastName"]
    assert dialog.error_label.text() == "The settings could not be saved: the disk is full"
    assert dialog.saved_step is None


def test_the_default_profile_reads_the_articles_words(qtbot, store, catalog):
    # "First Name → FirstName, Email → Email, Last Name → LastName, Company Name → Account":
    # labels, not API names, and the same once describe's labels have loaded.
    from plx_desktop.domain.catalog import mapping_text
    from plx_desktop.domain.fields import PeopleLinxField, SalesforceField

    for kind_key in ("contact_to_people", "lead_to_people"):
        dialog = open_dialog(qtbot, store, catalog, kind_key, profile_kind="default", wait=())
        model = dialog.mappings.model

        def rows(model=model):
            return [(model.index(r, 0).data(), model.index(r, 2).data())
                    for r in range(model.rowCount())][:4]

        words = [("First Name", "FirstName"), ("Email", "Email"), ("Last Name", "LastName"),
                 ("Company Name", "Account")]
        assert rows() == words
        model.set_field_labels([SalesforceField("Company", "Company", "string"),
                                SalesforceField("Title", "Title", "string")],
                               [PeopleLinxField("first_name", "First Name", "string")])
        assert rows() == words
        assert [mapping_text(m) for m in model.mappings()[:4]] == [
            "First Name → FirstName", "Email → Email", "Last Name → LastName",
            "Company Name → Account"]
        assert model.index(3, 0).data(3) == ("API name: Account.Name" if kind_key.startswith("c")
                                             else "API name: Company")
        dialog.reject()

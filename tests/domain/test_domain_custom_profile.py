"""Custom profile editing: add, clone, remove, reorder, switch direction, enable, mappings, actions."""

from __future__ import annotations

import pytest

from plx_desktop.domain import (
    AddToSequence,
    FieldMapping,
    FilterRule,
    InvalidAction,
    InvalidFilter,
    InvalidMapping,
    InvalidStatusMap,
    InvalidStep,
    Operator,
    ProfileKind,
    SavedFilter,
    SyncRule,
    UnknownStep,
    custom_copy_of_default,
    custom_profile,
)


@pytest.fixture
def profile():
    return custom_profile()


def test_add_steps_anywhere_and_without_limit(profile):
    a = profile.add_step("contact_to_people")
    b = profile.add_step("calls_to_lead_tasks")
    c = profile.add_step("lead_to_people", index=0)
    for _ in range(50):
        profile.add_step("contact_to_people")
    assert [s.uid for s in profile.steps[:3]] == [c.uid, a.uid, b.uid]
    assert len(profile.steps) == 53 and len({s.uid for s in profile.steps}) == 53
    assert a.mappings and all(m.mandatory for m in a.mappings[:3])


def test_clone_brings_mappings_filters_and_actions_with_a_new_identity(profile):
    step = profile.add_step("contact_to_people")
    profile.add_mapping(step.uid, FieldMapping("Title", "title", "string", "string"))
    profile.add_filter_rule(step.uid, FilterRule("Email", Operator.ENDS_WITH, "@acme.com"))
    profile.add_action(step.uid, AddToSequence("seq-1", "Welcome", exclude_updated=False))
    profile.add_step("tasks_to_lead_tasks")
    clone = profile.clone_step(step.uid)
    original = profile.step(step.uid)
    assert clone.uid != original.uid and profile.index_of(clone.uid) == 1
    assert (clone.mappings, clone.filter_rules, clone.actions) == (
        original.mappings, original.filter_rules, original.actions)


def test_remove_and_move(profile):
    uids = [profile.add_step("contact_to_people").uid for _ in range(4)]
    profile.move_step(uids[0], 3)
    assert [s.uid for s in profile.steps] == [uids[1], uids[2], uids[3], uids[0]]
    profile.move_step(uids[0], -5)  # clamped
    assert profile.steps[0].uid == uids[0]
    profile.remove_step(uids[2])
    assert uids[2] not in [s.uid for s in profile.steps]
    with pytest.raises(UnknownStep):
        profile.remove_step(uids[2])


def test_enable_and_disable(profile):
    step = profile.add_step("emails_to_contact_tasks")
    assert not profile.set_enabled(step.uid, False).enabled
    assert profile.enabled_steps() == ()
    assert profile.set_enabled(step.uid, True).enabled


def test_switch_direction_flips_the_kind_and_keeps_user_mappings(profile):
    step = profile.add_step("contact_to_people")
    profile.add_mapping(step.uid, FieldMapping("Title", "title", "string", "string"))
    profile.add_filter_rule(step.uid, FilterRule("Email", Operator.CONTAINS, "x"))
    profile.add_action(step.uid, AddToSequence("seq-1", "Welcome"))
    assert len(profile.direction_switch_losses(step.uid)) == 2  # rule and action
    switched, dropped = profile.switch_direction(step.uid)
    assert switched.kind.key == "people_to_contact" and switched.uid != step.uid
    assert profile.steps == (switched,)
    fields = [(m.salesforce_field, m.peoplelinx_field, m.mandatory) for m in switched.mappings]
    assert fields == [("FirstName", "first_name", True), ("Email", "email", True),
                      ("LastName", "last_name", True), ("Account.Name", "account", False),
                      ("Title", "title", False)]
    assert not switched.filter_rules and not switched.actions
    assert any("filtering rule" in d for d in dropped) and any("action" in d for d in dropped)
    back, _ = profile.switch_direction(switched.uid)
    assert back.kind.key == "contact_to_people"


def test_switch_drops_mappings_that_no_longer_fit_and_says_why(profile):
    # Going out, one PeopleLinx field may fill two Salesforce fields; coming in, both would
    # fill the same PeopleLinx field, so the second one cannot come along.
    step = profile.add_step("people_to_contact")
    profile.add_mapping(step.uid, FieldMapping("Title", "title", "string", "string"))
    profile.add_mapping(step.uid, FieldMapping("Department", "title", "string", "string"))
    switched, dropped = profile.switch_direction(step.uid)
    assert [m.salesforce_field for m in switched.mappings if m.peoplelinx_field == "title"] == [
        "Title"]
    assert len(dropped) == 1 and "Department" in dropped[0] and "already filled" in dropped[0]


def test_switch_refused_for_one_way_kinds(profile):
    step = profile.add_step("calls_to_lead_tasks")
    with pytest.raises(InvalidStep, match="cannot be switched"):
        profile.switch_direction(step.uid)


def test_mandatory_mappings_are_locked(profile):
    step = profile.add_step("contact_to_people")
    with pytest.raises(InvalidMapping, match="mandatory"):
        profile.remove_mapping(step.uid, 0)
    with pytest.raises(InvalidMapping, match="mandatory"):
        profile.replace_mapping(step.uid, 1, FieldMapping("Title", "email"))
    with pytest.raises(InvalidMapping, match="mandatory"):
        profile.set_mappings(step.uid, step.mappings[1:])
    assert profile.step(step.uid) == step
    # the optional preset can go; a mandatory flag cannot be forged onto another mapping
    profile.remove_mapping(step.uid, 3)
    forged = profile.add_mapping(step.uid, FieldMapping("Title", "title", mandatory=True))
    assert not forged.mappings[-1].mandatory
    assert profile.set_sync_rule(step.uid, 0, SyncRule.ALWAYS_SALESFORCE).mappings[0].sync_rule \
        is SyncRule.ALWAYS_SALESFORCE


def test_a_target_field_is_filled_by_one_mapping_only(profile):
    step = profile.add_step("contact_to_people")
    with pytest.raises(InvalidMapping, match="already filled by Email"):
        profile.add_mapping(step.uid, FieldMapping("Secondary_Email__c", "email"))
    to_sf = profile.add_step("people_to_contact")
    with pytest.raises(InvalidMapping, match="Title is already filled by title"):
        profile.add_mapping(to_sf.uid, FieldMapping("Title", "title"))
        profile.add_mapping(to_sf.uid, FieldMapping("Title", "account"))


def test_mapping_types_are_checked_with_a_clear_message(profile):
    step = profile.add_step("contact_to_people")
    with pytest.raises(InvalidMapping, match=r"Lead_Score__c \(number\) cannot be mapped to "
                                             r"custom_fields.work_email \(email\)"):
        profile.add_mapping(step.uid, FieldMapping("Lead_Score__c", "custom_fields.work_email",
                                                   "double", "email"))
    with pytest.raises(InvalidMapping, match="not a Salesforce field name"):
        profile.add_mapping(step.uid, FieldMapping("Name; DELETE", "title"))
    with pytest.raises(InvalidMapping, match="not a PeopleLinx field"):
        profile.add_mapping(step.uid, FieldMapping("Title", "Custom Stuff"))


def test_filtering_rules_only_on_salesforce_sourced_steps(profile):
    inbound = profile.add_step("contact_to_people")
    outbound = profile.add_step("people_to_lead")
    with pytest.raises(InvalidFilter, match="saved People filter"):
        profile.add_filter_rule(outbound.uid, FilterRule("Email", Operator.IS_EMPTY))
    with pytest.raises(InvalidFilter, match="works on numbers and dates only"):
        profile.add_filter_rule(inbound.uid, FilterRule("Email", Operator.GREATER_THAN, "a"))
    step = profile.add_filter_rule(inbound.uid, FilterRule("Email", Operator.ENDS_WITH, "@acme.com"))
    assert step.soql_where() == "(Email LIKE '%@acme.com')"
    assert profile.remove_filter_rule(inbound.uid, 0).soql_where() is None


def test_saved_filter_load_and_clear_only_on_peoplelinx_sourced_steps(profile):
    inbound = profile.add_step("lead_to_people")
    outbound = profile.add_step("people_to_contact")
    assert profile.load_filter(outbound.uid, SavedFilter("f-1", "Synced")).saved_filter.name == \
        "Synced"
    assert profile.clear_filter(outbound.uid).saved_filter is None
    with pytest.raises(InvalidFilter, match="filtering rules"):
        profile.load_filter(inbound.uid, SavedFilter("f-1", "Synced"))


def test_actions_only_on_steps_that_write_people(profile):
    step = profile.add_step("lead_to_people")
    updated = profile.add_action(step.uid, AddToSequence("s-1", "Welcome"))
    assert updated.actions[0].exclude_updated is True
    assert profile.set_exclude_updated(step.uid, 0, False).actions[0].exclude_updated is False
    with pytest.raises(InvalidAction, match="already adds people to Welcome"):
        profile.add_action(step.uid, AddToSequence("s-1", "Welcome"))
    assert profile.remove_action(step.uid, 0).actions == ()
    with pytest.raises(InvalidAction, match="no action number 1"):
        profile.remove_action(step.uid, 0)
    other = profile.add_step("people_to_lead")
    with pytest.raises(InvalidAction, match="target is People"):
        profile.add_action(other.uid, AddToSequence("s-1", "Welcome"))


def test_status_value_maps_are_editable_within_the_vocabulary(profile):
    step = profile.add_step("sequence_status_to_lead_status")
    changed = profile.set_status_value(step.uid, "bounced", "Open - Not Contacted")
    assert changed.status_values()["bounced"] == "Open - Not Contacted"
    assert "paused" not in profile.set_status_value(step.uid, "paused", None).status_values()
    with pytest.raises(InvalidStatusMap, match="'meeting_booked' is not a PeopleLinx value"):
        profile.set_status_map(step.uid, {"meeting_booked": "Working - Contacted"})
    with pytest.raises(InvalidStatusMap, match="no status values"):
        profile.set_status_map(profile.add_step("calls_to_lead_tasks").uid, {})


def test_listeners_hear_each_change_after_it_happens(profile):
    heard = []
    profile.add_listener(heard.append)
    a = profile.add_step("contact_to_people")
    profile.add_step("lead_to_people")
    profile.move_step(a.uid, 1)
    profile.set_enabled(a.uid, False)
    profile.remove_step(a.uid)
    assert [(c.what, c.index, c.to) for c in heard] == [
        ("inserted", 0, None), ("inserted", 1, None), ("moved", 0, 1), ("changed", 1, None),
        ("removed", 1, None)]


def test_failed_edits_change_nothing_and_emit_nothing(profile):
    step = profile.add_step("contact_to_people")
    heard = []
    profile.add_listener(heard.append)
    with pytest.raises(InvalidMapping):
        profile.add_mapping(step.uid, FieldMapping("X__c", "email"))
    assert profile.steps == (step,) and heard == []


def test_custom_copy_of_default_is_editable_with_fresh_uids():
    profile = custom_copy_of_default()
    assert profile.kind is ProfileKind.CUSTOM and len(profile.steps) == 12
    assert not any(s.uid.startswith("default.") for s in profile.steps)
    profile.remove_step(profile.steps[0].uid)
    assert len(profile.steps) == 11

"""The Default profile: twelve steps with presets, and read-only whatever the caller."""

from __future__ import annotations

import pytest

from plx_desktop.domain import (
    AddToSequence,
    FieldMapping,
    FilterRule,
    Operator,
    ReadOnlyProfile,
    SavedFilter,
    SyncRule,
    default_profile,
)


def test_twelve_enabled_steps_with_the_four_preset_mappings_and_no_filters():
    profile = default_profile()
    assert profile.read_only and len(profile.steps) == 12
    assert all(step.enabled and not step.filter_rules and step.saved_filter is None
               and not step.actions for step in profile.steps)
    contact = profile.steps[0]
    assert {(m.peoplelinx_field, m.salesforce_field) for m in contact.mappings} == {
        ("first_name", "FirstName"), ("email", "Email"), ("last_name", "LastName"),
        ("account", "Account.Name")}
    assert profile.step("default.sequence_status_to_lead_status").status_values()["bounced"] == \
        "Closed - Not Converted"


def test_uids_are_stable_between_builds():
    assert [s.uid for s in default_profile().steps] == [s.uid for s in default_profile().steps]


def _edits(uid):
    return {
        "add": lambda p: p.add_step("contact_to_people"),
        "clone": lambda p: p.clone_step(uid),
        "remove": lambda p: p.remove_step(uid),
        "move": lambda p: p.move_step(uid, 3),
        "switch direction": lambda p: p.switch_direction(uid),
        "turn off": lambda p: p.set_enabled(uid, False),
        "turn on": lambda p: p.set_enabled(uid, True),
        "add mapping": lambda p: p.add_mapping(uid, FieldMapping("Title", "title")),
        "remove mapping": lambda p: p.remove_mapping(uid, 3),
        "replace mapping": lambda p: p.replace_mapping(uid, 3, FieldMapping("Title", "account")),
        "set mappings": lambda p: p.set_mappings(uid, p.step(uid).mappings),
        "sync rule": lambda p: p.set_sync_rule(uid, 0, SyncRule.DONT_SYNC),
        "add rule": lambda p: p.add_filter_rule(uid, FilterRule("Email", Operator.IS_NOT_EMPTY)),
        "remove rule": lambda p: p.remove_filter_rule(uid, 0),
        "set rules": lambda p: p.set_filter_rules(uid, []),
        "load filter": lambda p: p.load_filter("default.people_to_contact", SavedFilter("f", "F")),
        "clear filter": lambda p: p.clear_filter("default.people_to_contact"),
        "add action": lambda p: p.add_action(uid, AddToSequence("s1", "Welcome")),
        "remove action": lambda p: p.remove_action(uid, 0),
        "exclude updated": lambda p: p.set_exclude_updated(uid, 0, False),
        "status map": lambda p: p.set_status_map("default.inbox_state_to_lead_status", {}),
        "status value": lambda p: p.set_status_value("default.inbox_state_to_lead_status", "new",
                                                     "Working - Contacted"),
    }


@pytest.mark.parametrize("edit", sorted(_edits("default.contact_to_people")))
def test_every_edit_is_refused_and_changes_nothing(edit):
    profile = default_profile()
    before = profile.steps
    with pytest.raises(ReadOnlyProfile, match="Switch to the Custom profile"):
        _edits("default.contact_to_people")[edit](profile)
    assert profile.steps == before


def test_steps_cannot_be_changed_behind_the_profiles_back():
    step = default_profile().steps[0]
    with pytest.raises(AttributeError):
        step.enabled = False  # frozen
    assert isinstance(step.mappings, tuple)

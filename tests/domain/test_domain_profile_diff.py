"""Config history in words: each kind of change between two profile versions, told once."""

from __future__ import annotations

import pytest

from plx_desktop.domain import (
    AddToSequence,
    FieldMapping,
    FilterRule,
    Operator,
    SavedFilter,
    SyncRule,
    custom_copy_of_default,
)
from plx_desktop.domain.profile_diff import diff_documents, summary
from plx_desktop.domain.profile_file import profile_to_document, profile_to_json


@pytest.fixture
def profile():
    return custom_copy_of_default()


def uid_of(profile, key: str) -> str:
    return next(s.uid for s in profile.steps if s.kind.key == key)


def changes(profile, edit) -> list[str]:
    before = profile_to_json(profile)
    edit(profile)
    return diff_documents(before, profile_to_document(profile))


def test_the_same_document_has_no_change(profile):
    assert diff_documents(profile_to_json(profile), profile_to_json(profile)) == []
    assert summary([]) == "No change"
    assert diff_documents(None, profile_to_json(profile)) == ["First saved version (12 steps)"]


def test_added_and_removed_steps_without_a_move_for_every_other_step(profile):
    assert changes(profile, lambda p: p.add_step("lead_to_people", index=2)) == [
        "Added step Lead → People at position 3"]
    calls = uid_of(profile, "calls_to_lead_tasks")
    assert changes(profile, lambda p: p.remove_step(calls)) == [
        "Removed step Calls → Lead Tasks (was at position 13)"]


def test_a_move_names_the_step_and_its_new_position(profile):
    uid = uid_of(profile, "sequence_status_to_lead_status")
    assert changes(profile, lambda p: p.move_step(uid, 1)) == [
        "Step 5 (Sequence People Status → Lead Status) moved to position 2"]


def test_mappings_rules_and_sync_rules(profile):
    uid = uid_of(profile, "contact_to_people")

    def edit(p):
        p.add_mapping(uid, FieldMapping("Title", "title", "string", "string"))
        p.remove_mapping(uid, 3)  # Account.Name ↔ account
        p.set_sync_rule(uid, 0, SyncRule.ALWAYS_SALESFORCE)
        p.add_filter_rule(uid, FilterRule("Email", Operator.ENDS_WITH, "@acme.com", "email"))

    assert changes(profile, edit) == [
        "Contact → People: mapping Account.Name ↔ account removed",
        "Contact → People: mapping Title ↔ title added",
        "Contact → People: FirstName ↔ first_name sync rule Two-way (most recent wins) → "
        "Always use Salesforce",
        "Contact → People: filter rule Email ends with @acme.com added",
    ]
    assert changes(profile, lambda p: p.remove_filter_rule(uid, 0)) == [
        "Contact → People: filter rule Email ends with @acme.com removed"]


def test_direction_switch_is_one_change(profile):
    uid = uid_of(profile, "contact_to_people")
    assert changes(profile, lambda p: p.switch_direction(uid)) == [
        "Contact → People: direction switched (now People → Contact)"]


def test_actions_filters_enabled_and_status_values(profile):
    people = uid_of(profile, "contact_to_people")
    to_lead = uid_of(profile, "people_to_lead")
    status = uid_of(profile, "inbox_state_to_lead_status")

    def edit(p):
        p.add_action(people, AddToSequence("seq-1", "Welcome", exclude_updated=True))
        p.load_filter(to_lead, SavedFilter("f-1", "Hot prospects"))
        p.set_enabled(status, False)
        p.set_status_value(status, "interested", "Closed - Converted")

    assert changes(profile, edit) == [
        "Contact → People: action Add to sequence Welcome added",
        "People → Lead: saved filter Hot prospects loaded",
        "Inbox States → Lead Status: turned off",
        "Inbox States → Lead Status: status value interested now maps to Closed - Converted",
    ]
    assert changes(profile, lambda p: p.set_exclude_updated(people, 0, False)) == [
        "Contact → People: Add to sequence Welcome: Exclude updated from action turned off"]
    assert changes(profile, lambda p: p.clear_filter(to_lead)) == [
        "People → Lead: saved filter Hot prospects cleared"]


def test_steps_of_the_same_kind_are_told_apart_by_position(profile):
    uid = uid_of(profile, "contact_to_people")
    profile.clone_step(uid)
    found = changes(profile, lambda p: p.set_enabled(uid, False))
    assert found == ["Contact → People (step 1): turned off"]
    assert summary(["a", "b", "c"]) == "a (and 2 more changes)"

"""The step catalog: twelve kinds, their objects, directions and mandatory mappings."""

from __future__ import annotations

import pytest

from plx_desktop.domain import STEP_KINDS, Direction, InvalidStep, System, step_kind

LABELS = [
    "Contact → People", "Lead → People", "People → Contact", "People → Lead",
    "Sequence People Status → Lead Status", "Inbox States → Lead Status",
    "Emails → Contact Tasks", "Emails → Lead Tasks", "Tasks → Lead Tasks", "Tasks → Contact Tasks",
    "Calls → Contact Tasks", "Calls → Lead Tasks",
]
NAMES = {("FirstName", "first_name"), ("Email", "email"), ("LastName", "last_name")}


def test_twelve_kinds_with_the_integrations_page_labels_and_unique_keys():
    assert [kind.label for kind in STEP_KINDS] == LABELS
    assert len({kind.key for kind in STEP_KINDS}) == 12
    assert step_kind("contact_to_people").label == "Contact → People"


def test_unknown_kind_is_refused_by_name():
    with pytest.raises(InvalidStep, match="unknown step kind 'contact_to_moon'"):
        step_kind("contact_to_moon")


def test_people_steps_switch_direction_into_their_twin():
    for key, twin in [("contact_to_people", "people_to_contact"), ("lead_to_people", "people_to_lead")]:
        kind = step_kind(key)
        assert kind.direction is Direction.SALESFORCE_TO_PEOPLELINX
        assert kind.reversed.key == twin
        assert kind.reversed.reversed is kind
        assert set(kind.allowed_directions) == set(Direction)
        assert kind.reversed.direction is Direction.PEOPLELINX_TO_SALESFORCE


def test_status_and_activity_steps_run_peoplelinx_to_salesforce_only():
    others = [k for k in STEP_KINDS if k.key not in
              ("contact_to_people", "lead_to_people", "people_to_contact", "people_to_lead")]
    assert len(others) == 8
    for kind in others:
        assert kind.source.system is System.PEOPLELINX and kind.target.system is System.SALESFORCE
        assert kind.allowed_directions == (Direction.PEOPLELINX_TO_SALESFORCE,)
        assert not kind.can_switch_direction
        with pytest.raises(InvalidStep, match="cannot be switched"):
            _ = kind.reversed


def test_mandatory_mappings_of_people_steps_both_ways():
    for key in ("contact_to_people", "lead_to_people", "people_to_contact", "people_to_lead"):
        pairs = {(m.salesforce_field, m.peoplelinx_field) for m in step_kind(key).mandatory_mappings}
        assert pairs == NAMES
        assert all(m.mandatory for m in step_kind(key).mandatory_mappings)


def test_company_preset_and_lead_placeholder():
    assert step_kind("contact_to_people").preset_mappings[0].salesforce_field == "Account.Name"
    assert step_kind("people_to_lead").preset_mappings[0].salesforce_field == "Company"
    assert dict(step_kind("people_to_lead").defaults_when_unmapped) == {"Company": "[not provided]"}


def test_objects_on_each_side():
    assert step_kind("emails_to_lead_tasks").target.name == "Task"
    assert step_kind("calls_to_contact_tasks").source.name == "call"
    assert step_kind("inbox_state_to_lead_status").target.name == "Lead"
    assert step_kind("people_to_contact").target.name == "Contact"


def test_status_steps_have_complete_preset_maps_onto_lead_statuses():
    from plx_desktop.domain.status_maps import INBOX_STATES, LEAD_STATUSES, SEQUENCE_STATUSES

    seq, inbox = step_kind("sequence_status_to_lead_status"), step_kind("inbox_state_to_lead_status")
    assert [s for s, _ in seq.preset_status_map] == list(SEQUENCE_STATUSES)
    assert [s for s, _ in inbox.preset_status_map] == list(INBOX_STATES)
    assert all(v in LEAD_STATUSES for _, v in seq.preset_status_map + inbox.preset_status_map)


def test_actions_only_where_people_are_written():
    takers = {k.key for k in STEP_KINDS if k.accepts_actions}
    assert takers == {"contact_to_people", "lead_to_people"}

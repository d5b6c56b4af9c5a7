"""Steps of the same kind told apart: names, labels with their filter or number, and the fields
two steps of the same kind would both write."""

from __future__ import annotations

import pytest

from plx_desktop.domain import FilterRule, InvalidStep, Operator, custom_profile
from plx_desktop.domain.profile_file import profile_from_json, profile_to_json
from plx_desktop.domain.step_names import distinct_labels, write_clashes


def _three_contact_steps():
    profile = custom_profile()
    first = profile.add_step("contact_to_people")
    second = profile.add_step("contact_to_people")
    third = profile.add_step("contact_to_people")
    return profile, first, second, third


def test_namesakes_are_told_apart_by_filter_then_by_number():
    profile, first, second, third = _three_contact_steps()
    profile.set_filter_rules(third.uid, [FilterRule("Email", Operator.ENDS_WITH, "@acme.com",
                                                    "email")])
    labels = distinct_labels(profile.steps)
    assert labels == {first.uid: "Contact → People", second.uid: "Contact → People #2",
                      third.uid: "Contact → People (Email ends with @acme.com)"}
    assert len(set(labels.values())) == 3


def test_a_name_is_the_steps_label_everywhere_and_survives_a_file():
    profile, first, second, _ = _three_contact_steps()
    profile.rename_step(second.uid, "  EMEA   contacts ")
    assert profile.step(second.uid).label == "EMEA contacts"  # trimmed, one line
    assert distinct_labels(profile.steps)[second.uid] == "EMEA contacts"
    again = profile_from_json(profile_to_json(profile))
    assert [s.name for s in again.steps] == ["", "EMEA contacts", ""]
    profile.rename_step(second.uid, "")
    assert profile.step(second.uid).label == "Contact → People"
    with pytest.raises(InvalidStep, match="at most 80 characters"):
        profile.rename_step(first.uid, "x" * 81)


def test_two_steps_of_the_same_kind_writing_one_field_are_flagged():
    profile, first, second, third = _three_contact_steps()
    profile.set_enabled(third.uid, False)  # a step turned off writes nothing
    clashes = write_clashes(profile.steps)
    assert "first_name (PeopleLinx person) is written by both Contact → People and Contact → " \
           "People #2" in clashes
    profile.remove_step(second.uid)
    assert write_clashes(profile.steps) == []


def test_the_default_profile_has_no_clash():
    from plx_desktop.domain import default_profile

    assert write_clashes(default_profile().steps) == []

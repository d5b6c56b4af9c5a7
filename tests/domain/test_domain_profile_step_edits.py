"""Profile.replace_step and require_editable, and filters.operators_for (what the GUI builds on)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from plx_desktop.domain import (
    AddToSequence,
    FieldMapping,
    FilterRule,
    InvalidAction,
    InvalidFilter,
    InvalidMapping,
    InvalidStep,
    Operator,
    ReadOnlyProfile,
    custom_copy_of_default,
    default_profile,
    operators_for,
)
from plx_desktop.domain.fields import SALESFORCE_TYPES


def _step(profile, key):
    return next(s for s in profile.steps if s.kind.key == key)


def test_replace_step_applies_every_setting_in_one_change():
    profile = custom_copy_of_default()
    step = _step(profile, "contact_to_people")
    changes = []
    profile.add_listener(changes.append)
    edited = replace(
        step,
        mappings=(*step.mappings, FieldMapping("Title", "title", "string", "string")),
        filter_rules=(FilterRule("Email", Operator.ENDS_WITH, "@acme.com", "email"),),
        actions=(AddToSequence("seq-1", "Welcome", exclude_updated=False),),
    )
    stored = profile.replace_step(step.uid, edited)
    assert profile.step(step.uid) == stored
    assert stored.filter_rules == edited.filter_rules and stored.actions == edited.actions
    assert [m.salesforce_field for m in stored.mappings][-1] == "Title"
    assert len(changes) == 1
    assert (changes[0].what, changes[0].index) == ("changed", profile.index_of(step.uid))


@pytest.mark.parametrize("break_it, error", [
    (lambda s: replace(s, mappings=s.mappings[1:]), InvalidMapping),  # a mandatory one dropped
    (lambda s: replace(s, filter_rules=(FilterRule("Email", Operator.GREATER_THAN, "x",
                                                   "email"),)), InvalidFilter),
    (lambda s: replace(s, actions=(AddToSequence("a", "A"), AddToSequence("a", "A"))),
     InvalidAction),
    (lambda s: replace(s, uid="someone-else"), InvalidStep),
    (lambda s: replace(s, kind=s.kind.reversed), InvalidStep),
])
def test_replace_step_refuses_a_bad_step_and_changes_nothing(break_it, error):
    profile = custom_copy_of_default()
    step = _step(profile, "contact_to_people")
    before = profile.copy()
    changes = []
    profile.add_listener(changes.append)
    with pytest.raises(error):
        profile.replace_step(step.uid, break_it(step))
    assert profile == before and changes == []


def test_replace_step_flags_mandatory_mappings_as_the_kind_says():
    profile = custom_copy_of_default()
    step = _step(profile, "contact_to_people")
    unflagged = replace(step, mappings=tuple(replace(m, mandatory=False) for m in step.mappings))
    stored = profile.replace_step(step.uid, unflagged)
    assert [m.mandatory for m in stored.mappings] == [m.mandatory for m in step.mappings]


def test_the_default_profile_refuses_replace_step_and_says_so():
    profile = default_profile()
    step = profile.steps[0]
    with pytest.raises(ReadOnlyProfile, match="Changing a step"):
        profile.replace_step(step.uid, step)
    with pytest.raises(ReadOnlyProfile, match="Dragging a step"):
        profile.require_editable("Dragging a step")
    custom_copy_of_default().require_editable("Dragging a step")  # no error


@pytest.mark.parametrize("field_type", sorted(SALESFORCE_TYPES))
def test_every_operator_offered_for_a_type_validates(field_type):
    values = {"number": "42", "date": "2026-01-31", "datetime": "2026-01-31T12:00:00Z",
              "boolean": "true", "email": "ada@acme.com", "phone": "+1 555 0100"}
    from plx_desktop.domain.fields import salesforce_kind

    value = values.get(salesforce_kind(field_type), "acme")
    offered = operators_for(field_type)
    for op in offered:
        FilterRule("Some_Field__c", op, value if op.takes_value else "", field_type).validate()
    for op in set(Operator) - set(offered):
        with pytest.raises(InvalidFilter):
            FilterRule("Some_Field__c", op, value, field_type).validate()


def test_operators_come_in_the_order_an_admin_reads_them():
    assert operators_for("email") == (
        Operator.EQUALS, Operator.NOT_EQUALS, Operator.CONTAINS, Operator.STARTS_WITH,
        Operator.ENDS_WITH, Operator.IS_EMPTY, Operator.IS_NOT_EMPTY)
    assert operators_for("date")[2:4] == (Operator.GREATER_THAN, Operator.LESS_THAN)
    assert operators_for("boolean") == (Operator.EQUALS, Operator.NOT_EQUALS, Operator.IS_EMPTY,
                                        Operator.IS_NOT_EMPTY)

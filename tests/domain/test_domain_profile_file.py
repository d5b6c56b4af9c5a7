"""Profile export/import: a round trip keeps everything; bad files are refused naming the field."""

from __future__ import annotations

import json

import pytest

from plx_desktop.domain import (
    AddToSequence,
    FieldMapping,
    FilterRule,
    InvalidProfileFile,
    Operator,
    ProfileKind,
    SavedFilter,
    SyncRule,
    custom_copy_of_default,
    custom_profile,
    default_profile,
    profile_from_json,
    profile_to_json,
    step_kind,
)
from plx_desktop.domain.profile_file import profile_to_document


def _rich_profile():
    profile = custom_profile()
    contact = profile.add_step("contact_to_people")
    profile.add_mapping(contact.uid, FieldMapping("Lead_Score__c", "custom_fields.score", "double",
                                                  "number", sync_rule=SyncRule.ALWAYS_SALESFORCE))
    profile.add_filter_rule(contact.uid, FilterRule("Email", Operator.ENDS_WITH, "@acme.com"))
    profile.add_filter_rule(contact.uid, FilterRule("NumberOfEmployees", Operator.GREATER_THAN,
                                                    "50", "int"))
    profile.add_action(contact.uid, AddToSequence("seq-9", "Q3 outreach", exclude_updated=False))
    outbound = profile.add_step("people_to_lead")
    profile.load_filter(outbound.uid, SavedFilter("flt-1", "Not yet in Salesforce"))
    profile.set_enabled(outbound.uid, False)
    status = profile.add_step("inbox_state_to_lead_status")
    profile.set_status_value(status.uid, "out_of_office", None)
    profile.add_step("calls_to_lead_tasks")
    return profile


def test_round_trip_keeps_every_setting_and_the_uids():
    profile = _rich_profile()
    text = profile_to_json(profile)
    back = profile_from_json(text)
    assert back == profile
    assert profile_to_json(back) == text


def test_the_default_profile_exports_and_imports_as_custom():
    back = profile_from_json(profile_to_json(default_profile()))
    assert back.kind is ProfileKind.CUSTOM and len(back.steps) == 12
    assert [s.mappings for s in back.steps] == [s.mappings for s in default_profile().steps]


def test_no_secrets_in_the_file():
    text = profile_to_json(_rich_profile()).lower()
    for word in ("token", "password", "api_key", "secret"):
        assert word not in text


def _document():
    return profile_to_document(_rich_profile())


def _refusal(document) -> list[str]:
    with pytest.raises(InvalidProfileFile) as caught:
        profile_from_json(json.dumps(document))
    return caught.value.problems


def test_bad_files_name_the_bad_field():
    doc = _document()
    doc["steps"][0]["mappings"][4]["salesforce_field"] = "Foo Bar"
    doc["steps"][0]["filter_rules"][1]["operator"] = "between"
    doc["steps"][1]["direction"] = "sideways"
    doc["steps"][2]["kind"] = "fax_to_people"
    doc["steps"][3]["colour"] = "blue"
    problems = _refusal(doc)
    assert problems[0].startswith("steps[0].mappings[4].salesforce_field: 'Foo Bar' is not a "
                                  "Salesforce field name")
    assert problems[1].startswith("steps[0].filter_rules[1].operator: unknown operator 'between'")
    assert problems[2].startswith("steps[1].direction: unknown direction 'sideways'")
    assert problems[3].startswith("steps[2].kind: unknown step kind 'fax_to_people'")
    assert problems[4] == "steps[3].colour: unknown field 'colour'"


@pytest.mark.parametrize("change,expected", [
    (lambda d: d.update(format_version=99), "format_version: this version of PLX Desktop reads"),
    (lambda d: d.pop("steps"), "missing field 'steps'"),
    (lambda d: d.update(format="something"), "format: expected 'plx-desktop-profile'"),
    (lambda d: d["steps"][1].update(direction="salesforce_to_peoplelinx"),
     "steps[1].direction: People → Lead runs peoplelinx_to_salesforce"),
    (lambda d: d["steps"][0]["mappings"].pop(0),
     "steps[0].mappings: first_name ↔ FirstName is mandatory"),
    (lambda d: d["steps"][0]["mappings"][4].update(peoplelinx_type="email"),
     "steps[0].mappings: Lead_Score__c (number) cannot be mapped to custom_fields.score (email)"),
    (lambda d: d["steps"][0]["filter_rules"][1].update(value="fifty"),
     "steps[0].filter_rules[1]: NumberOfEmployees: 'fifty' is not a number"),
    (lambda d: d["steps"][1]["actions"].append(
        {"type": "add_to_sequence", "sequence_id": "s", "sequence_name": "S"}),
     "steps[1].actions: People → Lead does not write People"),
    (lambda d: d["steps"][0]["actions"][0].update(type="send_fax"),
     "steps[0].actions[0].type: unknown action 'send_fax'"),
    (lambda d: d["steps"][2]["status_map"].update(on_fire="Working - Contacted"),
     "steps[2].status_map: 'on_fire' is not a PeopleLinx value"),
    (lambda d: d["steps"][1].update(enabled="yes"), "steps[1].enabled: expected true or false"),
    (lambda d: d["steps"][0]["mappings"][4].update(sync_rule="sometimes"),
     "steps[0].mappings[4].sync_rule: unknown sync rule 'sometimes'"),
    (lambda d: d.update(steps={}), "steps: expected a list of steps"),
])
def test_each_refusal_names_its_field(change, expected):
    doc = _document()
    change(doc)
    problems = _refusal(doc)
    assert any(p.startswith(expected) for p in problems), problems


def test_not_json_and_not_an_object():
    with pytest.raises(InvalidProfileFile, match="not JSON"):
        profile_from_json("{nope")
    with pytest.raises(InvalidProfileFile, match="document: expected an object"):
        profile_from_json("[]")


def test_duplicate_uids_in_a_file_get_fresh_ones():
    doc = _document()
    doc["steps"][1]["uid"] = doc["steps"][0]["uid"]
    back = profile_from_json(json.dumps(doc))
    assert len({s.uid for s in back.steps}) == 4


def test_a_minimal_hand_written_file_gets_the_kinds_defaults():
    back = profile_from_json(json.dumps({
        "format": "plx-desktop-profile", "format_version": 1,
        "steps": [{"kind": "sequence_status_to_lead_status", "status_map": {}},
                  {"kind": "inbox_state_to_lead_status"}, {"kind": "people_to_lead"},
                  {"kind": "contact_to_people", "mappings": [
                      {"salesforce_field": "FirstName", "peoplelinx_field": "first_name"},
                      {"salesforce_field": "Email", "peoplelinx_field": "email"},
                      {"salesforce_field": "LastName", "peoplelinx_field": "last_name"}]}]}))
    assert back.steps[0].status_map == ()  # an empty map was asked for: statuses left alone
    assert back.steps[1].status_map == step_kind("inbox_state_to_lead_status").preset_status_map
    assert back.steps[2].mappings == step_kind("people_to_lead").default_mappings
    assert all(m.mandatory for m in back.steps[3].mappings)


def test_a_lone_surrogate_is_refused_with_the_field_named():
    """Found by the reliability suite's property test: '\\ud800' in a status value crashed the
    save into SQLite instead of being refused."""
    document = json.loads(profile_to_json(custom_copy_of_default()))
    document["steps"][4]["status_map"]["active"] = "\ud800"
    with pytest.raises(InvalidProfileFile) as refused:
        profile_from_json(json.dumps(document))
    assert any(p.startswith("steps[4].status_map.active:") for p in refused.value.problems)

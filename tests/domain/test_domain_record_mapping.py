"""Applying a step's mappings to records in both directions."""

from __future__ import annotations

from plx_desktop.domain import (
    FieldMapping,
    SyncRule,
    custom_profile,
    is_valid_email,
    map_record,
    nested,
)

SF_CONTACT = {"Id": "003A", "FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@acme.com",
              "Account": {"Name": "Acme Labs"}, "Lead_Score__c": 12.0, "Title": None}
PERSON = {"id": "per_1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@acme.com",
          "account": "", "custom_fields": {"score": "12", "bio": "x" * 300}}


def test_contact_to_people_reads_nested_account_and_converts_types():
    profile = custom_profile()
    step = profile.add_step("contact_to_people")
    step = profile.add_mapping(step.uid, FieldMapping("Lead_Score__c", "custom_fields.score",
                                                      "double", "string"))
    mapped = map_record(step, SF_CONTACT)
    assert mapped.ok and mapped.values == {
        "first_name": "Ada", "email": "ada@acme.com", "last_name": "Lovelace",
        "account": "Acme Labs", "custom_fields.score": "12"}
    assert nested(mapped.values)["custom_fields"] == {"score": "12"}


def test_people_to_lead_fills_company_converts_cuts_and_reports():
    profile = custom_profile()
    step = profile.add_step("people_to_lead")
    profile.add_mapping(step.uid, FieldMapping("Score__c", "custom_fields.score", "double", "string"))
    profile.add_mapping(step.uid, FieldMapping("Description", "custom_fields.bio", "textarea",
                                               "text"))
    step = profile.add_mapping(step.uid, FieldMapping("Rating__c", "title", "int", "string",
                                                      sync_rule=SyncRule.DONT_SYNC))
    mapped = map_record(step, PERSON, max_lengths={"Description": 255})
    assert mapped.values["Company"] == "[not provided]"  # blank account -> Lead's placeholder
    assert mapped.values["Score__c"] == 12
    assert len(mapped.values["Description"]) == 255 and "cut from 300 to 255" in mapped.warnings[0]
    assert "Rating__c" not in mapped.values
    bad = map_record(step, {**PERSON, "custom_fields": {"score": "twelve"}})
    assert not bad.ok and bad.errors == ["custom_fields.score → Score__c: 'twelve' is not a number"]


def test_email_validity():
    assert is_valid_email(" ada@acme.com ")
    assert not any(is_valid_email(e) for e in ["", None, "ada", "ada@acme", "a b@acme.com",
                                              "a@@acme.com"])

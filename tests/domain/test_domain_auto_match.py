"""Auto-match: proposals by name and type likeness, one per field, only ones the domain accepts."""

from __future__ import annotations

import pytest

from plx_desktop.domain import DomainError, FieldMapping, PeopleLinxField, SalesforceField, new_step
from plx_desktop.domain.auto_match import accept, likeness, normalise, propose
from plx_desktop.domain.catalog import step_kind
from plx_desktop.domain.fields import PEOPLELINX_STANDARD_FIELDS

# As the sandbox org describes Contact and Lead (trimmed to what matters here).
CONTACT = [
    SalesforceField("Id", "Contact ID", "id", updateable=False),
    SalesforceField("FirstName", "First Name", "string"),
    SalesforceField("LastName", "Last Name", "string"),
    SalesforceField("Email", "Email", "email"),
    SalesforceField("Title", "Title", "string"),
    SalesforceField("Phone", "Business Phone", "phone"),
    SalesforceField("MailingCity", "Mailing City", "string"),
    SalesforceField("LeadSource", "Lead Source", "picklist"),
    SalesforceField("Name", "Full Name", "string", updateable=False),
    SalesforceField("PeopleLinx_Id__c", "PeopleLinx Id", "string"),
    SalesforceField("Persona__c", "Persona", "picklist"),
    SalesforceField("LinkedIn__c", "LinkedIn", "url"),
]
PEOPLE = [*PEOPLELINX_STANDARD_FIELDS,
          PeopleLinxField("custom_fields.persona", "Persona", "picklist"),
          PeopleLinxField("custom_fields.lead_score", "Lead Score", "number"),
          PeopleLinxField("custom_fields.linkedin_url", "LinkedIn URL", "url")]


def pairs(proposals):
    return [(p.salesforce.name, p.peoplelinx.key) for p in proposals]


@pytest.mark.parametrize(("name", "form"), [
    ("Lead_Score__c", "leadscore"), ("custom_fields.lead_score", "leadscore"),
    ("Account.Name", "accountname"), ("First Name", "firstname"), ("MobilePhone", "mobilephone"),
])
def test_names_are_compared_in_a_normal_form(name, form):
    assert normalise(name) == form


def test_contact_to_people_proposes_the_obvious_pairs_and_nothing_already_mapped():
    step = new_step(step_kind("contact_to_people"))  # First, Last, Email and Account.Name mapped
    proposals = propose(step, CONTACT, PEOPLE)
    assert sorted(pairs(proposals)) == sorted([
        ("Title", "title"), ("Phone", "phone"), ("Persona__c", "custom_fields.persona"),
        ("LinkedIn__c", "custom_fields.linkedin_url")])
    by_sf = {p.salesforce.name: p for p in proposals}
    assert by_sf["Title"].reason == "same name, same type"
    assert by_sf["LinkedIn__c"].reason.startswith("known synonym")
    assert by_sf["Title"].score > by_sf["LinkedIn__c"].score
    assert [p.score for p in proposals] == sorted((p.score for p in proposals), reverse=True)


def test_each_field_is_proposed_once():
    step = new_step(step_kind("lead_to_people"))
    fields = [SalesforceField("Phone", "Phone", "phone"),
              SalesforceField("MobilePhone", "Mobile Phone", "phone")]
    proposals = propose(step, fields, PEOPLE)
    assert pairs(proposals) == [("Phone", "phone")]  # the exact name wins the one phone field


def test_synonyms_bring_company_and_account_together():
    step = new_step(step_kind("lead_to_people")).with_mappings(
        new_step(step_kind("lead_to_people")).kind.mandatory_mappings)  # Company ↔ account removed
    proposals = propose(step, [SalesforceField("Company", "Company", "string")], PEOPLE)
    assert pairs(proposals) == [("Company", "account")]
    assert "synonym" in proposals[0].reason
    assert likeness(SalesforceField("Account.Name", "Account Name", "string"),
                    PeopleLinxField("account", "Company Name", "string"))[0] > 0


def test_types_must_fit_in_the_steps_direction():
    lead_score = SalesforceField("Lead_Score__c", "Lead Score", "double")
    text_score = PeopleLinxField("custom_fields.lead_score", "Lead Score", "string")
    # A number can fill a text field, so Lead → People may map it ...
    assert pairs(propose(new_step(step_kind("lead_to_people")), [lead_score], [text_score])) == [
        ("Lead_Score__c", "custom_fields.lead_score")]
    # ... and text can fill a number only "holding a number": proposed, with the conversion said.
    back = propose(new_step(step_kind("people_to_lead")), [lead_score], [text_score])
    assert back and "converts" in back[0].reason
    website = SalesforceField("Website__c", "Website", "url")
    as_number = PeopleLinxField("custom_fields.website", "Website", "number")
    assert propose(new_step(step_kind("contact_to_people")), [website], [as_number]) == []


def test_read_only_salesforce_fields_are_never_targets():
    full_name = SalesforceField("Title", "Title", "string", updateable=False)
    assert propose(new_step(step_kind("people_to_contact")), [full_name], PEOPLE) == []
    assert pairs(propose(new_step(step_kind("contact_to_people")), [full_name], PEOPLE)) == [
        ("Title", "title")]  # reading a read-only field is fine


def test_engine_fields_and_unlike_names_are_left_out():
    step = new_step(step_kind("contact_to_people"))
    proposals = propose(step, CONTACT, PEOPLE)
    names = {p.salesforce.name for p in proposals}
    assert not names & {"PeopleLinx_Id__c", "Id", "MailingCity", "LeadSource", "Name"}


def test_accepting_proposals_makes_validated_mappings():
    step = new_step(step_kind("contact_to_people"))
    proposals = propose(step, CONTACT, PEOPLE)
    accepted = accept(step, proposals[:2])
    assert accepted.mappings[-2:] == tuple(p.mapping for p in proposals[:2])
    with pytest.raises(DomainError):  # the domain still checks: a target filled twice
        accept(accepted, [proposals[0]])
    assert FieldMapping("Title", "title", "string", "string") in accept(step, proposals).mappings

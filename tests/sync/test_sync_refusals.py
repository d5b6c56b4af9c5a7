"""Records the org's rules refuse, end to end on the sandbox: a validation rule's message and field,
a duplicate rule's matched records with Link to this record and Create anyway, and a contact that
waits for the Account Salesforce would not create."""

from __future__ import annotations

from sync_helpers import custom_with, emptied, log_of, plx_client, sf_create

from plx_desktop.store.duplicate_actions import can_link, create_anyway, link_to_match
from plx_desktop.store.settings import DUPLICATE_RULES_ALLOW_SAVE


def _person(sandbox, first: str, last: str, email: str, **more) -> dict:
    with plx_client(sandbox) as client:
        return client.create_person({"first_name": first, "last_name": last, "email": email,
                                     **more})


def _failing(store, code: str):
    return [r for r in store.health.failing() if r.error_code == code]


def test_a_validation_rule_is_logged_with_its_message_and_field(sandbox, sync, store, control):
    emptied(sandbox)
    custom_with(store, "people_to_contact")
    control.sf_control("POST", "validation-rule", {
        "object": "Contact", "name": "Title_Required", "field": "Title", "required": True,
        "message": "Every contact needs a title"})
    person = _person(sandbox, "Ada", "Lovelace", "ada@ae.example.com")
    assert sync().status == "completed"
    [record] = _failing(store, "FIELD_CUSTOM_VALIDATION_EXCEPTION")
    assert record.plx_id == person["id"] and record.cause == "validation rule"
    assert "Every contact needs a title" in record.message and "field: Title" in record.message
    [group] = [g for g in store.health.by_cause() if g.cause == "validation rule"]
    assert [r.plx_id for r in group.records] == [person["id"]]


def test_link_to_this_record_links_the_person_to_the_one_match(sandbox, sync, store, control):
    emptied(sandbox)
    custom_with(store, "people_to_contact")
    old = sf_create(sandbox, "Contact", FirstName="Grace", LastName="Hopper",
                    Email="grace@old.example.com")
    control.sf_control("POST", "duplicate-rule", {"object": "Contact",
                                                  "match_fields": ["FirstName", "LastName"],
                                                  "action": "block"})
    person = _person(sandbox, "Grace", "Hopper", "grace@new.example.com")
    assert sync().status == "completed"
    [record] = _failing(store, "DUPLICATES_DETECTED")
    assert record.cause == "duplicate" and old in record.message
    assert f"{sandbox.info.salesforce_instance_url}/{old}" in record.message
    assert can_link(record)
    link_to_match(store.links, store.health, record, sandbox.info.salesforce_instance_url)
    assert sync().status == "completed"
    [contact] = control.sf_records("Contact")
    assert contact["Id"] == old and contact["Email"] == "grace@new.example.com"
    assert [k.sf_id for k in store.links.by_plx_id(person["id"])] == [old]
    assert _failing(store, "DUPLICATES_DETECTED") == []


def test_create_anyway_saves_where_the_rule_allows_it(sandbox, sync, store, control):
    emptied(sandbox)
    custom_with(store, "people_to_contact")
    sf_create(sandbox, "Contact", FirstName="Alan", LastName="Turing", Email="alan@old.example.com")
    control.sf_control("POST", "duplicate-rule", {"object": "Contact",
                                                  "match_fields": ["FirstName", "LastName"],
                                                  "action": "allow"})
    person = _person(sandbox, "Alan", "Turing", "alan@new.example.com")
    assert sync().status == "completed"
    [record] = _failing(store, "DUPLICATES_DETECTED")
    assert "Create anyway" in record.message
    create_anyway(store.settings, store.health, record)
    assert sync().status == "completed"
    emails = sorted(r["Email"] for r in control.sf_records("Contact"))
    assert emails == ["alan@new.example.com", "alan@old.example.com"]
    assert store.links.by_plx_id(person["id"])


def test_the_allow_save_setting_saves_past_an_allowing_rule(sandbox, sync, store, control):
    emptied(sandbox)
    custom_with(store, "people_to_contact")
    store.settings.set(DUPLICATE_RULES_ALLOW_SAVE, True)
    sf_create(sandbox, "Contact", FirstName="Alan", LastName="Turing", Email="alan@old.example.com")
    control.sf_control("POST", "duplicate-rule", {"object": "Contact",
                                                  "match_fields": ["FirstName", "LastName"],
                                                  "action": "allow"})
    _person(sandbox, "Alan", "Turing", "alan@new.example.com")
    assert sync().status == "completed"
    assert len(control.sf_records("Contact")) == 2


def test_a_contact_waits_for_the_account_salesforce_refused(sandbox, sync, store, control):
    emptied(sandbox)
    custom_with(store, "people_to_contact")
    control.sf_control("POST", "validation-rule", {
        "object": "Account", "name": "Website_Required", "field": "Website", "required": True,
        "message": "Accounts need a website"})
    person = _person(sandbox, "Ada", "Lovelace", "ada@ae.example.com",
                     account="Analytical Engines")
    assert sync().status == "completed"
    assert control.sf_records("Contact") == []  # not created without its Account
    [entry] = log_of(store, code="ACCOUNT_NOT_CREATED")
    assert entry.plx_id == person["id"] and "Accounts need a website" in entry.message
    control.sf_control("DELETE", "validation-rule/Website_Required")
    store.health.request_retry(store.health.failing())
    assert sync().status == "completed"
    [account] = control.sf_records("Account")
    [contact] = control.sf_records("Contact")
    assert contact["AccountId"] == account["Id"] and account["Name"] == "Analytical Engines"

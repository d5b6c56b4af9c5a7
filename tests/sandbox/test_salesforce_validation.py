"""Validation on the Salesforce stand-in: every error code, as the REST API and Collections report it."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest


def client(sf_server: Any) -> Salesforce:
    session = requests.Session()
    session.verify = str(sf_server.ca_file)
    session.trust_env = False
    token = sf_server.app.sandbox_credentials()["access_token"]
    return Salesforce(instance_url=sf_server.url, session_id=token, session=session, version="62.0")


def refused(call: Any) -> dict[str, Any]:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        call()
    assert caught.value.status == 400
    [error] = caught.value.content
    return error


CASES = [
    ("Lead", {"FirstName": "No"}, "REQUIRED_FIELD_MISSING", ["LastName", "Company"]),
    ("Contact", {"LastName": "x" * 81}, "STRING_TOO_LONG", ["LastName"]),
    ("Contact", {"LastName": "x", "Email": "nobody-at-example"}, "INVALID_EMAIL_ADDRESS", ["Email"]),
    ("Task", {"Subject": "s", "Status": "Hot"}, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
     ["Status"]),
    ("Task", {"Subject": "s", "Priority": "Urgent"}, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
     ["Priority"]),
    ("Contact", {"LastName": "x", "AccountId": "not-an-id"}, "MALFORMED_ID", ["AccountId"]),
    ("Contact", {"LastName": "x", "AccountId": "001000000000000AAA"}, "INVALID_CROSS_REFERENCE_KEY",
     ["AccountId"]),
    ("Contact", {"LastName": "x", "Name": "Full Name"}, "INVALID_FIELD_FOR_INSERT_UPDATE", ["Name"]),
    ("Lead", {"LastName": "x", "Company": "c", "IsConverted": True},
     "INVALID_FIELD_FOR_INSERT_UPDATE", ["IsConverted"]),
    ("Contact", {"LastName": "x", "Shoe_Size__c": 44}, "INVALID_FIELD", None),
    ("Task", {"Subject": "s", "ActivityDate": "31/01/2026"}, "JSON_PARSER_ERROR", []),
]


@pytest.mark.parametrize(("sobject", "values", "code", "fields"), CASES)
def test_rest_create_refuses(sf_server: Any, sobject: str, values: dict[str, Any], code: str,
                             fields: list[str] | None) -> None:
    error = refused(lambda: getattr(client(sf_server), sobject).create(values))
    assert error["errorCode"] == code and error["message"]
    if fields is not None:
        assert error["fields"] == fields


def test_messages_read_like_salesforce(sf_server: Any) -> None:
    sf = client(sf_server)
    assert refused(lambda: sf.Task.create({"Subject": "x", "Status": "Hot"}))[
        "message"] == "Status: bad value for restricted picklist field: Hot"
    # Lead Status is not restricted, as in Salesforce: an off-list value saves silently.
    assert sf.Lead.create({"LastName": "x", "Company": "c", "Status": "Hot"})["success"]
    assert refused(lambda: sf.Contact.create({"LastName": "x", "Email": "bad"}))[
        "message"] == "Email: invalid email address: bad"
    assert refused(lambda: sf.Contact.create({"LastName": "x", "Nope__c": 1}))[
        "message"] == "No such column 'Nope__c' on sobject of type Contact"


def test_wrong_object_in_a_lookup(sf_server: Any) -> None:
    sf = client(sf_server)
    lead = sf.query("SELECT Id FROM Lead LIMIT 1")["records"][0]["Id"]
    error = refused(lambda: sf.Contact.create({"LastName": "x", "AccountId": lead}))
    assert error["errorCode"] == "FIELD_INTEGRITY_EXCEPTION" and error["fields"] == ["AccountId"]


def test_task_who_may_be_a_contact_or_a_lead(sf_server: Any) -> None:
    sf = client(sf_server)
    lead = sf.query("SELECT Id FROM Lead WHERE IsConverted = false LIMIT 1")["records"][0]["Id"]
    contact = sf.query("SELECT Id FROM Contact LIMIT 1")["records"][0]["Id"]
    for who in (lead, contact, contact[:15]):
        made = sf.Task.create({"WhoId": who, "Subject": "Call", "TaskSubtype": "Call",
                               "CallDurationInSeconds": 90, "CallType": "Outbound"})
        task = sf.Task.get(made["id"])
        assert task["WhoId"] == (who if len(who) == 18 else contact)
        assert task["Status"] == "Not Started" and task["Priority"] == "Normal"
        assert task["IsClosed"] is False
    sf.Task.update(made["id"], {"Status": "Completed"})
    assert sf.Task.get(made["id"])["IsClosed"] is True
    assert refused(lambda: sf.Task.update(made["id"], {"TaskSubtype": "Email"}))[
        "errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_lead_defaults_and_duplicate_external_id(sf_server: Any) -> None:
    sf = client(sf_server)
    made = sf.Lead.create({"LastName": "New", "Company": "Co", "PeopleLinx_Id__c": "L-1"})
    lead = sf.Lead.get(made["id"])
    assert lead["Status"] == "Open - Not Contacted" and lead["IsConverted"] is False
    error = refused(lambda: sf.Lead.create({"LastName": "Dup", "Company": "Co", "PeopleLinx_Id__c": "l-1"}))
    assert error["errorCode"] == "DUPLICATE_VALUE" and made["id"] in error["message"]
    assert refused(lambda: sf.Lead.update(made["id"], {"Company": None}))[
        "errorCode"] == "REQUIRED_FIELD_MISSING"


def test_converted_lead_can_be_read_but_not_updated(sf_server: Any) -> None:
    sf = client(sf_server)
    lead = sf.query("SELECT Id, ConvertedContactId FROM Lead WHERE IsConverted = true LIMIT 1")["records"][0]
    error = refused(lambda: sf.Lead.update(lead["Id"], {"Title": "New title"}))
    assert error["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"
    assert sf.Contact.get(lead["ConvertedContactId"])["Id"] == lead["ConvertedContactId"]
    results = sf.restful("composite/sobjects", method="PATCH", json={"records": [
        {"attributes": {"type": "Lead"}, "id": lead["Id"], "Title": "x"}]})
    assert results[0]["errors"][0]["statusCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"


def test_deleted_record_cannot_be_a_parent(sf_server: Any) -> None:
    sf = client(sf_server)
    account = sf.Account.create({"Name": "Gone Inc"})["id"]
    sf.Account.delete(account)
    assert refused(lambda: sf.Contact.create({"LastName": "x", "AccountId": account}))[
        "errorCode"] == "ENTITY_IS_DELETED"

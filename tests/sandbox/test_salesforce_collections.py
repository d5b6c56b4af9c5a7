"""sObject Collections on the Salesforce stand-in: per-record results in order, allOrNone, limits."""

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


def collections(sf: Salesforce, method: str, path: str = "", **kw: Any) -> Any:
    return sf.restful(f"composite/sobjects{path}", method=method, **kw)


def contact(last: str, **values: Any) -> dict[str, Any]:
    return {"attributes": {"type": "Contact"}, "LastName": last, **values}


def test_create_reports_each_record_in_order(sf_server: Any) -> None:
    sf = client(sf_server)
    body = {"allOrNone": False, "records": [
        contact("One"), {"attributes": {"type": "Lead"}, "LastName": "Lead"}, contact("Two"),
        contact("Three", Email="not an email")]}
    results = collections(sf, "POST", json=body)
    assert [r["success"] for r in results] == [True, False, True, False]
    assert results[0]["errors"] == [] and results[0]["id"].startswith("003")
    assert results[1]["errors"] == [{"statusCode": "REQUIRED_FIELD_MISSING",
                                     "message": "Required fields are missing: [Company]",
                                     "fields": ["Company"]}]
    assert results[3]["errors"][0]["statusCode"] == "INVALID_EMAIL_ADDRESS"
    names = {r["LastName"] for r in sf.query("SELECT LastName FROM Contact WHERE LastName IN "
                                             "('One','Two','Three')")["records"]}
    assert names == {"One", "Two"}


def test_all_or_none_writes_nothing_when_one_fails(sf_server: Any) -> None:
    sf = client(sf_server)
    body = {"allOrNone": True, "records": [contact("Alpha"), contact("Beta", Title="x" * 129),
                                           contact("Gamma")]}
    results = collections(sf, "POST", json=body)
    assert [r["success"] for r in results] == [False, False, False]
    assert results[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert results[1]["errors"][0]["statusCode"] == "STRING_TOO_LONG"
    assert results[2]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert sf.query("SELECT COUNT() FROM Contact WHERE LastName IN ('Alpha','Gamma')")["totalSize"] == 0


def test_update_and_delete(sf_server: Any) -> None:
    sf = client(sf_server)
    ids = [r["id"] for r in collections(sf, "POST", json={"records": [contact("A"), contact("B")]})]
    results = collections(sf, "PATCH", json={"allOrNone": False, "records": [
        {"attributes": {"type": "Contact"}, "id": ids[0], "Title": "Boss"},
        {"attributes": {"type": "Contact"}, "id": "003000000000000AAA", "Title": "x"},
        {"attributes": {"type": "Contact"}, "id": "bogus", "Title": "x"},
        {"attributes": {"type": "Contact"}, "id": ids[1], "LastName": None}]})
    assert [r["success"] for r in results] == [True, False, False, False]
    assert results[0] == {"id": ids[0], "success": True, "errors": []}
    assert results[1]["errors"][0]["statusCode"] == "INVALID_CROSS_REFERENCE_KEY"
    assert results[2]["errors"][0]["statusCode"] == "MALFORMED_ID"
    assert results[3]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert sf.Contact.get(ids[0])["Title"] == "Boss"
    deleted = collections(sf, "DELETE", params={"ids": f"{ids[0]},{ids[1]},{ids[0]}",
                                                "allOrNone": "false"})
    assert [r["success"] for r in deleted] == [True, True, False]
    assert deleted[2]["errors"][0]["statusCode"] == "ENTITY_IS_DELETED"
    assert sf.query(f"SELECT COUNT() FROM Contact WHERE Id IN ('{ids[0]}','{ids[1]}')")["totalSize"] == 0


def test_delete_all_or_none(sf_server: Any) -> None:
    sf = client(sf_server)
    keep = sf.Contact.create({"LastName": "Keep"})["id"]
    results = collections(sf, "DELETE", params={"ids": f"{keep},001000000000000AAA", "allOrNone": "true"})
    assert [r["success"] for r in results] == [False, False]
    assert sf.Contact.get(keep)["LastName"] == "Keep"


def test_upsert_by_external_id_reports_created(sf_server: Any) -> None:
    sf = client(sf_server)
    sf.Contact.upsert("PeopleLinx_Id__c/p-1", {"LastName": "Existing"})
    results = collections(sf, "PATCH", "/Contact/PeopleLinx_Id__c", json={"allOrNone": False, "records": [
        contact("Existing again", PeopleLinx_Id__c="p-1"), contact("New", PeopleLinx_Id__c="p-2"),
        contact("No key"), {"attributes": {"type": "Lead"}, "PeopleLinx_Id__c": "p-3", "LastName": "x"}]})
    assert [(r["success"], r.get("created")) for r in results] == [
        (True, False), (True, True), (False, None), (False, None)]
    assert sf.Contact.get_by_custom_id("PeopleLinx_Id__c", "p-1")["LastName"] == "Existing again"
    # Retrying the same batch can never duplicate.
    again = collections(sf, "PATCH", "/Contact/PeopleLinx_Id__c", json={"records": [
        contact("New", PeopleLinx_Id__c="p-2")]})
    assert again[0]["created"] is False and again[0]["id"] == results[1]["id"]


def test_duplicate_external_ids_within_one_batch(sf_server: Any) -> None:
    sf = client(sf_server)
    results = collections(sf, "POST", json={"records": [
        contact("First", PeopleLinx_Id__c="dup"), contact("Second", PeopleLinx_Id__c="DUP")]})
    assert [r["success"] for r in results] == [True, False]
    assert results[1]["errors"][0]["statusCode"] == "DUPLICATE_VALUE"


def test_more_than_200_records_is_refused(sf_server: Any) -> None:
    sf = client(sf_server)
    with pytest.raises(SalesforceMalformedRequest) as refused:
        collections(sf, "POST", json={"records": [contact(f"C{i}") for i in range(201)]})
    assert refused.value.content[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
    results = collections(sf, "POST", json={"allOrNone": True, "records": [contact(f"C{i}") for i in range(200)]})
    assert len(results) == 200 and all(r["success"] for r in results)


def test_retrieve_by_ids(sf_server: Any) -> None:
    sf = client(sf_server)
    made = sf.Contact.create({"LastName": "Fetched", "Title": "CFO"})["id"]
    found = collections(sf, "GET", "/Contact", params={"ids": f"{made},003000000000000AAA",
                                                      "fields": "LastName,Title"})
    assert found[0]["Title"] == "CFO" and found[1] is None

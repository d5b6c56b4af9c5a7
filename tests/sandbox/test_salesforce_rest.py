"""The Salesforce stand-in's REST resources, driven by unmodified simple-salesforce over HTTPS."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceResourceNotFound,
)


def client(sf_server: Any, token: str | None = None) -> Salesforce:
    session = requests.Session()
    session.verify = str(sf_server.ca_file)
    session.trust_env = False
    token = token or sf_server.app.sandbox_credentials()["access_token"]
    return Salesforce(instance_url=sf_server.url, session_id=token, session=session, version="62.0")


def raw(sf_server: Any, method: str, path: str, token: str | None = None, **kw: Any) -> requests.Response:
    session = requests.Session()
    session.verify = str(sf_server.ca_file)
    session.trust_env = False
    headers = kw.pop("headers", {})
    if token != "":
        headers["Authorization"] = f"Bearer {token or sf_server.app.sandbox_credentials()['access_token']}"
    return session.request(method, sf_server.url + path, headers=headers, **kw)


def test_version_list_and_resources(sf_server: Any) -> None:
    versions = raw(sf_server, "GET", "/services/data", token="").json()
    assert [v["version"] for v in versions] == [f"{n}.0" for n in range(50, 67)]
    assert versions[12] == {"label": "Winter '25", "url": "/services/data/v62.0", "version": "62.0"}
    resources = raw(sf_server, "GET", "/services/data/v66.0/").json()
    assert resources["sobjects"] == "/services/data/v66.0/sobjects"
    assert resources["query"] == "/services/data/v66.0/query"
    for bad in ("v49.0", "v67.0", "v62.1"):
        answer = raw(sf_server, "GET", f"/services/data/{bad}/sobjects/")
        assert answer.status_code == 404
        assert answer.json()[0]["errorCode"] == "NOT_FOUND"


@pytest.mark.parametrize("scheme", ["Bearer", "OAuth"])
def test_both_authorization_schemes_work(sf_server: Any, scheme: str) -> None:
    token = sf_server.app.sandbox_credentials()["access_token"]
    answer = raw(sf_server, "GET", "/services/data/v62.0/limits/", token="",
                 headers={"Authorization": f"{scheme} {token}"})
    assert answer.status_code == 200


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic abc"])
def test_missing_or_bad_token_is_invalid_session(sf_server: Any, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    answer = raw(sf_server, "GET", "/services/data/v62.0/sobjects/", token="", headers=headers)
    assert answer.status_code == 401
    assert answer.json() == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


def test_expired_sessions_get_401_and_simple_salesforce_says_so(sf_server: Any) -> None:
    old = sf_server.app.sandbox_credentials()
    sf = client(sf_server)
    sf.query("SELECT Id FROM Contact LIMIT 1")
    raw(sf_server, "POST", "/__sandbox__/expire-sessions", token="")
    with pytest.raises(SalesforceExpiredSession):
        sf.query("SELECT Id FROM Contact LIMIT 1")
    # The refresh token still works, and the standing credentials are made again.
    assert sf_server.app.org.tokens.refresh(old["refresh_token"], old["client_id"]) is not None
    fresh = sf_server.app.sandbox_credentials()
    assert fresh["access_token"] != old["access_token"]
    assert client(sf_server, fresh["access_token"]).query("SELECT COUNT() FROM Lead")["totalSize"] == 150


def test_session_lifetime_ends_issued_sessions(sf_server: Any) -> None:
    org = sf_server.app.org
    token = org.tokens.issue(org.admin_id, org.client_id)["access_token"]
    client(sf_server, token).query("SELECT Id FROM Lead LIMIT 1")
    raw(sf_server, "POST", "/__sandbox__/session-lifetime", token="", json={"seconds": 0})
    with pytest.raises(SalesforceExpiredSession):
        client(sf_server, token).query("SELECT Id FROM Lead LIMIT 1")
    # The standing sandbox session does not follow the lifetime.
    assert client(sf_server).query("SELECT COUNT() FROM Lead")["totalSize"] == 150


def test_describe_global_and_object_describe(sf_server: Any) -> None:
    sf = client(sf_server)
    described = sf.describe()
    assert described["maxBatchSize"] == 200 and described["encoding"] == "UTF-8"
    prefixes = {o["name"]: o["keyPrefix"] for o in described["sobjects"]}
    assert prefixes == {"Account": "001", "Contact": "003", "Lead": "00Q", "Task": "00T",
                        "User": "005", "Organization": "00D", "PermissionSet": "0PS",
                        "FieldPermissions": "01k", "PermissionSetAssignment": "0Pa",
                        "AssignmentRule": "01Q", "LeadStatus": "01J", "TaskStatus": "01J",
                        "TaskPriority": "01J"}
    lead = {f["name"]: f for f in sf.Lead.describe()["fields"]}
    assert lead["Company"]["length"] == 255 and not lead["Company"]["nillable"]
    # Lead Status is not a restricted picklist in Salesforce: an off-list value saves silently.
    assert not lead["Status"]["restrictedPicklist"] and lead["Status"]["type"] == "picklist"
    assert [p["value"] for p in lead["Status"]["picklistValues"] if p["defaultValue"]] == \
        ["Open - Not Contacted"]
    assert not lead["IsConverted"]["updateable"] and lead["IsConverted"]["type"] == "boolean"
    assert lead["ConvertedContactId"]["referenceTo"] == ["Contact"]
    assert lead["PeopleLinx_Id__c"]["externalId"] and lead["PeopleLinx_Id__c"]["unique"]
    assert lead["Lead_Score__c"]["type"] == "double" and lead["Lead_Score__c"]["custom"]
    contact = {f["name"]: f for f in sf.Contact.describe()["fields"]}
    assert contact["FirstName"]["length"] == 40 and contact["LastName"]["length"] == 80
    assert not contact["Name"]["createable"] and contact["Title"]["length"] == 128
    assert contact["AccountId"]["relationshipName"] == "Account"
    assert contact["Email"]["soapType"] == "xsd:string" and contact["Email"]["type"] == "email"
    assert contact["Persona__c"]["type"] == "picklist"
    task = {f["name"]: f for f in sf.Task.describe()["fields"]}
    assert task["WhoId"]["referenceTo"] == ["Contact", "Lead"] and task["WhoId"]["relationshipName"] == "Who"
    assert task["Description"]["length"] == 32000 and task["CallDurationInSeconds"]["type"] == "int"
    assert task["ActivityDate"]["type"] == "date" and not task["IsClosed"]["createable"]
    basic = sf.Contact.metadata()
    assert basic["objectDescribe"]["name"] == "Contact" and len(basic["recentItems"]) <= 10
    with pytest.raises(SalesforceResourceNotFound):
        sf.restful("sobjects/Nonsense/describe/")


def test_create_get_update_delete(sf_server: Any) -> None:
    sf = client(sf_server)
    account = sf.Account.create({"Name": "Initech"})
    created = sf.Contact.create({"FirstName": "Ada", "LastName": "Okafor", "Email": "ada@initech.example.com",
                                 "AccountId": account["id"]})
    assert created["success"] and created["errors"] == [] and len(created["id"]) == 18
    assert created["id"].startswith("003")
    record = sf.Contact.get(created["id"])
    assert record["attributes"] == {"type": "Contact",
                                    "url": f"/services/data/v62.0/sobjects/Contact/{created['id']}"}
    assert record["Name"] == "Ada Okafor" and record["Title"] is None and record["IsDeleted"] is False
    assert record["OwnerId"].startswith("005")
    assert record["CreatedDate"].endswith("+0000") and len(record["CreatedDate"]) == 28
    # 15-character ids are accepted too.
    assert sf.Contact.get(created["id"][:15])["Id"] == created["id"]
    assert sf.Contact.update(created["id"], {"Title": "CTO", "FirstName": "Adaeze"}) == 204
    updated = sf.Contact.get(created["id"])
    assert updated["Name"] == "Adaeze Okafor" and updated["Title"] == "CTO"
    assert updated["SystemModstamp"] > record["SystemModstamp"]
    assert updated["CreatedDate"] == record["CreatedDate"]
    some = raw(sf_server, "GET", f"/services/data/v62.0/sobjects/Contact/{created['id']}?fields=Title,Email").json()
    assert list(some) == ["attributes", "Title", "Email"]
    assert sf.Contact.delete(created["id"]) == 204
    with pytest.raises(SalesforceResourceNotFound):
        sf.Contact.get(created["id"])
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Contact.update(created["id"], {"Title": "x"})
    assert refused.value.content[0]["errorCode"] == "ENTITY_IS_DELETED"


def test_missing_record_is_404_not_found(sf_server: Any) -> None:
    sf = client(sf_server)
    with pytest.raises(SalesforceResourceNotFound) as missing:
        sf.Contact.update("003000000000000AAA", {"Title": "x"})
    assert missing.value.content[0]["errorCode"] == "NOT_FOUND"
    with pytest.raises(SalesforceResourceNotFound):
        sf.Nonsense.create({"Name": "x"})


def test_upsert_by_external_id_and_get_by_it(sf_server: Any) -> None:
    sf = client(sf_server)
    assert sf.Contact.upsert("PeopleLinx_Id__c/plx-1", {"LastName": "One"}) == 201
    assert sf.Contact.upsert("PeopleLinx_Id__c/plx-1", {"LastName": "Uno"}) == 200
    record = sf.Contact.get_by_custom_id("PeopleLinx_Id__c", "plx-1")
    assert record["LastName"] == "Uno" and record["PeopleLinx_Id__c"] == "plx-1"
    body = raw(sf_server, "PATCH", "/services/data/v62.0/sobjects/Lead/PeopleLinx_Id__c/plx-9",
               json={"LastName": "Nine", "Company": "Nine Co"})
    assert body.status_code == 201
    assert body.json()["created"] is True and body.json()["success"] is True
    again = raw(sf_server, "PATCH", "/services/data/v62.0/sobjects/Lead/PeopleLinx_Id__c/plx-9",
                json={"Title": "CEO"})
    assert again.status_code == 200 and again.json() == {"id": body.json()["id"], "success": True,
                                                         "errors": [], "created": False}
    with pytest.raises(SalesforceResourceNotFound):
        sf.Contact.upsert("Email/x@example.com", {"LastName": "x"})


def test_updated_and_deleted(sf_server: Any) -> None:
    sf = client(sf_server)
    now = sf_server.app.clock.datetime()
    start, end = now - dt.timedelta(minutes=1), now + dt.timedelta(minutes=2)
    kept = sf.Contact.create({"LastName": "Kept"})["id"]
    gone = sf.Contact.create({"LastName": "Gone"})["id"]
    sf.Contact.delete(gone)
    updated = sf.Contact.updated(start, end)
    assert kept in updated["ids"] and gone not in updated["ids"]
    assert updated["latestDateCovered"].endswith(":00.000+0000")
    deleted = sf.Contact.deleted(start, end)
    assert [d["id"] for d in deleted["deletedRecords"]] == [gone]
    assert deleted["deletedRecords"][0]["deletedDate"].endswith("+0000")
    assert "earliestDateAvailable" in deleted and "latestDateCovered" in deleted
    long_ago = sf.Contact.updated(start - dt.timedelta(days=10), start - dt.timedelta(days=9))
    assert long_ago["ids"] == []

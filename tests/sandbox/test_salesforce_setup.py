"""The sandbox as a fresh org: Tooling API CustomField, permission sets, and field-level security.

Everything over HTTPS with unmodified simple-salesforce and requests, as a real client sees it.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

TEXT_64 = {"type": "Text", "length": 64, "externalId": True, "unique": True,
           "label": "PeopleLinx Id", "caseSensitive": False}


def session(sf_server: Any, token: str | None = None) -> requests.Session:
    out = requests.Session()
    out.verify = str(sf_server.ca_file)
    out.trust_env = False
    out.headers["Authorization"] = f"Bearer {token or sf_server.app.sandbox_credentials()['access_token']}"
    return out


def client(sf_server: Any, token: str | None = None) -> Salesforce:
    token = token or sf_server.app.sandbox_credentials()["access_token"]
    raw = requests.Session()
    raw.verify, raw.trust_env = str(sf_server.ca_file), False
    return Salesforce(instance_url=sf_server.url, session_id=token, session=raw, version="62.0")


def field_names(sf: Salesforce, sobject: str) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in getattr(sf, sobject).describe()["fields"]}


def create_field(sf_server: Any, full_name: str, metadata: dict[str, Any] | None = None,
                 token: str | None = None) -> requests.Response:
    return session(sf_server, token).post(
        f"{sf_server.url}/services/data/v62.0/tooling/sobjects/CustomField",
        json={"FullName": full_name, "Metadata": metadata or TEXT_64})


def grant(sf: Salesforce, user_id: str, fields: list[str], edit: bool = True) -> str:
    permission_set = sf.PermissionSet.create({"Name": "PeopleLinx_Integration",
                                              "Label": "PeopleLinx Integration"})["id"]
    for full in fields:
        sf.FieldPermissions.create({"ParentId": permission_set, "SobjectType": full.split(".")[0],
                                    "Field": full, "PermissionsRead": True, "PermissionsEdit": edit})
    sf.PermissionSetAssignment.create({"AssigneeId": user_id, "PermissionSetId": permission_set})
    return permission_set


def test_a_fresh_org_has_no_peoplelinx_fields(fresh_sf_server: Any) -> None:
    sf = client(fresh_sf_server)
    for sobject, name in (("Contact", "PeopleLinx_Id__c"), ("Lead", "PeopleLinx_Id__c"),
                          ("Task", "PeopleLinx_Activity_Id__c")):
        assert name not in field_names(sf, sobject)
    with pytest.raises(SalesforceResourceNotFound):
        sf.Contact.upsert("PeopleLinx_Id__c/p-1", {"LastName": "Nobody"})
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query("SELECT Id, PeopleLinx_Id__c FROM Contact")
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD"


def test_a_ready_org_has_them(sf_server: Any) -> None:
    described = field_names(client(sf_server), "Task")["PeopleLinx_Activity_Id__c"]
    assert (described["externalId"], described["unique"], described["type"], described["length"]) \
        == (True, True, "string", 64)


def test_a_tooling_field_is_hidden_until_a_permission_set_grants_it(fresh_sf_server: Any) -> None:
    sf = client(fresh_sf_server)
    made = create_field(fresh_sf_server, "Contact.PeopleLinx_Id__c")
    assert made.status_code == 201, made.text
    answer = made.json()
    assert answer["success"] is True and answer["id"].startswith("00N") and answer["errors"] == []

    # Created, and visible to nobody: describe leaves it out, SOQL and writes do not know it.
    assert "PeopleLinx_Id__c" not in field_names(sf, "Contact")
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query("SELECT PeopleLinx_Id__c FROM Contact")
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD"
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Contact.create({"LastName": "Early", "PeopleLinx_Id__c": "p-0"})
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD"

    # The Tooling API knows it.
    found = session(fresh_sf_server).get(
        f"{fresh_sf_server.url}/services/data/v62.0/tooling/query/",
        params={"q": "SELECT Id, DeveloperName, TableEnumOrId FROM CustomField "
                     "WHERE DeveloperName = 'PeopleLinx_Id'"}).json()
    assert [(r["Id"], r["TableEnumOrId"]) for r in found["records"]] == [(answer["id"], "Contact")]
    one = session(fresh_sf_server).get(f"{fresh_sf_server.url}/services/data/v62.0/tooling/"
                                       f"sobjects/CustomField/{answer['id']}").json()
    assert one["FullName"] == "Contact.PeopleLinx_Id__c"
    assert one["Metadata"]["externalId"] and one["Metadata"]["unique"]

    admin = fresh_sf_server.app.org.admin_id
    grant(sf, admin, ["Contact.PeopleLinx_Id__c"])
    described = field_names(sf, "Contact")["PeopleLinx_Id__c"]
    assert described["updateable"] and described["externalId"] and described["unique"]
    assert sf.Contact.upsert("PeopleLinx_Id__c/p-1", {"LastName": "Now"}) == 201
    assert sf.Contact.upsert("PeopleLinx_Id__c/P-1", {"LastName": "Again"}) == 200


def test_a_grant_to_someone_else_changes_nothing_for_this_user(fresh_sf_server: Any) -> None:
    org = fresh_sf_server.app.org
    sf = client(fresh_sf_server)
    assert create_field(fresh_sf_server, "Lead.PeopleLinx_Id__c").status_code == 201
    rep = org.user("rep@plx-sandbox.example.com")["Id"]
    grant(sf, rep, ["Lead.PeopleLinx_Id__c"])
    assert "PeopleLinx_Id__c" not in field_names(sf, "Lead")
    rep_token = org.tokens.issue(rep, org.client_id)["access_token"]
    assert "PeopleLinx_Id__c" in field_names(client(fresh_sf_server, rep_token), "Lead")


def test_read_only_grant_refuses_writes(fresh_sf_server: Any) -> None:
    sf = client(fresh_sf_server)
    assert create_field(fresh_sf_server, "Task.PeopleLinx_Activity_Id__c").status_code == 201
    grant(sf, fresh_sf_server.app.org.admin_id, ["Task.PeopleLinx_Activity_Id__c"], edit=False)
    described = field_names(sf, "Task")["PeopleLinx_Activity_Id__c"]
    assert not described["createable"] and not described["updateable"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.create({"Subject": "Hi", "PeopleLinx_Activity_Id__c": "email:1"})
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_tooling_refusals(fresh_sf_server: Any) -> None:
    def refused(full_name: str, metadata: dict[str, Any] | None = None) -> str:
        answer = create_field(fresh_sf_server, full_name, metadata)
        assert answer.status_code == 400, answer.text
        return answer.json()[0]["errorCode"]

    assert create_field(fresh_sf_server, "Contact.PeopleLinx_Id__c").status_code == 201
    assert refused("Contact.PeopleLinx_Id__c") == "DUPLICATE_DEVELOPER_NAME"
    assert refused("Nothing.X__c") == "FIELD_INTEGRITY_EXCEPTION"
    assert refused("Contact.NoSuffix") == "FIELD_INTEGRITY_EXCEPTION"
    assert refused("Contact.Long__c", {**TEXT_64, "length": 300}) == "FIELD_INTEGRITY_EXCEPTION"
    assert refused("Contact.Odd__c", {**TEXT_64, "type": "Hologram"}) == "FIELD_INTEGRITY_EXCEPTION"
    assert refused("Contact.Nameless__c", {**TEXT_64, "label": ""}) == "FIELD_INTEGRITY_EXCEPTION"
    many = session(fresh_sf_server).get(
        f"{fresh_sf_server.url}/services/data/v62.0/tooling/query",
        params={"q": "SELECT FullName FROM CustomField"})
    assert many.status_code == 400 and many.json()[0]["errorCode"] == "MALFORMED_QUERY"


def test_permission_set_rules(fresh_sf_server: Any) -> None:
    sf = client(fresh_sf_server)
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.PermissionSet.create({"Name": "has spaces", "Label": "x"})
    assert caught.value.content[0]["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    permission_set = sf.PermissionSet.create({"Name": "Ok", "Label": "Ok"})["id"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.FieldPermissions.create({"ParentId": permission_set, "SobjectType": "Contact",
                                    "Field": "Contact.Title", "PermissionsEdit": True})
    assert "depends on" in caught.value.content[0]["message"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.FieldPermissions.create({"ParentId": permission_set, "SobjectType": "Contact",
                                    "Field": "Contact.LastName", "PermissionsRead": True})
    assert caught.value.content[0]["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    sf.PermissionSetAssignment.create({"AssigneeId": fresh_sf_server.app.org.admin_id,
                                       "PermissionSetId": permission_set})
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.PermissionSetAssignment.create({"AssigneeId": fresh_sf_server.app.org.admin_id,
                                           "PermissionSetId": permission_set})
    assert caught.value.content[0]["errorCode"] == "DUPLICATE_VALUE"


def test_field_security_hides_and_locks_standard_fields(sf_server: Any) -> None:
    sf = client(sf_server)
    control = session(sf_server)
    hidden = control.post(f"{sf_server.url}/__sandbox__/field-security",
                          json={"object": "Contact", "field": "Title", "readable": False,
                                "editable": False})
    assert hidden.status_code == 200, hidden.text
    assert "Title" not in field_names(sf, "Contact")
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query("SELECT Id, Title FROM Contact")
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD"
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Contact.create({"LastName": "X", "Title": "CEO"})
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD"

    control.post(f"{sf_server.url}/__sandbox__/field-security",
                 json={"object": "Contact", "field": "Title", "readable": True, "editable": False})
    assert not field_names(sf, "Contact")["Title"]["updateable"]
    assert sf.query("SELECT Id, Title FROM Contact LIMIT 1")["totalSize"] == 1
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Contact.create({"LastName": "X", "Title": "CEO"})
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"

    required = control.post(f"{sf_server.url}/__sandbox__/field-security",
                            json={"object": "Contact", "field": "LastName", "readable": False})
    assert required.status_code == 400
    assert control.post(f"{sf_server.url}/__sandbox__/reset", json={"org": "ready"}).ok
    assert "Title" in field_names(sf, "Contact")


def test_describe_lists_the_standard_fields_a_real_org_has(sf_server: Any) -> None:
    sf = client(sf_server)
    contact = field_names(sf, "Contact")
    for name in ("Salutation", "MobilePhone", "HomePhone", "Department", "Birthdate",
                 "MailingStreet", "MailingState", "MailingPostalCode", "MailingCountry",
                 "OtherCity", "HasOptedOutOfEmail", "DoNotCall", "ReportsToId"):
        assert name in contact, name
    assert contact["MailingAddress"]["type"] == "address"
    assert not contact["MailingAddress"]["createable"]
    assert contact["MailingCity"]["compoundFieldName"] == "MailingAddress"
    assert contact["FirstName"]["compoundFieldName"] == "Name"
    assert (contact["MailingPostalCode"]["length"], contact["MailingPostalCode"]["label"]) == \
        (20, "Mailing Zip/Postal Code")
    lead = field_names(sf, "Lead")
    assert lead["Address"]["type"] == "address" and lead["City"]["compoundFieldName"] == "Address"
    assert {"Website", "Industry", "Rating", "NumberOfEmployees"} <= set(lead)
    account = field_names(sf, "Account")
    assert account["BillingAddress"]["type"] == "address"
    assert {"ShippingCity", "AnnualRevenue", "Type", "ParentId"} <= set(account)
    assert {"Department", "Title", "Alias", "TimeZoneSidKey"} <= set(field_names(sf, "User"))
    assert {"IsHighPriority", "ReminderDateTime"} <= set(field_names(sf, "Task"))
    # A compound field is read-only: the parts are what a write names.
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Contact.create({"LastName": "X", "MailingAddress": {"city": "Paris"}})
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    made = sf.Contact.create({"LastName": "X", "MailingCity": "Paris", "Department": "Sales"})
    found = sf.query(f"SELECT MailingCity, Department FROM Contact WHERE Id = '{made['id']}'")
    assert found["records"][0]["MailingCity"] == "Paris"

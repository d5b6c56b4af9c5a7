"""The org's own rules on the Salesforce stand-in, set up through /__sandbox__/ and seen over
HTTPS as a client sees them: users, lead assignment (Sforce-Auto-Assign), duplicate rules
(DUPLICATES_DETECTED, Sforce-Duplicate-Rule-Header), validation rules and the org's picklists."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest
from test_salesforce_control import control, sf_of


def _post(sf_server: Any, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = control(sf_server, "POST", path, json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


def _rep(sf_server: Any, name: str = "rita") -> str:
    # Users outlive a reset, as in a real org: each test adds its own.
    name = f"{name}-{secrets.token_hex(4)}"
    return _post(sf_server, "users", {"username": f"{name}@plx-sandbox.example.com",
                                      "email": f"{name}@corp.example.com",
                                      "first_name": name.title(), "last_name": "Rep"})["id"]


def _collections(sf, method: str, records: list[dict[str, Any]], headers: dict[str, str]) -> Any:
    body = {"allOrNone": False, "records": records}
    return sf.restful("composite/sobjects", method=method, data=json.dumps(body), headers=headers)


def test_a_user_added_by_the_admin_is_queryable_and_usernames_are_unique(sf_server):
    user_id = _rep(sf_server)
    sf = sf_of(sf_server)
    [user] = sf.query(f"SELECT Id, Username, Email, IsActive FROM User WHERE Id = '{user_id}'"
                      )["records"]
    assert user["Email"].endswith("@corp.example.com") and user["IsActive"] is True
    again = control(sf_server, "POST", "users", json={
        "username": user["Username"], "email": "x@example.com", "last_name": "X"})
    assert again.status_code == 400 and "taken" in again.json()["error"]


def test_an_active_lead_assignment_rule_owns_leads_unless_the_request_says_false(sf_server):
    rep = _rep(sf_server)
    rule = _post(sf_server, "assignment-rule", {"object": "Lead", "owner_id": rep})
    sf = sf_of(sf_server)
    [active] = sf.query("SELECT Id FROM AssignmentRule WHERE SobjectType = 'Lead' "
                        "AND Active = true")["records"]
    assert active["Id"] == rule["id"]
    admin = sf_server.app.org.admin_id
    kept = sf.Lead.create({"LastName": "Kept", "Company": "C"}, headers={"Sforce-Auto-Assign": "FALSE"})
    moved = sf.Lead.create({"LastName": "Moved", "Company": "C"})
    lead = "SELECT OwnerId FROM Lead WHERE Id = '{}'"
    assert sf.query(lead.format(kept["id"]))["records"][0]["OwnerId"] == admin
    assert sf.query(lead.format(moved["id"]))["records"][0]["OwnerId"] == rep
    # An update without the header runs the rule too (Collections as well as REST).
    _collections(sf, "PATCH", [{"attributes": {"type": "Lead"}, "Id": kept["id"],
                                "Title": "CEO"}], {"Sforce-Auto-Assign": "false"})
    assert sf.query(lead.format(kept["id"]))["records"][0]["OwnerId"] == admin
    _collections(sf, "PATCH", [{"attributes": {"type": "Lead"}, "Id": kept["id"],
                                "Title": "CTO"}], {})
    assert sf.query(lead.format(kept["id"]))["records"][0]["OwnerId"] == rep
    assert control(sf_server, "DELETE", "assignment-rule").ok
    after = sf.Lead.create({"LastName": "After", "Company": "C"})
    assert sf.query(lead.format(after["id"]))["records"][0]["OwnerId"] == admin


def test_a_duplicate_rule_refuses_a_matching_create_in_salesforces_shape(sf_server):
    sf = sf_of(sf_server)
    existing = sf.Contact.create({"LastName": "Hopper", "Email": "grace@navy.example.com"})
    _post(sf_server, "duplicate-rule", {"object": "Lead", "match_fields": ["Email"],
                                        "action": "block"})
    [result] = _collections(sf, "POST", [{"attributes": {"type": "Lead"}, "LastName": "Hopper",
                                          "Company": "Navy", "Email": "GRACE@navy.example.com"}],
                            {"Sforce-Duplicate-Rule-Header": "allowSave=true"})
    assert result["success"] is False
    [error] = result["errors"]
    assert error["statusCode"] == "DUPLICATES_DETECTED"
    duplicate = error["duplicateResult"]
    assert duplicate["allowSave"] is False and duplicate["duplicateRuleEntityType"] == "Lead"
    [match] = duplicate["matchResults"]  # a Lead rule matches Contacts too
    assert match["entityType"] == "Contact" and match["size"] == 1
    assert [m["record"]["Id"] for m in match["matchRecords"]] == [existing["id"]]
    with pytest.raises(SalesforceMalformedRequest) as caught:  # and REST says the same
        sf.Lead.create({"LastName": "Hopper", "Company": "Navy", "Email": "grace@navy.example.com"})
    assert caught.value.content[0]["errorCode"] == "DUPLICATES_DETECTED"
    assert control(sf_server, "DELETE", "duplicate-rule/Lead").json() == {"deleted": True}
    assert sf.Lead.create({"LastName": "Hopper", "Company": "Navy",
                           "Email": "grace@navy.example.com"})["success"]


def test_an_allow_rule_saves_with_allow_save_and_refuses_without_it(sf_server):
    sf = sf_of(sf_server)
    sf.Contact.create({"LastName": "Turing", "Email": "alan@bletchley.example.com"})
    _post(sf_server, "duplicate-rule", {"object": "Contact", "match_fields": ["Email", "LastName"],
                                        "action": "allow"})
    row = {"attributes": {"type": "Contact"}, "LastName": "TURING",
           "Email": "alan@bletchley.example.com"}
    [refused] = _collections(sf, "POST", [row], {})
    assert refused["errors"][0]["duplicateResult"]["allowSave"] is True
    [saved] = _collections(sf, "POST", [row], {"Sforce-Duplicate-Rule-Header": "allowSave=true"})
    assert saved["success"] is True
    other = dict(row, LastName="Someone Else")  # every match field must match
    assert _collections(sf, "POST", [other], {})[0]["success"] is True


def test_validation_rules_refuse_with_their_message_and_field(sf_server):
    sf = sf_of(sf_server)
    _post(sf_server, "validation-rule", {"object": "Lead", "name": "Phone_Required",
                                         "field": "Phone", "required": True,
                                         "message": "Leads need a phone number"})
    _post(sf_server, "validation-rule", {"object": "Contact", "name": "Title_Shape",
                                         "field": "Title", "pattern": "[A-Z][a-z]+",
                                         "message": "Title must be one capitalised word"})
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Lead.create({"LastName": "x", "Company": "c"})
    assert caught.value.content[0] == {"message": "Leads need a phone number",
                                       "errorCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                                       "fields": ["Phone"]}
    assert sf.Lead.create({"LastName": "x", "Company": "c", "Phone": "555"})["success"]
    [bad, good] = _collections(sf, "POST", [
        {"attributes": {"type": "Contact"}, "LastName": "x", "Title": "chief executive"},
        {"attributes": {"type": "Contact"}, "LastName": "y", "Title": "Chief"}], {})
    assert bad["errors"][0]["statusCode"] == "FIELD_CUSTOM_VALIDATION_EXCEPTION"
    assert good["success"] is True
    assert control(sf_server, "DELETE", "validation-rule/Phone_Required").json()["deleted"]
    assert sf.Lead.create({"LastName": "x", "Company": "c"})["success"]


def test_picklist_edits_reach_describe_and_the_status_objects(sf_server):
    sf = sf_of(sf_server)
    _post(sf_server, "picklist", {"object": "Lead", "field": "Status", "values": [
        {"value": "New", "default": True}, {"value": "Qualifying"},
        {"value": "Won", "converted": True}, {"value": "Lost"}]})
    _post(sf_server, "picklist", {"object": "Task", "field": "Status", "values": [
        {"value": "Open", "default": True}, {"value": "Done", "closed": True}]})
    status = {f["name"]: f for f in sf.Lead.describe()["fields"]}["Status"]
    assert [p["value"] for p in status["picklistValues"]] == ["New", "Qualifying", "Won", "Lost"]
    rows = sf.query("SELECT ApiName, IsDefault, IsConverted FROM LeadStatus ORDER BY SortOrder")
    assert [(r["ApiName"], r["IsDefault"], r["IsConverted"]) for r in rows["records"]] == [
        ("New", True, False), ("Qualifying", False, False), ("Won", False, True),
        ("Lost", False, False)]
    closed = sf.query("SELECT ApiName FROM TaskStatus WHERE IsClosed = true")["records"]
    assert [r["ApiName"] for r in closed] == ["Done"]
    lead = sf.Lead.create({"LastName": "x", "Company": "c"})
    assert sf.Lead.get(lead["id"])["Status"] == "New"  # the org's default
    task = sf.Task.create({"Subject": "s", "Status": "Done"})
    assert sf.Task.get(task["id"])["IsClosed"] is True
    with pytest.raises(SalesforceMalformedRequest):
        sf.Task.create({"Subject": "s", "Status": "Completed"})  # no longer the org's
    bad = control(sf_server, "POST", "picklist", json={"object": "Lead", "field": "Status",
                                                       "values": [{"value": "A"}]})
    assert bad.status_code == 400 and "default" in bad.json()["error"]

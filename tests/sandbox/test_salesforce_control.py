"""The Salesforce stand-in's /__sandbox__/ control endpoints, its seeds, and its file across restarts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from plx_desktop.sandbox import fake
from plx_desktop.sandbox.salesforce.app import SalesforceApp
from plx_desktop.sandbox.salesforce.ids import case_safe_suffix, to_18
from plx_desktop.sandbox.tls import ensure_certificates, server_ssl_context
from plx_desktop.sandbox.web import Faults, serve


def session_for(ca_file: Path) -> requests.Session:
    session = requests.Session()
    session.verify = str(ca_file)
    session.trust_env = False
    return session


def client(url: str, ca_file: Path, token: str) -> Salesforce:
    return Salesforce(instance_url=url, session_id=token, session=session_for(ca_file), version="62.0")


def sf_of(sf_server: Any) -> Salesforce:
    return client(sf_server.url, sf_server.ca_file, sf_server.app.sandbox_credentials()["access_token"])


def control(sf_server: Any, method: str, path: str, **kw: Any) -> requests.Response:
    return session_for(sf_server.ca_file).request(method, f"{sf_server.url}/__sandbox__/{path}", **kw)


def test_ids_have_the_case_safe_suffix() -> None:
    assert case_safe_suffix("001A0000006Vm9r") == "IAC"
    assert to_18("001A0000006Vm9r") == "001A0000006Vm9rIAC"
    assert to_18("001A0000006Vm9rIAC") == to_18("001A0000006Vm9riac") == "001A0000006Vm9rIAC"
    assert to_18("001A0000006Vm9rXXX") is None and to_18("short") is None


def test_convert_lead_makes_contact_and_account(sf_server: Any) -> None:
    sf = sf_of(sf_server)
    lead = sf.Lead.create({"FirstName": "Nia", "LastName": "Okafor", "Company": "Okafor Labs",
                           "Email": "nia@okafor.example.com", "Title": "CEO", "Phone": "+1 555"})["id"]
    answer = control(sf_server, "POST", "convert-lead", json={"lead_id": lead})
    assert answer.status_code == 200
    ids = answer.json()
    converted = sf.Lead.get(lead)
    assert converted["IsConverted"] is True and converted["Status"] == "Closed - Converted"
    assert converted["ConvertedContactId"] == ids["contact_id"]
    assert converted["ConvertedAccountId"] == ids["account_id"] and converted["ConvertedDate"]
    contact = sf.Contact.get(ids["contact_id"])
    assert (contact["Name"], contact["Email"], contact["Title"], contact["AccountId"]) == (
        "Nia Okafor", "nia@okafor.example.com", "CEO", ids["account_id"])
    assert sf.Account.get(ids["account_id"])["Name"] == "Okafor Labs"
    again = control(sf_server, "POST", "convert-lead", json={"lead_id": lead})
    assert again.status_code == 400 and again.json()[0]["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"


def test_convert_lead_into_an_existing_account(sf_server: Any) -> None:
    sf = sf_of(sf_server)
    account = sf.Account.create({"Name": "Existing"})["id"]
    lead = sf.Lead.create({"LastName": "L", "Company": "Other"})["id"]
    ids = control(sf_server, "POST", "convert-lead", json={"lead_id": lead, "account_id": account}).json()
    assert ids["account_id"] == account
    assert sf.query("SELECT COUNT() FROM Account WHERE Name = 'Other'")["totalSize"] == 0


def test_custom_fields_can_be_added_and_used(sf_server: Any) -> None:
    answer = control(sf_server, "POST", "fields", json={
        "object": "Contact", "name": "Badge__c", "type": "string", "length": 10,
        "external_id": True, "unique": True})
    assert answer.status_code == 201
    sf = sf_of(sf_server)
    fields = {f["name"]: f for f in sf.Contact.describe()["fields"]}
    assert fields["Badge__c"]["length"] == 10 and fields["Badge__c"]["externalId"]
    assert sf.Contact.upsert("Badge__c/B-1", {"LastName": "Badge"}) == 201
    assert sf.query("SELECT Badge__c FROM Contact WHERE Badge__c = 'B-1'")["totalSize"] == 1
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Contact.create({"LastName": "x", "Badge__c": "0123456789A"})
    assert refused.value.content[0]["errorCode"] == "STRING_TOO_LONG"
    bad = control(sf_server, "POST", "fields", json={"object": "Contact", "name": "NoSuffix"})
    assert bad.status_code == 400


def test_calls_are_counted_by_route(sf_server: Any) -> None:
    sf = sf_of(sf_server)
    sf.query("SELECT Id FROM Lead LIMIT 1")
    sf.Contact.describe()
    counted = control(sf_server, "GET", "calls").json()
    assert counted["total"] == 2 and counted["by_route"]["query"] == 1
    assert control(sf_server, "DELETE", "calls").json()["total"] == 0


def test_reset_seed_and_records(sf_server: Any) -> None:
    token = sf_server.app.sandbox_credentials()["access_token"]
    assert control(sf_server, "POST", "reset").status_code == 200
    assert sf_server.app.is_empty()
    sf = client(sf_server.url, sf_server.ca_file, token)  # the standing session survives reset
    assert sf.query("SELECT COUNT() FROM Contact")["totalSize"] == 0
    assert sf.query("SELECT COUNT() FROM User")["totalSize"] >= 1
    assert control(sf_server, "POST", "seed", json={"seed": 30}).status_code == 200
    assert sf.query("SELECT COUNT() FROM Contact")["totalSize"] == 30
    assert sf.query("SELECT COUNT() FROM Account")["totalSize"] == 3
    leads = control(sf_server, "GET", "records/Lead").json()["records"]
    assert len(leads) == 30 and all(r["Id"].startswith("00Q") for r in leads)
    control(sf_server, "POST", "seed", json={"seed": "demo"})
    assert sf.query("SELECT COUNT() FROM Contact")["totalSize"] == 205
    assert sf.query("SELECT COUNT() FROM Lead WHERE IsConverted = true")["totalSize"] == 5
    assert sf.query("SELECT COUNT() FROM Task")["totalSize"] >= 5
    assert control(sf_server, "GET", "records/Nonsense").status_code == 404


def test_credentials_are_standing_and_log_in(sf_server: Any) -> None:
    creds = sf_server.app.sandbox_credentials()
    assert set(creds) == {"client_id", "username", "password", "access_token", "refresh_token",
                          "api_version"}
    assert creds["api_version"] == "62.0" and creds["username"] == "admin@plx-sandbox.example.com"
    assert sf_server.app.org.check_password(creds["username"], creds["password"]) is not None
    assert sf_server.app.org.check_password(creds["username"], "wrong") is None
    assert sf_server.app.sandbox_credentials() == creds


def test_the_org_survives_a_restart(tmp_path: Path) -> None:
    ca_file = ensure_certificates(tmp_path)

    def start() -> tuple[SalesforceApp, Any]:
        app = SalesforceApp(tmp_path, Faults())
        server = serve(app, ssl_context=server_ssl_context(tmp_path))
        app.set_base_url(server.url)
        return app, server

    app, server = start()
    try:
        app.org.apply_preset("ready")  # the PeopleLinx fields, too, survive the restart
        app.seed(fake.demo_population(), demo=True)
        creds = app.sandbox_credentials()
        sf = client(server.url, ca_file, creds["access_token"])
        made = sf.Contact.create({"LastName": "Persistent", "PeopleLinx_Id__c": "keep-1"})["id"]
        session_for(ca_file).post(f"{server.url}/__sandbox__/fields",
                                  json={"object": "Lead", "name": "Kept__c", "type": "boolean"})
    finally:
        server.stop()
    app, server = start()
    try:
        assert app.sandbox_credentials() == creds
        sf = client(server.url, ca_file, creds["access_token"])
        assert sf.Contact.get(made)["LastName"] == "Persistent"
        assert sf.Contact.upsert("PeopleLinx_Id__c/keep-1", {"Title": "Again"}) == 200
        assert any(f["name"] == "Kept__c" for f in sf.Lead.describe()["fields"])
        assert sf.query("SELECT COUNT() FROM Contact")["totalSize"] == 206
        # Later writes still sort after earlier ones.
        newer = sf.Contact.create({"LastName": "Newer"})["id"]
        assert sf.Contact.get(newer)["SystemModstamp"] > sf.Contact.get(made)["CreatedDate"]
    finally:
        server.stop()

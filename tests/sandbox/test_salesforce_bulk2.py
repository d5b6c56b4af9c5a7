"""The Salesforce sandbox's Bulk API 2.0, through unmodified simple-salesforce and over raw HTTPS."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceOperationError

N_BIG = 2_100  # more than one REST query page (2,000)


@pytest.fixture
def session(sf_server: Any) -> requests.Session:
    s = requests.Session()
    s.verify = str(sf_server.ca_file)
    s.trust_env = False
    return s


@pytest.fixture
def sf(sf_server: Any, session: requests.Session) -> Salesforce:
    creds = sf_server.app.sandbox_credentials()
    return Salesforce(instance_url=sf_server.url, session_id=creds["access_token"],
                      version=creds["api_version"], session=session)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _all_rows(pages: Any) -> list[dict[str, str]]:
    return [row for page in pages for row in _rows(page)]


def test_insert_many_with_failures_then_query_in_pages(sf: Salesforce) -> None:
    records = [{"LastName": f"Bulk{i:05d}", "FirstName": "Ada", "PeopleLinx_Id__c": f"bulk-{i}"}
               for i in range(N_BIG)]
    records += [{"LastName": "", "FirstName": "NoLastName", "PeopleLinx_Id__c": "bulk-bad-1"},
                {"LastName": "TooLong", "FirstName": "x" * 300, "PeopleLinx_Id__c": "bulk-bad-2"}]
    [result] = sf.bulk2.Contact.insert(records=records, wait=0)
    assert result["numberRecordsProcessed"] == N_BIG + 2
    assert result["numberRecordsFailed"] == 2

    failed = _rows(sf.bulk2.Contact.get_failed_records(result["job_id"]))
    by_first = {row["FirstName"][:10]: row for row in failed}
    assert by_first["NoLastName"]["sf__Error"] == (
        "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName")
    assert by_first["xxxxxxxxxx"]["sf__Error"].startswith("STRING_TOO_LONG:")
    assert all(row["sf__Id"] == "" for row in failed)

    successful = _rows(sf.bulk2.Contact.get_successful_records(result["job_id"]))
    assert len(successful) == N_BIG
    assert {row["sf__Created"] for row in successful} == {"true"}
    assert all(row["sf__Id"].startswith("003") and len(row["sf__Id"]) == 18 for row in successful)
    assert successful[0]["LastName"] == "Bulk00000"  # the original columns come back

    pages = list(sf.bulk2.Contact.query(
        "SELECT Id, LastName, PeopleLinx_Id__c FROM Contact WHERE PeopleLinx_Id__c LIKE 'bulk-%'",
        max_records=1000, wait=0))
    assert len(pages) == 3
    rows = _all_rows(pages)
    assert len(rows) == N_BIG
    assert {row["Id"] for row in rows} == {row["sf__Id"] for row in successful}
    assert list(rows[0]) == ["Id", "LastName", "PeopleLinx_Id__c"]


def test_upsert_from_csv_file_update_and_null_rules(sf: Salesforce, tmp_path: Path) -> None:
    sf.Contact.create({"LastName": "Existing", "Title": "Keep me", "Phone": "555-0100",
                       "PeopleLinx_Id__c": "plx-1"})
    path = tmp_path / "people.csv"
    # Empty cell: leave as is; "#N/A": set to null.
    path.write_text("PeopleLinx_Id__c,LastName,Title,Phone\n"
                    "plx-1,Existing-Renamed,,#N/A\n"
                    "plx-2,Newcomer,CTO,555-0199\n")
    [result] = sf.bulk2.Contact.upsert(csv_file=str(path), external_id_field="PeopleLinx_Id__c",
                                       wait=0)
    assert (result["numberRecordsProcessed"], result["numberRecordsFailed"]) == (2, 0)
    successful = {r["PeopleLinx_Id__c"]: r
                  for r in _rows(sf.bulk2.Contact.get_successful_records(result["job_id"]))}
    assert successful["plx-1"]["sf__Created"] == "false"
    assert successful["plx-2"]["sf__Created"] == "true"

    found = sf.query("SELECT LastName, Title, Phone FROM Contact WHERE PeopleLinx_Id__c = 'plx-1'")
    [existing] = found["records"]
    assert (existing["LastName"], existing["Title"], existing["Phone"]) == (
        "Existing-Renamed", "Keep me", None)

    new_id = successful["plx-2"]["sf__Id"]
    [updated] = sf.bulk2.Contact.update(records=[{"Id": new_id, "Title": "CEO"}], wait=0)
    assert updated["numberRecordsFailed"] == 0
    assert sf.Contact.get(new_id)["Title"] == "CEO"


def test_delete_then_query_all_sees_the_deleted(sf: Salesforce, tmp_path: Path) -> None:
    ids = [sf.Contact.create({"LastName": f"Gone{i}", "PeopleLinx_Id__c": f"gone-{i}"})["id"]
           for i in range(3)]
    [result] = sf.bulk2.Contact.delete(records=[{"Id": i} for i in ids] + [{"Id": "003bogus"}],
                                       wait=0)
    assert (result["numberRecordsProcessed"], result["numberRecordsFailed"]) == (4, 1)
    [failed] = _rows(sf.bulk2.Contact.get_failed_records(result["job_id"]))
    assert failed["Id"] == "003bogus" and failed["sf__Error"].startswith("MALFORMED_ID:")

    soql = "SELECT Id, IsDeleted FROM Contact WHERE PeopleLinx_Id__c LIKE 'gone-%'"
    assert _all_rows(sf.bulk2.Contact.query(soql, wait=0)) == []
    everything = _all_rows(sf.bulk2.Contact.query_all(soql, wait=0))
    assert sorted(r["Id"] for r in everything) == sorted(ids)
    assert {r["IsDeleted"] for r in everything} == {"true"}

    results = sf.bulk2.Contact.download(
        "SELECT Id, Name, Account.Name FROM Contact WHERE AccountId != null", str(tmp_path),
        max_records=50, wait=0)
    assert len(results) > 1 and all(r["number_of_records"] <= 50 for r in results)
    downloaded = [row for r in results for row in _rows(Path(r["file"]).read_text())]
    assert sum(r["number_of_records"] for r in results) == len(downloaded)
    assert list(downloaded[0]) == ["Id", "Name", "Account.Name"]
    assert all(row["Account.Name"] for row in downloaded)


def test_bad_query_is_refused_at_create(sf: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest, match="INVALID_FIELD"):
        list(sf.bulk2.Contact.query("SELECT Nope__c FROM Contact", wait=0))


def _api(sf_server: Any) -> tuple[str, dict[str, str]]:
    creds = sf_server.app.sandbox_credentials()
    return (f"{sf_server.url}/services/data/v{creds['api_version']}/jobs",
            {"Authorization": f"Bearer {creds['access_token']}"})


def test_ingest_job_lifecycle_over_http(sf_server: Any, session: requests.Session) -> None:
    base, auth = _api(sf_server)
    created = session.post(f"{base}/ingest", headers=auth,
                           json={"object": "Lead", "operation": "insert", "lineEnding": "CRLF"})
    assert created.status_code == 200, created.text
    job = created.json()
    assert job["state"] == "Open" and job["id"].startswith("750")
    assert job["contentUrl"] == f"services/data/v62.0/jobs/ingest/{job['id']}/batches"
    url = f"{base}/ingest/{job['id']}"
    csv_headers = {**auth, "Content-Type": "text/csv"}
    for body in ("LastName,Company\r\nOne,Acme\r\n", "LastName,Company\r\nTwo,\r\n"):
        assert session.put(f"{url}/batches", headers=csv_headers, data=body).status_code == 201

    closed = session.patch(url, headers=auth, json={"state": "UploadComplete"})
    assert closed.status_code == 200 and closed.json()["state"] == "UploadComplete"
    late = session.put(f"{url}/batches", headers=csv_headers, data="LastName,Company\r\nX,Y\r\n")
    assert late.status_code == 409

    info = _wait_for(session, url, auth)
    assert (info["state"], info["numberRecordsProcessed"], info["numberRecordsFailed"]) == (
        "JobComplete", 2, 1)
    failed = session.get(f"{url}/failedResults", headers=auth)
    assert failed.headers["Content-Type"].startswith("text/csv")
    assert failed.text.splitlines()[0] == '"sf__Id","sf__Error","LastName","Company"'
    assert "REQUIRED_FIELD_MISSING" in failed.text and "\r\n" in failed.text
    unprocessed = session.get(f"{url}/unprocessedrecords", headers=auth)
    assert unprocessed.text.strip() == '"LastName","Company"'

    listed = session.get(f"{base}/ingest", headers=auth).json()
    assert listed["done"] is True and job["id"] in {j["id"] for j in listed["records"]}
    assert session.delete(url, headers=auth).status_code == 204
    assert session.get(url, headers=auth).status_code == 404


def _wait_for(session: requests.Session, url: str, auth: dict[str, str]) -> dict[str, Any]:
    """Poll a job until it leaves the working states (bounded by the number of polls)."""
    for _ in range(2000):
        info = session.get(url, headers=auth).json()
        if info["state"] not in ("Open", "UploadComplete", "InProgress"):
            return info
    raise AssertionError(f"job never finished: {info}")


def test_unknown_column_fails_the_job_and_abort_works(sf_server: Any,
                                                      session: requests.Session) -> None:
    base, auth = _api(sf_server)
    csv_headers = {**auth, "Content-Type": "text/csv"}
    job = session.post(f"{base}/ingest", headers=auth,
                       json={"object": "Contact", "operation": "insert"}).json()
    url = f"{base}/ingest/{job['id']}"
    session.put(f"{url}/batches", headers=csv_headers, data="LastName,Shoe_Size__c\nA,42\n")
    session.patch(url, headers=auth, json={"state": "UploadComplete"})
    info = _wait_for(session, url, auth)
    assert info["state"] == "Failed"
    assert info["errorMessage"] == "InvalidBatch : Field name not found : Shoe_Size__c"

    other = session.post(f"{base}/ingest", headers=auth,
                         json={"object": "Contact", "operation": "insert"}).json()
    aborted = session.patch(f"{base}/ingest/{other['id']}", headers=auth, json={"state": "Aborted"})
    assert aborted.status_code == 200 and aborted.json()["state"] == "Aborted"
    again = session.patch(f"{base}/ingest/{other['id']}", headers=auth,
                          json={"state": "UploadComplete"})
    assert again.status_code == 400


def test_bad_job_requests(sf_server: Any, session: requests.Session) -> None:
    base, auth = _api(sf_server)
    refused = session.get(f"{base}/ingest", headers={"Authorization": "Bearer expired"})
    assert refused.status_code == 401
    assert refused.json()[0]["errorCode"] == "INVALID_SESSION_ID"
    no_ext = session.post(f"{base}/ingest", headers=auth,
                          json={"object": "Contact", "operation": "upsert"})
    assert no_ext.status_code == 400
    no_object = session.post(f"{base}/ingest", headers=auth,
                             json={"object": "Spaceship", "operation": "insert"})
    assert no_object.status_code == 400
    assert session.get(f"{base}/query/750000000000000AAA", headers=auth).status_code == 404


def test_query_results_paging_headers(sf_server: Any, session: requests.Session) -> None:
    base, auth = _api(sf_server)
    job = session.post(f"{base}/query", headers=auth, json={
        "operation": "query", "query": "SELECT Id, LastName, Account.Name FROM Contact",
        "columnDelimiter": "PIPE"}).json()
    assert job["state"] == "UploadComplete" and job["object"] == "Contact"
    info = _wait_for(session, f"{base}/query/{job['id']}", auth)
    assert info["state"] == "JobComplete"
    total, locator, pages = 0, None, 0
    while True:
        params = {"maxRecords": 70, **({"locator": locator} if locator else {})}
        page = session.get(f"{base}/query/{job['id']}/results", headers=auth, params=params)
        assert page.status_code == 200
        lines = page.text.splitlines()
        assert lines[0] == '"Id"|"LastName"|"Account.Name"'
        assert int(page.headers["Sforce-NumberOfRecords"]) == len(lines) - 1
        total += len(lines) - 1
        pages += 1
        locator = page.headers["Sforce-Locator"]
        if locator == "null":
            break
    assert total == info["numberRecordsProcessed"] > 70 and pages > 1


def test_job_failure_surfaces_in_simple_salesforce(sf: Salesforce) -> None:
    with pytest.raises(SalesforceOperationError, match="Field name not found"):
        sf.bulk2.Contact.insert(records=[{"LastName": "A", "Nope__c": "1"}], wait=0)


def test_jobs_survive_a_restart(sf_server: Any, sf: Salesforce) -> None:
    from plx_desktop.sandbox.salesforce.app import SalesforceApp
    from plx_desktop.sandbox.web import Faults, Request

    [result] = sf.bulk2.Contact.insert(records=[{"LastName": "Durable"}], wait=0)
    token = sf_server.app.sandbox_credentials()["access_token"]
    restarted = SalesforceApp(sf_server.state_dir, Faults())  # a fresh process on the same files
    request = Request("GET", f"/services/data/v62.0/jobs/ingest/{result['job_id']}/successfulResults",
                      {}, {"authorization": f"Bearer {token}"}, b"")
    handler, _ = restarted.router.match(request)
    rows = _rows(handler(request).body.decode())
    assert [row["LastName"] for row in rows] == ["Durable"]

"""SOQL over the Salesforce stand-in: query, queryAll, paging through nextRecordsUrl, batch sizes."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from plx_desktop.sandbox import fake
from plx_desktop.sandbox.salesforce.app import SalesforceApp
from plx_desktop.sandbox.tls import ensure_certificates, server_ssl_context
from plx_desktop.sandbox.web import Faults, serve


def client(sf_server: Any) -> Salesforce:
    session = requests.Session()
    session.verify = str(sf_server.ca_file)
    session.trust_env = False
    token = sf_server.app.sandbox_credentials()["access_token"]
    return Salesforce(instance_url=sf_server.url, session_id=token, session=session, version="62.0")


def get(sf_server: Any, path: str, **headers: str) -> requests.Response:
    session = requests.Session()
    session.verify = str(sf_server.ca_file)
    session.trust_env = False
    token = sf_server.app.sandbox_credentials()["access_token"]
    return session.get(sf_server.url + path, headers={"Authorization": f"Bearer {token}", **headers})


def control(sf_server: Any, method: str, path: str, **kw: Any) -> requests.Response:
    session = requests.Session()
    session.verify = str(sf_server.ca_file)
    session.trust_env = False
    return session.request(method, f"{sf_server.url}/__sandbox__/{path}", **kw)


@pytest.fixture
def big_org(sf_server: Any) -> Any:
    sf_server.reset(seed=None)
    sf_server.app.seed(fake.bulk_population(2500), demo=False)
    return sf_server


def test_query_all_pages_through_more_than_2000_records(big_org: Any) -> None:
    sf = client(big_org)
    first = sf.query("SELECT Id, Name, Account.Name FROM Contact ORDER BY Id")
    assert first["totalSize"] == 2500 and first["done"] is False and len(first["records"]) == 2000
    assert first["nextRecordsUrl"].startswith("/services/data/v62.0/query/01g")
    assert first["nextRecordsUrl"].endswith("-2000")
    rest = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert rest["done"] is True and len(rest["records"]) == 500 and "nextRecordsUrl" not in rest
    everything = sf.query_all("SELECT Id, Name, Account.Name FROM Contact ORDER BY Id")
    ids = [r["Id"] for r in everything["records"]]
    assert len(ids) == 2500 == len(set(ids)) and ids == sorted(ids)
    assert everything["records"][0]["Account"]["attributes"]["type"] == "Account"
    assert len(list(sf.query_all_iter("SELECT Id FROM Lead"))) == 2500
    # The locator alone (without the URL) works too, as query_more's default form.
    locator = first["nextRecordsUrl"].rsplit("/", 1)[1]
    assert len(sf.query_more(locator)["records"]) == 500


def test_batch_size_header_is_honoured_within_bounds(big_org: Any) -> None:
    for asked, page in (("500", 500), ("50", 200), ("5000", 2000)):
        body = get(big_org, "/services/data/v62.0/query?q=SELECT+Id+FROM+Lead",
                   **{"Sforce-Query-Options": f"batchSize={asked}"}).json()
        assert len(body["records"]) == page and body["nextRecordsUrl"].endswith(f"-{page}")
    sf = client(big_org)
    sf.headers["Sforce-Query-Options"] = "batchSize=1000"
    assert len(sf.query_all("SELECT Id FROM Lead")["records"]) == 2500


def test_both_query_paths_are_accepted(sf_server: Any) -> None:
    for path in ("/query?q=", "/query/?q="):
        answer = get(sf_server, f"/services/data/v62.0{path}SELECT+COUNT()+FROM+Contact")
        assert answer.status_code == 200 and answer.json()["totalSize"] == 205


def test_query_all_includes_deleted_records(sf_server: Any) -> None:
    sf = client(sf_server)
    gone = sf.Contact.create({"LastName": "Gone"})["id"]
    sf.Contact.delete(gone)
    soql = f"SELECT Id, IsDeleted FROM Contact WHERE Id = '{gone}'"
    assert sf.query(soql)["totalSize"] == 0
    found = sf.query_all(soql, include_deleted=True)["records"]
    assert [(r["Id"], r["IsDeleted"]) for r in found] == [(gone, True)]
    answer = get(sf_server, f"/services/data/v62.0/queryAll/?q={soql}").json()
    assert answer["totalSize"] == 1


def test_incremental_read_by_system_modstamp(sf_server: Any) -> None:
    sf = client(sf_server)
    newest = sf.query("SELECT SystemModstamp FROM Contact ORDER BY SystemModstamp DESC LIMIT 1")
    cursor = newest["records"][0]["SystemModstamp"]
    changed = sf.Contact.create({"LastName": "Changed"})["id"]
    soql = ("SELECT Id, SystemModstamp FROM Contact WHERE SystemModstamp >= "
            f"{cursor.replace('+0000', 'Z')} ORDER BY SystemModstamp, Id")
    records = sf.query_all(soql)["records"]
    assert records[-1]["Id"] == changed
    # Salesforce ignores milliseconds in datetime comparisons: the cursor's whole second is read.
    second = cursor[:19]
    assert all(r["SystemModstamp"][:19] >= second for r in records)
    assert {r["SystemModstamp"][:19] for r in records[:-1]} <= {second}


def test_datetime_comparisons_ignore_milliseconds(sf_server: Any) -> None:
    sf = client(sf_server)
    made = sf.Contact.create({"LastName": "Millis"})["id"]
    stamp = sf.query(f"SELECT SystemModstamp FROM Contact WHERE Id = '{made}'")["records"][0][
        "SystemModstamp"]
    later = stamp[:20] + "999Z"  # the same second, a later millisecond than the record's
    soql = f"SELECT Id FROM Contact WHERE SystemModstamp >= {later} AND Id = '{made}'"
    assert [r["Id"] for r in sf.query_all(soql)["records"]] == [made]


def test_relationships_and_polymorphic_who(sf_server: Any) -> None:
    sf = client(sf_server)
    tasks = sf.query("SELECT Subject, Who.Name, WhoId FROM Task WHERE WhoId != null")["records"]
    assert tasks and {t["Who"]["attributes"]["type"] for t in tasks} == {"Contact", "Lead"}
    converted = sf.query("SELECT Id, ConvertedContactId, ConvertedContact.Email, Status FROM Lead "
                         "WHERE IsConverted = true")["records"]
    assert len(converted) == 5
    assert all(r["Status"] == "Closed - Converted" and r["ConvertedContact"]["Email"] for r in converted)


@pytest.mark.parametrize(("soql", "code"), [
    ("SELECT Id FROM", "MALFORMED_QUERY"),
    ("SELECT Nope__c FROM Contact", "INVALID_FIELD"),
    ("SELECT Id FROM Nonsense", "INVALID_TYPE"),
])
def test_soql_errors_are_400_with_salesforce_codes(sf_server: Any, soql: str, code: str) -> None:
    with pytest.raises(SalesforceMalformedRequest) as refused:
        client(sf_server).query(soql)
    assert refused.value.status == 400
    assert refused.value.content[0]["errorCode"] == code and refused.value.content[0]["message"]


def test_unknown_query_locator(sf_server: Any) -> None:
    answer = get(sf_server, "/services/data/v62.0/query/01gAAAAAAAAAAAAAAA-2000")
    assert answer.status_code == 400 and answer.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_a_locator_pages_from_the_org_file_and_keeps_its_query_s_ids(tmp_path: Path) -> None:
    """A locator holds the Ids its query found, in order, in the org's file (no records in
    memory): a restarted sandbox still pages through it; a record made after the query is not
    in it; two days after the query, it answers INVALID_QUERY_LOCATOR (Salesforce's *API Query
    Cursor Limits*)."""
    ensure_certificates(tmp_path)

    def start() -> tuple[SalesforceApp, Any]:
        app = SalesforceApp(tmp_path, Faults())
        server = serve(app, ssl_context=server_ssl_context(tmp_path))
        app.set_base_url(server.url)
        return app, server

    app, server = start()
    try:
        app.seed(fake.bulk_population(2100), demo=False)
        service = SimpleNamespace(url=server.url, ca_file=tmp_path / "ca.pem", app=app)
        first = client(service).query("SELECT Id FROM Contact ORDER BY Id")
        assert first["totalSize"] == 2100 and len(first["records"]) == 2000
        client(service).Contact.create({"LastName": "Afterwards"})
    finally:
        server.stop()
    app, server = start()
    try:
        service = SimpleNamespace(url=server.url, ca_file=tmp_path / "ca.pem", app=app)
        rest = client(service).query_more(first["nextRecordsUrl"], identifier_is_url=True)
        ids = [r["Id"] for r in first["records"] + rest["records"]]
        assert rest["done"] is True and rest["totalSize"] == 2100
        assert len(ids) == 2100 == len(set(ids)) and ids == sorted(ids)
        assert control(service, "POST", "clock", json={"advance_seconds": 2 * 24 * 3600 - 60}
                       ).status_code == 200
        assert get(service, first["nextRecordsUrl"]).status_code == 200
        control(service, "POST", "clock", json={"advance_seconds": 120})
        expired = get(service, first["nextRecordsUrl"])
        assert expired.status_code == 400
        assert expired.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"
        assert control(service, "POST", "clock", json={"advance_seconds": -1}).status_code == 400
    finally:
        server.stop()


def test_system_modstamp_ranges_are_narrowed_by_both_bounds(sf_server: Any) -> None:
    org = sf_server.app.org
    before = org.clock.now()
    made = client(sf_server).Contact.create({"LastName": "Inside"})["id"]
    after = org.clock.now()
    # The store's scan itself stops at both bounds (the filter then decides exactly).
    scanned = list(org.store.candidates("Contact", include_deleted=False, modstamp_from=before,
                                        modstamp_to=after))
    assert [r["Id"] for r in scanned] == [made]
    literal = {name: stamp.replace("+0000", "Z") for name, stamp in
               (("before", before), ("after", after))}
    soql = (f"SELECT Id FROM Contact WHERE SystemModstamp >= {literal['before']} AND "
            f"SystemModstamp < {literal['after']}")
    found = [r["Id"] for r in client(sf_server).query_all(soql)["records"]]
    # Datetime literals compare to the second: the whole second of `before` counts, and
    # `< after` ends at the start of after's second.
    everything = client(sf_server).query_all(
        "SELECT Id, SystemModstamp FROM Contact ORDER BY SystemModstamp")["records"]
    expected = [r["Id"] for r in everything
                if literal["before"][:19] <= r["SystemModstamp"][:19] < literal["after"][:19]]
    assert sorted(found) == sorted(expected)
    older = client(sf_server).query_all(f"SELECT Id FROM Contact WHERE SystemModstamp < "
                                        f"{literal['before']}")["records"]
    assert made not in {r["Id"] for r in older}
    assert sorted(r["Id"] for r in older) == sorted(
        r["Id"] for r in everything if r["SystemModstamp"][:19] < literal["before"][:19])


def test_email_and_name_are_found_through_their_index_case_insensitively(sf_server: Any) -> None:
    sf = client(sf_server)
    made = sf.Contact.create({"LastName": "Indexed", "Email": "Grace.Hopper@Navy.example.com"})["id"]
    soql = ("SELECT Id FROM Contact WHERE Email IN ('grace.hopper@navy.example.com', "
            "'nobody@example.com')")
    assert [r["Id"] for r in sf.query_all(soql)["records"]] == [made]
    assert [r["Id"] for r in sf.query_all(
        "SELECT Id FROM Contact WHERE Name = 'INDEXED' AND Email != null")["records"]] == [made]
    scanned = list(sf_server.app.org.store.candidates(
        "Contact", include_deleted=False, equal=("Email", {"grace.hopper@navy.example.com"})))
    assert [r["Id"] for r in scanned] == [made]


def test_a_sync_s_order_comes_from_the_store_and_matches_soql_s_own_sort(big_org: Any) -> None:
    """ORDER BY SystemModstamp, Id is read from the store in that order (Org.find, presorted:
    a million records then cost ids, not sort keys and a sort); it must give exactly what the
    generic sort gives, ties on the seed's shared stamps broken by Id, deletes included."""
    sf = client(big_org)
    contacts = sf.query_all("SELECT Id FROM Contact ORDER BY Id")["records"]
    for record in contacts[5:8]:
        sf.Contact.update(record["Id"], {"Title": "Moved on"})
    sf.Contact.delete(contacts[10]["Id"])
    bound, presorted = big_org.app.org.find(
        "SELECT Id FROM Contact WHERE LastName != null ORDER BY SystemModstamp, Id",
        include_deleted=True)
    assert bound.in_modstamp_order
    every = sf.query_all("SELECT Id, SystemModstamp, LastName FROM Contact",
                         include_deleted=True)["records"]
    # The generic path (a DESC key is never presorted) reversed back, and Python's own sort.
    _, generic = big_org.app.org.find(
        "SELECT Id FROM Contact WHERE LastName != null ORDER BY SystemModstamp DESC, Id DESC",
        include_deleted=True)
    expected = [r["Id"] for r in sorted((r for r in every if r["LastName"]),
                                        key=lambda r: (r["SystemModstamp"], r["Id"][:15]))]
    assert presorted == expected == generic[::-1]
    assert len(expected) == len(every) > 2000
    # Changed last, so newest: the three updates, then the delete (it moves SystemModstamp).
    assert presorted[-4:] == [r["Id"] for r in (*contacts[5:8], contacts[10])]
    paged = sf.query_all("SELECT Id FROM Contact ORDER BY SystemModstamp, Id",
                         include_deleted=True)["records"]
    assert [r["Id"] for r in paged] == expected

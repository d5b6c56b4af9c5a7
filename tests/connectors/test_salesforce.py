"""The Salesforce client's reads over real HTTPS against the sandbox: describe, paging, changes, errors."""

from __future__ import annotations

from typing import Any

import pytest
from sf_helpers import client, connection, control

from plx_desktop.connectors.errors import ConnectorError, RequestError
from plx_desktop.connectors.salesforce import SalesforceClient, soql_datetime
from plx_desktop.sandbox import fake


def test_connection_and_client_never_show_tokens(sf_server: Any) -> None:
    conn = connection(sf_server)
    sf = SalesforceClient(conn)
    for text in (repr(conn), repr(sf), str(conn)):
        assert conn.access_token not in text and (conn.refresh_token or "-") not in text
    assert sf.session.trust_env is False and sf.session.verify == str(sf_server.ca_file)


def test_describe_lead_gives_the_mapping_editor_what_it_needs(sf_server: Any) -> None:
    lead = client(sf_server).describe("Lead")
    assert lead.name == "Lead"
    status = lead.field("Status")
    assert status is not None and status.type == "picklist"
    assert "Open - Not Contacted" in status.picklist_values
    assert "Closed - Converted" in status.picklist_values
    assert status.default_value == "Open - Not Contacted"
    plx_id = lead.field("peoplelinx_id__c")
    assert plx_id is not None and plx_id.external_id and plx_id.unique and plx_id.length == 64
    last_name = lead.field("LastName")
    assert last_name is not None and not last_name.nillable and last_name.createable
    assert lead.field("Id") is not None and not lead.field("Id").updateable  # type: ignore[union-attr]

    task = client(sf_server).describe("Task")
    who = task.field("WhoId")
    assert who is not None and who.type == "reference" and set(who.reference_to) >= {"Contact", "Lead"}


def test_describe_global_and_unknown_object(sf_server: Any) -> None:
    sf = client(sf_server)
    names = {o.name for o in sf.describe_global()}
    assert {"Account", "Contact", "Lead", "Task", "User"} <= names
    with pytest.raises(RequestError) as caught:
        sf.describe("NoSuchThing__c")
    assert caught.value.status == 404
    with pytest.raises(ValueError):
        sf.describe("Contact/../../x")


def test_query_pages_through_next_records_url(sf_server: Any) -> None:
    sf_server.reset(seed=None)
    sf_server.app.seed(fake.bulk_population(2500), demo=False)
    sf = client(sf_server)
    total = next(sf.iter_query("SELECT COUNT() FROM Contact"), None)
    assert total == []  # COUNT() answers totalSize with no records
    before = sf.calls_made

    pages = list(sf.iter_query("SELECT Id, Email, Account.Name FROM Contact"))

    sizes = [len(p) for p in pages]
    assert sum(sizes) >= 2500 and len(pages) >= 2 and all(s == 2000 for s in sizes[:-1])
    assert sf.calls_made - before == len(pages)
    records = [r for p in pages for r in p]
    assert len({r["Id"] for r in records}) == len(records)
    assert "attributes" not in records[0]
    with_account = next(r for r in records if r["Account"])
    assert isinstance(with_account["Account"], dict) and "attributes" not in with_account["Account"]
    assert with_account["Account"]["Name"]

    small = [len(p) for p in sf.iter_query("SELECT Id FROM Contact", page_size=1000)]
    assert small[:2] == [1000, 1000] and sum(small) == sum(sizes)


def test_iter_changed_reads_incrementally_from_a_cursor(sf_server: Any) -> None:
    sf = client(sf_server)
    first = [r for page in sf.iter_changed("Contact", ["FirstName", "Email"], None) for r in page]
    assert first and all("SystemModstamp" in r and "Id" in r for r in first)
    order = [(r["SystemModstamp"], r["Id"]) for r in first]
    assert order == sorted(order)
    cursor = first[-1]["SystemModstamp"]

    # Nothing changed: only the records of the cursor's second come back (an inclusive read,
    # and Salesforce ignores milliseconds in datetime comparisons).
    again = [r for page in sf.iter_changed("Contact", ["Email"], cursor) for r in page]
    assert again and all(r["SystemModstamp"][:19] == cursor[:19] for r in again)

    chosen = first[:2]
    results = sf.update("Contact", [{"Id": r["Id"], "Title": "Changed by the test"} for r in chosen])
    assert all(r.success for r in results), results
    changed = [r for page in sf.iter_changed("Contact", ["Title"], cursor) for r in page]
    changed_ids = {r["Id"] for r in changed}
    assert {r["Id"] for r in chosen} <= changed_ids
    assert changed_ids <= {r["Id"] for r in chosen} | {r["Id"] for r in again}

    # An extra filter joins the cursor with AND, in parentheses.
    only_one = [r for page in sf.iter_changed("Contact", ["Email"], cursor,
                                              where=f"Id = '{chosen[0]['Id']}'") for r in page]
    assert [r["Id"] for r in only_one] == [chosen[0]["Id"]]


def test_changed_soql_is_built_safely() -> None:
    soql = SalesforceClient.changed_soql(None, "Lead", ["Email", "Account.Name"],  # type: ignore[arg-type]
                                         "2026-01-31T12:00:00.123+0000", "Email LIKE '%@acme.com'")
    assert soql == ("SELECT Id, SystemModstamp, Email, Account.Name FROM Lead WHERE SystemModstamp >= "
                    "2026-01-31T12:00:00.123Z AND (Email LIKE '%@acme.com') ORDER BY SystemModstamp, Id")
    assert soql_datetime("2026-01-31T14:00:00.5+02:00") == "2026-01-31T12:00:00.500Z"
    for bad_field in ["Email, (SELECT Id FROM Tasks)", "Email FROM Lead --"]:
        with pytest.raises(ValueError):
            SalesforceClient.changed_soql(None, "Lead", [bad_field], None)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        SalesforceClient.changed_soql(None, "Lead", ["Email"], "yesterday' OR Id != null")  # type: ignore[arg-type]


def test_bad_queries_are_request_errors_with_salesforce_codes(sf_server: Any) -> None:
    sf = client(sf_server)
    with pytest.raises(RequestError) as malformed:
        next(sf.iter_query("SELEC Id FROM Contact"))
    assert malformed.value.code == "MALFORMED_QUERY"
    with pytest.raises(RequestError) as invalid:
        next(sf.iter_query("SELECT NoSuchField__c FROM Contact"))
    assert invalid.value.code == "INVALID_FIELD"
    assert sf.calls_made == 2  # not retried


def test_bogus_requests_ca_bundle_does_not_break_the_client(sf_server: Any,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/bogus-ca.pem")
    monkeypatch.setenv("CURL_CA_BUNDLE", "/nonexistent/bogus-ca.pem")
    assert client(sf_server).describe("Contact").fields

    untrusting = SalesforceClient(connection(sf_server, ca_file=None))
    with pytest.raises(ConnectorError, match="certificate is not trusted"):
        untrusting.describe("Contact")
    assert untrusting.calls_made == 1  # a certificate problem is not retried


def test_userinfo_and_usage_after_a_call(sf_server: Any) -> None:
    sf = client(sf_server)
    assert sf.api_usage is None
    info = sf.userinfo()
    assert info["preferred_username"] == sf_server.app.sandbox_credentials()["username"]
    assert info["organization_id"].startswith("00D") and "@" in info["email"]
    sf.describe("Contact")
    assert sf.api_usage is not None and 0 < sf.api_usage.used < sf.api_usage.limit


def test_query_in_asks_a_long_list_in_chunks_and_each_brace_gets_the_chunk(sf_server: Any) -> None:
    sf_server.reset(seed=None)
    sf_server.app.seed(fake.bulk_population(450), demo=False)
    sf = client(sf_server)
    every = {r["Id"]: r for page in sf.iter_query("SELECT Id, Email FROM Contact") for r in page}
    ids = sorted(every)
    before = sf.calls_made
    found = [r["Id"] for page in sf.iter_query_in("SELECT Id FROM Contact WHERE Id IN {}",
                                                  [*ids, "003000000000000AAA"], chunk=200)
             for r in page]
    assert sorted(found) == ids
    assert sf.calls_made - before == 3  # 451 values: 200 + 200 + 51
    emails = [every[i]["Email"] for i in ids[:5]]
    both = [r["Id"] for page in sf.iter_query_in(
        "SELECT Id FROM Contact WHERE Id != null AND (Email IN {} OR Title IN {})", emails, chunk=2) for r in page]
    assert sorted(both) == ids[:5]
    before = sf.calls_made
    assert list(sf.iter_query_in("SELECT Id FROM Contact WHERE Id IN {}", [])) == []
    assert sf.calls_made == before  # nothing asked for nothing


def test_query_in_asks_its_chunks_at_once_and_gives_their_pages_in_order(sf_server: Any) -> None:
    sf_server.reset(seed=None)
    sf_server.app.seed(fake.bulk_population(300), demo=False)
    sf = client(sf_server)
    ids = sorted(r["Id"] for page in sf.iter_query("SELECT Id FROM Contact") for r in page)
    # Each query spends this long in the sandbox: chunks asked one after another are never
    # seen at once, whatever the machine's load.
    control(sf_server, "faults", {"latency_ms": 300})
    sf_server.app.calls.reset()
    try:
        pages = list(sf.iter_query_in("SELECT Id FROM Contact WHERE Id IN {} ORDER BY Id", ids,
                                      chunk=50))
    finally:
        control(sf_server, "faults", {"latency_ms": 0})
    assert sf_server.app.calls.peak("query") >= 3, sf_server.app.calls.stats()
    # As if asked one after another: chunk by chunk, in the order of the values.
    assert [[r["Id"] for r in page] for page in pages] == [ids[i:i + 50]
                                                          for i in range(0, len(ids), 50)]

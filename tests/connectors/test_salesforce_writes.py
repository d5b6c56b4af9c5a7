"""Writes through sObject Collections and Bulk API 2.0: one result per record, in order."""

from __future__ import annotations

from typing import Any

from sf_helpers import client, control

from plx_desktop.connectors.salesforce import RecordResult


def _lead(n: int, **extra: Any) -> dict[str, Any]:
    return {"LastName": f"Writer{n}", "Company": "Acme", "Email": f"writer{n}@acme.com", **extra}


def _codes(results: list[RecordResult]) -> list[str | None]:
    return [r.error_code for r in results]


def test_create_update_delete_with_mixed_records_in_order(sf_server: Any) -> None:
    sf = client(sf_server)
    created = sf.create("Lead", [_lead(1), {"FirstName": "NoLastName", "Company": "Acme"}, _lead(2),
                                 _lead(3, Email="not an email")])
    assert [r.success for r in created] == [True, False, True, False]
    assert created[0].created and created[0].id and created[0].id.startswith("00Q")
    assert created[1].error_code == "REQUIRED_FIELD_MISSING" and "LastName" in created[1].errors[0].fields
    assert created[3].error_code == "INVALID_EMAIL_ADDRESS"
    good = [created[0].id, created[2].id]

    updated = sf.update("Lead", [{"Id": good[0], "Title": "CTO"}, {"Id": "00Q000000000000AAA", "Title": "x"},
                                 {"Id": good[1], "LastName": "W" * 300}])
    assert [r.success for r in updated] == [True, False, False]
    assert not updated[0].created and updated[0].id == good[0]
    assert updated[2].error_code == "STRING_TOO_LONG"
    row = next(sf.iter_query(f"SELECT Title FROM Lead WHERE Id = '{good[0]}'"))[0]
    assert row["Title"] == "CTO"

    deleted = sf.delete([good[0], "00Q000000000000AAA", good[1]])
    assert [r.success for r in deleted] == [True, False, True]
    assert deleted[1].errors


def test_upsert_by_external_id_in_batches_of_200(sf_server: Any) -> None:
    sf = client(sf_server)
    first = sf.upsert("Lead", "PeopleLinx_Id__c", [_lead(1, PeopleLinx_Id__c="plx-1")])
    assert first[0].success and first[0].created

    records = [_lead(n, PeopleLinx_Id__c=f"plx-{n}") for n in range(1, 451)]
    records[10] = {"PeopleLinx_Id__c": "plx-missing-fields", "Email": "x@acme.com"}
    before = sf.calls_made
    results = sf.upsert("Lead", "PeopleLinx_Id__c", records)
    assert sf.calls_made - before == 3
    assert len(results) == 450
    assert results[0].success and not results[0].created and results[0].id == first[0].id
    assert results[10].error_code == "REQUIRED_FIELD_MISSING"
    assert all(r.success and r.created for i, r in enumerate(results) if i not in (0, 10))

    again = sf.upsert("Lead", "PeopleLinx_Id__c", records[:5])
    assert [r.created for r in again] == [False] * 5
    assert [r.id for r in again] == [r.id for r in results[:5]]


def test_converted_lead_update_fails_per_record(sf_server: Any) -> None:
    sf = client(sf_server)
    leads = next(sf.iter_query("SELECT Id FROM Lead WHERE IsConverted = false ORDER BY Id LIMIT 2"))
    control(sf_server, "convert-lead", {"lead_id": leads[0]["Id"]})
    converted = next(sf.iter_query(f"SELECT IsConverted, ConvertedContactId FROM Lead "
                                   f"WHERE Id = '{leads[0]['Id']}'"))[0]
    assert converted["IsConverted"] is True and converted["ConvertedContactId"]

    results = sf.update("Lead", [{"Id": leads[0]["Id"], "Title": "x"}, {"Id": leads[1]["Id"], "Title": "y"}])
    assert _codes(results) == ["CANNOT_UPDATE_CONVERTED_LEAD", None]
    assert results[1].success


def test_bulk_upsert_and_bulk_query(sf_server: Any) -> None:
    sf = client(sf_server)
    records = [_lead(n, PeopleLinx_Id__c=f"bulk-{n}", Title=None) for n in range(30)]
    records[7] = {"PeopleLinx_Id__c": "bulk-7", "Company": "Acme"}  # no LastName
    results = sf.bulk_upsert("Lead", "PeopleLinx_Id__c", records)
    assert len(results) == 30
    assert not results[7].success and results[7].error_code == "REQUIRED_FIELD_MISSING"
    assert all(r.success and r.created and r.id for i, r in enumerate(results) if i != 7)

    again = sf.bulk_upsert("Lead", "PeopleLinx_Id__c", [_lead(1, PeopleLinx_Id__c="bulk-1")])
    assert again[0].success and not again[0].created and again[0].id == results[1].id

    pages = list(sf.bulk_query("SELECT Id, PeopleLinx_Id__c, LastName, Title FROM Lead "
                               "WHERE PeopleLinx_Id__c LIKE 'bulk-%'"))
    rows = {r["PeopleLinx_Id__c"]: r for page in pages for r in page}
    assert len(rows) == 29 and "bulk-7" not in rows
    assert rows["bulk-3"]["LastName"] == "Writer3" and rows["bulk-3"]["Title"] is None
    assert rows["bulk-3"]["Id"] == results[3].id

    contacts = [r for page in sf.bulk_query("SELECT Id, Account.Name FROM Contact WHERE AccountId != null")
                for r in page]
    assert contacts and all(isinstance(r["Account"], dict) and r["Account"]["Name"] for r in contacts)


def test_bulk_upsert_places_each_result_of_an_external_id_sent_twice(sf_server: Any) -> None:
    # Results are matched back by external id: a key sent twice gets its two results in the
    # order sent, and every other record still gets its own.
    sf = client(sf_server)
    records = [_lead(1, PeopleLinx_Id__c="twice-1"), _lead(2, PeopleLinx_Id__c="once-2"),
               _lead(3, PeopleLinx_Id__c="twice-1", Title="Second")]
    results = sf.bulk_upsert("Lead", "PeopleLinx_Id__c", records)
    assert len(results) == 3 and all(r.success and r.id for r in results)
    assert results[0].created and not results[2].created  # the first created, the second updated
    assert results[2].id == results[0].id != results[1].id and results[1].created

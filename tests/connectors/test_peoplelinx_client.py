"""The PeopleLinx client against the sandbox over real HTTPS: reads, paging, writes, batches."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from plx_desktop.connectors.errors import RequestError
from plx_desktop.connectors.peoplelinx import MAX_BATCH, PeopleLinxClient
from plx_desktop.connectors.peoplelinx_types import BatchItem
from plx_desktop.connectors.retry import NO_WAIT


@pytest.fixture
def client(plx_server: Any) -> PeopleLinxClient:
    with PeopleLinxClient(plx_server.url, plx_server.app.api_key(), ca_file=plx_server.ca_file,
                          retry=NO_WAIT) as plx:
        yield plx


def everyone(plx_server: Any) -> list[dict[str, Any]]:
    answer = requests.get(plx_server.url + "/__sandbox__/people", verify=plx_server.ca_file,
                          timeout=10)
    answer.raise_for_status()
    return answer.json()["data"]


def control(plx_server: Any, path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = requests.post(f"{plx_server.url}/__sandbox__/{path}", json=body,
                           verify=plx_server.ca_file, timeout=10)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def all_of(pages: Any) -> list[dict[str, Any]]:
    return [item for page in pages for item in page]


def test_me_names_the_account_and_user(client: PeopleLinxClient) -> None:
    me = client.me()
    assert me["account"]["name"] == "Sandbox Demo Co"
    assert me["user"]["email"].endswith("@example.com")


def test_people_fields_list_standard_and_demo_custom_fields(client: PeopleLinxClient) -> None:
    fields = {f["key"]: f for f in client.people_fields()}
    assert fields["email"]["required"] and fields["email"]["type"] == "email"
    assert fields["synced_with_salesforce"]["read_only"]
    assert fields["persona"]["custom"] and fields["persona"]["type"] == "picklist"
    assert "Decision maker" in fields["persona"]["options"]
    assert fields["lead_score"]["type"] == "number"
    assert fields["linkedin_url"]["type"] == "url"


def test_iter_people_pages_through_everyone_once_in_order(client: PeopleLinxClient,
                                                          plx_server: Any) -> None:
    pages = list(client.iter_people(page_size=37))
    people = all_of(pages)
    assert len(pages) > 2 and all(len(p) == 37 for p in pages[:-1])
    assert len(people) == len(everyone(plx_server)) == len({p["id"] for p in people})
    keys = [(p["updated_at"], p["id"]) for p in people]
    assert keys == sorted(keys)


def test_updated_since_reads_only_what_changed(client: PeopleLinxClient) -> None:
    people = all_of(client.iter_people())
    mark = max(p["updated_at"] for p in people)
    changed = client.update_person(people[3]["id"], {"title": "Chief Revenue Officer"})
    assert changed["updated_at"] > mark
    since = all_of(client.iter_people(updated_since=mark))
    # Inclusive: the boundary record comes back too, then the change.
    assert [p["id"] for p in since] == [people[-1]["id"], people[3]["id"]]
    assert all_of(client.iter_people(updated_since=changed["updated_at"]))[0]["title"] == \
        "Chief Revenue Officer"


def test_email_lookup_ignores_case(client: PeopleLinxClient) -> None:
    someone = all_of(client.iter_people())[10]
    found = client.find_person_by_email("  " + someone["email"].upper())
    assert found is not None and found["id"] == someone["id"]
    assert client.find_person_by_email("nobody@nowhere.example.com") is None


def test_create_get_update_person_with_custom_fields_and_links(client: PeopleLinxClient) -> None:
    created = client.create_person({"first_name": "Ada", "last_name": "Okafor",
                                    "email": "ada.okafor@acme.example.com", "account": "Acme",
                                    "custom_fields": {"persona": "Champion", "lead_score": 71}})
    assert created["id"].startswith("per_") and len(created["id"]) == 24
    assert created["synced_with_salesforce"] is False and created["salesforce_id"] is None
    assert client.get_person(created["id"]) == created

    linked = client.update_person(created["id"], {
        "salesforce_lead_id": "00Q000000000001AAA", "salesforce_contact_id": "003000000000001AAA",
        "salesforce_url": "https://example.my.salesforce.com/003000000000001AAA",
        "custom_fields": {"lead_score": None, "linkedin_url": "https://linkedin.com/in/ada"}})
    assert linked["salesforce_id"] == "003000000000001AAA"
    assert linked["salesforce_object"] == "Contact"  # the contact wins over the lead
    assert linked["salesforce_lead_id"] == "00Q000000000001AAA"
    assert linked["synced_with_salesforce"] is True
    assert linked["custom_fields"] == {"persona": "Champion",
                                       "linkedin_url": "https://linkedin.com/in/ada"}
    assert linked["updated_at"] > created["updated_at"]

    unlinked = client.update_person(created["id"], {"salesforce_id": None,
                                                    "salesforce_object": "Contact"})
    assert (unlinked["salesforce_id"], unlinked["salesforce_object"]) == \
        ("00Q000000000001AAA", "Lead")


def test_an_update_that_changes_nothing_keeps_updated_at(client: PeopleLinxClient) -> None:
    someone = all_of(client.iter_people())[0]
    again = client.update_person(someone["id"], {"first_name": someone["first_name"]})
    assert again["updated_at"] == someone["updated_at"]


def test_duplicate_email_and_unknown_person_are_request_errors(client: PeopleLinxClient) -> None:
    someone = all_of(client.iter_people())[0]
    with pytest.raises(RequestError) as dup:
        client.create_person({"email": someone["email"].upper()})
    assert dup.value.status == 409 and dup.value.code == "duplicate_email"
    assert dup.value.fields == ["email"]
    with pytest.raises(RequestError) as missing:
        client.get_person("per_doesnotexist000000")
    assert missing.value.status == 404 and "per_doesnotexist000000" in missing.value.reason


def test_batch_gives_one_result_per_item_in_order(client: PeopleLinxClient,
                                                  plx_server: Any) -> None:
    existing = all_of(client.iter_people())[0]
    before = len(everyone(plx_server))
    results = client.batch_people([
        BatchItem("create", {"email": "new.one@batch.example.com", "first_name": "New"}),
        BatchItem("create", {"email": "not-an-email"}),
        BatchItem("create", {"email": existing["email"]}),
        BatchItem("update", {"title": "CTO"}, id="per_nosuchperson0000000"),
        BatchItem("create", {"email": "x@batch.example.com", "favourite_colour": "blue"}),
        BatchItem("create", {"email": "y@batch.example.com", "first_name": "A" * 81}),
        BatchItem("update", {"title": "CTO"}, id=existing["id"]),
        {"op": "delete", "person": {}},
        BatchItem("upsert", {"email": "new.two@batch.example.com"}),
    ])
    assert [r.index for r in results] == list(range(9))
    assert [r.status for r in results] == [201, 422, 409, 404, 422, 422, 200, 400, 201]
    codes = [r.error.code if r.error else None for r in results]
    assert codes == [None, "invalid_value", "duplicate_email", "not_found", "unknown_field",
                     "value_too_long", None, "invalid_request", None]
    assert results[2].error.existing_id == existing["id"]
    assert results[6].person["title"] == "CTO"
    assert len(everyone(plx_server)) == before + 2


def test_upsert_twice_never_duplicates(client: PeopleLinxClient, plx_server: Any) -> None:
    existing = all_of(client.iter_people())[5]
    before = len(everyone(plx_server))
    items = [BatchItem("upsert", {"email": "one@upsert.example.com", "last_name": "One"}),
             BatchItem("upsert", {"email": existing["email"], "title": "Head of Sales"}),
             BatchItem("upsert", {"salesforce_id": "003000000000009AAA",
                                  "email": "two@upsert.example.com"}, match_on="salesforce_id")]
    first = client.batch_people(items)
    second = client.batch_people(items)
    assert [r.status for r in first] == [201, 200, 201]
    assert [r.status for r in second] == [200, 200, 200]
    assert [r.person["id"] for r in first] == [r.person["id"] for r in second]
    assert [r.person["updated_at"] for r in first] == [r.person["updated_at"] for r in second]
    assert len(everyone(plx_server)) == before + 2


def test_batch_larger_than_the_limit_is_sent_in_chunks(client: PeopleLinxClient) -> None:
    items = [BatchItem("upsert", {"email": f"bulk{n}@chunk.example.com"})
             for n in range(MAX_BATCH * 2 + 7)]
    calls = client.calls_made
    results = client.batch_people(items)
    assert client.calls_made - calls == 3
    assert [r.index for r in results] == list(range(len(items)))
    assert all(r.created for r in results)
    assert results[-1].person["email"] == f"bulk{len(items) - 1}@chunk.example.com"


def test_saved_filters_select_people(client: PeopleLinxClient, plx_server: Any) -> None:
    filters = {f["name"]: f for f in client.saved_filters()}
    assert {"Synced with Salesforce", "Not yet in Salesforce", "Interested prospects"} <= set(filters)
    synced = filters["Synced with Salesforce"]
    assert client.saved_filter(synced["id"]) == synced
    assert all_of(client.iter_people(filter_id=synced["id"])) == []

    people = all_of(client.iter_people())
    client.update_person(people[0]["id"], {"salesforce_id": "003000000000001AAA"})
    client.update_person(people[1]["id"], {"salesforce_id": "00Q000000000002AAA"})
    found = all_of(client.iter_people(filter_id=synced["id"]))
    assert {p["id"] for p in found} == {people[0]["id"], people[1]["id"]}
    rest = all_of(client.iter_people(filter_id=filters["Not yet in Salesforce"]["id"]))
    assert len(rest) == len(people) - 2

    control(plx_server, "inbox-state", {"person_id": people[7]["id"], "state": "interested"})
    interested = all_of(client.iter_people(filter_id=filters["Interested prospects"]["id"]))
    assert people[7]["id"] in {p["id"] for p in interested}
    assert all(p["inbox_state"] == "interested" for p in interested)


@pytest.mark.parametrize("condition, check", [
    ({"field": "email", "op": "ends_with", "value": "@ACMELABS.example.com"},
     lambda p: p["email"].lower().endswith("@acmelabs.example.com")),
    ({"field": "first_name", "op": "starts_with", "value": "ma"},
     lambda p: (p["first_name"] or "").lower().startswith("ma")),
    ({"field": "account", "op": "contains", "value": "labs"},
     lambda p: "labs" in (p["account"] or "").lower()),
    ({"field": "persona", "op": "not_equals", "value": "Champion"},
     lambda p: p["custom_fields"].get("persona") != "Champion"),
    ({"field": "lead_score", "op": "lt", "value": 20},
     lambda p: p["custom_fields"].get("lead_score", 1000) < 20),
    ({"field": "linkedin_url", "op": "is_empty"}, lambda p: "linkedin_url" not in p["custom_fields"]),
    ({"field": "title", "op": "is_not_empty"}, lambda p: bool(p["title"])),
])
def test_filter_operators(client: PeopleLinxClient, plx_server: Any, condition: dict[str, Any],
                          check: Any) -> None:
    saved = control(plx_server, "filters", {"name": "t", "criteria": {"all": [condition]}})
    found = {p["id"] for p in all_of(client.iter_people(filter_id=saved["id"]))}
    expected = {p["id"] for p in everyone(plx_server) if check(p)}
    assert found == expected and found


def test_sequences_and_adding_people(client: PeopleLinxClient) -> None:
    sequences = {s["name"]: s for s in client.sequences()}
    assert {s["status"] for s in sequences.values()} == {"active", "paused", "archived"}
    active = next(s for s in sequences.values() if s["status"] == "active")
    assert client.get_sequence(active["id"]) == active
    members = all_of(client.iter_sequence_people(active["id"]))
    assert members and all(m["sequence_id"] == active["id"] for m in members)
    outsider = next(p for p in all_of(client.iter_people())
                    if p["id"] not in {m["person_id"] for m in members})

    results = client.add_to_sequence(active["id"], [outsider["id"], members[0]["person_id"],
                                                    "per_nosuchperson0000000"])
    assert [(r.index, r.result, r.status) for r in results] == [
        (0, "added", 201), (1, "already_in_sequence", 200), (2, "failed", 404)]
    assert results[0].membership["status"] == "active"
    assert results[1].membership["id"] == members[0]["id"]
    again = client.add_to_sequence(active["id"], [outsider["id"]])
    assert again[0].result == "already_in_sequence"

    archived = next(s for s in sequences.values() if s["status"] == "archived")
    with pytest.raises(RequestError) as refused:
        client.add_to_sequence(archived["id"], [outsider["id"]])
    assert refused.value.code == "sequence_archived"


def test_simulated_activity_is_read_incrementally(client: PeopleLinxClient,
                                                  plx_server: Any) -> None:
    person = all_of(client.iter_people())[50]
    sequence = client.sequences()[0]
    readers = {"email": client.iter_emails, "task": client.iter_tasks, "call": client.iter_calls}
    marks = {kind: max(x["updated_at"] for x in all_of(read())) for kind, read in readers.items()}
    membership_mark = max(m["updated_at"] for m in all_of(client.iter_sequence_memberships()))
    inbox_mark = max(s["updated_at"] for s in all_of(client.iter_inbox_states()))

    made = {
        "email": control(plx_server, "activity", {"kind": "email", "person_id": person["id"],
                                                  "direction": "inbound", "subject": "Re: hi"}),
        "task": control(plx_server, "activity", {"kind": "task", "person_id": person["id"],
                                                 "type": "call", "status": "completed",
                                                 "due_date": "2026-02-01"}),
        "call": control(plx_server, "activity", {"kind": "call", "person_id": person["id"],
                                                 "disposition": "left_voicemail",
                                                 "duration_seconds": 42}),
    }
    for kind, read in readers.items():
        new = [x for x in all_of(read(updated_since=marks[kind])) if x["updated_at"] > marks[kind]]
        assert new == [made[kind]]
    assert made["task"]["completed_at"] is not None
    assert made["call"]["duration_seconds"] == 42

    control(plx_server, "sequence-status", {"person_id": person["id"],
                                            "sequence_id": sequence["id"], "status": "replied"})
    control(plx_server, "inbox-state", {"person_id": person["id"], "state": "meeting_booked"})
    changed = all_of(client.iter_sequence_memberships(updated_since=membership_mark))
    assert (changed[-1]["person_id"], changed[-1]["status"]) == (person["id"], "replied")
    states = all_of(client.iter_inbox_states(updated_since=inbox_mark))
    assert (states[-1]["person_id"], states[-1]["state"]) == (person["id"], "meeting_booked")


def test_get_people_reads_a_batch_back_in_one_call(client: PeopleLinxClient,
                                                   plx_server: Any) -> None:
    people = everyone(plx_server)[:3]
    before = client.calls_made
    found = client.get_people([p["id"] for p in people] + ["per_does_not_exist"])
    assert client.calls_made == before + 1
    assert set(found) == {p["id"] for p in people}
    assert found[people[0]["id"]]["email"] == people[0]["email"]


def test_ids_filter_refuses_too_many_ids(client: PeopleLinxClient, plx_server: Any) -> None:
    answer = requests.get(plx_server.url + "/v1/people",
                          params={"ids": ",".join(f"per_{n}" for n in range(501))},
                          headers={"Authorization": f"Bearer {plx_server.app.api_key()}"},
                          verify=plx_server.ca_file, timeout=10)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_parameter"


def test_find_people_by_email_looks_up_a_batch_in_one_call(client: PeopleLinxClient,
                                                           plx_server: Any) -> None:
    people = everyone(plx_server)[:4]
    before = client.calls_made
    asked = [f"  {p['email'].upper()} " for p in people] + ["nobody@nowhere.example.com"]
    found = client.find_people_by_email(asked)
    assert client.calls_made == before + 1
    assert {person["id"] for person in found.values()} == {p["id"] for p in people}
    assert set(found) == {p["email"].lower() for p in people}

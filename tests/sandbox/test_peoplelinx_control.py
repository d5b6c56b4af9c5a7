"""The PeopleLinx stand-in's control endpoints, seeds, and its state file."""

from __future__ import annotations

from typing import Any

import requests

from plx_desktop.sandbox.peoplelinx.app import PeopleLinxApp
from plx_desktop.sandbox.web import Faults


def control(plx_server: Any, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(method, f"{plx_server.url}/__sandbox__/{path}", json=body,
                            verify=plx_server.ca_file, timeout=60)


def api(plx_server: Any, path: str) -> requests.Response:
    return requests.get(plx_server.url + path, verify=plx_server.ca_file, timeout=10,
                        headers={"Authorization": f"Bearer {plx_server.app.api_key()}"})


def test_demo_seed_is_a_believable_account(plx_server: Any) -> None:
    from plx_desktop.sandbox.fake import demo_population

    population = demo_population()
    people = control(plx_server, "GET", "people").json()["data"]
    emails = {p["email"] for p in people}
    shared = population.shared_contacts + population.shared_leads
    assert emails == {p.email for p in population.people_only + shared}
    assert not any(p["synced_with_salesforce"] for p in people)  # linking is the sync's job
    memberships = api(plx_server, "/v1/sequence_memberships?limit=1000").json()["data"]
    assert len({m["status"] for m in memberships}) >= 5
    assert 3 <= len(api(plx_server, "/v1/sequences").json()["data"]) <= 4
    assert len({s["state"] for s in api(plx_server, "/v1/inbox_states").json()["data"]}) >= 5
    by_id = {p["id"]: p["email"] for p in people}
    shared_emails = {p.email for p in shared}
    for kind in ("emails", "tasks", "calls"):
        activity = api(plx_server, f"/v1/{kind}").json()["data"]
        assert len(activity) >= 24 and all(by_id[a["person_id"]] in shared_emails
                                           for a in activity)


def test_bulk_seed_has_only_peoplelinx_people(plx_server: Any) -> None:
    answer = control(plx_server, "POST", "seed", {"seed": 3000})
    assert answer.json() == {"ok": True, "people": 3000}
    assert api(plx_server, "/v1/sequences").json()["data"] == []
    assert api(plx_server, "/v1/people/filters").json()["data"] == []
    bad = control(plx_server, "POST", "seed", {"seed": "lots"})
    assert bad.status_code == 400


def test_reset_empties_everything_but_keeps_the_key(plx_server: Any) -> None:
    assert control(plx_server, "POST", "reset").status_code == 200
    assert plx_server.app.is_empty()
    assert api(plx_server, "/v1/people").json() == {"data": [], "next_cursor": None}
    assert api(plx_server, "/v1/me").status_code == 200


def test_state_survives_a_restart_with_the_same_key(plx_server: Any) -> None:
    again = PeopleLinxApp(plx_server.state_dir, Faults())
    assert not again.is_empty()
    assert again.api_key() == plx_server.app.api_key()


def test_faults_and_calls_are_controlled(plx_server: Any) -> None:
    answer = control(plx_server, "POST", "faults", {"fail_rate": 0.25, "kinds": ["503"],
                                                    "latency_ms": 0})
    assert answer.json() == {"latency_ms": 0.0, "fail_rate": 0.25, "kinds": ["503"]}
    assert control(plx_server, "GET", "faults").json()["kinds"] == ["503"]
    assert control(plx_server, "POST", "faults", {"kinds": ["meteor"]}).status_code == 400
    control(plx_server, "POST", "faults", {"fail_rate": 0})
    api(plx_server, "/v1/me")
    api(plx_server, "/v1/people")
    calls = control(plx_server, "GET", "calls").json()
    assert calls["total"] == 2 and calls["by_route"]["/v1/me"] == 1
    assert control(plx_server, "DELETE", "calls").json()["total"] == 0


def test_a_custom_field_added_by_control_is_listed_and_checked(plx_server: Any) -> None:
    answer = control(plx_server, "POST", "fields", {"key": "region", "type": "picklist",
                                                    "options": ["EMEA", "AMER", "APAC"]})
    assert answer.status_code == 201
    fields = {f["key"]: f for f in api(plx_server, "/v1/people/fields").json()["data"]}
    assert fields["region"]["label"] == "Region" and fields["region"]["custom"]
    assert control(plx_server, "POST", "fields", {"key": "region"}).status_code == 409
    assert control(plx_server, "POST", "fields", {"key": "email"}).status_code == 409
    assert control(plx_server, "POST", "fields", {"key": "Bad Key"}).status_code == 400
    headers = {"Authorization": f"Bearer {plx_server.app.api_key()}"}
    made = requests.post(plx_server.url + "/v1/people", verify=plx_server.ca_file, timeout=10,
                         headers=headers, json={"email": "r@x.example.com",
                                                "custom_fields": {"region": "EMEA"}})
    assert made.json()["custom_fields"] == {"region": "EMEA"}
    refused = requests.post(plx_server.url + "/v1/people", verify=plx_server.ca_file, timeout=10,
                            headers=headers, json={"email": "s@x.example.com",
                                                   "custom_fields": {"region": "Mars"}})
    assert refused.status_code == 422


def test_activity_control_refuses_bad_input(plx_server: Any) -> None:
    person = control(plx_server, "GET", "people").json()["data"][0]
    assert control(plx_server, "POST", "activity", {"kind": "fax", "person_id": person["id"]}) \
        .status_code == 400
    assert control(plx_server, "POST", "activity", {"kind": "email", "person_id": "per_x"}) \
        .status_code == 404
    assert control(plx_server, "POST", "activity", {"kind": "call", "person_id": person["id"],
                                                    "disposition": "shouted"}).status_code == 422
    assert control(plx_server, "POST", "inbox-state", {"person_id": person["id"],
                                                       "state": "ecstatic"}).status_code == 400
    made = control(plx_server, "POST", "activity", {"kind": "task", "person_id": person["id"]})
    done = control(plx_server, "POST", "activity", {"kind": "task", "id": made.json()["id"],
                                                    "status": "completed"})
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert made.json()["completed_at"] is None and done.json()["completed_at"] is not None
    assert done.json()["updated_at"] > made.json()["updated_at"]

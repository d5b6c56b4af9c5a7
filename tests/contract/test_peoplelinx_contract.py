"""docs/peoplelinx-openapi.yaml, the sandbox and the client kept in step.

Every documented operation is called on the real sandbox and its answers (successes and errors)
are validated against the documented schemas; the sandbox's routes and the document's operations
must be the same set; the client's request bodies must fit the documented request schemas.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from jsonschema import Draft202012Validator

from plx_desktop.connectors.peoplelinx_types import BatchItem

SPEC_PATH = Path(__file__).resolve().parents[2] / "docs" / "peoplelinx-openapi.yaml"
SPEC = yaml.safe_load(SPEC_PATH.read_text())
METHODS = ("get", "post", "patch", "put", "delete")
OPERATIONS = {(m.upper(), path) for path, item in SPEC["paths"].items() for m in item
              if m in METHODS}


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator({**schema, "components": SPEC["components"]})


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node and node["$ref"].startswith("#/components/responses/"):
        node = SPEC["components"]["responses"][node["$ref"].rsplit("/", 1)[1]]
    return node


def check(method: str, template: str, response: requests.Response) -> Any:
    """Assert `response` is documented for this operation and fits the documented schema."""
    documented = SPEC["paths"][template][method.lower()]["responses"]
    status = str(response.status_code)
    assert status in documented, f"{method} {template} answered undocumented {status}"
    doc = resolve(documented[status])
    if "content" not in doc:  # 204: documented as having no body
        assert not response.content, f"{method} {template} {status} has a body"
        return None
    body = response.json()
    schema = doc["content"]["application/json"]["schema"]
    errors = sorted(validator(schema).iter_errors(body), key=str)
    assert not errors, f"{method} {template} {status}: {errors[0].message} at {list(errors[0].path)}"
    for header in doc.get("headers", {}):
        assert header in response.headers, f"{method} {template} {status} lacks {header}"
    return body


class Api:
    def __init__(self, service: Any):
        self.service = service
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = str(service.ca_file)
        self.session.headers["Authorization"] = f"Bearer {service.app.api_key()}"
        self.seen: set[tuple[str, str]] = set()

    def call(self, method: str, template: str, path: str | None = None, expect: int = 200,
             **kwargs: Any) -> Any:
        response = self.session.request(method, self.service.url + (path or template),
                                        timeout=10, **kwargs)
        assert response.status_code == expect, response.text
        if 200 <= expect < 300:
            self.seen.add((method, template))
        return check(method, template, response)


def test_every_sandbox_route_is_documented_and_every_operation_served(plx_server: Any) -> None:
    served = set(plx_server.app.router.api_routes)
    assert served - OPERATIONS == set(), "served but not documented"
    assert OPERATIONS - served == set(), "documented but not served"


def test_the_document_is_valid_openapi_3_1_shape() -> None:
    assert SPEC["openapi"].startswith("3.1")
    assert all(path.startswith("/v1/") for path in SPEC["paths"])
    for schema in SPEC["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_every_operation_answers_as_documented(plx_server: Any) -> None:
    api = Api(plx_server)
    api.call("GET", "/v1/me")
    api.call("GET", "/v1/people/fields")
    filters = api.call("GET", "/v1/people/filters")["data"]
    api.call("GET", "/v1/people/filters/{filter_id}", f"/v1/people/filters/{filters[0]['id']}")
    people = api.call("GET", "/v1/people", params={"limit": 1000})["data"]
    page = api.call("GET", "/v1/people", params={"limit": 3, "filter_id": filters[0]["id"]})
    assert page["data"] is not None
    person = api.call("POST", "/v1/people", expect=201, json={
        "email": "contract@x.example.com", "custom_fields": {"persona": "Champion"},
        "salesforce_id": "00Q000000000001AAA"})
    api.call("GET", "/v1/people/{person_id}", f"/v1/people/{person['id']}")
    api.call("PATCH", "/v1/people/{person_id}", f"/v1/people/{person['id']}",
             json={"title": "CTO", "salesforce_contact_id": "003000000000001AAA"})
    items = [BatchItem("create", {"email": "c1@x.example.com"}),
             BatchItem("create", {"email": "bad"}),
             BatchItem("update", {"title": "VP"}, id=people[0]["id"]),
             BatchItem("upsert", {"email": people[1]["email"]})]
    body = {"items": [i.to_json() for i in items]}
    assert not list(validator({"$ref": "#/components/schemas/BatchRequest"}).iter_errors(body))
    results = api.call("POST", "/v1/people/batch", json=body)["data"]
    assert [r["status"] for r in results] == [201, 422, 200, 200]
    flagged = api.call("PATCH", "/v1/people/{person_id}", f"/v1/people/{people[4]['id']}",
                       json={"salesforce_deleted": True})
    assert flagged["salesforce_deleted"] is True
    master = api.call("POST", "/v1/people/merge", json={
        "master_id": people[2]["id"], "merged_ids": [people[3]["id"]]})
    assert master["id"] == people[2]["id"]
    api.call("DELETE", "/v1/people/{person_id}", f"/v1/people/{people[4]['id']}", expect=204)
    gone = api.call("GET", "/v1/people/deleted", params={"since": people[0]["created_at"]})["data"]
    assert {(d["id"], d["merged_into"]) for d in gone} == {
        (people[3]["id"], people[2]["id"]), (people[4]["id"], None)}

    sequences = api.call("GET", "/v1/sequences")["data"]
    active = next(s for s in sequences if s["status"] == "active")
    seq_path = f"/v1/sequences/{active['id']}"
    api.call("GET", "/v1/sequences/{sequence_id}", seq_path)
    api.call("GET", "/v1/sequences/{sequence_id}/people", seq_path + "/people")
    added = api.call("POST", "/v1/sequences/{sequence_id}/people", seq_path + "/people",
                     json={"person_ids": [person["id"], person["id"], "per_nobody"]})
    assert [r["result"] for r in added["data"]] == ["added", "already_in_sequence", "failed"]
    for path in ("/v1/sequence_memberships", "/v1/inbox_states", "/v1/emails", "/v1/tasks",
                 "/v1/calls"):
        first = api.call("GET", path, params={"limit": 2})
        assert first["next_cursor"]
        api.call("GET", path, params={"limit": 2, "cursor": first["next_cursor"]})
    assert api.seen == OPERATIONS


@pytest.mark.parametrize("method, template", sorted(OPERATIONS))
def test_errors_answer_as_documented(plx_server: Any, method: str, template: str) -> None:
    api = Api(plx_server)
    path = template.replace("{person_id}", "per_nobody").replace(
        "{filter_id}", "flt_nobody").replace("{sequence_id}", "seq_nobody")
    body = {} if method != "GET" else None
    unauthorized = requests.request(method, plx_server.url + path, json=body, timeout=10,
                                    verify=plx_server.ca_file)
    assert unauthorized.status_code == 401
    check(method, template, unauthorized)
    if "{" in template:
        api.call(method, template, path, expect=404, json=body)
    elif method == "GET" and "parameters" in SPEC["paths"][template]["get"]:
        api.call(method, template, path, expect=400, params={"limit": 0})
    elif method == "POST":
        api.call(method, template, path, expect=400, data=b"[", headers={
            "Content-Type": "application/json"})
    for kind, status in (("429", 429), ("500", 500), ("503", 503)):
        plx_server.app.faults.configure(fail_rate=1.0, kinds=[kind])
        api.call(method, template, path, expect=status, json=body)
    plx_server.app.faults.configure(fail_rate=0.0)


def test_write_errors_answer_as_documented(plx_server: Any) -> None:
    api = Api(plx_server)
    someone = api.call("GET", "/v1/people", params={"limit": 1})["data"][0]
    api.call("POST", "/v1/people", expect=409, json={"email": someone["email"]})
    api.call("POST", "/v1/people", expect=422, json={"email": "x@x.example.com", "age": 3})
    api.call("PATCH", "/v1/people/{person_id}", f"/v1/people/{someone['id']}", expect=422,
             json={"email": "nope"})
    api.call("POST", "/v1/people/batch", expect=413,
             json={"items": [{"op": "create", "person": {"email": "a@b.co"}}] * 501})
    archived = next(s for s in api.call("GET", "/v1/sequences")["data"]
                    if s["status"] == "archived")
    api.call("POST", "/v1/sequences/{sequence_id}/people",
             f"/v1/sequences/{archived['id']}/people", expect=409,
             json={"person_ids": [someone["id"]]})
    plx_server.app.faults.configure(fail_rate=1.0, kinds=["lock"])
    api.call("POST", "/v1/people/batch", expect=409, json={"items": []})

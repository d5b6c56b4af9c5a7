"""The PeopleLinx stand-in at the HTTP level: auth, error shapes, parameter checks, write rules."""

from __future__ import annotations

from typing import Any

import pytest
import requests


class Api:
    """Raw HTTPS calls to the stand-in, with or without the API key."""

    def __init__(self, service: Any, key: str | None):
        self.service = service
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = str(service.ca_file)
        if key:
            self.session.headers["Authorization"] = f"Bearer {key}"

    def __call__(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, self.service.url + path, timeout=10, **kwargs)


@pytest.fixture
def api(plx_server: Any) -> Api:
    return Api(plx_server, plx_server.app.api_key())


def error_of(response: requests.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    return body["error"]


@pytest.mark.parametrize("header", [None, "Bearer wrong-key", "Basic Zm9vOmJhcg==", "Bearer "])
def test_without_a_valid_key_every_call_is_401(plx_server: Any, header: str | None) -> None:
    api = Api(plx_server, None)
    headers = {"Authorization": header} if header else {}
    answer = api("GET", "/v1/people", headers=headers)
    assert answer.status_code == 401
    assert error_of(answer)["code"] == "unauthorized"


def test_unknown_paths_and_methods_answer_in_the_peoplelinx_shape(api: Api) -> None:
    assert error_of(api("GET", "/v1/nothing-here"))["code"] == "not_found"
    wrong_method = api("DELETE", "/v1/people")
    assert wrong_method.status_code == 405
    assert error_of(wrong_method)["code"] == "method_not_allowed"


@pytest.mark.parametrize("query, field", [
    ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=ten", "limit"),
    ("updated_since=yesterday", "updated_since"), ("updated_since=2026-01-31T12:00:00", "updated_since"),
    ("update_since=2026-01-31T12:00:00Z", "update_since"), ("cursor=garbage", "cursor"),
    ("filter_id=flt_nosuchfilter000000", "filter_id"),
])
def test_bad_list_parameters_are_400_naming_the_parameter(api: Api, query: str, field: str) -> None:
    answer = api("GET", f"/v1/people?{query}")
    assert answer.status_code == 400
    error = error_of(answer)
    assert error["code"] == "invalid_parameter" and error["field"] == field


def test_a_cursor_is_refused_with_other_parameters(api: Api) -> None:
    first = api("GET", "/v1/people?limit=5").json()
    assert len(first["data"]) == 5 and first["next_cursor"]
    same = api("GET", "/v1/people", params={"limit": 5, "cursor": first["next_cursor"]})
    assert same.status_code == 200 and same.json()["data"][0] != first["data"][0]
    other = api("GET", "/v1/people", params={"cursor": first["next_cursor"],
                                             "updated_since": "2020-01-01T00:00:00Z"})
    assert other.status_code == 400 and error_of(other)["field"] == "cursor"


def test_limits_defaults_and_any_rfc3339_offset(api: Api) -> None:
    page = api("GET", "/v1/people").json()
    assert len(page["data"]) == 100 and page["next_cursor"]
    assert api("GET", "/v1/people?limit=1000").json()["next_cursor"] is None
    offset = api("GET", "/v1/people", params={"updated_since": "2000-01-01T02:00:00+02:00"})
    assert offset.status_code == 200 and len(offset.json()["data"]) == 100


def test_batch_limits_and_malformed_bodies(api: Api) -> None:
    too_many = api("POST", "/v1/people/batch",
                   json={"items": [{"op": "create", "person": {"email": f"{n}@x.example.com"}}
                                   for n in range(501)]})
    assert too_many.status_code == 413 and error_of(too_many)["code"] == "batch_too_large"
    assert api("GET", "/v1/people?email=0@x.example.com").json()["data"] == []
    assert error_of(api("POST", "/v1/people/batch", json={"items": {}}))["field"] == "items"
    broken = api("POST", "/v1/people", data=b'{"email": ',
                 headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and error_of(broken)["code"] == "invalid_json"


def test_writes_get_strictly_increasing_timestamps(api: Api) -> None:
    answer = api("POST", "/v1/people/batch", json={"items": [
        {"op": "create", "person": {"email": f"tick{n}@x.example.com"}} for n in range(50)]})
    stamps = [r["person"]["updated_at"] for r in answer.json()["data"]]
    assert stamps == sorted(stamps) and len(set(stamps)) == 50
    assert all(s.endswith("Z") and len(s) == 27 for s in stamps)


@pytest.mark.parametrize("person, code, field", [
    ({"email": "a@x.example.com", "id": "per_x"}, "read_only_field", "id"),
    ({"email": "a@x.example.com", "synced_with_salesforce": True}, "read_only_field",
     "synced_with_salesforce"),
    ({"first_name": "No Email"}, "required_field_missing", "email"),
    ({"email": "a@x.example.com", "custom_fields": {"persona": "Wizard"}}, "invalid_value",
     "custom_fields.persona"),
    ({"email": "a@x.example.com", "custom_fields": {"lead_score": "high"}}, "invalid_value",
     "custom_fields.lead_score"),
    ({"email": "a@x.example.com", "custom_fields": {"shoe_size": 9}}, "unknown_field",
     "custom_fields.shoe_size"),
    ({"email": "a@x.example.com", "salesforce_id": "not-an-id"}, "invalid_value", "salesforce_id"),
    ({"email": "a@x.example.com", "salesforce_id": "001000000000001AAA"}, "invalid_value",
     "salesforce_object"),
    ({"email": "a@x.example.com", "salesforce_url": "javascript:alert(1)"}, "invalid_value",
     "salesforce_url"),
])
def test_create_checks_every_field(api: Api, person: dict[str, Any], code: str,
                                   field: str) -> None:
    answer = api("POST", "/v1/people", json=person)
    assert answer.status_code == 422
    error = error_of(answer)
    assert (error["code"], error["field"]) == (code, field)


def test_an_idempotency_key_replays_the_first_answer(api: Api) -> None:
    body = {"email": "idem@x.example.com"}
    first = api("POST", "/v1/people", json=body, headers={"Idempotency-Key": "k-1"})
    again = api("POST", "/v1/people", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    other = api("POST", "/v1/people", json={"email": "other@x.example.com"},
                headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 422 and error_of(other)["code"] == "idempotency_key_reused"
    without = api("POST", "/v1/people", json=body)
    assert without.status_code == 409 and error_of(without)["existing_id"] == first.json()["id"]


def test_faults_answer_in_the_peoplelinx_shape(api: Api, plx_server: Any) -> None:
    expected = {"500": (500, "internal_error"), "503": (503, "unavailable"),
                "lock": (409, "conflict_retry"), "429": (429, "rate_limited")}
    for kind, (status, code) in expected.items():
        plx_server.app.faults.configure(fail_rate=1.0, kinds=[kind])
        answer = api("GET", "/v1/me")
        assert (answer.status_code, error_of(answer)["code"]) == (status, code)
        if kind == "429":
            assert answer.headers["Retry-After"] == "1"


def test_a_lone_surrogate_is_refused_with_400_not_a_hang_up(plx_server: Any) -> None:
    """Found by the reliability suite: the stand-in used to drop the connection."""
    answer = requests.post(plx_server.url + "/v1/people",
                           data=b'{"first_name": "\\ud800", "last_name": "X", '
                                b'"email": "x@example.com"}',
                           headers={"Authorization": f"Bearer {plx_server.app.api_key()}",
                                    "Content-Type": "application/json"},
                           verify=plx_server.ca_file, timeout=10)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_value"


def test_an_integer_past_64_bits_is_kept_exactly(api: Api) -> None:
    """The stand-in reads bodies with orjson, which reads such an integer as a float: a body with
    one is read the standard library's way, so the number comes back as it was sent."""
    big = 12345678901234567890123
    body = b'{"email": "big@x.example.com", "custom_fields": {"lead_score": %d}}' % big
    answer = api("POST", "/v1/people", data=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 201, answer.text
    assert answer.text.count(str(big)) == 1

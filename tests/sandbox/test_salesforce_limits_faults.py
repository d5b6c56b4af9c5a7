"""API limits and injected faults on the Salesforce stand-in, as a client sees them."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceError,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
)


def session_for(sf_server: Any) -> requests.Session:
    session = requests.Session()
    session.verify = str(sf_server.ca_file)
    session.trust_env = False
    return session


def client(sf_server: Any) -> Salesforce:
    token = sf_server.app.sandbox_credentials()["access_token"]
    return Salesforce(instance_url=sf_server.url, session_id=token, session=session_for(sf_server),
                      version="62.0")


def control(sf_server: Any, method: str, path: str, **kw: Any) -> Any:
    answer = session_for(sf_server).request(method, f"{sf_server.url}/__sandbox__/{path}", **kw)
    assert answer.status_code < 300, answer.text
    return answer.json()


def test_every_api_response_carries_the_limit_header(sf_server: Any) -> None:
    sf = client(sf_server)
    sf.query("SELECT Id FROM Contact LIMIT 1")
    first = sf.api_usage["api-usage"]
    sf.query("SELECT Id FROM Contact LIMIT 1")
    assert sf.api_usage["api-usage"].used == first.used + 1
    assert sf.api_usage["api-usage"].total == 103_000
    failed = session_for(sf_server).get(f"{sf_server.url}/services/data/v62.0/sobjects/Contact/"
                                        "003000000000000AAA",
                                        headers={"Authorization": "Bearer nope"})
    assert failed.status_code == 401 and failed.headers["Sforce-Limit-Info"].startswith("api-usage=")
    limits = sf.limits()
    assert limits["DailyApiRequests"]["Max"] == 103_000
    assert limits["DailyApiRequests"]["Remaining"] == 103_000 - sf.api_usage["api-usage"].used


def test_past_the_daily_limit_calls_are_refused(sf_server: Any) -> None:
    sf = client(sf_server)
    control(sf_server, "POST", "limits", json={"daily_limit": 10, "used": 8})
    sf.query("SELECT Id FROM Lead LIMIT 1")
    sf.query("SELECT Id FROM Lead LIMIT 1")
    with pytest.raises(SalesforceRefusedRequest) as refused:
        sf.query("SELECT Id FROM Lead LIMIT 1")
    assert refused.value.status == 403
    assert refused.value.content == [{"message": "TotalRequests Limit exceeded.",
                                      "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
    assert control(sf_server, "GET", "limits") == {"daily_limit": 10, "used": 10}
    control(sf_server, "POST", "limits", json={"daily_limit": 1000})
    assert sf.query("SELECT COUNT() FROM Lead")["totalSize"] == 150


def test_usage_is_kept_in_the_org_file(sf_server: Any) -> None:
    from plx_desktop.sandbox.salesforce.limits import ApiUsage

    client(sf_server).query("SELECT Id FROM Lead LIMIT 1")
    assert ApiUsage(sf_server.app.org.db).used() == sf_server.app.usage.used() >= 1


def faulty(sf_server: Any, kind: str) -> None:
    control(sf_server, "POST", "faults", json={"fail_rate": 1.0, "kinds": [kind], "seed": 1})


@pytest.mark.parametrize(("kind", "status", "code", "error_type"), [
    ("500", 500, "UNKNOWN_EXCEPTION", SalesforceGeneralError),
    ("503", 503, "SERVER_UNAVAILABLE", SalesforceGeneralError),
    ("lock", 400, "UNABLE_TO_LOCK_ROW", SalesforceMalformedRequest),
    ("429", 403, "REQUEST_LIMIT_EXCEEDED", SalesforceRefusedRequest),
])
def test_rendered_faults(sf_server: Any, kind: str, status: int, code: str, error_type: type) -> None:
    sf = client(sf_server)
    faulty(sf_server, kind)
    with pytest.raises(error_type) as failed:
        sf.Contact.create({"LastName": "Never"})
    assert failed.value.status == status and failed.value.content[0]["errorCode"] == code
    if kind == "429":
        assert failed.value.content[0]["message"] == "ConcurrentPerOrgLongTxn Limit exceeded."
    control(sf_server, "POST", "faults", json={"fail_rate": 0})
    assert sf.query("SELECT COUNT() FROM Contact WHERE LastName = 'Never'")["totalSize"] == 0


def test_lock_fault_on_collections_fails_every_record(sf_server: Any) -> None:
    sf = client(sf_server)
    faulty(sf_server, "lock")
    records = [{"attributes": {"type": "Contact"}, "LastName": f"Locked {i}"} for i in range(3)]
    results = sf.restful("composite/sobjects", method="POST", json={"records": records})
    assert [r["errors"][0]["statusCode"] for r in results] == ["UNABLE_TO_LOCK_ROW"] * 3
    control(sf_server, "POST", "faults", json={"fail_rate": 0})
    assert sf.query("SELECT COUNT() FROM Contact WHERE LastName LIKE 'Locked%'")["totalSize"] == 0


def test_dropped_connections_and_truncated_bodies(sf_server: Any) -> None:
    sf = client(sf_server)
    faulty(sf_server, "drop")
    with pytest.raises(requests.ConnectionError):
        sf.query("SELECT Id FROM Contact LIMIT 1")
    faulty(sf_server, "truncate")
    with pytest.raises((ValueError, SalesforceError)):
        sf.query("SELECT Id FROM Contact LIMIT 5")


def test_latency_and_faults_are_readable(sf_server: Any) -> None:
    state = control(sf_server, "POST", "faults", json={"latency_ms": 5, "fail_rate": 0.25,
                                                        "kinds": ["500", "503"]})
    assert state == {"latency_ms": 5.0, "fail_rate": 0.25, "kinds": ["500", "503"]}
    assert control(sf_server, "GET", "faults") == state
    bad = session_for(sf_server).post(f"{sf_server.url}/__sandbox__/faults", json={"kinds": ["fire"]})
    assert bad.status_code == 400


def test_requests_ca_bundle_elsewhere_does_not_break_the_session(
        sf_server: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    other = tmp_path / "corporate.pem"
    other.write_text("not a certificate\n")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(other))
    monkeypatch.setenv("CURL_CA_BUNDLE", str(other))
    assert client(sf_server).query("SELECT COUNT() FROM Lead")["totalSize"] == 150


def test_the_daily_allocation_is_an_enterprise_orgs_of_its_size() -> None:
    # "API Request Limits and Allocations": Enterprise Edition, 100,000 + 1,000 per licence.
    from plx_desktop.sandbox.salesforce.limits import DEFAULT_DAILY_LIMIT, enterprise_daily_limit
    from plx_desktop.sandbox.salesforce.org import STANDARD_USERS

    assert enterprise_daily_limit(50) == 150_000
    assert enterprise_daily_limit(0) == 100_000
    assert len(STANDARD_USERS) == 3 and DEFAULT_DAILY_LIMIT == 103_000

"""Failures the client must survive or explain: injected faults, expired sessions, API limits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sf_helpers import client, connection, control

from plx_desktop.connectors import sf_auth
from plx_desktop.connectors.errors import ApiLimitError, AuthError
from plx_desktop.connectors.retry import RetryPolicy
from plx_desktop.connectors.salesforce import SalesforceClient


@pytest.fixture
def no_faults_after(sf_server: Any) -> Iterator[Any]:
    yield sf_server
    control(sf_server, "faults", {"fail_rate": 0})


@pytest.mark.parametrize("kind", ["500", "503", "lock", "429", "drop", "truncate"])
def test_each_fault_kind_is_retried_to_success(no_faults_after: Any, kind: str) -> None:
    sf_server = no_faults_after
    sf = client(sf_server)
    control(sf_server, "faults", {"fail_rate": 0.5, "kinds": [kind], "seed": 7})

    description = sf.describe("Lead")
    pages = list(sf.iter_query("SELECT Id, Email FROM Contact", page_size=200))
    records = [{"LastName": f"Fault{n}", "Company": "Acme", "PeopleLinx_Id__c": f"fault-{kind}-{n}"}
               for n in range(5)]
    upserted = sf.upsert("Lead", "PeopleLinx_Id__c", records)

    control(sf_server, "faults", {"fail_rate": 0})
    assert description.field("Status") is not None
    assert sum(len(p) for p in pages) == sum(len(p) for p in client(sf_server).iter_query(
        "SELECT Id FROM Contact"))
    assert all(r.success for r in upserted), upserted
    logical_calls = 1 + len(pages) + 1
    assert sf.calls_made > logical_calls  # some calls really failed and were tried again
    # Retrying never duplicated a record, even when the answer was lost after the work was done.
    rows = [r for p in client(sf_server).iter_query(
        f"SELECT PeopleLinx_Id__c FROM Lead WHERE PeopleLinx_Id__c LIKE 'fault-{kind}-%'") for r in p]
    assert sorted(r["PeopleLinx_Id__c"] for r in rows) == sorted(r["PeopleLinx_Id__c"] for r in records)


def test_faults_past_the_retry_budget_surface_as_transient(no_faults_after: Any) -> None:
    from plx_desktop.connectors.errors import TransientError

    sf = client(no_faults_after, retry=RetryPolicy(attempts=2, base_delay=0, max_delay=0))
    control(no_faults_after, "faults", {"fail_rate": 1.0, "kinds": ["503"], "seed": 1})
    with pytest.raises(TransientError):
        sf.describe("Lead")
    assert sf.calls_made == 2


def test_expired_session_is_renewed_once_and_the_call_repeated(sf_server: Any) -> None:
    seen: list[str] = []
    sf = client(sf_server, on_tokens_refreshed=seen.append)
    old = sf.connection.access_token
    assert sf.describe("Contact").fields
    control(sf_server, "expire-sessions")

    assert len(sf.describe("Lead").fields) > 5

    assert len(seen) == 1 and seen[0] != old and sf.connection.access_token == seen[0]
    assert next(sf.iter_query("SELECT Id FROM Contact LIMIT 1"))  # the new token keeps working
    assert len(seen) == 1


def test_short_session_lifetime_renews_on_every_expiry(sf_server: Any) -> None:
    # A renewed session that Salesforce expires again is renewed again on the next call.
    seen: list[str] = []
    sf = client(sf_server, on_tokens_refreshed=seen.append)
    control(sf_server, "expire-sessions")
    sf.describe("Contact")
    control(sf_server, "expire-sessions")
    sf.describe("Contact")
    assert len(seen) == 2 and seen[0] != seen[1]


def test_revoked_refresh_token_asks_the_admin_to_connect_again(sf_server: Any) -> None:
    conn = connection(sf_server)
    sf = SalesforceClient(conn)
    sf_auth.revoke(sf_server.url, conn.refresh_token or "", str(sf_server.ca_file))
    control(sf_server, "expire-sessions")
    with pytest.raises(AuthError) as caught:
        sf.describe("Contact")
    assert str(caught.value).startswith("Salesforce no longer accepts the saved login")
    assert caught.value.code == "invalid_grant" and "Connect Salesforce again" in str(caught.value)


def test_usage_cap_stops_before_the_call(sf_server: Any) -> None:
    control(sf_server, "limits", {"daily_limit": 1000, "used": 905})
    sf = client(sf_server)
    sf.describe("Contact")  # usage is unknown until the first answer
    usage = sf.api_usage
    assert usage is not None and usage.limit == 1000 and usage.used >= 906
    calls = sf.calls_made
    with pytest.raises(ApiLimitError) as caught:
        sf.describe("Lead")
    assert sf.calls_made == calls
    assert str(caught.value) == (
        "Salesforce API usage is at 91% of today's limit (cap 90%); the sync stops until the "
        "limit resets or the cap is raised")

    relaxed = client(sf_server, usage_cap=0.95)
    relaxed.describe("Contact")
    relaxed.describe("Lead")


def test_daily_limit_exceeded_is_an_api_limit_error(sf_server: Any) -> None:
    control(sf_server, "limits", {"daily_limit": 100, "used": 100})
    sf = client(sf_server)
    with pytest.raises(ApiLimitError) as caught:
        sf.describe("Contact")
    assert caught.value.code == "REQUEST_LIMIT_EXCEEDED"
    assert sf.calls_made == 1  # not retried


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_locked_rows_and_failed_sends_share_one_retry_budget(no_faults_after: Any, seed: int) -> None:
    # Retries do not nest: a batch whose rows are locked goes again on the same budget as a batch
    # that failed outright, so a call is sent at most `attempts` times, never attempts².
    from plx_desktop.connectors.errors import TransientError

    sf = client(no_faults_after, retry=RetryPolicy(attempts=3, base_delay=0, max_delay=0))
    control(no_faults_after, "faults", {"fail_rate": 1.0, "kinds": ["lock", "503"], "seed": seed})
    before = sf.calls_made
    try:
        results = sf.create("Account", [{"Name": f"Locked {seed} {n}"} for n in range(3)])
    except TransientError:
        pass  # the last try was a 503
    else:
        assert [r.error_code for r in results] == ["UNABLE_TO_LOCK_ROW"] * 3
    assert sf.calls_made - before == 3


def test_threads_call_through_sessions_of_their_own_and_share_a_renewed_login(
        sf_server: Any) -> None:
    # A requests Session (cookies, headers, mounted adapters) is not made to be shared by
    # threads; the sync calls one client from several. Each thread gets its own, over one pool.
    import threading

    seen: list[str] = []
    sf = client(sf_server, on_tokens_refreshed=seen.append)
    assert sf.describe("Contact").fields
    here = sf.session
    control(sf_server, "expire-sessions")
    theirs: list[Any] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            assert sf.describe("Lead").fields  # renews the session expired above
            theirs.append(sf.session)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    worker.join(60)
    assert not errors and len(theirs) == 1
    assert theirs[0] is not here and sf.session is here
    assert theirs[0].get_adapter(sf_server.url) is here.get_adapter(sf_server.url)  # one pool
    # The renewal made on the other thread is this thread's login too: no second refresh.
    assert len(seen) == 1 and sf.connection.access_token == seen[0]
    assert next(sf.iter_query("SELECT Id FROM Contact LIMIT 1"))
    assert len(seen) == 1
    assert sf.calls_made == 4  # describe; describe refused and sent again; the query


def test_a_copy_tried_once_counts_and_tells_the_time_as_the_client_on_any_thread(
        sf_server: Any) -> None:
    # inflight.create_once sends creates through a copy of the client whose calls are tried
    # once; on a thread whose first call is the copy's, the session it makes must still report
    # to the client: its API usage, its calls, and Salesforce's clock (cursors are cut by it).
    import threading

    from plx_desktop.sync.inflight import _without_retries

    sf = client(sf_server)
    once = _without_retries(sf)
    assert once.retry.attempts == 1 and sf.retry.attempts > 1
    errors: list[BaseException] = []

    def call() -> None:
        try:
            once.describe("Contact")
            sf.describe("Lead")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    worker.join(60)
    assert not errors
    assert sf.calls_made == once.calls_made == 2
    assert sf.server_time is not None and sf.api_usage is not None

"""The PeopleLinx client under every sandbox fault: mapped to the right exception, and retried."""

from __future__ import annotations

import random
from typing import Any

import pytest

from plx_desktop.connectors.errors import AuthError, NetworkError, TransientError
from plx_desktop.connectors.peoplelinx import PeopleLinxClient
from plx_desktop.connectors.peoplelinx_types import BatchItem
from plx_desktop.connectors.retry import NO_WAIT, RetryPolicy

# fault kind -> (exception class the client raises, code, HTTP status)
FAULTS = {
    "500": (TransientError, "internal_error", 500),
    "503": (TransientError, "unavailable", 503),
    "lock": (TransientError, "conflict_retry", 409),
    "429": (TransientError, "rate_limited", 429),
    "drop": (NetworkError, None, None),
    "truncate": (TransientError, None, 200),
}


def client_for(plx_server: Any, retry: RetryPolicy = NO_WAIT,
               api_key: str | None = None) -> PeopleLinxClient:
    return PeopleLinxClient(plx_server.url, api_key or plx_server.app.api_key(),
                            ca_file=plx_server.ca_file, retry=retry)


@pytest.mark.parametrize("kind", sorted(FAULTS))
def test_a_fault_that_persists_is_raised_as_transient(plx_server: Any, kind: str) -> None:
    plx_server.app.faults.configure(fail_rate=1.0, kinds=[kind], seed=1)
    with client_for(plx_server) as client, pytest.raises(TransientError) as raised:
        client.sequences()
    error_class, code, status = FAULTS[kind]
    assert type(raised.value) is error_class
    assert (raised.value.code, raised.value.status) == (code, status)
    assert client.calls_made == NO_WAIT.attempts
    assert plx_server.app.api_key() not in raised.value.reason
    if kind == "429":
        assert raised.value.retry_after == 1.0


@pytest.mark.parametrize("kind", sorted(FAULTS))
def test_a_fault_is_retried_to_success(plx_server: Any, kind: str) -> None:
    waits: list[float] = []

    def wait(seconds: float) -> None:
        # Instead of sleeping, the "wait" heals the service: the retry must then succeed.
        waits.append(seconds)
        plx_server.app.faults.configure(fail_rate=0.0)

    plx_server.app.faults.configure(fail_rate=1.0, kinds=[kind], seed=3)
    retry = RetryPolicy(attempts=3, base_delay=0.0, max_delay=30.0, sleep=wait)
    with client_for(plx_server, retry) as client:
        result = client.batch_people([BatchItem("upsert", {"email": "retry@faults.example.com"})])
        assert client.calls_made == 2
    assert result[0].ok
    assert waits == ([1.0] if kind == "429" else [0.0])  # 429's Retry-After is honoured


def _seed_dropping_after_the_work() -> int:
    """A fault seed whose first call draws "drop" and then the coin for "after the work"."""
    for seed in range(100):
        rng = random.Random(seed)
        rng.random(), rng.choice(["drop"])  # what Faults.pick() draws
        if not rng.random() < 0.5:  # Faults.coin(): False means drop after the work
            return seed
    raise AssertionError("no seed found")


def test_a_retried_create_after_a_dropped_answer_is_not_written_twice(plx_server: Any) -> None:
    """The drop fault can cut the connection after the work: Idempotency-Key makes that safe."""
    email = "once@faults.example.com"
    written_before_retry = []

    def wait(_: float) -> None:
        written_before_retry.append(plx_server.app.store.one(
            "SELECT id FROM people WHERE email_key = ?", (email,)) is not None)
        plx_server.app.faults.configure(fail_rate=0.0)

    plx_server.app.faults.configure(fail_rate=1.0, kinds=["drop"],
                                    seed=_seed_dropping_after_the_work())
    retry = RetryPolicy(attempts=3, base_delay=0.0, max_delay=0.0, sleep=wait)
    with client_for(plx_server, retry) as client:
        person = client.create_person({"email": email})
        found = [p for page in client.iter_people(email=email) for p in page]
    assert written_before_retry == [True]  # the first try did the work; only the answer was lost
    assert [p["id"] for p in found] == [person["id"]]


def test_a_wrong_api_key_is_an_auth_error_that_never_shows_the_key(plx_server: Any) -> None:
    wrong = "plx_sbx_this-is-not-the-key"
    with client_for(plx_server, api_key=wrong) as client, pytest.raises(AuthError) as refused:
        client.me()
    assert refused.value.status == 401 and refused.value.code == "unauthorized"
    assert client.calls_made == 1  # not retried
    assert wrong not in str(refused.value) and wrong not in repr(client)


def test_an_untrusted_certificate_is_a_network_error(plx_server: Any) -> None:
    client = PeopleLinxClient(plx_server.url, plx_server.app.api_key(), ca_file=None,
                              retry=NO_WAIT)  # the system store does not know the sandbox CA
    with client, pytest.raises(NetworkError) as failed:
        client.me()
    assert "certificate" in failed.value.reason


def test_requests_ca_bundle_in_the_environment_is_ignored(plx_server: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/bundle.pem")
    with client_for(plx_server) as client:
        assert client.me()["account"]["name"]

"""The one Retry-After reader and the one list of "Salesforce is busy" answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plx_desktop.connectors.retry import RetryPolicy, parse_retry_after
from plx_desktop.connectors.salesforce_errors import BUSY_CODES, busy

NOW = datetime(2026, 1, 31, 12, 0, tzinfo=UTC).timestamp()


@pytest.mark.parametrize("header, seconds", [
    ("120", 120.0), ("0", 0.0), (" 7 ", 7.0), ("1.5", 1.5),
    ("-5", 0.0),  # never negative
    ("Sat, 31 Jan 2026 12:01:30 GMT", 90.0),  # an HTTP date: seconds from now
    ("Sat, 31 Jan 2026 11:59:00 GMT", 0.0),  # already past: go now
    (None, None), ("", None), ("  ", None), ("soon", None),
    ("nan", None), ("inf", None),  # not a wait anyone can sleep
])
def test_retry_after_is_seconds_or_an_http_date(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


def test_retry_after_of_an_http_date_counts_from_the_clock_by_default() -> None:
    soon = datetime.fromtimestamp(datetime.now(UTC).timestamp() + 3600, UTC)
    waited = parse_retry_after(soon.strftime("%a, %d %b %Y %H:%M:%S GMT"))
    assert waited is not None and 3500 < waited <= 3600


def test_the_policy_waits_what_the_service_asked_within_its_cap() -> None:
    policy = RetryPolicy(max_delay=30.0)
    assert policy.delay(1, parse_retry_after("12")) == 12.0
    assert policy.delay(1, parse_retry_after("3600")) == 30.0


@pytest.mark.parametrize("code, message, expected", [
    ("SERVER_UNAVAILABLE", "", True), ("UNABLE_TO_LOCK_ROW", "unable to obtain lock", True),
    ("QUERY_TIMEOUT", "", True), ("TXN_SECURITY_METERING_ERROR", "", True),
    ("REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded", True),
    ("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", False),  # the daily limit
    ("INVALID_FIELD", "", False), ("invalid_grant", "expired access/refresh token", False),
])
def test_salesforce_is_busy_for_the_same_answers_everywhere(code: str, message: str,
                                                            expected: bool) -> None:
    assert busy(code, message) is expected
    assert (code in BUSY_CODES) is (expected and code != "REQUEST_LIMIT_EXCEEDED")

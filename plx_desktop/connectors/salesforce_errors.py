"""Turns what simple-salesforce and requests raise into the connectors' own exceptions."""

from __future__ import annotations

import re
from typing import Any

import requests
from simple_salesforce.exceptions import SalesforceError, SalesforceOperationError

from plx_desktop.connectors.errors import (
    AccessError,
    ApiLimitError,
    AuthError,
    ConnectorError,
    NetworkError,
    RequestError,
    TransientError,
)
from plx_desktop.connectors.retry import parse_retry_after

# Salesforce is busy: error codes that go away by themselves, from the REST API and from the
# OAuth endpoints alike (a locked row while renewing the session is no refused login).
BUSY_CODES = frozenset({"SERVER_UNAVAILABLE", "UNABLE_TO_LOCK_ROW", "QUERY_TIMEOUT",
                        "TXN_SECURITY_METERING_ERROR"})


def busy(code: str, message: str) -> bool:
    """True when Salesforce's answer means it is busy, not that it refuses: a busy code, or the
    org's limit of concurrent long requests (REQUEST_LIMIT_EXCEEDED that says "concurrent"; the
    daily limit says the same code without it)."""
    return code in BUSY_CODES or (code == "REQUEST_LIMIT_EXCEEDED" and "concurrent" in message.lower())


class SessionExpired(AuthError):
    """401 from Salesforce: the access token is dead; the client renews it once and repeats."""


def first_error(content: Any) -> tuple[str, str, list[str]]:
    """(errorCode, message, fields) from a REST error body, whatever shape it came in."""
    item = content[0] if isinstance(content, list) and content else content
    if isinstance(item, dict):
        code = str(item.get("errorCode") or item.get("statusCode") or item.get("error") or "")
        message = str(item.get("message") or item.get("error_description") or code)
        return code, message, [str(f) for f in item.get("fields") or []]
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    return "", str(content or "")[:300], []


def _retry_after(response: requests.Response | None) -> float | None:
    return parse_retry_after(response.headers.get("Retry-After")) if response is not None else None


# What a Salesforce admin must do about an org or user that may not use the API.
_ACCESS_CODES = {
    "API_DISABLED_FOR_ORG": (
        "This Salesforce org has no API access, so PLX Desktop cannot read or write anything. "
        "API access comes with Enterprise, Unlimited, Developer and Performance Editions (and as "
        "an add-on for Professional Edition): ask your Salesforce account executive to enable it."),
    "API_CURRENTLY_DISABLED": (
        "Salesforce API access is turned off for the connected user. In Setup, give that user the "
        "\"API Enabled\" permission (in their profile or a permission set), or connect as a user "
        "who has it."),
}
_STANDARD_OBJECTS = ("Contact", "Lead", "Task", "Account", "User")
_UNSUPPORTED_TYPE = re.compile(r"sObject type '(\w+)' is not supported")


def access_error(code: str, message: str, status: int) -> AccessError | None:
    """An AccessError for an answer that means the org or user may not use the API or an object."""
    raw = f"{code}: {message}" if code else message
    if code in _ACCESS_CODES:
        return AccessError(_ACCESS_CODES[code], code=code, status=status, raw=raw)
    found = _UNSUPPORTED_TYPE.search(message) if code in ("INVALID_TYPE", "NOT_FOUND") else None
    if found and found.group(1) in _STANDARD_OBJECTS:
        name = found.group(1)
        return AccessError(
            f"The connected Salesforce user cannot see {name} records. In Setup, give the user "
            f"Read, Create and Edit on {name} (their profile or a permission set), then run the "
            "sync again.", code="OBJECT_PERMISSION", status=status, raw=raw)
    return None


def from_status(status: int, content: Any, response: requests.Response | None = None) -> ConnectorError:
    """The exception for an HTTP error answer (`content` is the parsed body or its text)."""
    code, message, fields = first_error(content)
    denied = access_error(code, message, status)
    if denied is not None:
        return denied
    if status == 401:
        return SessionExpired(f"Salesforce session expired or invalid: {message}",
                              code=code or "INVALID_SESSION_ID", status=status)
    if code == "REQUEST_LIMIT_EXCEEDED":
        if busy(code, message):
            return TransientError(f"Salesforce is busy with too many long requests: {message}",
                                  code=code, status=status, retry_after=_retry_after(response))
        return ApiLimitError(f"Salesforce's daily API limit is used up ({message}); the sync stops "
                             "until the limit resets", code=code, status=status)
    if status >= 500 or status == 429 or code in BUSY_CODES:
        what = message or f"HTTP {status}"
        return TransientError(f"Salesforce could not answer just now: {what}", code=code or None,
                              status=status, retry_after=_retry_after(response))
    return RequestError(f"Salesforce refused the request: {message}" if message else
                        f"Salesforce refused the request (HTTP {status})",
                        code=code or None, status=status, fields=fields)


def map_exception(exc: BaseException, response: requests.Response | None = None) -> ConnectorError | None:
    """The connector exception for `exc`, or None when it is not a service or network failure."""
    if isinstance(exc, ConnectorError):
        return exc
    if isinstance(exc, SalesforceError):
        return from_status(int(getattr(exc, "status", 0) or 0), getattr(exc, "content", ""), response)
    if isinstance(exc, SalesforceOperationError):
        return RequestError(f"Salesforce Bulk API refused the job: {exc}", code="BULK_JOB_FAILED")
    if isinstance(exc, requests.exceptions.SSLError):
        return ConnectorError(f"Salesforce's certificate is not trusted: {exc}. Check the CA file "
                              "configured for this connection.")
    if isinstance(exc, requests.exceptions.JSONDecodeError | ValueError):
        # A cut-off or garbled body: the request may well have worked, so asking again is right.
        return TransientError(f"Salesforce sent a broken answer ({exc}); trying again")
    if isinstance(exc, requests.ConnectionError | requests.Timeout |
                  requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError):
        return NetworkError(f"Could not reach Salesforce: {exc}")
    if isinstance(exc, requests.RequestException):
        return ConnectorError(f"Could not talk to Salesforce: {exc}")
    return None

"""Salesforce's OAuth and API-access errors become the admin's words, with what to do, and keep
Salesforce's own text in `raw` (the codes and descriptions are Salesforce's documented ones)."""

from __future__ import annotations

import pytest

from plx_desktop.connectors.errors import AccessError, AuthError, RequestError
from plx_desktop.connectors.salesforce_errors import from_status
from plx_desktop.connectors.sf_auth_errors import redirect_error, token_error


@pytest.mark.parametrize(("error", "description", "words"), [
    ("access_denied", "end-user denied authorization", "You chose Deny"),
    ("access_denied", "user is not admin approved to access this app", "may not use"),
    ("OAUTH_APP_ACCESS_DENIED", "", "may not use"),
    ("invalid_client", "app must be installed into org", "not installed in this org"),
    ("invalid_client_id", "client identifier invalid", "does not know this consumer key"),
    ("OAUTH_APPROVAL_ERROR_GENERIC", "An unexpected error occurred", "five times"),
    ("redirect_uri_mismatch", "redirect_uri must match configuration", "Callback URL"),
])
def test_redirect_errors(error: str, description: str, words: str) -> None:
    exc = redirect_error(error, description)
    assert isinstance(exc, AuthError) and words in exc.reason
    assert exc.code == error and exc.raw and error in exc.raw


@pytest.mark.parametrize(("code", "description", "kind", "words"), [
    ("invalid_grant", "expired access/refresh token", AuthError, "no longer accepts"),
    ("invalid_grant", "inactive user", AuthError, "inactive"),
    ("invalid_grant", "ip restricted or invalid login hours", AuthError, "IP address"),
    ("invalid_grant", "this org requires logins through its My Domain", AuthError, "My Domain"),
    ("OAUTH_APP_ACCESS_DENIED", "user is not admin approved to access this app", AuthError,
     "may not use"),
    ("invalid_app_access", "user is not admin approved to access this app", AuthError,
     "may not use"),
    ("invalid_client", "app must be installed into org", AuthError, "not installed"),
    ("invalid_request", "missing required code challenge", RequestError, "consumer key"),
])
def test_token_endpoint_errors(code: str, description: str, kind: type, words: str) -> None:
    exc = token_error(code, description, 400, "renew the session")
    assert type(exc) is kind and words in exc.reason
    assert exc.raw == f"{code}: {description}"


@pytest.mark.parametrize(("body", "words"), [
    ([{"errorCode": "API_DISABLED_FOR_ORG", "message": "API is not enabled for this Organization "
      "or Partner"}], "no API access"),
    ([{"errorCode": "API_CURRENTLY_DISABLED", "message": "API is disabled for this User"}],
     "API Enabled"),
    ([{"errorCode": "INVALID_TYPE", "message": "sObject type 'Contact' is not supported."}],
     "cannot see Contact"),
])
def test_api_access_errors_fail_the_run_as_access(body: list, words: str) -> None:
    exc = from_status(403 if "API" in body[0]["errorCode"] else 400, body)
    assert isinstance(exc, AccessError) and words in exc.reason and exc.raw


def test_an_unknown_custom_object_stays_a_request_error() -> None:
    exc = from_status(400, [{"errorCode": "INVALID_TYPE",
                             "message": "sObject type 'Widget__c' is not supported."}])
    assert isinstance(exc, RequestError) and not isinstance(exc, AccessError)

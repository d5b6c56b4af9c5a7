"""The sandbox org's connected apps and org switches, over HTTPS: callback URLs, installation,
refresh token rotation, idle TTL, five approvals, API access, My Domain, a sandbox refresh."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from oauth_helpers import (
    api,
    authorize_url,
    control,
    log_in,
    pkce,
    redirect_query,
    refresh,
    tokens_for,
)

REDIRECT = "http://localhost:51717/OauthRedirect"


@pytest.fixture
def creds(sf_server: Any) -> dict[str, str]:
    found = sf_server.app.sandbox_credentials()
    control(sf_server.url, sf_server.ca_file, "connected-app",
            {"client_id": found["client_id"], "callback_urls": [REDIRECT]})
    return found


def _sign_in(sf_server: Any, creds: dict[str, str]) -> dict[str, Any]:
    return tokens_for(sf_server.url, creds, sf_server.ca_file, REDIRECT)


def test_own_app_is_installed_with_rotation_on_and_the_fixed_callback(sf_server: Any) -> None:
    answer = requests.get(f"{sf_server.url}/__sandbox__/connected-apps",
                          verify=str(sf_server.ca_file))
    (own,) = answer.json()["connected_apps"]
    assert own["client_id"] == sf_server.app.sandbox_credentials()["client_id"]
    assert own["installed"] and own["refresh_token_rotation"]
    assert own["callback_urls"] == ["http://localhost:1717/OauthRedirect"]


def test_unregistered_redirect_uri_gets_an_error_page_not_a_redirect(sf_server: Any,
                                                                     creds: dict[str, str]) -> None:
    other = "http://localhost:51718/OauthRedirect"
    page = requests.get(authorize_url(sf_server.url, creds["client_id"], other, pkce()[1]),
                        verify=str(sf_server.ca_file), allow_redirects=False)
    assert page.status_code == 400 and "Location" not in page.headers
    assert "error=redirect_uri_mismatch" in page.text and other in page.text


def test_uninstalled_app_is_blocked_on_the_redirect_and_at_the_token_endpoint(
        sf_server: Any, creds: dict[str, str]) -> None:
    tokens = _sign_in(sf_server, creds)
    control(sf_server.url, sf_server.ca_file, "connected-app",
            {"client_id": creds["client_id"], "installed": False})
    answer = log_in(authorize_url(sf_server.url, creds["client_id"], REDIRECT, pkce()[1]),
                    creds["username"], creds["password"], sf_server.ca_file)
    query = redirect_query(answer)
    assert query["error"] == "invalid_client"
    assert query["error_description"] == "app must be installed into org"
    refused = refresh(sf_server.url, creds["client_id"], tokens["refresh_token"], sf_server.ca_file)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_client"


def test_rotation_gives_a_new_refresh_token_and_a_replayed_one_revokes_the_grant(
        sf_server: Any, creds: dict[str, str]) -> None:
    first = _sign_in(sf_server, creds)
    second = refresh(sf_server.url, creds["client_id"], first["refresh_token"], sf_server.ca_file)
    assert second.status_code == 200
    rotated = second.json()["refresh_token"]
    assert rotated != first["refresh_token"]
    third = refresh(sf_server.url, creds["client_id"], rotated, sf_server.ca_file)
    assert third.status_code == 200
    newest = third.json()
    assert api(sf_server.url, newest["access_token"], sf_server.ca_file).status_code == 200

    replay = refresh(sf_server.url, creds["client_id"], first["refresh_token"], sf_server.ca_file)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    # The whole grant is gone: the newest refresh token and its session too.
    dead = refresh(sf_server.url, creds["client_id"], newest["refresh_token"], sf_server.ca_file)
    assert dead.status_code == 400 and dead.json()["error"] == "invalid_grant"
    assert api(sf_server.url, newest["access_token"], sf_server.ca_file).status_code == 401


def test_without_rotation_the_refresh_token_stays(sf_server: Any, creds: dict[str, str]) -> None:
    control(sf_server.url, sf_server.ca_file, "connected-app",
            {"client_id": creds["client_id"], "refresh_token_rotation": False})
    first = _sign_in(sf_server, creds)
    for _ in range(2):
        again = refresh(sf_server.url, creds["client_id"], first["refresh_token"],
                        sf_server.ca_file)
        assert again.status_code == 200 and "refresh_token" not in again.json()


def test_standing_credentials_survive_rotation(sf_server: Any, creds: dict[str, str]) -> None:
    for _ in range(3):
        answer = refresh(sf_server.url, creds["client_id"], creds["refresh_token"],
                         sf_server.ca_file)
        assert answer.status_code == 200 and "refresh_token" not in answer.json()


def test_idle_refresh_token_expires(sf_server: Any, creds: dict[str, str]) -> None:
    control(sf_server.url, sf_server.ca_file, "connected-app",
            {"client_id": creds["client_id"], "refresh_token_idle_days": 0})
    first = _sign_in(sf_server, creds)
    answer = refresh(sf_server.url, creds["client_id"], first["refresh_token"], sf_server.ca_file)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_a_sixth_approval_revokes_the_oldest(sf_server: Any, creds: dict[str, str]) -> None:
    grants = [_sign_in(sf_server, creds) for _ in range(6)]
    oldest = refresh(sf_server.url, creds["client_id"], grants[0]["refresh_token"],
                     sf_server.ca_file)
    assert oldest.status_code == 400 and oldest.json()["error"] == "invalid_grant"
    for grant in grants[1:]:
        assert refresh(sf_server.url, creds["client_id"], grant["refresh_token"],
                       sf_server.ca_file).status_code == 200


def test_api_disabled_for_org(sf_server: Any, creds: dict[str, str]) -> None:
    control(sf_server.url, sf_server.ca_file, "org", {"api_enabled": False})
    answer = api(sf_server.url, creds["access_token"], sf_server.ca_file)
    assert answer.status_code == 403
    assert answer.json()[0]["errorCode"] == "API_DISABLED_FOR_ORG"
    control(sf_server.url, sf_server.ca_file, "org", {"api_enabled": True})
    assert api(sf_server.url, creds["access_token"], sf_server.ca_file).status_code == 200


def test_requires_my_domain_refuses_the_login_host(sf_server: Any, creds: dict[str, str]) -> None:
    control(sf_server.url, sf_server.ca_file, "org", {"requires_my_domain": True})
    login_host = sf_server.url.replace("localhost", "127.0.0.1")
    refused = refresh(login_host, creds["client_id"], creds["refresh_token"], sf_server.ca_file)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    page = requests.get(authorize_url(login_host, creds["client_id"], REDIRECT, pkce()[1]),
                        verify=str(sf_server.ca_file), allow_redirects=False)
    assert page.status_code == 400 and "My Domain" in page.text
    assert refresh(sf_server.url, creds["client_id"], creds["refresh_token"],
                   sf_server.ca_file).status_code == 200


def test_a_new_org_id_ends_every_session_and_login(sf_server: Any, creds: dict[str, str]) -> None:
    tokens = _sign_in(sf_server, creds)
    before = control(sf_server.url, sf_server.ca_file, "org", {})["org_id"]
    try:
        _check_refreshed_org(sf_server, creds, tokens, before)
    finally:
        control(sf_server.url, sf_server.ca_file, "org", {"org_id": before})


def _check_refreshed_org(sf_server: Any, creds: dict[str, str], tokens: dict[str, Any],
                         before: str) -> None:
    after = control(sf_server.url, sf_server.ca_file, "org",
                    {"org_id": "00D5g00000ABCDE"})["org_id"]
    assert after.startswith("00D5g00000ABCDE") and after != before
    assert api(sf_server.url, tokens["access_token"], sf_server.ca_file).status_code == 401
    assert refresh(sf_server.url, creds["client_id"], tokens["refresh_token"],
                   sf_server.ca_file).status_code == 400
    assert refresh(sf_server.url, creds["client_id"], creds["refresh_token"],
                   sf_server.ca_file).status_code == 400
    fresh = sf_server.app.sandbox_credentials()  # the standing login is made again
    info = requests.get(f"{sf_server.url}/services/oauth2/userinfo", verify=str(sf_server.ca_file),
                        headers={"Authorization": f"Bearer {fresh['access_token']}"}).json()
    assert info["organization_id"] == after

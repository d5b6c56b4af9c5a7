"""Drive the Salesforce sandbox's login page as a browser would, for the OAuth tests."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
import urllib.parse
from typing import Any

import requests

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    return verifier, challenge.decode()


def browser(ca_file: Any) -> requests.Session:
    session = requests.Session()
    session.verify = str(ca_file)
    session.trust_env = False
    return session


def control(base_url: str, ca_file: Any, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST a sandbox control endpoint; its JSON answer (asserting it worked)."""
    answer = requests.post(f"{base_url}/__sandbox__/{path}", json=body, verify=str(ca_file))
    assert answer.status_code == 200, answer.text
    return answer.json()


def authorize_url(base_url: str, client_id: str, redirect_uri: str, challenge: str,
                  state: str = "s1") -> str:
    return base_url + "/services/oauth2/authorize?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
        "state": state, "code_challenge": challenge, "code_challenge_method": "S256",
        "scope": "api refresh_token offline_access openid"})


def log_in(url: str, username: str, password: str, ca_file: Any,
           action: str = "login") -> requests.Response:
    """Open the authorize URL, fill in the login page, submit it; the answer, not followed."""
    with browser(ca_file) as session:
        page = session.get(url, allow_redirects=False, timeout=10)
        if page.status_code != 200:
            return page
        fields = {k: html.unescape(v) for k, v in HIDDEN.findall(page.text)}
        fields.update(username=username, password=password, action=action)
        return session.post(urllib.parse.urljoin(url, "/services/oauth2/authorize"), data=fields,
                            allow_redirects=False, timeout=10)


def redirect_query(answer: requests.Response) -> dict[str, str]:
    assert answer.status_code == 302, answer.text
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(answer.headers["Location"]).query))


def tokens_for(base_url: str, creds: dict[str, str], ca_file: Any, redirect_uri: str,
               token_base: str | None = None) -> dict[str, Any]:
    """A full sign-in of the standing admin through the login page: the token answer."""
    verifier, challenge = pkce()
    answer = log_in(authorize_url(base_url, creds["client_id"], redirect_uri, challenge),
                    creds["username"], creds["password"], ca_file)
    code = redirect_query(answer)["code"]
    token = requests.post(f"{token_base or base_url}/services/oauth2/token", verify=str(ca_file),
                          data={"grant_type": "authorization_code", "code": code,
                                "client_id": creds["client_id"], "redirect_uri": redirect_uri,
                                "code_verifier": verifier})
    assert token.status_code == 200, token.text
    return token.json()


def refresh(base_url: str, client_id: str, refresh_token: str, ca_file: Any) -> requests.Response:
    return requests.post(f"{base_url}/services/oauth2/token", verify=str(ca_file),
                         data={"grant_type": "refresh_token", "client_id": client_id,
                               "refresh_token": refresh_token})


def api(base_url: str, token: str, ca_file: Any) -> requests.Response:
    return requests.get(f"{base_url}/services/data/v62.0/limits", verify=str(ca_file),
                        headers={"Authorization": f"Bearer {token}"})

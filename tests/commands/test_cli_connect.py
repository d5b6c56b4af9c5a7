"""Headless `connect`, `sync` and `disconnect` in child processes, as on a server: the login page
driven like a browser, the keyring chosen by PYTHON_KEYRING_BACKEND, rotating refresh tokens
across expired sessions, and the run failing (exit 1, AUTH or ACCESS) when the org says no."""

from __future__ import annotations

import html
import json
import os
import re
import socket
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
import requests

from plx_desktop.connectors.sf_auth import redirect_uri_for

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["PYTHON_KEYRING_BACKEND"] = "file_keyring.FileKeyring"
    env["PLX_TEST_KEYRING_FILE"] = str(tmp_path / "keyring.json")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), str(HERE),
                                                    env.get("PYTHONPATH", "")) if p)
    return env


def _cli(env: dict[str, str], data_dir: Path, *args: str, stdin: str | None = None,
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "plx_desktop", "--data-dir", str(data_dir), *args],
                          env=env, input=stdin, capture_output=True, text=True, timeout=300)


def _sign_in_as_a_browser(url: str, info: Any) -> None:
    with requests.Session() as browser:
        browser.trust_env = False
        browser.verify = info.ca_file
        page = browser.get(url, timeout=30, allow_redirects=False)
        if page.status_code == 302:  # refused before the login page: the error goes back
            assert browser.get(page.headers["Location"], timeout=30).status_code == 200
            return
        assert page.status_code == 200, page.text
        fields = {k: html.unescape(v) for k, v in HIDDEN.findall(page.text)}
        fields.update(username=info.salesforce_username, password=info.salesforce_password,
                      action="login")
        answer = browser.post(urllib.parse.urljoin(url, "/services/oauth2/authorize"),
                              data=fields, allow_redirects=False, timeout=30)
        assert answer.status_code == 302, answer.text
        back = browser.get(answer.headers["Location"], timeout=30)  # the CLI's loopback
        assert back.status_code == 200, back.text


def _connect_salesforce(sandbox: Any, env: dict[str, str], data_dir: Path
                        ) -> tuple[int, str, str]:
    info = sandbox.info
    port = _free_port()
    sandbox.salesforce.org.connected_apps.allow_callback(info.salesforce_client_id,
                                                         redirect_uri_for(port))
    child = subprocess.Popen(
        [sys.executable, "-m", "plx_desktop", "--data-dir", str(data_dir), "connect",
         "salesforce", "--login-url", info.salesforce_login_url, "--client-id",
         info.salesforce_client_id, "--port", str(port), "--ca-file", info.ca_file,
         "--no-browser"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        printed = []
        while True:  # the authorize URL comes on a line of its own
            line = child.stdout.readline()
            assert line, f"no authorize URL printed: {printed} {child.stderr.read()}"
            printed.append(line)
            if line.startswith("https://"):
                break
        url = line.strip()
        assert url.startswith(info.salesforce_login_url + "/services/oauth2/authorize?")
        assert f"redirect_uri={urllib.parse.quote(redirect_uri_for(port), safe='')}" in url
        _sign_in_as_a_browser(url, info)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    return child.returncode, "".join(printed) + out, err


def _keyring(tmp_path: Path) -> dict[str, str]:
    return json.loads((tmp_path / "keyring.json").read_text())


def _refresh_token(tmp_path: Path) -> str:
    (token,) = [v for k, v in _keyring(tmp_path).items() if k.endswith(":refresh_token")]
    return token


def _rotations(sandbox: Any, token: str) -> int:
    conn = sandbox.salesforce.org.db.connection()
    (count,) = conn.execute(
        "SELECT COUNT(*) FROM refresh_grants WHERE state = 'rotated' AND grant_id = "
        "(SELECT grant_id FROM refresh_grants WHERE token = ?)", (token,)).fetchone()
    return int(count)


def _control(sandbox: Any, path: str, body: dict[str, Any] | None = None) -> None:
    requests.post(f"{sandbox.info.salesforce_instance_url}/__sandbox__/{path}", json=body or {},
                  verify=sandbox.info.ca_file, timeout=30).raise_for_status()


@pytest.mark.slow
def test_connect_then_three_syncs_across_expired_sessions_then_disconnect(
        sandbox: Any, tmp_path: Path) -> None:
    env, data_dir, info = _env(tmp_path), tmp_path / "data", sandbox.info
    code, out, err = _connect_salesforce(sandbox, env, data_dir)
    assert code == 0, err
    assert f"({info.salesforce_username}), org 00D" in out

    plx = _cli(env, data_dir, "connect", "peoplelinx", "--base-url", info.peoplelinx_base_url,
               "--ca-file", info.ca_file, "--api-key-stdin", stdin=info.peoplelinx_api_key + "\n")
    assert plx.returncode == 0, plx.stderr
    assert "Connected to PeopleLinx account" in plx.stdout

    for _ in range(3):  # rotation on: each run renews the session and rotates the login
        _control(sandbox, "expire-sessions")
        run = _cli(env, data_dir, "sync", "--once")
        assert run.returncode == 0, run.stderr
    token = _refresh_token(tmp_path)
    assert _rotations(sandbox, token) == 3
    assert sandbox.salesforce.org.tokens.refresh_owner(token) is not None  # still alive

    _control(sandbox, "org", {"api_enabled": False})
    denied = _cli(env, data_dir, "sync", "--once")
    assert denied.returncode == 1 and "[ACCESS]" in denied.stderr
    assert "no API access" in denied.stderr
    _control(sandbox, "org", {"api_enabled": True})

    gone = _cli(env, data_dir, "disconnect", "salesforce")
    assert gone.returncode == 0, gone.stderr
    assert sandbox.salesforce.org.tokens.refresh_owner(token) is None  # revoked at Salesforce
    assert not [k for k in _keyring(tmp_path) if k.startswith("PLX Desktop\nsalesforce:")]
    after = _cli(env, data_dir, "sync", "--once")
    assert after.returncode == 1 and "not connected" in after.stderr


@pytest.mark.slow
def test_a_revoked_login_fails_the_run_with_auth(sandbox: Any, tmp_path: Path) -> None:
    env, data_dir, info = _env(tmp_path), tmp_path / "data", sandbox.info
    assert _connect_salesforce(sandbox, env, data_dir)[0] == 0
    assert _cli(env, data_dir, "connect", "peoplelinx", "--base-url", info.peoplelinx_base_url,
                "--ca-file", info.ca_file, "--api-key-stdin",
                stdin=info.peoplelinx_api_key).returncode == 0
    sandbox.salesforce.org.tokens.revoke(_refresh_token(tmp_path))  # an admin revoked it
    run = _cli(env, data_dir, "sync", "--once")
    assert run.returncode == 1 and "[AUTH]" in run.stderr
    assert "no longer accepts the saved login" in run.stderr


def test_connect_to_an_uninstalled_app_says_why_and_exits_1(sandbox: Any, tmp_path: Path) -> None:
    sandbox.salesforce.org.connected_apps.configure(
        {"client_id": sandbox.info.salesforce_client_id, "installed": False})
    code, _, err = _connect_salesforce(sandbox, _env(tmp_path), tmp_path / "data")
    assert code == 1
    assert "not installed in this org" in err and "External Client App Manager" in err


def test_connect_without_a_consumer_key_is_a_usage_error(tmp_path: Path) -> None:
    run = _cli(_env(tmp_path), tmp_path / "data", "connect", "salesforce", "--no-browser")
    assert run.returncode == 2 and "--client-id" in run.stderr


@pytest.mark.slow
def test_connecting_a_refreshed_sandbox_org_starts_its_own_state(sandbox: Any,
                                                                  tmp_path: Path) -> None:
    from plx_desktop.paths import database_path
    from plx_desktop.store import open_store

    env, data_dir, info = _env(tmp_path), tmp_path / "data", sandbox.info
    first_org = sandbox.salesforce.org.org_id
    assert _connect_salesforce(sandbox, env, data_dir)[0] == 0
    assert _cli(env, data_dir, "connect", "peoplelinx", "--base-url", info.peoplelinx_base_url,
                "--ca-file", info.ca_file, "--api-key-stdin",
                stdin=info.peoplelinx_api_key + "\n").returncode == 0
    assert _cli(env, data_dir, "sync", "--once").returncode == 0

    from plx_desktop.sandbox.salesforce.ids import to_18

    new_org = to_18("00D8d0000000New")
    _control(sandbox, "org", {"org_id": new_org})  # a sandbox refresh: a new org, logins end
    try:
        code, out, err = _connect_salesforce(sandbox, env, data_dir)
        assert code == 0, err
        assert f"Org {new_org} starts its own" in out and first_org in out
        run = _cli(env, data_dir, "sync", "--once")
        assert run.returncode == 0, run.stderr
        with open_store(database_path(data_dir)) as store:
            assert store.org_state.owner() == new_org
            assert store.org_state.archived_orgs() == [first_org]
    finally:
        _control(sandbox, "org", {"org_id": first_org})

"""Secrets audit: after connecting (OAuth through the sandbox's login page, a requests session
playing the browser) and syncing as a real installation does (keyring + settings, not sandbox.json),
no access token, refresh token or API key is anywhere but the keyring: not in the SQLite file or
its WAL, the log, settings files under the data dir, an exported profile, or the program's output.
TLS verification is never switched off, and the OAuth redirect listener binds 127.0.0.1 only,
takes one request with the expected state, and closes.
"""

from __future__ import annotations

import contextlib
import io
import re
import socket
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from memory_keyring import MemoryKeyring, installed

import plx_desktop
from plx_desktop.cli import main
from plx_desktop.connectors import sf_auth
from plx_desktop.connectors.secrets import SecretStore
from plx_desktop.paths import database_path
from plx_desktop.store import open_store
from plx_desktop.store.settings import PEOPLELINX_CONNECTION, SALESFORCE_CONNECTION


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with installed(MemoryKeyring()) as backend:
        yield backend


def _browser_sign_in(sandbox: Any, authorize_url: str) -> requests.Response:
    """Open the login page, fill it in, submit, follow the redirect to the loopback listener."""
    info = sandbox.info
    with requests.Session() as browser:
        browser.trust_env = False
        browser.verify = info.ca_file
        page = browser.get(authorize_url, timeout=30)
        page.raise_for_status()
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
        import html

        fields = {k: html.unescape(v) for k, v in fields.items()}
        fields.update(username=info.salesforce_username, password=info.salesforce_password,
                      action="login")
        answer = browser.post(urllib.parse.urljoin(authorize_url, "/services/oauth2/authorize"),
                              data=fields, allow_redirects=False, timeout=30)
        return browser.get(answer.headers["Location"], timeout=30)


def _connects(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_no_secret_outside_the_keyring_after_connecting_and_syncing(
        sandbox: Any, tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    info = sandbox.info
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    pending = sf_auth.start_login(info.salesforce_login_url, info.salesforce_client_id,
                                  ca_file=info.ca_file, timeout=30, port=0)
    sandbox.salesforce.org.connected_apps.allow_callback(info.salesforce_client_id,
                                                         pending.redirect_uri)
    assert _browser_sign_in(sandbox, pending.authorize_url).status_code == 200
    tokens = pending.wait()
    username = info.salesforce_username
    secrets = SecretStore()
    secrets.save_salesforce_login(tokens.instance_url, username, tokens.refresh_token or "",
                                  tokens.access_token)
    secrets.save_peoplelinx_api_key(info.peoplelinx_base_url, info.peoplelinx_api_key)
    with open_store(database_path(data_dir)) as store:
        store.settings.set(SALESFORCE_CONNECTION, {
            "instance_url": tokens.instance_url, "username": username,
            "client_id": info.salesforce_client_id, "login_url": info.salesforce_login_url,
            "api_version": info.salesforce_api_version, "ca_file": info.ca_file})
        store.settings.set(PEOPLELINX_CONNECTION, {"base_url": info.peoplelinx_base_url,
                                                   "ca_file": info.ca_file})
    # The session ends mid-way, so the run renews it: the new token must go to the keyring only.
    requests.post(f"{info.salesforce_instance_url}/__sandbox__/expire-sessions",
                  verify=info.ca_file, timeout=30).raise_for_status()

    outputs = []
    code, out, err = _cli("--data-dir", str(data_dir), "sync", "--once")
    assert code == 0, err
    outputs += [out, err]
    assert "0 failed" in out
    code, out, err = _cli("--data-dir", str(data_dir), "log", "--json", "--limit", "100000")
    assert code == 0 and out.count("\n") > 100
    outputs += [out, err]
    for kind in ("custom", "default"):
        exported = data_dir / f"{kind}.json"
        assert _cli("--data-dir", str(data_dir), "profile", "export", str(exported),
                    "--profile", kind)[0] == 0
    (data_dir / "window.ini").write_text("[window]\ntab=1\n")  # as the GUI keeps QSettings

    # Every token and key in the keyring (the instance URL kept there beside them is no secret).
    secret_values = {tokens.access_token, tokens.refresh_token, info.peoplelinx_api_key,
                     *(value for (_, key), value in memory_keyring.passwords.items()
                       if not key.endswith(":instance_url"))}
    assert len(secret_values) >= 4  # the renewed access token reached the keyring
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files) or any(p.suffix == ".sqlite3" or
                                                              "sqlite" in p.name for p in files)
    haystacks = {str(p.relative_to(data_dir)): p.read_bytes() for p in files}
    haystacks |= {f"output {i}": text.encode() for i, text in enumerate(outputs)}
    found = [(where, secret[:6] + "...") for where, data in haystacks.items()
             for secret in secret_values if secret and secret.encode() in data]
    assert found == []


PACKAGE = Path(plx_desktop.__file__).parent
NEVER = re.compile(r"verify\s*=\s*False|CERT_NONE|check_hostname\s*=\s*False|"
                   r"_create_unverified_context|disable_warnings|PYTHONHTTPSVERIFY")


def test_tls_verification_is_never_switched_off() -> None:
    sources = list(PACKAGE.rglob("*.py"))
    assert len(sources) > 50
    hits = [f"{p.relative_to(PACKAGE)}:{n}: {line.strip()}" for p in sources
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if NEVER.search(line)]
    assert hits == []


def test_every_requests_session_ignores_the_environment() -> None:
    """REQUESTS_CA_BUNDLE would otherwise override `verify` (DESIGN.md)."""
    makers = [p for p in PACKAGE.rglob("*.py") if "sandbox" not in p.parts
              and re.search(r"requests\.Session\(\)|= Session\(\)", p.read_text(encoding="utf-8"))]
    for path in makers:
        assert "trust_env = False" in path.read_text(encoding="utf-8"), path


def test_the_oauth_listener_binds_loopback_takes_one_good_answer_then_closes(sandbox: Any) -> None:
    info = sandbox.info
    pending = sf_auth.start_login(info.salesforce_login_url, info.salesforce_client_id,
                                  ca_file=info.ca_file, timeout=30, port=0)
    sandbox.salesforce.org.connected_apps.allow_callback(info.salesforce_client_id,
                                                         pending.redirect_uri)
    try:
        host, port = pending._server.server_address[:2]
        assert host == "127.0.0.1"
        outside = [a for a in _own_addresses() if not a.startswith("127.")]
        assert all(not _connects(port, a) for a in outside)
        with requests.Session() as plain:
            plain.trust_env = False
            wrong = plain.get(f"http://127.0.0.1:{port}/OauthRedirect",
                              params={"code": "stolen", "state": "guess"}, timeout=10)
            assert wrong.status_code == 400 and not pending.closed
            assert _browser_sign_in(sandbox, pending.authorize_url).status_code == 200
            assert pending.wait().access_token
            assert pending.closed and not _connects(port)
            with pytest.raises(requests.ConnectionError):
                plain.get(f"http://127.0.0.1:{port}/OauthRedirect",
                          params={"code": "again", "state": pending.state}, timeout=10)
    finally:
        pending.cancel()


def _own_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses (none on a sandboxed CI box is fine)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent for UDP connect
            return [probe.getsockname()[0]]
    except OSError:
        return []

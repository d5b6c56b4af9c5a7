"""`plx-desktop connect salesforce|peoplelinx` and `disconnect`: connections without the window.

For servers and scripts. `connect salesforce` prints the authorize URL on a line of its own (and
opens the browser unless --no-browser), waits for Salesforce's redirect on the fixed callback
port, saves the login in the keyring (keyring's own configuration decides which one:
PYTHON_KEYRING_BACKEND, keyringrc.cfg) and the non-secret details in the store, prints the user
and the org, and exits 0; an OAuth error prints its plain reason and exits 1. A later
`plx-desktop sync` uses what was saved.

Exit codes: 0 done, 1 refused or failed (the reason on stderr), 2 bad arguments, 130 interrupted.
"""

from __future__ import annotations

import sys
import webbrowser
from pathlib import Path
from typing import Any, TextIO

from plx_desktop.connectors import sf_auth
from plx_desktop.connectors.errors import ConnectorError
from plx_desktop.connectors.peoplelinx import PeopleLinxClient, account_label
from plx_desktop.connectors.secrets import SavedSalesforceLogin, SecretStore, salesforce_account
from plx_desktop.paths import database_path
from plx_desktop.store import open_store
from plx_desktop.store.settings import (
    PEOPLELINX_CONNECTION,
    SALESFORCE_CONNECTION,
    SALESFORCE_OAUTH,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
PEOPLELINX_BASE_URL = "https://api.peoplelinx.com"
LOGIN_TIMEOUT = 600.0  # seconds to sign in: a person at a browser, maybe on another machine


def _fail(message: str, code: int = EXIT_FAILED) -> int:
    print(f"plx-desktop: {message}", file=sys.stderr)
    return code


def resolve_login_url(value: str | None) -> str:
    """'production' / 'sandbox' / a URL (https only) -> the login URL; ValueError if bad."""
    if not value or value in sf_auth.LOGIN_URLS:
        return sf_auth.LOGIN_URLS[value or "production"]
    return sf_auth.normalise_my_domain(value)


def _oauth_settings(data_dir: Path) -> dict[str, Any]:
    with open_store(database_path(data_dir)) as store:
        return dict(store.settings.get(SALESFORCE_OAUTH) or {})


def connect_salesforce(data_dir: Path, *, login_url: str | None, client_id: str | None,
                       port: int | None, ca_file: str | None, no_browser: bool,
                       timeout: float = LOGIN_TIMEOUT, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        url = resolve_login_url(login_url)
    except ValueError as exc:
        return _fail(str(exc), EXIT_USAGE)
    oauth = _oauth_settings(data_dir)
    key = (client_id or (oauth.get("client_ids") or {}).get(url) or "").strip()
    if not key:
        return _fail("pass the Consumer Key of your External Client App with --client-id "
                     "(docs/CONNECT.md says how to create the app)", EXIT_USAGE)
    port = port or int(oauth.get("callback_port") or sf_auth.DEFAULT_CALLBACK_PORT)
    try:
        pending = sf_auth.start_login(url, key, ca_file=ca_file, port=port, timeout=timeout)
    except ConnectorError as exc:
        return _fail(exc.reason)
    print("Open this address in a browser and sign in to Salesforce:", file=out)
    print(pending.authorize_url, file=out, flush=True)
    print(f"Waiting for Salesforce to come back to {pending.redirect_uri} ...", file=out,
          flush=True)
    if not no_browser and not webbrowser.open(pending.authorize_url):
        print("(No browser could be opened here: open the address above on any computer.)",
              file=out, flush=True)
    try:
        tokens = pending.wait()
        info = sf_auth.userinfo(tokens.instance_url, tokens.access_token, ca_file)
        saved = _save_salesforce(data_dir, url, key, port, ca_file, tokens, info)
    except KeyboardInterrupt:
        pending.cancel()
        return EXIT_INTERRUPTED
    except ConnectorError as exc:
        return _fail(exc.reason)
    name = info.get("name") or saved["username"]
    print(f"Connected to Salesforce as {name} ({saved['username']}), org {saved['org_id']}, "
          f"at {saved['instance_url']}", file=out, flush=True)
    if saved.get("previous_org"):
        print(f"Org {saved['org_id']} starts its own links, cursors and outbox here; org "
              f"{saved['previous_org']}'s are kept for when it is connected again.", file=out,
              flush=True)
    return EXIT_OK


def _save_salesforce(data_dir: Path, login_url: str, client_id: str, port: int,
                     ca_file: str | None, tokens: sf_auth.Tokens,
                     info: dict[str, Any]) -> dict[str, Any]:
    if not tokens.refresh_token:
        raise ConnectorError("Salesforce gave no refresh token: add the refresh_token "
                             "offline_access scope to your External Client App, then connect "
                             "again.", code="NO_REFRESH_TOKEN")
    username = str(info.get("preferred_username") or info.get("email") or "")
    account = salesforce_account(tokens.instance_url, username)
    # The secret first: settings that point at a login the keyring lacks would confuse `sync`.
    SecretStore().save_login(account, SavedSalesforceLogin(
        tokens.instance_url, username, tokens.refresh_token, tokens.access_token, account))
    org_id = str(info.get("organization_id") or "")
    details = {"instance_url": tokens.instance_url, "username": username, "org_id": org_id,
               "display_name": str(info.get("name") or ""), "login_url": login_url,
               "account": account, "client_id": client_id, "ca_file": ca_file}
    with open_store(database_path(data_dir)) as store:
        store.settings.set(SALESFORCE_CONNECTION, details)
        oauth = dict(store.settings.get(SALESFORCE_OAUTH) or {})
        oauth["client_ids"] = {**(oauth.get("client_ids") or {}), login_url: client_id}
        oauth["callback_port"] = port
        store.settings.set(SALESFORCE_OAUTH, oauth)
        # One org's state stays with that org (store/org_state.py): a new org starts its own.
        previous = store.org_state.connected(org_id, username)
    return {**details, "previous_org": previous} if previous else details


def connect_peoplelinx(data_dir: Path, *, base_url: str | None, ca_file: str | None,
                       key_source: TextIO, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    key = key_source.readline().strip()
    if not key:
        return _fail("no API key on standard input (pipe it in: ... --api-key-stdin < key.txt)",
                     EXIT_USAGE)
    url = (base_url or PEOPLELINX_BASE_URL).rstrip("/")
    try:
        with PeopleLinxClient(url, key, ca_file=ca_file) as client:
            me = client.me()
        SecretStore().save_peoplelinx_api_key(url, key)
    except ConnectorError as exc:
        return _fail(f"the key did not work: {exc.reason}")
    name = account_label(me)
    with open_store(database_path(data_dir)) as store:
        store.settings.set(PEOPLELINX_CONNECTION, {"base_url": url, "account_name": name,
                                                   "ca_file": ca_file})
    print(f"Connected to PeopleLinx account {name} at {url}", file=out, flush=True)
    return EXIT_OK


def disconnect(data_dir: Path, which: str, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    with open_store(database_path(data_dir)) as store:
        key = SALESFORCE_CONNECTION if which == "salesforce" else PEOPLELINX_CONNECTION
        info = dict(store.settings.get(key) or {})
    if not info:
        print(f"{which.capitalize()} was not connected.", file=out)
        return EXIT_OK
    problem = ""
    try:
        problem = (_forget_salesforce(info) if which == "salesforce"
                   else _forget_peoplelinx(info))
    except ConnectorError as exc:
        return _fail(exc.reason)
    with open_store(database_path(data_dir)) as store:
        store.settings.delete(key)
    if problem:
        print(f"plx-desktop: {problem}", file=sys.stderr)
    print(f"Disconnected from {'Salesforce' if which == 'salesforce' else 'PeopleLinx'}.",
          file=out)
    return EXIT_OK


def _forget_salesforce(info: dict[str, Any]) -> str:
    """Revoke the saved login at Salesforce and delete it from the keyring; a warning or ''."""
    secrets = SecretStore()
    account = info.get("account") or salesforce_account(info.get("instance_url", ""),
                                                        info.get("username", ""))
    saved = secrets.load_login(account, info.get("instance_url", ""), info.get("username", ""))
    problem = ""
    if saved is not None:
        try:
            sf_auth.revoke(saved.instance_url, saved.refresh_token, info.get("ca_file"))
        except ConnectorError as exc:
            problem = (f"Salesforce could not be told to revoke the login ({exc.reason}); it was "
                       "forgotten here. Revoke it in Salesforce (Connected Apps OAuth Usage).")
    secrets.delete_login(account)
    return problem


def _forget_peoplelinx(info: dict[str, Any]) -> str:
    SecretStore().delete_peoplelinx_api_key(info.get("base_url", PEOPLELINX_BASE_URL))
    return ""

"""One org's state stays with that org: a headless sync against another org than the one the
data directory's links, cursors and outbox belong to exits 1 naming both, until Connect switches
the state; the other org's state is kept and comes back when it is connected again."""

from __future__ import annotations

import pytest
from memory_keyring import MemoryKeyring, installed

from plx_desktop.cli import main
from plx_desktop.connectors.secrets import SecretStore
from plx_desktop.store import RecordLink
from plx_desktop.store.settings import PEOPLELINX_CONNECTION, SALESFORCE_CONNECTION

EARLIER_ORG = "00D8d0000000EarAAA"  # the org this data dir synced before (a sandbox since refreshed)


@pytest.fixture
def saved_login(sandbox, store):
    """What Connect saves for the sandbox org: details (with the org id) and the keyring login."""
    with installed(MemoryKeyring()) as backend:
        yield _save_sandbox_login(sandbox, store, backend)


def _save_sandbox_login(sandbox, store, backend):
    info = sandbox.info
    store.settings.set(SALESFORCE_CONNECTION, {
        "instance_url": info.salesforce_instance_url, "username": info.salesforce_username,
        "login_url": info.salesforce_login_url, "client_id": info.salesforce_client_id,
        "ca_file": info.ca_file, "org_id": sandbox.salesforce.org.org_id})
    store.settings.set(PEOPLELINX_CONNECTION, {"base_url": info.peoplelinx_base_url,
                                               "ca_file": info.ca_file})
    secrets = SecretStore(backend=backend)
    secrets.save_salesforce_login(info.salesforce_instance_url, info.salesforce_username,
                                  info.salesforce_refresh_token, info.salesforce_access_token)
    secrets.save_peoplelinx_api_key(info.peoplelinx_base_url, info.peoplelinx_api_key)
    return sandbox.salesforce.org.org_id


def earlier_orgs_state(store) -> None:
    store.org_state.claim(EARLIER_ORG, "Acme (before the refresh)")
    store.links.upsert(RecordLink(sf_id="0038d000000000AAAA", sf_object="Contact", plx_id="p-old",
                                  plx_object="person", step_uid="old-step"))
    store.cursors.set("old-step", "2026-01-01T00:00:00.000+0000")


def test_a_sync_against_another_org_exits_1_naming_both_until_connect(
        sandbox, store, saved_login, capsys):
    data = str(store.path.parent)
    earlier_orgs_state(store)

    code = main(["--data-dir", data, "sync", "--once"])
    out, err = capsys.readouterr()
    assert code == 1
    assert saved_login in err and EARLIER_ORG in err and "plx-desktop connect" in err
    assert store.links.count() == 1  # nothing of the earlier org's was touched or reused

    # What `plx-desktop connect` does once the admin connects the new org.
    assert store.org_state.switch_to(saved_login) is True
    code = main(["--data-dir", data, "sync", "--once"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Contact → People: 165 created" in out  # this org's own state, from the start
    assert store.cursors.get("old-step") is None
    assert store.org_state.archived_orgs() == [EARLIER_ORG]

    # Connecting the earlier org again brings its state back as it was.
    store.org_state.switch_to(EARLIER_ORG)
    assert store.cursors.get("old-step") == "2026-01-01T00:00:00.000+0000"
    assert [k.plx_id for k in store.links.for_plx_ids(["p-old"])["p-old"]] == ["p-old"]


def test_the_first_org_to_sync_claims_a_new_data_dir(sandbox, store, saved_login, capsys):
    assert main(["--data-dir", str(store.path.parent), "sync", "--once"]) == 0
    capsys.readouterr()
    assert store.org_state.owner() == saved_login


def test_the_sandbox_switches_to_a_new_sandbox_org_by_itself(sandbox, data_dir, store, sync):
    earlier_orgs_state(store)
    summary = sync()
    assert summary.status == "completed", summary.reason
    assert store.org_state.owner() == sandbox.salesforce.org.org_id
    assert store.org_state.archived_orgs() == [EARLIER_ORG]

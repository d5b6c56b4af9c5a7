"""The keyring wrapper: round trips through a real keyring backend, and clear failures without one."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail
from memory_keyring import MemoryKeyring, installed

from plx_desktop.connectors.errors import ConnectorError
from plx_desktop.connectors.secrets import (
    NO_KEYRING_MESSAGE,
    SERVICE,
    SavedSalesforceLogin,
    SecretStore,
    SecretStoreError,
    SecretStoreUnavailable,
)


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("collection is locked")

    set_password = get_password  # type: ignore[assignment]


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with installed(MemoryKeyring()) as backend:
        yield backend


def test_salesforce_login_round_trip_through_the_configured_keyring(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    assert store.load_salesforce_login("https://acme.my.salesforce.com", "ann@acme.com") is None

    store.save_salesforce_login("https://acme.my.salesforce.com", "ann@acme.com", "5Aep-refresh", "00D!access")
    loaded = store.load_salesforce_login("https://acme.my.salesforce.com/", "ann@acme.com")

    assert loaded == SavedSalesforceLogin("https://acme.my.salesforce.com", "ann@acme.com",
                                          "5Aep-refresh", "00D!access",
                                          "salesforce:acme.my.salesforce.com:ann@acme.com")
    assert "5Aep-refresh" not in repr(loaded) and "00D!access" not in repr(loaded)
    assert all(service == SERVICE for service, _ in memory_keyring.passwords)
    # another user of the same org is kept apart
    assert store.load_salesforce_login("https://acme.my.salesforce.com", "bob@acme.com") is None

    store.save_salesforce_access_token("https://acme.my.salesforce.com", "ann@acme.com", "00D!newer")
    renewed = store.load_salesforce_login("https://acme.my.salesforce.com", "ann@acme.com")
    assert renewed is not None and renewed.access_token == "00D!newer"

    store.delete_salesforce_login("https://acme.my.salesforce.com", "ann@acme.com")
    assert store.load_salesforce_login("https://acme.my.salesforce.com", "ann@acme.com") is None
    assert memory_keyring.passwords == {}
    store.delete_salesforce_login("https://acme.my.salesforce.com", "ann@acme.com")  # twice is fine


def test_peoplelinx_api_key_round_trip(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    store.save_peoplelinx_api_key("https://api.peoplelinx.com", "plx_live_123")
    assert store.load_peoplelinx_api_key("https://api.peoplelinx.com") == "plx_live_123"
    assert store.load_peoplelinx_api_key("https://other.example.com") is None
    store.delete_peoplelinx_api_key("https://api.peoplelinx.com")
    assert store.load_peoplelinx_api_key("https://api.peoplelinx.com") is None


@pytest.mark.parametrize("backend", [fail.Keyring(), chainer.ChainerBackend()], ids=["fail", "empty-chainer"])
def test_no_usable_keyring_says_how_to_fix_it(backend: KeyringBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    if isinstance(backend, chainer.ChainerBackend):
        monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        store = SecretStore()
        for action in (store.check,
                       lambda: store.save_salesforce_login("https://x.my.salesforce.com", "u", "r"),
                       lambda: store.load_peoplelinx_api_key("https://api.peoplelinx.com")):
            with pytest.raises(SecretStoreUnavailable) as caught:
                action()
            assert str(caught.value) == NO_KEYRING_MESSAGE
            assert isinstance(caught.value, ConnectorError)
    finally:
        keyring.set_keyring(previous)
    assert "never stores credentials in plain files" in NO_KEYRING_MESSAGE


def test_locked_keyring_is_explained() -> None:
    store = SecretStore(LockedKeyring())
    with pytest.raises(SecretStoreUnavailable, match="locked.*Unlock it"):
        store.load_peoplelinx_api_key("https://api.peoplelinx.com")


def test_refused_write_is_explained() -> None:
    class Refusing(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise keyring.errors.PasswordSetError("access denied by the user")

    with pytest.raises(SecretStoreError, match="refused.*access denied"):
        SecretStore(Refusing()).save_peoplelinx_api_key("https://api.peoplelinx.com", "k")


def test_keyrings_own_configuration_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring.core

    previous = keyring.get_keyring()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.core.init_backend()
    try:
        with pytest.raises(SecretStoreUnavailable, match="No system keyring is available"):
            SecretStore().check()
    finally:
        keyring.set_keyring(previous)

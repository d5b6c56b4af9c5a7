"""What the window keeps after Connect, written straight into a data dir: the tests' shortcut.

Non-secret details go to the store (the sandbox's CA file stands in for a corporate CA); the
refresh token, the session and the PeopleLinx key go to the keyring through `SecretStore`.
"""

from __future__ import annotations

from typing import Any

from plx_desktop.connectors.secrets import SecretStore
from plx_desktop.store.settings import PEOPLELINX_CONNECTION, SALESFORCE_CONNECTION


def save_connections(store: Any, backend: Any, info: Any, access_token: str) -> SecretStore:
    """Save both connections of the sandbox `info` as Connect would; returns the SecretStore."""
    store.settings.set(SALESFORCE_CONNECTION, {
        "instance_url": info.salesforce_instance_url, "username": info.salesforce_username,
        "login_url": info.salesforce_login_url, "client_id": info.salesforce_client_id,
        "ca_file": info.ca_file})
    store.settings.set(PEOPLELINX_CONNECTION, {"base_url": info.peoplelinx_base_url,
                                               "ca_file": info.ca_file})
    secrets = SecretStore(backend=backend)
    secrets.save_salesforce_login(info.salesforce_instance_url, info.salesforce_username,
                                  info.salesforce_refresh_token, access_token)
    secrets.save_peoplelinx_api_key(info.peoplelinx_base_url, info.peoplelinx_api_key)
    return secrets

"""Shared helpers for the Salesforce connector tests: a client on the sandbox, control calls."""

from __future__ import annotations

from typing import Any

import requests

from plx_desktop.connectors.retry import RetryPolicy
from plx_desktop.connectors.salesforce import SalesforceClient, SalesforceConnection

# Enough tries that a 50% fault rate cannot plausibly exhaust them, and no waiting.
PATIENT = RetryPolicy(attempts=15, base_delay=0.0, max_delay=0.0)


def connection(sf_server: Any, **overrides: Any) -> SalesforceConnection:
    creds = sf_server.app.sandbox_credentials()
    values = dict(instance_url=sf_server.url, access_token=creds["access_token"],
                  refresh_token=creds["refresh_token"], client_id=creds["client_id"],
                  login_url=sf_server.url, api_version=creds["api_version"],
                  ca_file=str(sf_server.ca_file))
    values.update(overrides)
    return SalesforceConnection(**values)


def client(sf_server: Any, **kwargs: Any) -> SalesforceClient:
    kwargs.setdefault("retry", PATIENT)
    kwargs.setdefault("bulk_poll_seconds", 0.02)
    return SalesforceClient(connection(sf_server), **kwargs)


def control(sf_server: Any, name: str, body: dict[str, Any] | None = None) -> Any:
    """POST a sandbox control endpoint (not counted, never faulted)."""
    session = requests.Session()
    session.trust_env = False
    session.verify = str(sf_server.ca_file)
    response = session.post(f"{sf_server.url}/__sandbox__/{name}", json=body or {})
    assert response.status_code < 300, response.text
    return response.json() if response.content else None

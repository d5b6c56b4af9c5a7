"""The sandbox's HTTPS server itself: TLS per connection, and its own time per call."""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

import requests


def session_for(ca_file: Path) -> requests.Session:
    session = requests.Session()
    session.verify = str(ca_file)
    session.trust_env = False
    return session


def test_a_client_stalled_before_its_tls_handshake_blocks_nobody(plx_server: Any) -> None:
    host, port = "127.0.0.1", plx_server.server.port
    # Connects and sends nothing: with TLS on the listening socket, accept() waited on its
    # handshake and every later client with it.
    with socket.create_connection((host, port), timeout=10) as stalled:
        answer = session_for(plx_server.ca_file).get(f"{plx_server.url}/__sandbox__/faults",
                                                     timeout=10)
        assert answer.status_code == 200
        assert stalled.fileno() != -1  # still connected: it was not simply turned away first


def test_each_call_says_the_sandbox_s_own_time_and_stats_sum_them(sf_server: Any) -> None:
    http = session_for(sf_server.ca_file)
    http.delete(f"{sf_server.url}/__sandbox__/calls", timeout=10).raise_for_status()
    token = sf_server.app.sandbox_credentials()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    durations = []
    for _ in range(3):
        answer = http.get(f"{sf_server.url}/services/data/v62.0/query",
                          params={"q": "SELECT Id FROM Contact LIMIT 5"}, headers=headers, timeout=10)
        assert answer.status_code == 200
        match = re.fullmatch(r"app;dur=(\d+\.\d+)", answer.headers["Server-Timing"])
        assert match is not None
        durations.append(float(match.group(1)))
    # Control endpoints are not API calls: neither counted nor timed.
    control = http.get(f"{sf_server.url}/__sandbox__/faults", timeout=10)
    assert "Server-Timing" not in control.headers
    stats = http.get(f"{sf_server.url}/__sandbox__/stats", timeout=10).json()
    route = stats["by_route"]["query"]
    assert stats["calls"] == route["calls"] == 3
    assert route["ms"] >= sum(durations) - 0.01 and route["max_ms"] >= max(durations) - 0.001
    assert stats["ms"] == route["ms"]
    http.delete(f"{sf_server.url}/__sandbox__/calls", timeout=10).raise_for_status()
    assert http.get(f"{sf_server.url}/__sandbox__/stats", timeout=10).json() == {
        "calls": 0, "ms": 0.0, "by_route": {}}

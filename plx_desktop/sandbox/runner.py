"""Start both stand-in services, seed them, and describe them in sandbox.json for the app to find.

`sandbox.json` holds throwaway sandbox credentials (never real ones) and the CA file to trust.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from plx_desktop.sandbox import fake
from plx_desktop.sandbox.clock import SandboxClock
from plx_desktop.sandbox.peoplelinx.app import PeopleLinxApp
from plx_desktop.sandbox.salesforce.app import SalesforceApp
from plx_desktop.sandbox.tls import ensure_certificates, server_ssl_context
from plx_desktop.sandbox.web import Faults, RunningServer, serve

SANDBOX_JSON = "sandbox.json"
# `fresh` or `ready` when a sandbox is started without saying (the test suite sets `ready`).
ORG_ENV = "PLX_SANDBOX_ORG"


@dataclass
class SandboxInfo:
    """What a client needs to reach the sandbox; written to sandbox.json."""

    salesforce_login_url: str
    salesforce_instance_url: str
    salesforce_client_id: str
    salesforce_username: str
    salesforce_password: str
    salesforce_access_token: str
    salesforce_refresh_token: str
    salesforce_api_version: str
    peoplelinx_base_url: str
    peoplelinx_api_key: str
    ca_file: str
    pid: int
    salesforce_org_id: str = ""  # userinfo's organization_id: whose state a data dir holds

    def write(self, state_dir: Path) -> Path:
        path = state_dir / SANDBOX_JSON
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2))
        tmp.chmod(0o600)
        os.replace(tmp, path)
        return path

    @classmethod
    def read(cls, state_dir: Path) -> SandboxInfo:
        return cls(**json.loads((state_dir / SANDBOX_JSON).read_text()))


class Sandbox:
    """Both services running on background threads."""

    def __init__(self, state_dir: Path, sf: SalesforceApp, plx: PeopleLinxApp,
                 sf_server: RunningServer, plx_server: RunningServer, info: SandboxInfo):
        self.state_dir = state_dir
        self.clock = sf.clock  # shared by both services
        self.salesforce = sf
        self.peoplelinx = plx
        self.sf_server = sf_server
        self.plx_server = plx_server
        self.info = info

    def stop(self) -> None:
        self.sf_server.stop()
        self.plx_server.stop()
        path = self.state_dir / SANDBOX_JSON
        try:
            if json.loads(path.read_text()).get("pid") == self.info.pid:
                path.unlink()
        except (OSError, ValueError):
            pass

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def population_for(seed: str | int) -> fake.Population:
    """`demo` or a count N (N of each, for benchmarks)."""
    if str(seed) == "demo":
        return fake.demo_population()
    return fake.bulk_population(int(seed))


def start_sandbox(state_dir: Path, *, seed: str | int | None = None, latency_ms: float = 0.0,
                  fail_rate: float = 0.0, sf_port: int = 0, plx_port: int = 0,
                  host: str = "127.0.0.1", seed_if_empty: bool = False,
                  org: str | None = None) -> Sandbox:
    """Start both servers; seed when asked (or when empty and `seed_if_empty`); write sandbox.json.

    `org` ("fresh" or "ready", default $PLX_SANDBOX_ORG) starts the Salesforce org's setup over
    as that preset; without either, the org keeps the setup it has (a new one is fresh).
    """
    org = org or os.environ.get(ORG_ENV) or None
    state_dir.mkdir(parents=True, exist_ok=True)
    ca_file = ensure_certificates(state_dir)
    context = server_ssl_context(state_dir)
    clock = SandboxClock()  # one time for both services, so that their stamps compare
    sf = SalesforceApp(state_dir, Faults(latency_ms, fail_rate), clock)
    plx = PeopleLinxApp(state_dir, Faults(latency_ms, fail_rate), clock)
    if org is not None:
        sf.org.apply_preset(org)
    if seed is None and seed_if_empty and sf.is_empty() and plx.is_empty():
        seed = "demo"
    if seed is not None:
        population = population_for(seed)
        sf.reset()
        plx.reset()
        sf.seed(population, demo=str(seed) == "demo")
        plx.seed(population, demo=str(seed) == "demo")
    sf_server = serve(sf, host, sf_port, ssl_context=context)
    plx_server = serve(plx, host, plx_port, ssl_context=context)
    sf.set_base_url(sf_server.url)
    plx.set_base_url(plx_server.url)
    creds = sf.sandbox_credentials()
    info = SandboxInfo(
        salesforce_login_url=sf_server.url,
        salesforce_instance_url=sf_server.url,
        salesforce_client_id=creds["client_id"],
        salesforce_username=creds["username"],
        salesforce_password=creds["password"],
        salesforce_access_token=creds["access_token"],
        salesforce_refresh_token=creds["refresh_token"],
        salesforce_api_version=creds["api_version"],
        peoplelinx_base_url=plx_server.url,
        peoplelinx_api_key=plx.api_key(),
        ca_file=str(ca_file),
        pid=os.getpid(),
        salesforce_org_id=sf.org.org_id,
    )
    info.write(state_dir)
    return Sandbox(state_dir, sf, plx, sf_server, plx_server, info)

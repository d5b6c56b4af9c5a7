"""Start the stand-in services, seed them, and describe them in sandbox.json for the app to find.

`sandbox.json` holds throwaway sandbox credentials (never real ones) and the CA file to trust.

`start_sandbox` runs both services in this process on threads, sharing one clock (the app's
`--sandbox`, the window, the test suite). `start_service` runs one of them (`sandbox serve
--only`), so that the benchmark can run each in a process of its own, as two real servers would
be, not two services taking turns under one interpreter lock. A one-service process writes only
its own part (`sandbox-salesforce.json` or `sandbox-peoplelinx.json`) and never sandbox.json:
whoever started both merges the parts into sandbox.json (`merge_parts`), its one writer.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from filelock import FileLock

from plx_desktop.sandbox import fake
from plx_desktop.sandbox.clock import SandboxClock
from plx_desktop.sandbox.peoplelinx.app import PeopleLinxApp
from plx_desktop.sandbox.salesforce.app import SalesforceApp
from plx_desktop.sandbox.tls import ensure_certificates, server_ssl_context
from plx_desktop.sandbox.web import Faults, RunningServer, serve

SANDBOX_JSON = "sandbox.json"
SERVICES = ("salesforce", "peoplelinx")
# `fresh` or `ready` when a sandbox is started without saying (the test suite sets `ready`).
ORG_ENV = "PLX_SANDBOX_ORG"
# Two one-service processes starting on a new state dir would each make a certificate authority,
# and the one written last would not have signed the other's server certificate.
_TLS_LOCK = "tls.lock"


def part_file(service: str) -> str:
    """The file in the state dir where a one-service process describes its service."""
    if service not in SERVICES:
        raise ValueError(f"no sandbox service {service!r}: one of {', '.join(SERVICES)}")
    return f"sandbox-{service}.json"


def _write_json(path: Path, data: dict[str, Any]) -> Path:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    tmp.chmod(0o600)
    os.replace(tmp, path)  # readers never see half a file
    return path


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
        return _write_json(state_dir / SANDBOX_JSON, asdict(self))

    @classmethod
    def read(cls, state_dir: Path) -> SandboxInfo:
        return cls(**json.loads((state_dir / SANDBOX_JSON).read_text()))

    @classmethod
    def from_parts(cls, salesforce: dict[str, Any], peoplelinx: dict[str, Any]) -> SandboxInfo:
        """One sandbox of the two services' parts. Its `pid` is the Salesforce process's: the
        app takes a sandbox for running when that pid lives and the Salesforce port answers."""
        names = {f.name for f in fields(cls)}
        merged = {k: v for k, v in peoplelinx.items() if k in names}
        merged.update({k: v for k, v in salesforce.items() if k in names})
        return cls(**merged)


def read_part(state_dir: Path, service: str) -> dict[str, Any] | None:
    """A one-service process's part, or None while there is none (not started, or torn)."""
    try:
        data = json.loads((state_dir / part_file(service)).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def merge_parts(state_dir: Path) -> SandboxInfo:
    """Write sandbox.json from both services' parts (for the one who started both processes);
    OSError when a part is missing."""
    salesforce, peoplelinx = (read_part(state_dir, s) for s in SERVICES)
    if salesforce is None or peoplelinx is None:
        raise FileNotFoundError(f"both {part_file('salesforce')} and {part_file('peoplelinx')} "
                                f"are needed in {state_dir}")
    info = SandboxInfo.from_parts(salesforce, peoplelinx)
    info.write(state_dir)
    return info


def _unlink_if_ours(path: Path, pid: int) -> None:
    try:
        if json.loads(path.read_text()).get("pid") == pid:
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass


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
        _unlink_if_ours(self.state_dir / SANDBOX_JSON, self.info.pid)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ServiceSandbox:
    """One service running on a background thread, described in its part file."""

    def __init__(self, state_dir: Path, service: str, app: SalesforceApp | PeopleLinxApp,
                 server: RunningServer, part: dict[str, Any]):
        self.state_dir = state_dir
        self.service = service
        self.app = app
        self.server = server
        self.part = part
        self.path = state_dir / part_file(service)

    def stop(self) -> None:
        self.server.stop()
        _unlink_if_ours(self.path, self.part["pid"])

    def __enter__(self) -> ServiceSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def population_for(seed: str | int) -> fake.Population:
    """`demo` or a count N (N of each, for benchmarks). The same for the same seed, every time
    and in every process (fake.py's generators are seeded), so two one-service processes seeded
    alike hold the two halves of one population."""
    if str(seed) == "demo":
        return fake.demo_population()
    return fake.bulk_population(int(seed))


def _tls(state_dir: Path) -> tuple[Path, Any]:
    state_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(state_dir / _TLS_LOCK)):
        return ensure_certificates(state_dir), server_ssl_context(state_dir)


def _salesforce_part(sf: SalesforceApp, url: str, ca_file: Path) -> dict[str, Any]:
    creds = sf.sandbox_credentials()
    return {
        "salesforce_login_url": url, "salesforce_instance_url": url,
        "salesforce_client_id": creds["client_id"], "salesforce_username": creds["username"],
        "salesforce_password": creds["password"], "salesforce_access_token": creds["access_token"],
        "salesforce_refresh_token": creds["refresh_token"],
        "salesforce_api_version": creds["api_version"], "salesforce_org_id": sf.org.org_id,
        "ca_file": str(ca_file), "pid": os.getpid(),
    }


def _peoplelinx_part(plx: PeopleLinxApp, url: str, ca_file: Path) -> dict[str, Any]:
    return {"peoplelinx_base_url": url, "peoplelinx_api_key": plx.api_key(),
            "ca_file": str(ca_file), "pid": os.getpid()}


def start_sandbox(state_dir: Path, *, seed: str | int | None = None, latency_ms: float = 0.0,
                  fail_rate: float = 0.0, sf_port: int = 0, plx_port: int = 0,
                  host: str = "127.0.0.1", seed_if_empty: bool = False,
                  org: str | None = None) -> Sandbox:
    """Start both servers; seed when asked (or when empty and `seed_if_empty`); write sandbox.json.

    `org` ("fresh" or "ready", default $PLX_SANDBOX_ORG) starts the Salesforce org's setup over
    as that preset; without either, the org keeps the setup it has (a new one is fresh).
    """
    org = org or os.environ.get(ORG_ENV) or None
    ca_file, context = _tls(state_dir)
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
    info = SandboxInfo.from_parts(_salesforce_part(sf, sf_server.url, ca_file),
                                  _peoplelinx_part(plx, plx_server.url, ca_file))
    info.write(state_dir)
    return Sandbox(state_dir, sf, plx, sf_server, plx_server, info)


def start_service(state_dir: Path, service: str, *, seed: str | int | None = None,
                  latency_ms: float = 0.0, fail_rate: float = 0.0, port: int = 0,
                  host: str = "127.0.0.1", seed_if_empty: bool = False,
                  org: str | None = None) -> ServiceSandbox:
    """Start one service ("salesforce" or "peoplelinx"); seed its part of the population when
    asked (or when it is empty and `seed_if_empty`); write its part file, not sandbox.json.

    Its clock is its own: who runs the two services apart moves both clocks alike
    (POST /__sandbox__/clock on each). `org` is as for start_sandbox (Salesforce only).
    """
    path = state_dir / part_file(service)  # ValueError for an unknown service
    ca_file, context = _tls(state_dir)
    faults = Faults(latency_ms, fail_rate)
    app: SalesforceApp | PeopleLinxApp
    if service == "salesforce":
        app = SalesforceApp(state_dir, faults, SandboxClock())
        org = org or os.environ.get(ORG_ENV) or None
        if org is not None:
            app.org.apply_preset(org)
    else:
        app = PeopleLinxApp(state_dir, faults, SandboxClock())
    if seed is None and seed_if_empty and app.is_empty():
        seed = "demo"
    if seed is not None:
        app.reset()
        app.seed(population_for(seed), demo=str(seed) == "demo")
    server = serve(app, host, port, ssl_context=context)
    app.set_base_url(server.url)
    if isinstance(app, SalesforceApp):
        part = _salesforce_part(app, server.url, ca_file)
    else:
        part = _peoplelinx_part(app, server.url, ca_file)
    _write_json(path, part)
    return ServiceSandbox(state_dir, service, app, server, part)

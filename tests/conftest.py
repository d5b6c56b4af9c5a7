"""Shared fixtures: the sandbox services over real HTTPS, started once per test session.

`sf_server` and `plx_server` run one stand-in service each (for tests of that service or its
client); `sandbox` runs both as `plx-desktop sandbox serve` does, reset and re-seeded per test.
Imports sit inside the fixtures so that a test of one service never depends on the other.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Every sandbox the suite starts (in process or as `plx-desktop ... sandbox serve` / `--sandbox`)
# is a ready org, with the PeopleLinx fields installed; only tests about Set up ask for a fresh one.
os.environ.setdefault("PLX_SANDBOX_ORG", "ready")

# Property tests explore new examples on developers' machines; in CI they replay a fixed
# sequence, so that a submission's result does not depend on the draw (what a developer's run
# finds becomes a pinned test, as the bad-input suite's findings are).
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")


def _fresh(app: Any, org: str = "ready") -> None:
    from plx_desktop.sandbox.salesforce.app import SalesforceApp
    from plx_desktop.sandbox.web import FAULT_KINDS

    app.faults.configure(latency_ms=0, fail_rate=0, kinds=list(FAULT_KINDS), poison="")
    if isinstance(app, SalesforceApp):
        app.reset(org=org)  # a ready org unless the test is about setting one up
    else:
        app.reset()
    app.calls.reset()
    # The engine keeps what it learnt of each org between runs of one process (describes by
    # instance URL, PeopleLinx's fields by base URL). A reset makes a new org at the same URL
    # (fresh or ready, its custom fields gone), which no real one does: what an earlier test's
    # runs kept would be the next test's (a fresh org's Task describe, without
    # PeopleLinx_Activity_Id__c, left the fault storm's Tasks unwritten). Nothing to forget
    # when the engine was never imported (the sandbox's own tests).
    service = sys.modules.get("plx_desktop.sync.service")
    if service is not None:
        service._DESCRIBES.clear()
        service._PEOPLE_FIELDS.clear()


class ServiceUnderTest:
    """One stand-in service on a real HTTPS port: `.app` (the in-process app), `.url`, `.ca_file`."""

    def __init__(self, app: Any, server: Any, ca_file: Path, state_dir: Path):
        self.app, self.server, self.ca_file, self.state_dir = app, server, ca_file, state_dir

    @property
    def url(self) -> str:
        return self.server.url

    def reset(self, seed: str | int | None = "demo", org: str = "ready") -> ServiceUnderTest:
        from plx_desktop.sandbox.runner import population_for

        _fresh(self.app, org)
        if seed is not None:
            self.app.seed(population_for(seed), demo=str(seed) == "demo")
        return self


def _start_service(app_factory: Any, state_dir: Path) -> ServiceUnderTest:
    from plx_desktop.sandbox.tls import ensure_certificates, server_ssl_context
    from plx_desktop.sandbox.web import Faults, serve

    ca_file = ensure_certificates(state_dir)
    app = app_factory(state_dir, Faults())
    server = serve(app, ssl_context=server_ssl_context(state_dir))
    app.set_base_url(server.url)
    return ServiceUnderTest(app, server, ca_file, state_dir)


@pytest.fixture(scope="session")
def _sf_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceUnderTest]:
    from plx_desktop.sandbox.salesforce.app import SalesforceApp

    service = _start_service(SalesforceApp, tmp_path_factory.mktemp("sf-sandbox"))
    yield service
    service.server.stop()


@pytest.fixture(scope="session")
def _plx_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceUnderTest]:
    from plx_desktop.sandbox.peoplelinx.app import PeopleLinxApp

    service = _start_service(PeopleLinxApp, tmp_path_factory.mktemp("plx-sandbox"))
    yield service
    service.server.stop()


@pytest.fixture
def sf_server(_sf_service: ServiceUnderTest) -> ServiceUnderTest:
    """The Salesforce stand-in alone, demo data, no faults."""
    return _sf_service.reset()


@pytest.fixture
def plx_server(_plx_service: ServiceUnderTest) -> ServiceUnderTest:
    """The PeopleLinx stand-in alone, demo data, no faults."""
    return _plx_service.reset()


@pytest.fixture(scope="session")
def _sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from plx_desktop.sandbox.runner import start_sandbox

    sb = start_sandbox(tmp_path_factory.mktemp("data") / "sandbox")
    yield sb
    sb.stop()


def reset_sandbox(sb: Any, seed: str | int | None = "demo", org: str = "ready") -> Any:
    """Empty both services, seed them, and clear faults and call counts; the Salesforce org is
    `ready` (PeopleLinx fields installed) or `fresh` (none, as a new customer's)."""
    from plx_desktop.sandbox.runner import population_for

    for app in (sb.salesforce, sb.peoplelinx):
        _fresh(app, org)
    # A test that expired every session leaves the sandbox a new standing token: hand it on, so
    # each test starts with a live session as `sandbox serve` would write it.
    creds = sb.salesforce.sandbox_credentials()
    sb.info.salesforce_access_token = creds["access_token"]
    sb.info.salesforce_refresh_token = creds["refresh_token"]
    sb.info.write(sb.state_dir)  # and sandbox.json, which headless commands and the window read
    if seed is not None:
        population = population_for(seed)
        sb.salesforce.seed(population, demo=str(seed) == "demo")
        sb.peoplelinx.seed(population, demo=str(seed) == "demo")
    return sb


@pytest.fixture(scope="session")
def sandbox_reset() -> Callable[..., Any]:
    """`reset_sandbox` itself, for a test that resets the session sandbox more than once (each
    example of a property test): one reset for all, so none leaves an earlier test's org behind."""
    return reset_sandbox


@pytest.fixture
def sandbox(_sandbox: Any) -> Any:
    """Both services (a runner.Sandbox) with demo data, no faults, call counts at zero."""
    return reset_sandbox(_sandbox)


@pytest.fixture
def empty_sandbox(_sandbox: Any) -> Any:
    """Both services with no records at all."""
    return reset_sandbox(_sandbox, seed=None)


@pytest.fixture
def fresh_sandbox(_sandbox: Any) -> Any:
    """Both services with demo data, the Salesforce org fresh: no PeopleLinx fields until Set up."""
    return reset_sandbox(_sandbox, org="fresh")


@pytest.fixture
def fresh_sf_server(_sf_service: ServiceUnderTest) -> ServiceUnderTest:
    """The Salesforce stand-in alone, demo data, as a fresh org (no PeopleLinx fields)."""
    return _sf_service.reset(org="fresh")

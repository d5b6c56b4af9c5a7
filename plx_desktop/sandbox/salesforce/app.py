"""The Salesforce stand-in as the sandbox server runs it: routes, limits, faults, reset and seed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plx_desktop.sandbox import fake
from plx_desktop.sandbox.clock import SandboxClock
from plx_desktop.sandbox.salesforce import (
    bulk2,
    composite,
    control,
    oauth,
    oauth_control,
    record_events,
    sobjects,
    tooling,
)
from plx_desktop.sandbox.salesforce.connected_apps import ConnectedApps, OrgFlags
from plx_desktop.sandbox.salesforce.limits import DEFAULT_DAILY_LIMIT, LIMIT_HEADER, ApiUsage
from plx_desktop.sandbox.salesforce.limits import register as register_limits
from plx_desktop.sandbox.salesforce.org import ADMIN_USERNAME, Org
from plx_desktop.sandbox.salesforce.query import QueryApi
from plx_desktop.sandbox.salesforce.rest import api_route, bearer_token, versions
from plx_desktop.sandbox.salesforce.seed import seed_bulk, seed_demo
from plx_desktop.sandbox.salesforce.tokens import DEFAULT_SESSION_SECONDS
from plx_desktop.sandbox.web import CallCounter, Faults, Request, Response, Router

API_PREFIX = "/services/data/v"
_FAULT_BODIES = {
    "500": (500, "UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId "
            "if you contact support: 1862203446-27641 (-1135093516)"),
    "503": (503, "SERVER_UNAVAILABLE", "Server unavailable, please try again later."),
    "429": (403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded."),
    "lock": (400, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record"),
}


class SalesforceApp:
    """The sandbox org behind one HTTPS server."""

    def __init__(self, state_dir: Path, faults: Faults, clock: SandboxClock | None = None):
        self.state_dir = state_dir
        self.faults = faults
        self.calls = CallCounter()
        self.org = Org(state_dir, clock)
        self.clock = self.org.clock.source
        # The OAuth side of the org (connected apps, org-wide switches), read by oauth.py and rest.py.
        self.org.connected_apps = ConnectedApps(self.org.db, self.org.client_id)
        self.org.flags = OrgFlags(self.org.db)
        self.usage = ApiUsage(self.org.db, self.org.clock.source)
        self.router = Router()
        self.queries = QueryApi(self.org)
        self._register()

    def _register(self) -> None:
        router, org = self.router, self.org
        router.add("GET", "/services/data", lambda request: Response.json(versions()), "versions")
        router.add("GET", "/services/data/v{version}", api_route(org, self._resources), "resources")
        sobjects.register(router, org)
        self.queries.register(router)
        composite.register(router, org)
        register_limits(router, org, self.usage)
        oauth.register(router, org)
        tooling.register(router, org)
        bulk2.register(router, org)
        control.register(router, self)
        oauth_control.register(router, self)

    def _resources(self, request: Request, version: str) -> Response:
        base = f"/services/data/v{version}"
        names = ("sobjects", "query", "queryAll", "limits", "composite", "search", "recent",
                 "tooling", "jobs/ingest", "jobs/query")
        out: dict[str, str] = {name.replace("jobs/", "jobs-"): f"{base}/{name}" for name in names}
        session = self.org.tokens.check(bearer_token(request)) or {}
        out["identity"] = f"{self.org.base_url}/id/{self.org.org_id}/{session.get('user_id', '')}"
        return Response.json(out)

    # -- the App protocol -------------------------------------------------------------------
    def fault_response(self, kind: str, request: Request) -> Response:
        status, code, message = _FAULT_BODIES[kind]
        if kind == "lock" and _is_collection_write(request):
            count = composite.record_count(request)
            item = {"success": False, "errors": [{"statusCode": code, "message": message,
                                                  "fields": []}]}
            response = Response.json([item] * count, 200)
        else:
            response = Response.json([{"message": message, "errorCode": code}], status)
        if request.path.startswith(API_PREFIX):
            response.headers[LIMIT_HEADER] = self.usage.header()
        return response

    def before_call(self, request: Request) -> None:
        if request.path.startswith(API_PREFIX):
            self.usage.count_call()

    def after_call(self, request: Request, response: Response) -> None:
        if request.path.startswith(API_PREFIX):
            response.headers[LIMIT_HEADER] = self.usage.header()

    def set_base_url(self, url: str) -> None:
        self.org.base_url = url.rstrip("/")

    def is_empty(self) -> bool:
        return self.org.is_empty()

    def reset(self, org: str | None = None) -> None:
        """No records; the daily limit, usage and session lifetime back to their defaults.

        Users, custom fields and the standing credentials stay; the connected apps and the org's
        switches go back to their defaults (PLX Desktop's own app, installed, rotation on); with
        `org` ("fresh" or "ready"), the org's setup starts over as that preset (Org.apply_preset).
        """
        self.org.reset()
        self.org.connected_apps.reset()
        self.org.flags.reset()
        record_events.forget_purges(self.org)
        if org is not None:
            self.org.apply_preset(org)
        self.queries.clear()
        self.usage.daily_limit = DEFAULT_DAILY_LIMIT
        self.usage.set_used(0)
        self.org.tokens.session_seconds = DEFAULT_SESSION_SECONDS

    def seed(self, population: fake.Population, demo: bool) -> None:
        (seed_demo if demo else seed_bulk)(self.org, population)

    def sandbox_credentials(self) -> dict[str, Any]:
        """The standing sandbox login and session (made again if it was expired or revoked)."""
        org = self.org
        standing = org.db.get_setting("standing_token") or {}
        if not standing or org.tokens.check(standing["access_token"]) is None:
            standing = org.tokens.issue(org.admin_id, org.client_id, standing=True)
            org.db.set_setting("standing_token", standing)
        return {"client_id": org.client_id, "username": ADMIN_USERNAME,
                "password": org.admin_password, "access_token": standing["access_token"],
                "refresh_token": standing["refresh_token"], "api_version": org.api_version}


def _is_collection_write(request: Request) -> bool:
    path = request.path.rstrip("/")
    if request.method in ("POST", "PATCH", "DELETE") and path.endswith("/composite/sobjects"):
        return True
    # PATCH .../composite/sobjects/{object}/{externalIdField} is the Collections upsert.
    return request.method == "PATCH" and "/composite/sobjects/" in path

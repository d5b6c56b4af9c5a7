"""PeopleLinxApp: the PeopleLinx stand-in as the sandbox server runs it (routes, auth, faults, state).

The API it speaks is docs/peoplelinx-openapi.yaml; tests/contract keeps the two in step.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from pathlib import Path

from plx_desktop.sandbox.clock import SandboxClock
from plx_desktop.sandbox.fake import Population
from plx_desktop.sandbox.peoplelinx import seed as seeding
from plx_desktop.sandbox.peoplelinx.api_engagement import EngagementApi
from plx_desktop.sandbox.peoplelinx.api_people import PeopleApi
from plx_desktop.sandbox.peoplelinx.control import Control
from plx_desktop.sandbox.peoplelinx.errors import error_response, fail
from plx_desktop.sandbox.peoplelinx.store import Store
from plx_desktop.sandbox.web import (
    CONTROL_PREFIX,
    CallCounter,
    Faults,
    Handler,
    HttpError,
    Request,
    Response,
    Router,
)

ACCOUNT = {
    "account": {"id": "acc_sandbox0000000000000", "name": "Sandbox Demo Co"},
    "user": {"id": "usr_sandbox0000000000000", "name": "Sam Sandbox",
             "email": "sam.sandbox@example.com"},
}


class PeopleLinxRouter(Router):
    """The shared router, answering unknown paths and methods in PeopleLinx's own error shape."""

    def __init__(self, wrap_post: Callable[[Handler], Handler]) -> None:
        super().__init__()
        self._wrap_post = wrap_post  # API POSTs honour Idempotency-Key
        self.api_routes: list[tuple[str, str]] = []  # (method, pattern), for the contract tests

    def add(self, method: str, pattern: str, handler: Handler, name: str | None = None) -> None:
        if not pattern.startswith(CONTROL_PREFIX.rstrip("/")):
            self.api_routes.append((method.upper(), pattern))
            if method.upper() == "POST":
                handler = self._wrap_post(handler)
        super().add(method, pattern, handler, name)

    def match(self, request: Request) -> tuple[Handler, str] | None:
        try:
            found = super().match(request)
        except HttpError:
            raise fail(405, "method_not_allowed",
                       f"{request.method} is not allowed on {request.path}.") from None
        if found is None:
            raise fail(404, "not_found", f"There is no endpoint at {request.path}.")
        return found


class PeopleLinxApp:
    """The stand-in PeopleLinx service: an App for sandbox.web.serve()."""

    def __init__(self, state_dir: Path, faults: Faults, clock: SandboxClock | None = None):
        self.state_dir = Path(state_dir)
        self.faults = faults
        self.calls = CallCounter()
        self.store = Store(self.state_dir, clock)
        self.clock = self.store.clock
        self.base_url = ""
        self._api_key = self.store.set_meta_default("api_key", "plx_sbx_" + secrets.token_hex(20))
        self.router = PeopleLinxRouter(self._idempotent)
        Control(self).register(self.router)
        PeopleApi(self.store, ACCOUNT).register(self.router)
        EngagementApi(self.store).register(self.router)

    # -- the App protocol ---------------------------------------------------------------------
    def api_key(self) -> str:
        return self._api_key

    def set_base_url(self, url: str) -> None:
        self.base_url = url

    def is_empty(self) -> bool:
        return self.store.one("SELECT COUNT(*) FROM people")[0] == 0

    def reset(self) -> None:
        """Delete every record and custom field; the API key stays valid."""
        self.store.clear()

    def seed(self, population: Population, demo: bool) -> None:
        seeding.seed(self.store, population, demo)

    def fault_response(self, kind: str, request: Request) -> Response:
        if kind == "429":
            return error_response(429, "rate_limited", "Too many requests; retry after 1 second.",
                                  headers={"Retry-After": "1"})
        if kind == "503":
            return error_response(503, "unavailable", "PeopleLinx is briefly unavailable.")
        if kind == "lock":
            return error_response(409, "conflict_retry",
                                  "Another write to these records is in progress; retry.")
        return error_response(500, "internal_error", "Something went wrong on our side.")

    def before_call(self, request: Request) -> None:
        auth = request.header("Authorization") or ""
        scheme, _, key = auth.partition(" ")
        if scheme.lower() != "bearer" or not key:
            raise fail(401, "unauthorized",
                       "Missing API key: send 'Authorization: Bearer <API key>'.")
        if not secrets.compare_digest(key.strip().encode(), self._api_key.encode()):
            raise fail(401, "unauthorized", "The API key is not valid (revoked or mistyped).")

    def after_call(self, request: Request, response: Response) -> None:
        response.headers.setdefault("Cache-Control", "no-store")

    # -- Idempotency-Key: a retried POST replays the first answer instead of writing twice --------
    def _idempotent(self, handler: Handler) -> Handler:
        def wrapped(request: Request) -> Response:
            key = request.header("Idempotency-Key")
            if key is None:
                return handler(request)
            if not 1 <= len(key) <= 255:
                raise fail(400, "invalid_request", "Idempotency-Key must be 1-255 characters.")
            fingerprint = hashlib.sha256(request.method.encode() + request.path.encode() + b"\n"
                                         + request.body).hexdigest()
            row = self.store.one("SELECT * FROM idempotency_keys WHERE key = ?", (key,))
            if row is not None:
                if row["fingerprint"] != fingerprint:
                    raise fail(422, "idempotency_key_reused",
                               "This Idempotency-Key was used for a different request.")
                return Response(row["status"], bytes(row["body"]),
                                {"Content-Type": "application/json;charset=UTF-8",
                                 "Idempotent-Replayed": "true"})
            try:
                response = handler(request)
            except HttpError as exc:
                response = exc.response
            if response.status < 500:
                with self.store.write() as tx:
                    tx.execute("INSERT OR IGNORE INTO idempotency_keys VALUES (?, ?, ?, ?, ?)",
                               (key, fingerprint, response.status, response.body, tx.now()))
            return response

        return wrapped

    def __repr__(self) -> str:  # never show the key
        return f"PeopleLinxApp(state_dir={str(self.state_dir)!r})"



"""The sandbox's small HTTPS server: a router, request/response types, call counting and fault injection.

Both stand-in services (Salesforce, PeopleLinx) are an `App` with a `handle(request)` method served
by `serve()`. Written on the standard library's ThreadingHTTPServer rather than a web framework
because fault injection needs the raw socket (drop a connection, cut a body short).
"""

from __future__ import annotations

import json
import random
import re
import socket
import ssl
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

import orjson

from plx_desktop.sandbox.clock import SandboxClock

CONTROL_PREFIX = "/__sandbox__/"

# Fault kinds: the app renders the service-specific ones; the server does "drop" and "truncate".
FAULT_KINDS = ("500", "503", "lock", "429", "drop", "truncate")
# A client that has not finished its TLS handshake by then is dropped (its thread freed).
HANDSHAKE_SECONDS = 10.0


@dataclass
class Request:
    """One HTTP request as the apps see it."""

    method: str
    path: str  # percent-decoded, without the query string
    query: dict[str, str]
    headers: dict[str, str]  # keys lower-cased
    body: bytes
    params: dict[str, str] = field(default_factory=dict)  # filled by the router
    raw_path: str = ""  # path + query as sent

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError as exc:
            raise HttpError(Response.json({"error": f"malformed JSON: {exc}"}, 400)) from exc

    def form(self) -> dict[str, str]:
        pairs = urllib.parse.parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return dict(pairs)


@dataclass
class Response:
    """An HTTP response; `body` is bytes, always sent with a Content-Length."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        try:
            body = orjson.dumps(data)  # several times json's speed: 2,000 records a page
        except TypeError:  # what orjson will not write (a lone surrogate, a non-str key)
            body = json.dumps(data, separators=(",", ":")).encode()
        return cls(status, body, {"Content-Type": "application/json;charset=UTF-8", **(headers or {})})

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain") -> Response:
        return cls(status, text.encode(), {"Content-Type": f"{content_type};charset=UTF-8"})

    @classmethod
    def html(cls, html: str, status: int = 200) -> Response:
        return cls.text(html, status, "text/html")

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Response:
        return cls(status, b"", {"Location": location})

    @classmethod
    def empty(cls, status: int = 204) -> Response:
        return cls(status)


class HttpError(Exception):
    """Raise anywhere in a handler to answer with `response`."""

    def __init__(self, response: Response):
        super().__init__(response.status)
        self.response = response


Handler = Callable[[Request], Response]


class Router:
    """Method + regex routes; `{name}` in a pattern matches one path segment into request.params."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler, str]] = []

    def add(self, method: str, pattern: str, handler: Handler, name: str | None = None) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern.rstrip("/"))
        self._routes.append((method.upper(), re.compile(f"^{regex}/?$"), handler, name or pattern))

    def route(self, method: str, pattern: str, name: str | None = None) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            self.add(method, pattern, handler, name)
            return handler

        return decorate

    def match(self, request: Request) -> tuple[Handler, str] | None:
        """The handler and route name for a request; raises 405 when only the method is wrong."""
        path_found = False
        for method, regex, handler, name in self._routes:
            m = regex.match(request.path)
            if not m:
                continue
            path_found = True
            if method == request.method:
                request.params = {k: urllib.parse.unquote(v) for k, v in m.groupdict().items()}
                return handler, name
        if path_found:
            raise HttpError(Response.json({"error": "method not allowed"}, 405))
        return None


class Faults:
    """What the sandbox should get wrong, and how slowly; changed at run time by control endpoints."""

    def __init__(self, latency_ms: float = 0.0, fail_rate: float = 0.0, kinds: tuple[str, ...] = FAULT_KINDS):
        self._lock = threading.Lock()
        self.latency_ms = latency_ms
        self.fail_rate = fail_rate
        self.kinds = tuple(kinds)
        self.poison = ""  # a request whose body holds this text always fails, as `poison_kind`
        self.poison_kind = "500"
        self._rng = random.Random()

    def configure(self, latency_ms: float | None = None, fail_rate: float | None = None,
                  kinds: list[str] | None = None, seed: int | None = None,
                  poison: str | None = None, poison_kind: str | None = None) -> None:
        with self._lock:
            if poison is not None:
                self.poison = str(poison)
            if poison_kind is not None:
                if poison_kind not in ("500", "503", "lock", "429"):
                    raise ValueError("poison_kind must be one of 500, 503, lock, 429")
                self.poison_kind = poison_kind
            if latency_ms is not None:
                self.latency_ms = float(latency_ms)
            if fail_rate is not None:
                if not 0.0 <= float(fail_rate) <= 1.0:
                    raise ValueError("fail_rate must be between 0 and 1")
                self.fail_rate = float(fail_rate)
            if kinds is not None:
                unknown = set(kinds) - set(FAULT_KINDS)
                if unknown:
                    raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {list(FAULT_KINDS)}")
                self.kinds = tuple(kinds)
            if seed is not None:
                self._rng.seed(seed)

    def poisoned(self, body: bytes) -> str | None:
        """The fault of a request whose body holds the poison text (every try of it, not by
        chance), or None."""
        with self._lock:
            return self.poison_kind if self.poison and self.poison.encode() in body else None

    def pick(self) -> str | None:
        """A fault for this call, or None."""
        with self._lock:
            if self.fail_rate <= 0 or not self.kinds or self._rng.random() >= self.fail_rate:
                return None
            return self._rng.choice(self.kinds)

    def coin(self) -> bool:
        with self._lock:
            return self._rng.random() < 0.5

    def as_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"latency_ms": self.latency_ms, "fail_rate": self.fail_rate,
                                 "kinds": list(self.kinds)}
        if self.poison:
            shown |= {"poison": self.poison, "poison_kind": self.poison_kind}
        return shown


class CallCounter:
    """Counts API calls by route name and times the sandbox's own work on each (control endpoints
    are neither counted nor timed).

    The time is the handler's, from after the injected latency to the answer ready to send: what
    the stand-in itself costs, so that a benchmark can tell a slow sandbox from a slow client.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._seconds: Counter[str] = Counter()
        self._longest: dict[str, float] = {}
        self._now: Counter[str] = Counter()  # calls of each route being handled at this moment
        self._peak: Counter[str] = Counter()  # ... and the most at once, for overlap tests

    def add(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1
            self._now[name] += 1
            self._peak[name] = max(self._peak[name], self._now[name])

    def left(self, name: str) -> None:
        """A call counted by `add` has its answer."""
        with self._lock:
            self._now[name] -= 1

    def peak(self, name: str) -> int:
        """The most calls of this route handled at once since the last reset."""
        with self._lock:
            return self._peak[name]

    def timed(self, name: str, seconds: float) -> None:
        with self._lock:
            # Counter is typed for int counts; this one sums float seconds, which it does fine.
            self._seconds[name] += seconds  # type: ignore[assignment]
            self._longest[name] = max(self._longest.get(name, 0.0), seconds)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"total": sum(self._counts.values()), "by_route": dict(self._counts)}

    def stats(self) -> dict[str, Any]:
        """Calls and handler milliseconds, in all and by route (GET /__sandbox__/stats)."""
        with self._lock:
            by_route = {name: {"calls": n, "ms": round(self._seconds[name] * 1000, 3),
                               "max_ms": round(self._longest.get(name, 0.0) * 1000, 3),
                               "peak_at_once": self._peak[name]}
                        for name, n in self._counts.items()}
            return {"calls": sum(self._counts.values()),
                    "ms": round(sum(self._seconds.values()) * 1000, 3), "by_route": by_route}

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._seconds.clear()
            self._longest.clear()
            self._peak = Counter({name: n for name, n in self._now.items() if n})

    def register(self, router: Router) -> None:
        """GET and DELETE /__sandbox__/calls, GET /__sandbox__/stats: the same for both services."""
        def clear(request: Request) -> Response:
            self.reset()
            return Response.json(self.snapshot())

        base = CONTROL_PREFIX.rstrip("/")
        router.add("GET", f"{base}/calls", lambda request: Response.json(self.snapshot()),
                   "control/calls")
        router.add("DELETE", f"{base}/calls", clear, "control/calls")
        router.add("GET", f"{base}/stats", lambda request: Response.json(self.stats()),
                   "control/stats")


def register_clock(router: Router, clock: SandboxClock) -> None:
    """POST /__sandbox__/clock {"advance_seconds"}: move the sandbox clock forward (both services
    of a sandbox share it); answers {"now", "offset_seconds"}."""
    def advance(request: Request) -> Response:
        body = request.json() if request.body else {}
        seconds = body.get("advance_seconds") if isinstance(body, dict) else None
        try:
            clock.advance(seconds)  # type: ignore[arg-type]
        except ValueError as exc:
            raise HttpError(Response.json({"error": str(exc)}, 400)) from None
        return Response.json({"now": clock.datetime().isoformat(), "offset_seconds": clock.offset})

    router.add("POST", f"{CONTROL_PREFIX}clock", advance, "control/clock")


class App(Protocol):
    """A stand-in service."""

    router: Router
    faults: Faults
    calls: CallCounter

    def fault_response(self, kind: str, request: Request) -> Response:
        """The service's own way of saying 500 / 503 / lock / 429."""

    def before_call(self, request: Request) -> None:
        """Hook run before an API call's handler (for example: count toward an API limit)."""

    def after_call(self, request: Request, response: Response) -> None:
        """Hook run after an API call's handler (for example: add a Sforce-Limit-Info header)."""


class _DropConnection(Exception):
    pass


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    # Headers and body leave in one buffered write with Nagle off: written separately, a small
    # body waits for the peer's delayed ACK (~40 ms a call on Linux).
    wbufsize = -1
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet by design
        pass

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The Date header on the service's own clock: a real org's Date is its clock, the one
        its stamps use, so a test that moves the sandbox clock moves it too."""
        clock = getattr(self.server.app, "clock", None)
        if timestamp is None and clock is not None:
            timestamp = clock.time()
        return super().date_time_string(timestamp)

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._serve()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_GET

    def _read_request(self) -> Request:
        parsed = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
        headers = {k.lower(): v for k, v in self.headers.items()}
        return Request(self.command, urllib.parse.unquote(parsed.path), query, headers, body,
                       raw_path=self.path)

    def _serve(self) -> None:
        app = self.server.app
        request = self._read_request()
        try:
            response = self._dispatch(app, request)
        except _DropConnection:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self._write(response)

    def _dispatch(self, app: App, request: Request) -> Response:
        try:
            found = app.router.match(request)
            if found is None:
                return Response.json([{"errorCode": "NOT_FOUND",
                                       "message": "The requested resource does not exist"}], 404)
            handler, name = found
            if request.path.startswith(CONTROL_PREFIX):
                return handler(request)
            app.calls.add(name)
            try:
                return self._handle(app, request, handler, name)
            finally:
                app.calls.left(name)
        except HttpError as exc:
            return exc.response

    def _handle(self, app: App, request: Request, handler: Any, name: str) -> Response:
        try:
            faults = app.faults
            if faults.latency_ms:
                time.sleep(faults.latency_ms / 1000.0)
            fault = faults.poisoned(request.body) or faults.pick()
            if fault == "drop" and faults.coin():
                raise _DropConnection  # before the work: nothing happened
            if fault in ("500", "503", "lock", "429"):
                return app.fault_response(fault, request)
            started = time.perf_counter()
            try:
                app.before_call(request)
                response = handler(request)
                app.after_call(request, response)
            finally:
                spent = time.perf_counter() - started
                app.calls.timed(name, spent)
            # Server-Timing (W3C): the stand-in's own time, so a client can set it beside its own.
            response.headers["Server-Timing"] = f"app;dur={spent * 1000:.3f}"
            if fault == "drop":
                raise _DropConnection  # after the work: it happened, but the client never hears
            if fault == "truncate" and len(response.body) > 1:
                response.body = response.body[: len(response.body) // 2]
            return response
        except HttpError as exc:
            return exc.response

    def _write(self, response: Response) -> None:
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: App, ssl_context: ssl.SSLContext):
        super().__init__(address, _RequestHandler)
        self.app = app
        self.ssl_context = ssl_context

    def finish_request(self, request: Any, client_address: Any) -> None:
        # TLS per accepted connection, on that connection's own thread: wrapping the listening
        # socket instead made accept() do the handshake, so one client that connected and said
        # nothing held up every other one.
        request.settimeout(HANDSHAKE_SECONDS)
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (OSError, ValueError):
            return  # a failed or stalled handshake: wrap_socket has closed the socket
        tls.settimeout(None)  # after the handshake, a kept-alive connection may idle
        try:
            super().finish_request(tls, client_address)
        finally:
            self.shutdown_request(tls)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up mid-request are normal here.
        pass


class RunningServer:
    """A server answering on its own thread until stop()."""

    def __init__(self, app: App, host: str, port: int, ssl_context: ssl.SSLContext):
        self._server = _Server((host, port), app, ssl_context)
        self.host = host
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"sandbox:{self.port}",
                                         kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}"

    def start(self) -> RunningServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def serve(app: App, host: str = "127.0.0.1", port: int = 0, *, ssl_context: ssl.SSLContext) -> RunningServer:
    """Start serving `app` over TLS on a background thread; port 0 picks a free port."""
    return RunningServer(app, host, port, ssl_context).start()

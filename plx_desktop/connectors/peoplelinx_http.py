"""The PeopleLinx client's transport: one HTTPS session, error mapping, retries, call counting.

Every failure becomes one of connectors.errors' exceptions; messages say what went wrong in plain
words and never carry the API key (it only ever lives in the session's Authorization header).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from plx_desktop.connectors.errors import (
    AuthError,
    ConnectorError,
    NetworkError,
    RequestError,
    TransientError,
)
from plx_desktop.connectors.retry import RetryPolicy, parse_retry_after
from plx_desktop.domain import json_text

log = logging.getLogger("plx_desktop.connectors.peoplelinx")

DEFAULT_TIMEOUT = (10.0, 120.0)  # (connect, read) seconds; a 500-item batch can take a while
USER_AGENT = "plx-desktop/0.1 (+PeopleLinx client)"


class Transport:
    """Sends one API call (with retries) and returns its decoded JSON body."""

    def __init__(self, base_url: str, api_key: str, *, ca_file: str | Path | None,
                 retry: RetryPolicy, timeout: tuple[float, float], pool_size: int):
        if not api_key:
            raise AuthError("No PeopleLinx API key is set: paste one under Connections.")
        self.base_url = base_url.rstrip("/")
        self.retry = retry
        self.timeout = timeout
        self._ca_file = ca_file
        self._pool_size = pool_size
        # requests.Session is not documented as thread-safe: each call in flight takes a session
        # of its own from this free list (as many sessions as calls ever ran at once, each with
        # its kept-alive connection), and gives it back when its answer is read.
        self._free: list[requests.Session] = []
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._calls = 0
        first = self._new_session({"Authorization": f"Bearer {api_key}"})
        # The key lives only in the sessions' headers; later sessions copy the first one's.
        self._headers = first.headers
        self._sessions.append(first)
        self._free.append(first)

    def _new_session(self, auth: Mapping[str, str | bytes] | None = None) -> requests.Session:
        session = requests.Session()
        # REQUESTS_CA_BUNDLE and proxies from the environment would override `verify`.
        session.trust_env = False
        session.verify = str(self._ca_file) if self._ca_file else True
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=self._pool_size, max_retries=0)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        session.headers.update(auth if auth is not None else self._headers)
        session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
        return session

    def _take(self) -> requests.Session:
        with self._lock:
            if self._free:
                return self._free.pop()
        session = self._new_session()
        with self._lock:
            self._sessions.append(session)
        return session

    def _give(self, session: requests.Session) -> None:
        with self._lock:
            self._free.append(session)

    @property
    def calls_made(self) -> int:
        """HTTP requests sent so far, retries included."""
        with self._lock:
            return self._calls

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions, self._free = self._sessions, [], []
        for session in sessions:
            session.close()

    def call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
             json: Any = None) -> Any:
        """Send `method path`, retrying transient failures; the decoded JSON answer."""
        headers = {}
        if method == "POST":
            # The same key on every retry: the service replays its first answer, never writes twice.
            headers["Idempotency-Key"] = str(uuid.uuid4())

        def on_retry(exc: TransientError, attempt: int) -> None:
            log.info("PeopleLinx %s %s failed (try %d): %s; retrying", method, path, attempt,
                     exc.reason)

        return self.retry.call(lambda: self._send(method, path, params, json, headers), on_retry)

    def _send(self, method: str, path: str, params: Mapping[str, Any] | None, body: Any,
              headers: dict[str, str]) -> Any:
        with self._lock:
            self._calls += 1
        where = f"PeopleLinx {method} {path}"
        if body is not None:
            # orjson (domain/json_text.py): a 500-person batch encoded by the standard library
            # was a large share of a sync's CPU.
            data: bytes | None = json_text.dumps_bytes(body, default=None)
            headers = {**headers, "Content-Type": "application/json"}
        else:
            data = None
        session = self._take()
        try:
            response = session.request(method, self.base_url + path, params=params, data=data,
                                       headers=headers, timeout=self.timeout)
        except requests.exceptions.SSLError as exc:
            raise NetworkError(f"{where}: the secure connection failed (certificate not trusted?): "
                               f"{type(exc).__name__}") from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise NetworkError(f"{where}: could not reach PeopleLinx ({type(exc).__name__})") \
                from None
        except requests.exceptions.RequestException as exc:
            raise TransientError(f"{where}: the answer was cut short ({type(exc).__name__})") \
                from None
        finally:
            self._give(session)  # the body is read already (not streamed)
        log.debug("%s -> %d", where, response.status_code)
        try:
            answer = json_text.loads(response.content)
        except ValueError:
            answer = None
        if 200 <= response.status_code < 300:
            if answer is None and response.content:
                raise TransientError(f"{where}: PeopleLinx sent an incomplete or invalid answer",
                                     status=response.status_code)
            return answer
        raise self._error(where, response, answer)

    @staticmethod
    def _error(where: str, response: requests.Response, data: Any) -> ConnectorError:
        status = response.status_code
        detail = data.get("error") if isinstance(data, dict) else None
        if isinstance(detail, dict):
            code, message = detail.get("code"), str(detail.get("message") or "")
            field = detail.get("field")
        else:
            code, message, field = None, f"HTTP {status} {response.reason}", None
        reason = f"{where}: {message}"
        if status in (401, 403):
            return AuthError(f"{where}: PeopleLinx refused the API key ({message})", code=code,
                             status=status)
        if status == 429:
            return TransientError(reason, code=code, status=status,
                                  retry_after=parse_retry_after(response.headers.get("Retry-After")))
        if status >= 500 or (status == 409 and code == "conflict_retry") or detail is None:
            # No PeopleLinx error body on a 4xx means a proxy or a broken answer: try again.
            return TransientError(reason, code=code, status=status)
        return RequestError(reason, code=code, status=status, fields=[field] if field else None)

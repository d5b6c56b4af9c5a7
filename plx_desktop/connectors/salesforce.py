"""The Salesforce client: describe, changed-record queries, batched writes, on simple-salesforce.

Every call goes through SalesforceClient._call, which stops before the API usage cap, maps every
failure to plx_desktop.connectors.errors, renews an expired session once, and retries transient
failures with the RetryPolicy. Writes go through sObject Collections (200 a call, allOrNone false)
and come back as one RecordResult per record, in order; per-record errors are returned, never
raised. Bulk API 2.0 lives in salesforce_bulk.py.

Writes carry the org-rule headers Salesforce documents (REST API Developer Guide: "Assignment Rule
Header", "Duplicate Rule Header"): an update always sends `Sforce-Auto-Assign: FALSE`, so that
syncing a field never hands a lead to another owner; a create or upsert runs the org's active
assignment rules only when asked (`assign=True`), and saves past an alerting duplicate rule only
with `allow_duplicates=True` (`Sforce-Duplicate-Rule-Header: allowSave=true`).

Create is not idempotent: a connection dropped after Salesforce did the work and then retried can
create a record twice. The engine writes through upsert on the PeopleLinx external ids for that
reason.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter
from simple_salesforce import Salesforce, format_soql

from plx_desktop.connectors import sf_auth
from plx_desktop.connectors.errors import ApiLimitError, AuthError, TransientError
from plx_desktop.connectors.retry import RetryPolicy
from plx_desktop.connectors.salesforce_errors import SessionExpired, map_exception
from plx_desktop.connectors.salesforce_models import (
    ApiUsage,
    FieldDescription,
    ObjectDescription,
    ObjectSummary,
    RecordResult,
    SalesforceConnection,
)
from plx_desktop.domain import json_text
from plx_desktop.domain.datetimes import parse_datetime

__all__ = ["ApiUsage", "FieldDescription", "ObjectDescription", "ObjectSummary", "RecordResult",
           "SalesforceClient", "SalesforceConnection"]

T = TypeVar("T")
COLLECTION_SIZE = 200
READS_IN_FLIGHT = 4  # chunks of one IN query asked at once (Salesforce limits only long requests)
IN_CHUNK = 200  # values per IN (...) list: a SOQL statement's length is limited (100,000 characters)
_POOL_SIZE = 8  # connections kept open to the org, for every thread's session together
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_FIELD_PATH = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")
_RECORD_ID = re.compile(r"^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$")


def _check_name(name: str, what: str = "object") -> str:
    if not _NAME.match(name):
        raise ValueError(f"Not a Salesforce {what} name: {name!r}")
    return name


def soql_datetime(value: str | datetime) -> str:
    """A SOQL datetime literal with milliseconds, in UTC: 2026-01-31T12:00:00.000Z."""
    moment = parse_datetime(value).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def to_json_value(value: Any) -> Any:
    """json.dumps default: datetimes as Salesforce writes them, dates as YYYY-MM-DD."""
    if isinstance(value, datetime):
        value = parse_datetime(value).astimezone(UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"Cannot send a {type(value).__name__} to Salesforce")


def rule_headers(assign: bool, allow_duplicates: bool) -> dict[str, str]:
    """The Assignment Rule and Duplicate Rule headers of a write."""
    headers = {"Sforce-Auto-Assign": "TRUE" if assign else "FALSE"}
    if allow_duplicates:
        headers["Sforce-Duplicate-Rule-Header"] = "allowSave=true"
    return headers


def _clean(record: Any) -> Any:
    """A record without the "attributes" noise; parent records stay nested dicts."""
    if isinstance(record, dict):
        # Only parents and lists are walked into: a call per scalar value was most of the cost.
        return {k: _clean(v) if isinstance(v, dict | list) else v for k, v in record.items()
                if k != "attributes"}
    if isinstance(record, list):
        return [_clean(v) for v in record]
    return record


def _cleaned(records: list[Any]) -> list[Any]:
    """A page's records without their "attributes", in place: the page was parsed for this call
    alone, so no copy of each record is made (a query page of 2,000 was copied whole, one dict
    per record); only a record holding a parent or a list is walked into."""
    for record in records:
        if type(record) is not dict:
            return [_clean(r) for r in records]  # not the shape Salesforce answers with
        record.pop("attributes", None)
        kinds = set(map(type, record.values()))  # one pass in C over the values
        if dict in kinds or list in kinds:
            for key, value in record.items():
                if isinstance(value, dict | list):
                    record[key] = _clean(value)
    return records


class _Salesforce(Salesforce):
    """simple-salesforce with its answers parsed by orjson (domain/json_text.py): a 2,000-record
    query page parsed by the standard library was a large share of a sync's CPU. The same dicts
    come back (the client asks for plain dicts and float numbers)."""

    def parse_result_to_json(self, result: requests.Response) -> Any:
        return json_text.loads(result.content)


class _Renewal:
    """Whether one call has renewed the session already (it renews at most once)."""

    done = False


class _RowsLocked(TransientError):
    """Some records of a batch came back UNABLE_TO_LOCK_ROW: they go again, the others are done."""


def _refused_after_renewal() -> AuthError:
    return AuthError("Salesforce refused the session even after renewing it; connect again",
                     code="INVALID_SESSION_ID", status=401)


class _ApiSession(sf_auth.TimeoutSession):
    """One thread's session: counts HTTP calls and reads Sforce-Limit-Info from every answer."""

    def __init__(self, before: Callable[[], None], after: Callable[[requests.Response], None]):
        super().__init__()
        self._before, self._after = before, after

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        self._before()
        response = super().request(method, url, *args, **kwargs)
        self._after(response)
        return response


class _ThreadState(threading.local):
    """What each thread calls Salesforce with: its own requests session (a Session's cookies,
    headers and adapters are not made to be shared by threads; urllib3's pool is, and all of
    them share one) and its own simple-salesforce object on the login as it stood when made."""

    session: _ApiSession | None = None
    sf: _Salesforce | None = None
    login: tuple[str, str] = ("", "")  # (instance URL, access token) that `sf` was made with
    last_response: requests.Response | None = None


class _Meter:
    """What every answer tells, whichever thread's session got it: the calls made, today's API
    usage (Sforce-Limit-Info), Salesforce's clock (the Date header)."""

    def __init__(self, local: _ThreadState):
        self._local = local
        self._lock = threading.Lock()
        self.calls_made = 0
        self.usage: ApiUsage | None = None
        self.server_time: datetime | None = None

    def count_call(self) -> None:
        with self._lock:
            self.calls_made += 1

    def on_response(self, response: requests.Response) -> None:
        self._local.last_response = response  # the calling thread's, for error mapping
        stamp = response.headers.get("Date")
        if stamp:
            try:
                self.server_time = parse_datetime(stamp)
            except ValueError:
                pass  # a proxy's odd header: keep the last good one
        info = response.headers.get("Sforce-Limit-Info")
        if info:
            usage = Salesforce.parse_api_usage(info).get("api-usage")
            if usage is not None:
                self.usage = ApiUsage(used=usage.used, limit=usage.total)


class SalesforceClient:
    """One Salesforce org, as one user. Safe to use from a few threads at once: each thread
    has a session of its own, over one pool of connections."""

    def __init__(self, connection: SalesforceConnection, *, retry: RetryPolicy | None = None,
                 on_tokens_refreshed: Callable[[str], None] | None = None, usage_cap: float = 0.9,
                 bulk_poll_seconds: float = 1.0, bulk_timeout: float = 3600.0,
                 renewer: Callable[[str], sf_auth.Tokens] | None = None):
        """`renewer`: given the access token Salesforce refused, the tokens to go on with (the
        saved login's one refresher, sf_login.LoginRefresher); without it the client refreshes
        its own connection's refresh token."""
        self.connection = connection
        self.retry = retry or RetryPolicy()
        self.on_tokens_refreshed = on_tokens_refreshed
        self.renewer = renewer
        self.usage_cap = usage_cap
        self.bulk_poll_seconds = bulk_poll_seconds
        self.bulk_timeout = bulk_timeout
        self._local = _ThreadState()
        # Every thread's session reports here; a copy of the client (inflight's calls tried
        # once) shares it, so its calls count and tell the time as the client's own.
        self._meter = _Meter(self._local)
        self._refresh_lock = threading.Lock()
        self._pool = HTTPAdapter(pool_connections=_POOL_SIZE, pool_maxsize=_POOL_SIZE)
        self._reader_pool: ThreadPoolExecutor | None = None
        self._reader_lock = threading.Lock()

    @property
    def session(self) -> _ApiSession:
        """This thread's requests session (made on its first call), over the client's pool."""
        local = self._local
        if local.session is None:
            session = sf_auth.make_session(self.connection.ca_file, adapter=self._pool,
                                           session_class=self._session_class())
            assert isinstance(session, _ApiSession)  # make_session builds the class it is given
            local.session = session
        return local.session

    @property
    def sf(self) -> _Salesforce:
        """This thread's simple-salesforce object, made again once the login has changed (a
        renewed access token, an org that moved to another address)."""
        local, conn = self._local, self.connection
        login = (conn.instance_url, conn.access_token)
        if local.sf is None or local.login != login:
            local.sf = _Salesforce(instance_url=conn.instance_url, session_id=conn.access_token,
                                   session=self.session, version=conn.api_version,
                                   object_pairs_hook=dict)
            local.login = login
        return local.sf

    def _session_class(self) -> type[_ApiSession]:
        meter = self._meter

        class Session(_ApiSession):
            def __init__(self) -> None:
                super().__init__(meter.count_call, meter.on_response)

        return Session

    def __repr__(self) -> str:
        return f"SalesforceClient({self.connection!r})"

    def close(self) -> None:
        if self._reader_pool is not None:
            self._reader_pool.shutdown(wait=True, cancel_futures=True)
        self._pool.close()  # every thread's session sends through it

    def __enter__(self) -> SalesforceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- bookkeeping ----------------------------------------------------------------------

    @property
    def api_usage(self) -> ApiUsage | None:
        """Today's API usage as of the last answer (None before the first call)."""
        return self._meter.usage

    @property
    def server_time(self) -> datetime | None:
        """Salesforce's clock (to the second) as of the last answer's Date header."""
        return self._meter.server_time

    @property
    def calls_made(self) -> int:
        """HTTP calls sent so far, retries included (for benchmarks)."""
        return self._meter.calls_made

    def _check_usage(self) -> None:
        usage = self._meter.usage
        if usage is not None and usage.fraction >= self.usage_cap:
            raise ApiLimitError(
                f"Salesforce API usage is at {usage.fraction * 100:.0f}% of today's limit "
                f"(cap {self.usage_cap * 100:.0f}%); the sync stops until the limit resets or the "
                "cap is raised", code="USAGE_CAP")

    # -- the one way every call is made ---------------------------------------------------

    def _run(self, work: Callable[[], T]) -> T:
        self._local.last_response = None
        try:
            return work()
        except Exception as exc:  # noqa: BLE001 - every failure is mapped or re-raised as is
            mapped = map_exception(exc, self._local.last_response)
            if mapped is None or mapped is exc:
                raise
            raise mapped from exc

    def _call(self, work: Callable[[], T]) -> T:
        """Run `work` (simple-salesforce calls) with the cap, error mapping, renewal and retries.

        Retries are one level: the policy's tries are the only loop, and everything that goes
        again within one call (a transient failure, a failed renewal of the session, locked
        rows in _in_batches) spends the same budget."""
        renewal = _Renewal()
        return self.retry.call(lambda: self._try(work, renewal))

    def _try(self, work: Callable[[], T], renewal: _Renewal) -> T:
        """One try of a call. A refused session is renewed (once per call) and the work sent
        again at once, within this try; a renewal that fails transiently is the try's failure."""
        self._check_usage()
        token_used = self.sf.session_id
        try:
            return self._run(work)
        except SessionExpired:
            if renewal.done:
                raise _refused_after_renewal() from None
        self._renew_session(token_used)
        renewal.done = True
        try:
            return self._run(work)
        except SessionExpired:
            raise _refused_after_renewal() from None

    def _renew_session(self, token_used: str) -> None:
        with self._refresh_lock:
            conn = self.connection
            if conn.access_token != token_used:
                return  # another thread already renewed it
            tokens = self.renewer(token_used) if self.renewer else self._refresh_own()
            if tokens.refresh_token:
                conn.refresh_token = tokens.refresh_token
            if tokens.instance_url and tokens.instance_url.rstrip("/") != conn.instance_url.rstrip("/"):
                # The org moved (a My Domain rename): talk to where Salesforce says it is now.
                conn.instance_url = tokens.instance_url.rstrip("/")
            # Last: each thread's simple-salesforce object is made again on the new login.
            conn.access_token = tokens.access_token
        if self.on_tokens_refreshed is not None:
            self.on_tokens_refreshed(tokens.access_token)

    def _refresh_own(self) -> sf_auth.Tokens:
        """Refresh with the connection's own refresh token (the sandbox's standing login).

        Not retried: with rotation, presenting a refresh token a second time after an answer was
        lost would revoke the whole login.
        """
        conn = self.connection
        if not conn.refresh_token or not conn.client_id:
            raise AuthError("The Salesforce session expired and there is no saved login to "
                            "renew it; connect again", code="INVALID_SESSION_ID")
        return sf_auth.refresh(conn.token_url, conn.client_id, conn.refresh_token or "",
                               conn.ca_file)

    # -- reading --------------------------------------------------------------------------

    def userinfo(self) -> dict[str, Any]:
        """The signed-in user: organization_id, user_id, preferred_username, name, email..."""
        data = self._call(lambda: self.sf.oauth2("userinfo"))
        return dict(data or {})

    def limits(self) -> dict[str, Any]:
        return dict(self._call(lambda: self.sf.limits()))

    def describe_global(self) -> list[ObjectSummary]:
        data = self._call(lambda: self.sf.restful("sobjects")) or {}
        return [ObjectSummary(name=o["name"], label=o.get("label", o["name"]),
                              custom=bool(o.get("custom")), createable=bool(o.get("createable")),
                              updateable=bool(o.get("updateable")),
                              queryable=bool(o.get("queryable", True)))
                for o in data.get("sobjects", [])]

    def describe(self, sobject: str) -> ObjectDescription:
        _check_name(sobject)
        data = self._call(lambda: self.sf.restful(f"sobjects/{sobject}/describe")) or {}
        return ObjectDescription(name=data.get("name", sobject), label=data.get("label", sobject),
                                 fields=[FieldDescription.from_describe(f) for f in data.get("fields", [])])

    def iter_query(self, soql: str, include_deleted: bool = False,
                   page_size: int | None = None) -> Iterator[list[dict[str, Any]]]:
        """The query's records a page at a time (2,000 by default), following nextRecordsUrl."""
        headers = {"Sforce-Query-Options": f"batchSize={int(page_size)}"} if page_size else {}
        result = self._call(lambda: self.sf.query(soql, include_deleted=include_deleted,
                                                  headers=headers))
        while True:
            yield _cleaned(result.get("records", []))
            next_url = result.get("nextRecordsUrl")
            if result.get("done", True) or not next_url:
                return
            result = self._call(partial(self.sf.query_more, next_url, identifier_is_url=True,
                                        headers=headers))

    def iter_query_in(self, soql: str, values: Sequence[str], *, include_deleted: bool = False,
                      chunk: int = IN_CHUNK) -> Iterator[list[dict[str, Any]]]:
        """The records of `soql` for these values, a page at a time, asked `chunk` values at a
        time: every `{}` in `soql` is one IN list (format_soql quotes each value), e.g.
        "SELECT Id FROM Lead WHERE Id IN {}". Nothing is asked for no values.

        The pages come in the order of the values' chunks, as if asked one after another; but
        up to READS_IN_FLIGHT chunks are asked at once (5,000 Account names were 25 queries one
        after another, a round trip each), so a failure may come after later chunks were sent."""
        values = list(values)
        texts = [format_soql(soql, *[values[start:start + chunk]] * soql.count("{}"))
                 for start in range(0, len(values), chunk)]
        if len(texts) < 2:
            for text in texts:
                yield from self.iter_query(text, include_deleted=include_deleted)
            return

        def whole(text: str) -> list[list[dict[str, Any]]]:
            return list(self.iter_query(text, include_deleted=include_deleted))

        asked: deque[Future[list[list[dict[str, Any]]]]] = deque()
        waiting = iter(texts)
        try:
            for text in itertools.islice(waiting, READS_IN_FLIGHT):
                asked.append(self._readers().submit(whole, text))
            while asked:
                pages = asked.popleft().result()
                following = next(waiting, None)
                if following is not None:
                    asked.append(self._readers().submit(whole, following))
                yield from pages
        finally:
            for future in asked:
                future.cancel()  # the caller stopped early (or a chunk failed): ask no more

    def _readers(self) -> ThreadPoolExecutor:
        """The threads that ask several chunks of an IN query at once (made on first use)."""
        with self._reader_lock:
            if self._reader_pool is None:
                self._reader_pool = ThreadPoolExecutor(READS_IN_FLIGHT,
                                                       thread_name_prefix="sf-read")
            return self._reader_pool

    def changed_soql(self, sobject: str, fields: list[str], since: str | datetime | None,
                     where: str | None = None, after_id: str | None = None,
                     deleted_too: bool = False) -> str:
        """SELECT fields FROM obj WHERE SystemModstamp >= :since [AND (where)] ORDER BY SystemModstamp, Id.

        `where` is SOQL the caller built with proper escaping (the domain's filter compiler).
        With `deleted_too` (for queryAll) a deleted record is selected whatever `where` says: a
        linked record that left the filter and was then deleted must still be seen as deleted.
        With `after_id`, records stamped exactly `since` count only after that Id (the cursor is
        the pair): a poll after a data load that stamped thousands of records in one
        millisecond does not read them all again.
        """
        _check_name(sobject)
        wanted = list(dict.fromkeys(["Id", "SystemModstamp", *fields]))
        for name in wanted:
            if not _FIELD_PATH.match(name):
                raise ValueError(f"Not a Salesforce field name: {name!r}")
        conditions = []
        if since is not None:
            # SOQL datetimes are unquoted literals. format_soql would drop the milliseconds, and
            # then every poll re-reads the whole last second; this text comes from a datetime
            # object, never from the caller's string, so nothing can be injected through it.
            stamp = soql_datetime(since)
            conditions.append(format_soql("SystemModstamp >= {:literal}", stamp))
            if after_id:
                if not _RECORD_ID.match(after_id):
                    raise ValueError(f"Not a Salesforce record id: {after_id!r}")
                conditions.append(format_soql("(SystemModstamp > {:literal} OR Id > {})",
                                              stamp, after_id))
        if where and where.strip():
            if deleted_too:
                conditions.append(format_soql("(IsDeleted = true OR ({:literal}))", where.strip()))
            else:
                conditions.append(format_soql("({:literal})", where.strip()))
        return format_soql("SELECT {:literal} FROM {:literal}{:literal} ORDER BY SystemModstamp, Id",
                           ", ".join(wanted), sobject,
                           " WHERE " + " AND ".join(conditions) if conditions else "")

    def iter_changed(self, sobject: str, fields: list[str], since: str | datetime | None,
                     where: str | None = None, page_size: int | None = None,
                     include_deleted: bool = False,
                     after_id: str | None = None) -> Iterator[list[dict[str, Any]]]:
        """Records of `sobject` modified at or after `since` (after `after_id` at `since`
        itself), oldest first, a page at a time."""
        soql = self.changed_soql(sobject, fields, since, where, after_id, deleted_too=include_deleted)
        return self.iter_query(soql, include_deleted=include_deleted, page_size=page_size)

    def deleted_ids(self, sobject: str, start: datetime, end: datetime) -> list[str]:
        """Ids in the object's delete log between start and end (sObject Get Deleted).

        RequestError with code INVALID_REPLICATION_DATE when the log no longer reaches back to
        `start` (purged, or past 15 days): the caller has to reconcile instead.
        """
        _check_name(sobject)
        answer = self._call(lambda: getattr(self.sf, sobject).deleted(start, end)) or {}
        return [str(d["id"]) for d in answer.get("deletedRecords", []) if d.get("id")]

    # -- writing through sObject Collections ----------------------------------------------

    def create(self, sobject: str, records: list[dict[str, Any]], *, assign: bool = False,
               allow_duplicates: bool = False) -> list[RecordResult]:
        _check_name(sobject)
        return self._collections("POST", "composite/sobjects", sobject, records, created=True,
                                 headers=rule_headers(assign, allow_duplicates))

    def update(self, sobject: str, records: list[dict[str, Any]], *,
               allow_duplicates: bool = False) -> list[RecordResult]:
        """Each record carries its Id. Assignment rules never run on an update."""
        _check_name(sobject)
        return self._collections("PATCH", "composite/sobjects", sobject, records, created=False,
                                 headers=rule_headers(False, allow_duplicates))

    def upsert(self, sobject: str, ext_field: str, records: list[dict[str, Any]], *,
               assign: bool = False, allow_duplicates: bool = False) -> list[RecordResult]:
        """Insert or update by the external id field `ext_field`, which every record carries.
        `assign`: run the org's active assignment rules (meant for upserts that create)."""
        _check_name(sobject)
        _check_name(ext_field, "field")
        return self._collections("PATCH", f"composite/sobjects/{sobject}/{ext_field}", sobject,
                                 records, created=False,
                                 headers=rule_headers(assign, allow_duplicates))

    def delete(self, ids: list[str]) -> list[RecordResult]:
        for record_id in ids:
            if not _RECORD_ID.match(record_id):
                raise ValueError(f"Not a Salesforce record id: {record_id!r}")

        def send(chunk: list[Any]) -> Any:
            return self.sf.restful("composite/sobjects", method="DELETE",
                                   params={"ids": ",".join(chunk), "allOrNone": "false"})

        return self._in_batches(list(ids), send, created=False)

    def _collections(self, method: str, path: str, sobject: str, records: list[dict[str, Any]],
                     *, created: bool, headers: dict[str, str] | None = None) -> list[RecordResult]:
        def send(chunk: list[Any]) -> Any:
            body = {"allOrNone": False,
                    "records": [{"attributes": {"type": sobject},
                                 **{k: v for k, v in r.items() if k != "attributes"}} for r in chunk]}
            return self.sf.restful(path, method=method,
                                   data=json_text.dumps_bytes(body, default=to_json_value),
                                   headers=headers or {})

        return self._in_batches(list(records), send, created=created)

    def _in_batches(self, items: list[Any], send: Callable[[list[Any]], Any], *,
                    created: bool) -> list[RecordResult]:
        results: list[RecordResult | None] = [None] * len(items)
        for start in range(0, len(items), COLLECTION_SIZE):
            chunk = list(range(start, min(len(items), start + COLLECTION_SIZE)))
            try:
                self.retry.call(self._batch_sender(items, chunk, send, created, results))
            except _RowsLocked:
                pass  # out of tries: the locked records keep Salesforce's refusal
        return [r for r in results if r is not None]

    def _batch_sender(self, items: list[Any], chunk: list[int], send: Callable[[list[Any]], Any],
                      created: bool, results: list[RecordResult | None]) -> Callable[[], None]:
        """One try of one batch: sends the records still pending and records their results.
        Only locked records are pending again, after a pause, on the call's one retry budget."""
        pending, renewal = chunk, _Renewal()

        def send_pending() -> None:
            nonlocal pending
            records = [items[i] for i in pending]
            answer = self._try(partial(self._checked_answer, send, records), renewal)
            locked = []
            for index, data in zip(pending, answer, strict=True):
                results[index] = result = RecordResult.from_collection(data, created_default=created)
                if result.error_code == "UNABLE_TO_LOCK_ROW":
                    locked.append(index)
            pending = locked
            if locked:
                raise _RowsLocked(f"Salesforce could not lock {len(locked)} records just now",
                                  code="UNABLE_TO_LOCK_ROW")

        return send_pending

    @staticmethod
    def _checked_answer(send: Callable[[list[Any]], Any], chunk: list[Any]) -> list[dict[str, Any]]:
        answer, expected = send(chunk), len(chunk)
        if not isinstance(answer, list) or len(answer) != expected:
            # A cut-off answer we could still parse; ask again.
            raise ValueError(f"expected {expected} results, got {type(answer).__name__}")
        return answer

    # -- Bulk API 2.0 ---------------------------------------------------------------------

    def bulk_upsert(self, sobject: str, ext_field: str, records: list[dict[str, Any]], *,
                    assignment_rule_id: str | None = None) -> list[RecordResult]:
        """Upsert through a Bulk API 2.0 ingest job; one RecordResult per record, in order.
        Bulk jobs run no assignment rule unless one is named (`assignmentRuleId`)."""
        from plx_desktop.connectors.salesforce_bulk import bulk_upsert

        _check_name(sobject)
        _check_name(ext_field, "field")
        if assignment_rule_id is not None and not _RECORD_ID.match(assignment_rule_id):
            raise ValueError(f"Not a Salesforce record id: {assignment_rule_id!r}")
        return bulk_upsert(self, sobject, ext_field, records, assignment_rule_id)

    def bulk_query(self, soql: str, page_size: int = 50000) -> Iterator[list[dict[str, Any]]]:
        """A Bulk API 2.0 query job's records, a page at a time (values as text, blanks as None)."""
        from plx_desktop.connectors.salesforce_bulk import bulk_query

        return bulk_query(self, soql, page_size)

"""The sandbox org's Bulk API 2.0: CSV ingest jobs and query jobs under /services/data/vXX.X/jobs/.

Jobs live in their own SQLite file (bulk2.sqlite3, next to the org's) so they survive restarts. A job
is processed on a background thread once it reaches UploadComplete; every record goes through the
org's create / update / upsert / delete, so validation is exactly that of the REST API.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
from pathlib import Path
from typing import Any

from plx_desktop.sandbox.salesforce.bulk2_csv import (
    cell,
    columns,
    dig,
    error_text,
    failure,
    locator,
    offset,
    typed,
)
from plx_desktop.sandbox.salesforce.bulk2_store import DB_FILE, JobStore, now
from plx_desktop.sandbox.salesforce.ids import new_id
from plx_desktop.sandbox.salesforce.org import Operation
from plx_desktop.sandbox.salesforce.org_rules import WriteOptions
from plx_desktop.sandbox.salesforce.rest import api_route, bearer_token, error
from plx_desktop.sandbox.web import Request, Response, Router

DEFAULT_PAGE = 50_000
INGEST_OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete")
QUERY_OPERATIONS = ("query", "queryAll")
DELIMITERS = {"COMMA": ",", "TAB": "\t", "PIPE": "|", "SEMICOLON": ";", "CARET": "^",
              "BACKQUOTE": "`"}
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}
_CHUNK = 2000  # records written per org transaction; an abort is noticed between chunks
_NULL = "#N/A"  # Salesforce's way of setting a field to null from a CSV cell


def register(router: Router, org: Any) -> None:
    """Add the Bulk API 2.0 routes for `org` to `router`."""
    api = _Bulk2(org, JobStore(_state_dir(org) / DB_FILE))
    base = "/services/data/{version}/jobs"
    for path, method, handler in (
        ("/ingest", "POST", api.create_ingest), ("/ingest", "GET", api.list_ingest),
        ("/ingest/{job_id}", "GET", api.get_ingest), ("/ingest/{job_id}", "PATCH", api.patch_ingest),
        ("/ingest/{job_id}", "DELETE", api.delete_ingest),
        ("/ingest/{job_id}/batches", "PUT", api.upload),
        ("/ingest/{job_id}/successfulResults", "GET", api.successful_results),
        ("/ingest/{job_id}/failedResults", "GET", api.failed_results),
        ("/ingest/{job_id}/unprocessedrecords", "GET", api.unprocessed_records),
        ("/ingest/{job_id}/unprocessedRecords", "GET", api.unprocessed_records),
        ("/query", "POST", api.create_query), ("/query", "GET", api.list_query),
        ("/query/{job_id}", "GET", api.get_query), ("/query/{job_id}", "PATCH", api.patch_query),
        ("/query/{job_id}", "DELETE", api.delete_query),
        ("/query/{job_id}/results", "GET", api.query_results),
    ):
        router.add(method, base + path, api_route(org, _ignore_version(handler)), f"jobs{path}")
    api.resume()


def _ignore_version(handler: Any) -> Any:
    return lambda request, _version: handler(request)


def _state_dir(org: Any) -> Path:
    for candidate in (getattr(org, "state_dir", None), getattr(getattr(org, "db", None), "path", None)):
        if candidate is not None:
            path = Path(candidate)
            return path if path.is_dir() else path.parent
    raise RuntimeError("the org has neither state_dir nor db.path: nowhere to keep bulk jobs")


_error = error


class _Bulk2:
    def __init__(self, org: Any, store: JobStore):
        self.org = org
        self.store = store
        self._pending: dict[str, tuple[Any, list[dict[str, Any]]]] = {}  # query results to write

    # -- plumbing ---------------------------------------------------------------------------

    def _user_id(self, request: Request) -> str:
        session = self.org.tokens.check(bearer_token(request))
        if session is None:
            raise _error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        return session["user_id"]

    def _job(self, request: Request, kind: str) -> dict[str, Any]:
        self._user_id(request)
        job = self.store.get(request.params["job_id"], kind)
        if job is None:
            raise _error(404, "NOT_FOUND", "The requested resource does not exist")
        return job

    def _body(self, request: Request) -> dict[str, Any]:
        body = request.json()
        if not isinstance(body, dict):
            raise _error(400, "JSON_PARSER_ERROR", "The request body must be a JSON object")
        return body

    @staticmethod
    def _public(info: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in info.items() if not k.startswith("_")}

    def _new_job(self, request: Request, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        delimiter = body.get("columnDelimiter") or "COMMA"
        line_ending = body.get("lineEnding") or "LF"
        if (body.get("contentType") or "CSV") != "CSV":
            raise _error(400, "INVALIDJOB", "InvalidJob : contentType must be CSV")
        if delimiter not in DELIMITERS:
            raise _error(400, "INVALIDJOB", f"InvalidJob : Invalid column delimiter: {delimiter}")
        if line_ending not in LINE_ENDINGS:
            raise _error(400, "INVALIDJOB", f"InvalidJob : Invalid line ending: {line_ending}")
        job_id = new_id("750")
        created = now()
        version = request.params["version"].lstrip("v")
        return {
            "_kind": kind, "_version": version,
            "id": job_id, "operation": body.get("operation"), "object": None,
            "createdById": self._user_id(request), "createdDate": created,
            "systemModstamp": created, "state": "Open", "concurrencyMode": "Parallel",
            "contentType": "CSV", "apiVersion": float(version),
            "jobType": "V2Ingest" if kind == "ingest" else "V2Query",
            "lineEnding": line_ending, "columnDelimiter": delimiter,
            "numberRecordsProcessed": 0, "retries": 0, "totalProcessingTime": 0,
            "apiActiveProcessingTime": 0, "apexProcessingTime": 0,
        }

    def _listing(self, request: Request, kind: str) -> Response:
        self._user_id(request)
        records = [self._public(j) for j in self.store.all(kind)]
        return Response.json({"done": True, "records": records, "nextRecordsUrl": None})

    def _csv(self, job: dict[str, Any], rows: list[list[Any]]) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=DELIMITERS[job["columnDelimiter"]],
                            lineterminator=LINE_ENDINGS[job["lineEnding"]], quoting=csv.QUOTE_ALL)
        writer.writerows(rows)
        return buffer.getvalue().encode("utf-8")

    def _csv_response(self, body: bytes, headers: dict[str, str] | None = None) -> Response:
        return Response(200, body, {"Content-Type": "text/csv;charset=UTF-8", **(headers or {})})

    def resume(self) -> None:
        """Finish the work a previous run of the sandbox accepted but never did."""
        for kind in ("ingest", "query"):
            for job in self.store.all(kind):
                if job["state"] == "InProgress":
                    # Half-written ingest jobs cannot be replayed without duplicating records.
                    job.update(state="Failed", errorMessage="The sandbox stopped while processing")
                    self.store.put(job)
                elif job["state"] == "UploadComplete":
                    self._start(job["id"], kind)

    def _start(self, job_id: str, kind: str) -> None:
        work = self._process_ingest if kind == "ingest" else self._process_query
        threading.Thread(target=self._run, args=(work, job_id), name=f"bulk2:{job_id}",
                         daemon=True).start()

    def _run(self, work: Any, job_id: str) -> None:
        if not self.store.move(job_id, ("UploadComplete",), "InProgress"):
            self._pending.pop(job_id, None)
            return  # aborted, or another process took it
        started = time.monotonic()
        try:
            outcome = work(job_id)
        except Exception as exc:  # noqa: BLE001 - a job that breaks must say why, not hang
            outcome = {"state": "Failed", "errorMessage": f"InternalServerError : {exc}"}
        with self.store.transaction() as conn:
            row = conn.execute("SELECT info, state FROM bulk_jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                return  # deleted meanwhile
            info = {**json.loads(row[0]), **outcome}
            if row[1] == "Aborted":
                info["state"] = "Aborted"
            elapsed = int((time.monotonic() - started) * 1000)
            info.update(totalProcessingTime=elapsed, apiActiveProcessingTime=elapsed)
            self.store.put(info, conn)

    # -- ingest -----------------------------------------------------------------------------

    def create_ingest(self, request: Request) -> Response:
        body = self._body(request)
        job = self._new_job(request, "ingest", body)
        operation = body.get("operation")
        if operation not in INGEST_OPERATIONS:
            raise _error(400, "INVALIDJOB", f"InvalidJob : Invalid operation: {operation}")
        sobject = self.org.schema.object_name(str(body.get("object") or ""))
        if sobject is None:
            raise _error(400, "INVALIDJOB",
                         f"InvalidJob : Unable to find object: {body.get('object')}")
        job["object"] = sobject
        if body.get("assignmentRuleId"):
            job["assignmentRuleId"] = str(body["assignmentRuleId"])
        if operation == "upsert":
            ext = body.get("externalIdFieldName")
            field = self.org.schema.field(sobject, ext or "")
            if not ext or field is None or not (field.external_id or field.name == "Id"):
                raise _error(400, "INVALIDJOB", f"InvalidJob : Field name provided, {ext}, "
                             f"is not an External ID or indexed field for {sobject}")
            job["externalIdFieldName"] = field.name
        job["contentUrl"] = f"services/data/v{job['_version']}/jobs/ingest/{job['id']}/batches"
        job["numberRecordsFailed"] = 0
        self.store.put(job)
        return Response.json(self._public(job))

    def list_ingest(self, request: Request) -> Response:
        return self._listing(request, "ingest")

    def get_ingest(self, request: Request) -> Response:
        return Response.json(self._public(self._job(request, "ingest")))

    def upload(self, request: Request) -> Response:
        job = self._job(request, "ingest")
        if job["state"] != "Open":
            raise _error(409, "INVALIDJOBSTATE", f"Job {job['id']} is not open for uploads: "
                         f"its state is {job['state']}")
        if not request.body.strip():
            raise _error(400, "INVALIDREQUEST", "The request body is empty")
        with self.store.transaction() as conn:
            conn.execute("INSERT INTO bulk_uploads (job_id, data) VALUES (?, ?)",
                         (job["id"], request.body.decode("utf-8-sig")))
        return Response(201)

    def _patch(self, request: Request, kind: str) -> Response:
        job = self._job(request, kind)
        wanted = self._body(request).get("state")
        allowed = {"UploadComplete": ("Open",) if kind == "ingest" else (),
                   "Aborted": ("Open", "UploadComplete", "InProgress")}
        if wanted not in allowed or not self.store.move(job["id"], allowed[wanted], wanted):
            raise _error(400, "INVALIDJOBSTATE",
                         f"Can't change the state of job {job['id']} from {job['state']} to {wanted}")
        if wanted == "UploadComplete":
            self._start(job["id"], kind)
        # The state this call set, even if the worker has already moved on.
        return Response.json(self._public({**job, "state": wanted}))

    def patch_ingest(self, request: Request) -> Response:
        return self._patch(request, "ingest")

    def _delete(self, request: Request, kind: str) -> Response:
        job = self._job(request, kind)
        if job["state"] in ("Open", "InProgress"):
            raise _error(400, "INVALIDJOBSTATE",
                         f"Can't delete job {job['id']} in state {job['state']}; abort it first")
        self.store.delete(job["id"])
        return Response.empty(204)

    def delete_ingest(self, request: Request) -> Response:
        return self._delete(request, "ingest")

    def _results(self, request: Request, kind: str, head: list[str]) -> Response:
        job = self._job(request, "ingest")
        rows = [head + job.get("_columns", [])] + self.store.rows(job["id"], kind)
        return self._csv_response(self._csv(job, rows))

    def successful_results(self, request: Request) -> Response:
        return self._results(request, "success", ["sf__Id", "sf__Created"])

    def failed_results(self, request: Request) -> Response:
        return self._results(request, "failed", ["sf__Id", "sf__Error"])

    def unprocessed_records(self, request: Request) -> Response:
        return self._results(request, "unprocessed", [])

    def _parse_uploads(self, job: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
        chunks = self.store.connection().execute(
            "SELECT data FROM bulk_uploads WHERE job_id = ? ORDER BY seq", (job["id"],)).fetchall()
        columns: list[str] = []
        rows: list[list[str]] = []
        for (data,) in chunks:
            reader = csv.reader(io.StringIO(data, newline=""),
                                delimiter=DELIMITERS[job["columnDelimiter"]])
            header = [h.strip() for h in next(reader, [])]
            if columns and header != columns:
                raise ValueError("InvalidBatch : All uploads of a job must have the same header")
            columns = header
            rows.extend(r for r in reader if any(cell for cell in r))
        return columns, rows

    def _check_columns(self, job: dict[str, Any], columns: list[str]) -> list[str]:
        """The columns' canonical field names; raises ValueError like Salesforce's InvalidBatch."""
        if job["operation"] in ("delete", "hardDelete") and [c.lower() for c in columns] != ["id"]:
            raise ValueError("InvalidBatch : The 'delete' batch must contain only ids")
        names = []
        for column in columns:
            field = self.org.schema.field(job["object"], column)
            if field is None:
                raise ValueError(f"InvalidBatch : Field name not found : {column}")
            names.append(field.name)
        if job["operation"] in ("update", "delete", "hardDelete") and "Id" not in names:
            raise ValueError("InvalidBatch : Id column is required for this operation")
        ext = job.get("externalIdFieldName")
        if ext and ext not in names:
            raise ValueError(f"InvalidBatch : Field name not found : {ext}")
        return names

    def _values(self, sobject: str, names: list[str], row: list[str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, text in zip(names, row, strict=False):
            if text == "":
                continue  # an empty cell leaves the field as it is
            if text == _NULL:
                values[name] = None
                continue
            kind = self.org.schema.field(sobject, name).type
            values[name] = typed(kind, text)
        return values

    def _operation(self, job: dict[str, Any], values: dict[str, Any]) -> Any:
        """The org write for one CSV row, or a failure when the row cannot even be tried."""
        sobject, operation = job["object"], job["operation"]
        if operation == "insert":
            return Operation("create", sobject, values)
        record_id = values.pop("Id", None) if operation != "upsert" else None
        if operation in ("delete", "hardDelete"):
            return Operation("delete", sobject, record_id=record_id or "")
        if operation == "update":
            if not record_id:
                return failure("MISSING_ARGUMENT", "Id not specified in an update call")
            return Operation("update", sobject, values, record_id=record_id)
        ext = job["externalIdFieldName"]
        return Operation("upsert", sobject, values, ext_field=ext, ext_value=values.get(ext))

    def _write(self, job: dict[str, Any], rows: list[list[str]], names: list[str]) -> list[Any]:
        """One result per row, in order; the rows that can be tried go to the org in one batch."""
        planned = [self._operation(job, self._values(job["object"], names, row)) for row in rows]
        # Bulk API runs an assignment rule only when the job names one (assignmentRuleId).
        options = WriteOptions(auto_assign=job.get("assignmentRuleId") or "FALSE")
        written = iter(self.org.apply([p for p in planned if isinstance(p, Operation)],
                                      options=options))
        return [next(written) if isinstance(p, Operation) else p for p in planned]

    def _process_ingest(self, job_id: str) -> dict[str, Any]:
        job = self.store.get(job_id, "ingest")
        try:
            columns, rows = self._parse_uploads(job)
            names = self._check_columns(job, columns)
        except (ValueError, csv.Error) as exc:
            return {"state": "Failed", "errorMessage": str(exc), "_columns": []}
        width = len(columns)
        results: dict[str, list[list[Any]]] = {"success": [], "failed": [], "unprocessed": []}
        for start in range(0, len(rows), _CHUNK):
            if start and self._aborted(job_id):
                results["unprocessed"].extend((r + [""] * width)[:width] for r in rows[start:])
                break
            chunk = rows[start:start + _CHUNK]
            for row, result in zip(chunk, self._write(job, chunk, names), strict=True):
                original = (row + [""] * width)[:width]
                if result.success:
                    created = "true" if result.created else "false"
                    results["success"].append([result.id or "", created, *original])
                else:
                    results["failed"].append([result.id or "", error_text(result), *original])
        with self.store.transaction() as conn:
            for kind, found in results.items():
                conn.executemany("INSERT INTO bulk_rows (job_id, kind, n, row) VALUES (?, ?, ?, ?)",
                                 ((job_id, kind, i, json.dumps(r)) for i, r in enumerate(found)))
            conn.execute("DELETE FROM bulk_uploads WHERE job_id = ?", (job_id,))
        return {"state": "JobComplete", "_columns": columns,
                "numberRecordsProcessed": len(results["success"]) + len(results["failed"]),
                "numberRecordsFailed": len(results["failed"])}

    def _aborted(self, job_id: str) -> bool:
        job = self.store.get(job_id, "ingest")
        return job is None or job["state"] == "Aborted"

    # -- query ------------------------------------------------------------------------------

    def create_query(self, request: Request) -> Response:
        body = self._body(request)
        job = self._new_job(request, "query", body)
        operation, soql = body.get("operation"), body.get("query")
        if operation not in QUERY_OPERATIONS:
            raise _error(400, "INVALIDJOB", f"InvalidJob : Invalid operation: {operation}")
        if not soql:
            raise _error(400, "INVALIDJOB", "InvalidJob : query is required")
        from_match = re.search(r"\bFROM\s+(\w+)", soql, re.IGNORECASE)
        job.update(query=soql, object=from_match.group(1) if from_match else None,
                   state="UploadComplete")
        # Run now so that a bad query fails the create call, as it does in Salesforce.
        bound, records = self._run_query(job)
        if getattr(bound, "is_count", False) or getattr(bound, "aggregate", None):
            raise _error(400, "INVALIDJOB", "InvalidJob : Aggregate queries are not supported by "
                         "Bulk API 2.0")
        self._pending[job["id"]] = (bound, records)
        job.pop("numberRecordsProcessed")
        self.store.put(job)
        self._start(job["id"], "query")
        return Response.json(self._public(job))

    def _run_query(self, job: dict[str, Any]) -> tuple[Any, list[dict[str, Any]]]:
        try:
            return self.org.query(job["query"], include_deleted=job["operation"] == "queryAll")
        except Exception as exc:
            code = getattr(exc, "error_code", None)
            if code is None:
                raise
            raise _error(400, code, getattr(exc, "message", str(exc))) from exc

    def _process_query(self, job_id: str) -> dict[str, Any]:
        job = self.store.get(job_id, "query")
        bound, records = self._pending.pop(job_id, None) or self._run_query(job)
        projected = [self.org.project(bound, r, job["_version"]) for r in records]
        header = columns(bound)
        rows = [[cell(dig(p, c)) for c in header] for p in projected]
        with self.store.transaction() as conn:
            conn.executemany("INSERT INTO bulk_rows (job_id, kind, n, row) VALUES (?, 'query', ?, ?)",
                             ((job_id, i, json.dumps(r)) for i, r in enumerate(rows)))
        return {"state": "JobComplete", "numberRecordsProcessed": len(rows), "_columns": header}

    def list_query(self, request: Request) -> Response:
        return self._listing(request, "query")

    def get_query(self, request: Request) -> Response:
        return Response.json(self._public(self._job(request, "query")))

    def patch_query(self, request: Request) -> Response:
        return self._patch(request, "query")

    def delete_query(self, request: Request) -> Response:
        return self._delete(request, "query")

    def query_results(self, request: Request) -> Response:
        job = self._job(request, "query")
        if job["state"] != "JobComplete":
            raise _error(412, "JOB_NOT_COMPLETE", "can only download query results of successfully "
                         f"completed bulk job with status: JOB_COMPLETE. Current status: "
                         f"{job['state']}")
        try:
            page = int(request.query.get("maxRecords") or DEFAULT_PAGE)
        except ValueError as exc:
            raise _error(400, "INVALIDREQUEST", "maxRecords must be a number") from exc
        if page < 1:
            raise _error(400, "INVALIDREQUEST", "maxRecords must be greater than 0")
        try:
            start = offset(request.query["locator"]) if request.query.get("locator") else 0
        except ValueError as exc:
            raise _error(400, "INVALIDLOCATOR", "Invalid locator") from exc
        rows = self.store.rows(job["id"], "query", start, page + 1)
        more = len(rows) > page
        rows = rows[:page]
        body = self._csv(job, [job["_columns"]] + rows) if job["_columns"] else b""
        return self._csv_response(body, {
            "Sforce-Locator": locator(start + page) if more else "null",
            "Sforce-NumberOfRecords": str(len(rows)),
        })

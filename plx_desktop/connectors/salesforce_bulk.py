"""Bulk API 2.0 for the Salesforce client: upsert ingest jobs and query jobs, step by step.

Built on simple-salesforce's bulk2 job client, but driven one HTTP step at a time so that each
step is retried on its own (a dropped connection while polling must not restart a 100k-record job)
and so that a cut-off CSV answer is noticed (row counts are checked) instead of silently losing
records.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections import deque
from collections.abc import Iterator
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from simple_salesforce.bulk2 import JobState, Operation, ResultsType, SFBulk2Handler, _Bulk2Client
from simple_salesforce.util import call_salesforce

from plx_desktop.connectors.errors import RequestError, TransientError
from plx_desktop.connectors.salesforce_models import RecordError, RecordResult

if TYPE_CHECKING:
    from plx_desktop.connectors.salesforce import SalesforceClient

BULK_NULL = "#N/A"  # Bulk API's way of writing a null into a field
_ERROR_FIELDS = re.compile(r"^(?P<message>.*?):(?P<fields>[A-Za-z0-9_, ]*) --\s*$", re.S)


def _job_client(client: SalesforceClient, sobject: str = "") -> _Bulk2Client:
    # A fresh client per step: it picks up a session renewed since the previous step.
    bulk2 = client.sf.bulk2
    assert isinstance(bulk2, SFBulk2Handler)  # simple-salesforce types its attribute lookup loosely
    return _Bulk2Client(sobject, bulk2.bulk2_url, bulk2.headers, client.session)


def _csv_value(value: Any) -> str:
    if type(value) is str:  # nearly every value: no other test, no import, no copy
        return value
    if value is None:
        return BULK_NULL
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    from plx_desktop.connectors.salesforce import to_json_value  # (a cycle at import time)

    return str(to_json_value(value))


def _to_csv(records: list[dict[str, Any]]) -> str:
    columns = list(dict.fromkeys(k for r in records for k in r if k != "attributes"))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_csv_value(record[c]) if c in record else "" for c in columns])
    return out.getvalue()


def _parse_error(text: str) -> RecordError:
    """'REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --' -> RecordError."""
    code, _, rest = (text or "UNKNOWN").partition(":")
    match = _ERROR_FIELDS.match(rest)
    if match:
        fields = [f.strip() for f in match["fields"].split(",") if f.strip()]
        return RecordError(code.strip(), match["message"].strip(), fields)
    return RecordError(code.strip(), rest.strip(), [])


def _wait_for_job(client: SalesforceClient, job_id: str, is_query: bool) -> dict[str, Any]:
    # The wait between looks grows from a fifth of bulk_poll_seconds to five times it: a small
    # job (a few seconds at Salesforce) is seen done soon after it is, and a long one costs few
    # status calls (each counts against the org's API requests), as with a fixed 1 s poll it
    # cost one a second.
    deadline = time.monotonic() + client.bulk_timeout
    wait, longest = client.bulk_poll_seconds / 5, client.bulk_poll_seconds * 5
    while True:
        job = client._call(lambda: _job_client(client).get_job(job_id, is_query))
        state = job.get("state")
        if state == JobState.job_complete:
            return dict(job)
        if state in (JobState.failed, JobState.aborted):
            raise RequestError(f"Salesforce Bulk API job {job_id} {str(state).lower()}: "
                               f"{job.get('errorMessage') or 'no reason given'}", code="BULK_JOB_FAILED")
        if time.monotonic() >= deadline:
            raise TransientError(f"Salesforce Bulk API job {job_id} did not finish in "
                                 f"{client.bulk_timeout:g} seconds (state {state})")
        time.sleep(min(wait, max(0.0, deadline - time.monotonic())))
        wait = min(wait * 1.5, longest)


def _close_job(client: SalesforceClient, job_id: str) -> None:
    try:
        client._call(lambda: _job_client(client).close_job(job_id))
    except RequestError:
        # A retried close after a dropped answer is refused because the job is already closed.
        job = client._call(lambda: _job_client(client).get_job(job_id, False))
        if job.get("state") not in (JobState.upload_complete, JobState.in_progress,
                                    JobState.job_complete):
            raise


def _create_ingest_job(client: SalesforceClient, sobject: str, ext_field: str,
                       assignment_rule_id: str | None) -> dict[str, Any]:
    """POST jobs/ingest for an upsert (simple-salesforce's create_job has no assignmentRuleId)."""
    jobs = _job_client(client, sobject)
    payload: dict[str, Any] = {"object": sobject, "operation": "upsert",
                               "externalIdFieldName": ext_field, "contentType": "CSV",
                               "columnDelimiter": "COMMA", "lineEnding": "LF"}
    if assignment_rule_id:
        payload["assignmentRuleId"] = assignment_rule_id
    result = call_salesforce(url=jobs._construct_request_url(None, False), method="POST",
                             session=client.session,
                             headers=jobs._get_headers(jobs.JSON_CONTENT_TYPE, jobs.JSON_CONTENT_TYPE),
                             data=json.dumps(payload))
    return dict(result.json())


def bulk_upsert(client: SalesforceClient, sobject: str, ext_field: str,
                records: list[dict[str, Any]],
                assignment_rule_id: str | None = None) -> list[RecordResult]:
    """Upsert `records` by `ext_field` in one ingest job; results matched back by external id.
    With `assignment_rule_id` the job runs that lead assignment rule (Bulk API 2.0 "Create a
    Job": without it, a job runs none)."""
    if not records:
        return []
    for record in records:
        if record.get(ext_field) in (None, ""):
            raise ValueError(f"Every record needs a value in {ext_field} for a bulk upsert")
    data = _to_csv(records)
    job = client._call(lambda: _create_ingest_job(client, sobject, ext_field, assignment_rule_id))
    job_id = job["id"]
    client._call(lambda: _job_client(client, sobject).upload_job_data(job_id, data))
    _close_job(client, job_id)
    _wait_for_job(client, job_id, is_query=False)
    return client._call(lambda: _ingest_results(client, job_id, ext_field, records))


def _ingest_results(client: SalesforceClient, job_id: str, ext_field: str,
                    records: list[dict[str, Any]]) -> list[RecordResult]:
    jobs = _job_client(client)
    # Each key's first record, and the later ones of a key sent twice (rare): no queue per
    # record of a job of thousands.
    first: dict[str, int] = {}
    again: dict[str, deque[int]] = {}
    for index, record in enumerate(records):
        key = str(record[ext_field])
        if first.setdefault(key, index) != index:
            again.setdefault(key, deque()).append(index)
    results: list[RecordResult | None] = [None] * len(records)

    def place(key: str, result: RecordResult) -> None:
        index = first.pop(key, None)
        if index is None:
            queue = again.get(key)
            if not queue:
                raise TransientError("Salesforce sent a Bulk API result for a record we did "
                                     "not send (a cut-off answer?); asking again")
            index = queue.popleft()
        results[index] = result

    for key, sf_id, created in _csv_columns(
            jobs.get_ingest_results(job_id, ResultsType.successful), ext_field, "sf__Id",
            "sf__Created"):
        place(key, RecordResult(id=sf_id or None, success=True, created=created.lower() == "true"))
    for key, sf_id, error in _csv_columns(
            jobs.get_ingest_results(job_id, ResultsType.failed), ext_field, "sf__Id", "sf__Error"):
        place(key, RecordResult(id=sf_id or None, success=False, errors=[_parse_error(error)]))
    for (key,) in _csv_columns(jobs.get_ingest_results(job_id, ResultsType.unprocessed),
                               ext_field):
        place(key, RecordResult(id=None, success=False, errors=[RecordError(
            "UNPROCESSED", "Salesforce did not process this record (the job stopped early)")]))
    if any(r is None for r in results):
        raise TransientError("Salesforce's Bulk API results were incomplete; asking again")
    return [r for r in results if r is not None]


def _csv_columns(text: str, *names: str) -> Iterator[tuple[str, ...]]:
    """Each row of a results CSV as its values of the named columns ("" for a column it lacks).

    csv.reader and the columns' indexes instead of csv.DictReader's dict per row: a
    10,000-record job's results were read at a few microseconds a field."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        return
    where = {name: i for i, name in enumerate(header)}
    picks = [where.get(name, -1) for name in names]
    need = max(picks) + 1
    pick = itemgetter(*picks) if len(picks) > 1 and min(picks) >= 0 else None
    for row in reader:
        if not row:
            continue  # a blank line, which DictReader skipped too
        if pick is not None and len(row) >= need:
            yield pick(row)
        else:
            yield tuple(row[i] if 0 <= i < len(row) else "" for i in picks)


def _records_from_csv(text: str) -> list[dict[str, Any]]:
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        record: dict[str, Any] = {}
        for key, value in row.items():
            if key is None:
                raise TransientError("Salesforce sent a malformed Bulk API result row; asking again")
            target = record
            *parents, name = key.split(".")  # Account.Name -> {"Account": {"Name": ...}}
            for parent in parents:
                target = target.setdefault(parent, {})
            target[name] = value if value != "" else None
        rows.append(record)
    return rows


def bulk_query(client: SalesforceClient, soql: str,
               page_size: int = 50000) -> Iterator[list[dict[str, Any]]]:
    """A Bulk API 2.0 query's records a page at a time (CSV: values as text, blanks as None)."""
    job = client._call(lambda: _job_client(client).create_job(Operation.query, query=soql))
    job_id = job["id"]
    _wait_for_job(client, job_id, is_query=True)
    locator = ""
    while True:
        def fetch(locator: str = locator) -> tuple[str, list[dict[str, Any]]]:
            page = _job_client(client).get_query_results(job_id, locator, page_size)
            rows = _records_from_csv(page["records"])
            if len(rows) != page["number_of_records"]:
                raise TransientError(f"Salesforce's Bulk API page had {len(rows)} of "
                                     f"{page['number_of_records']} records; asking again")
            return page["locator"], rows

        locator, rows = client._call(fetch)
        yield rows
        if not locator:
            return

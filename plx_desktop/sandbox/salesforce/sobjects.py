"""The sObject REST resources: describe, get / create / update / delete, upsert, updated/ and deleted/."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from plx_desktop.sandbox.salesforce import describe as describing
from plx_desktop.sandbox.salesforce import record_events
from plx_desktop.sandbox.salesforce.org import Org, WriteResult
from plx_desktop.sandbox.salesforce.org_rules import options_from_headers
from plx_desktop.sandbox.salesforce.records import format_datetime, parse_datetime
from plx_desktop.sandbox.salesforce.rest import api_route, error, json_body, not_found
from plx_desktop.sandbox.salesforce.schema import ObjectInfo
from plx_desktop.sandbox.web import Request, Response, Router

BASE = "/services/data/v{version}/sobjects"
_REPLICATION_DAYS = 30


def register(router: Router, org: Org) -> None:
    api = _SObjects(org)
    for method, path, handler, name in (
        ("GET", "", api.describe_global, "sobjects"),
        ("GET", "/{sobject}", api.basic_info, "sobjects/{sobject}"),
        ("POST", "/{sobject}", api.create, "sobjects/{sobject}"),
        ("GET", "/{sobject}/describe", api.describe, "sobjects/{sobject}/describe"),
        ("GET", "/{sobject}/updated", api.updated, "sobjects/{sobject}/updated"),
        ("GET", "/{sobject}/deleted", api.deleted, "sobjects/{sobject}/deleted"),
        ("GET", "/{sobject}/{record_id}", api.get, "sobjects/{sobject}/{id}"),
        ("PATCH", "/{sobject}/{record_id}", api.update, "sobjects/{sobject}/{id}"),
        ("DELETE", "/{sobject}/{record_id}", api.delete, "sobjects/{sobject}/{id}"),
        ("GET", "/{sobject}/{ext_field}/{ext_value}", api.get_by_external_id,
         "sobjects/{sobject}/{field}/{value}"),
        ("PATCH", "/{sobject}/{ext_field}/{ext_value}", api.upsert, "sobjects/{sobject}/{field}/{value}"),
        ("POST", "/{sobject}/{ext_field}/{ext_value}", api.upsert, "sobjects/{sobject}/{field}/{value}"),
        ("DELETE", "/{sobject}/{ext_field}/{ext_value}", api.delete_by_external_id,
         "sobjects/{sobject}/{field}/{value}"),
    ):
        router.add(method, BASE + path, api_route(org, handler), name)


def write_error(result: WriteResult) -> Response:
    """A failed single-record write as the REST API answers it."""
    first = result.errors[0]
    status = 404 if first.status_code == "NOT_FOUND" else 400
    body = [{"message": e.message, "errorCode": e.status_code, "fields": e.fields, **e.extra}
            for e in result.errors]
    return Response.json(body, status)


def full_record(obj: ObjectInfo, record: dict[str, Any], version: str,
                fields: list[str] | None = None) -> dict[str, Any]:
    """A record as GET /sobjects/{obj}/{id} shows it: attributes, then every field (null if empty)."""
    names = fields if fields is not None else list(obj.fields)
    out: dict[str, Any] = {"attributes": {
        "type": obj.name, "url": f"/services/data/v{version}/sobjects/{obj.name}/{record['Id']}"}}
    for name in names:
        out[name] = record.get(name)
    return out


class _SObjects:
    def __init__(self, org: Org):
        self.org = org

    def _object(self, request: Request) -> ObjectInfo:
        obj = self.org.security.view().object(request.params["sobject"])
        if obj is None:
            raise not_found()
        return obj

    def describe_global(self, request: Request, version: str) -> Response:
        return Response.json(describing.describe_global(self.org.security.view(), version))

    def describe(self, request: Request, version: str) -> Response:
        return Response.json(describing.describe(self.org.security.view(), self._object(request),
                                                 version))

    def basic_info(self, request: Request, version: str) -> Response:
        obj = self._object(request)
        recent = self.org.store.all_of(obj.name)[-10:] if obj.name != "Organization" else []
        items = [{"attributes": {"type": obj.name, "url": f"/services/data/v{version}/sobjects/"
                                 f"{obj.name}/{r['Id']}"}, "Id": r["Id"], "Name": r.get("Name")}
                 for r in reversed(recent) if not r.get("IsDeleted")]
        return Response.json({"objectDescribe": describing.object_summary(obj, version),
                              "recentItems": items})

    def create(self, request: Request, version: str) -> Response:
        obj = self._object(request)
        body = json_body(request)
        if not isinstance(body, dict):
            raise error(400, "JSON_PARSER_ERROR", "Expected a JSON object for the record")
        result = self.org.create(obj.name, body, options_from_headers(request.header))
        if not result.success:
            return write_error(result)
        return Response.json({"id": result.id, "success": True, "errors": []}, 201)

    def get(self, request: Request, version: str) -> Response:
        obj = self._object(request)
        record = self.org.get(obj.name, request.params["record_id"])
        if record is None:
            raise not_found()
        return Response.json(full_record(obj, record, version, self._fields(obj, request)))

    def _fields(self, obj: ObjectInfo, request: Request) -> list[str] | None:
        wanted = request.query.get("fields")
        if not wanted:
            return None
        out = []
        for name in (n.strip() for n in wanted.split(",") if n.strip()):
            info = obj.field(name)
            if info is None:
                raise error(400, "INVALID_FIELD", f"No such column '{name}' on sobject of type "
                            f"{obj.name}")
            out.append(info.name)
        return out

    def update(self, request: Request, version: str) -> Response:
        obj = self._object(request)
        body = json_body(request)
        if not isinstance(body, dict):
            raise error(400, "JSON_PARSER_ERROR", "Expected a JSON object for the record")
        result = self.org.update(obj.name, request.params["record_id"], body,
                                 options_from_headers(request.header))
        return Response.empty(204) if result.success else write_error(result)

    def delete(self, request: Request, version: str) -> Response:
        obj = self._object(request)
        result = self.org.delete(obj.name, request.params["record_id"])
        return Response.empty(204) if result.success else write_error(result)

    def _external_field(self, obj: ObjectInfo, request: Request) -> str:
        info = obj.field(request.params["ext_field"])
        if info is None or not (info.external_id or info.name == "Id"):
            raise not_found("Provided external ID field does not exist or is not accessible: "
                            f"{request.params['ext_field']}")
        return info.name

    def get_by_external_id(self, request: Request, version: str) -> Response:
        obj = self._object(request)
        field = self._external_field(obj, request)
        value = request.params["ext_value"]
        record = (self.org.get(obj.name, value) if field == "Id"
                  else self.org.get_by_external_id(obj.name, field, value))
        if record is None:
            raise not_found()
        return Response.json(full_record(obj, record, version, self._fields(obj, request)))

    def upsert(self, request: Request, version: str) -> Response:
        obj = self._object(request)
        field = self._external_field(obj, request)
        body = json_body(request)
        if not isinstance(body, dict):
            raise error(400, "JSON_PARSER_ERROR", "Expected a JSON object for the record")
        result = self.org.upsert(obj.name, field, request.params["ext_value"], body,
                                 options_from_headers(request.header))
        if not result.success:
            return write_error(result)
        return Response.json({"id": result.id, "success": True, "errors": [],
                              "created": result.created}, 201 if result.created else 200)

    def delete_by_external_id(self, request: Request, version: str) -> Response:
        obj = self._object(request)
        field = self._external_field(obj, request)
        value = request.params["ext_value"]
        record = (self.org.get(obj.name, value) if field == "Id"
                  else self.org.get_by_external_id(obj.name, field, value))
        if record is None:
            raise not_found()
        result = self.org.delete(obj.name, record["Id"])
        return Response.empty(204) if result.success else write_error(result)

    # -- replication ------------------------------------------------------------------------
    def _window(self, request: Request) -> tuple[datetime, datetime]:
        try:
            start = parse_datetime(request.query["start"])
            end = parse_datetime(request.query["end"])
        except KeyError:
            raise error(400, "MISSING_ARGUMENT", "start and end are required") from None
        except ValueError:
            raise error(400, "INVALID_REPLICATION_DATE",
                        "start and end must be ISO 8601 date-times") from None
        # Salesforce ignores the seconds of both ends.
        start = start.replace(second=0, microsecond=0)
        end = end.replace(second=0, microsecond=0)
        if end < start:
            raise error(400, "INVALID_REPLICATION_DATE", "startDate must chronologically precede "
                        "endDate by more than one minute")
        if end - start > timedelta(days=_REPLICATION_DAYS):
            raise error(400, "INVALID_REPLICATION_DATE",
                        "The specified time span is too long; it must be 30 days or less")
        return start, end

    def _now_minute(self) -> datetime:
        return self.org.clock.datetime().replace(second=0, microsecond=0)

    def updated(self, request: Request, version: str) -> Response:
        obj = self._object(request)
        start, end = self._window(request)
        ids = self.org.store.updated_ids(obj.name, _stamp(start), _stamp(end))
        return Response.json({"ids": ids, "latestDateCovered": _stamp(min(end, self._now_minute()))})

    def deleted(self, request: Request, version: str) -> Response:
        obj = self._object(request)
        start, end = self._window(request)
        earliest = record_events.earliest_date_available(self.org, obj.name)
        if _stamp(start) < earliest:
            # The delete log no longer reaches back that far (purged, or past 15 days): the
            # caller has to reconcile instead (Data Replication, getDeleted()).
            raise error(400, "INVALID_REPLICATION_DATE", f"startDate is before "
                        f"earliestDateAvailable ({earliest}); the delete log was purged")
        rows = self.org.store.deleted_since(obj.name, _stamp(start), _stamp(end))
        return Response.json({
            "deletedRecords": [{"id": rid, "deletedDate": when} for rid, when in rows],
            "earliestDateAvailable": earliest,
            "latestDateCovered": _stamp(min(end, self._now_minute()))})


def _stamp(moment: datetime) -> str:
    return format_datetime(int(moment.timestamp() * 1000))

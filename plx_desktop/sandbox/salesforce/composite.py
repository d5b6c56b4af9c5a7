"""sObject Collections (/composite/sobjects): up to 200 records per call, one result per record in order."""

from __future__ import annotations

from typing import Any

from plx_desktop.sandbox.salesforce.org import Operation, Org, WriteResult
from plx_desktop.sandbox.salesforce.org_rules import options_from_headers
from plx_desktop.sandbox.salesforce.rest import api_route, error, json_body, not_found
from plx_desktop.sandbox.salesforce.sobjects import full_record
from plx_desktop.sandbox.web import Request, Response, Router

MAX_RECORDS = 200
BASE = "/services/data/v{version}/composite/sobjects"
_TOO_MANY = "record limit reached. cannot submit more than 200 records into this call"


def register(router: Router, org: Org) -> None:
    api = _Collections(org)
    for method, path, handler in (
        ("POST", "", api.create), ("PATCH", "", api.update), ("DELETE", "", api.delete),
        ("GET", "/{sobject}", api.retrieve), ("POST", "/{sobject}", api.retrieve_post),
        ("PATCH", "/{sobject}/{ext_field}", api.upsert),
    ):
        router.add(method, BASE + path, api_route(org, handler), "composite/sobjects" + path)


def result_json(result: WriteResult, with_created: bool = False) -> dict[str, Any]:
    """One record's result; errors carry `statusCode` here, unlike REST error bodies."""
    out: dict[str, Any] = {}
    if result.id is not None:
        out["id"] = result.id
    out["success"] = result.success
    out["errors"] = [{"statusCode": _collection_code(e.status_code), "message": e.message,
                      "fields": e.fields, **e.extra} for e in result.errors]
    if with_created and result.success:
        out["created"] = result.created
    return out


def _collection_code(code: str) -> str:
    # A well-formed id naming no record: Collections say so with INVALID_CROSS_REFERENCE_KEY.
    return "INVALID_CROSS_REFERENCE_KEY" if code == "NOT_FOUND" else code


def record_count(request: Request) -> int:
    """How many records a Collections write names (for the lock fault's per-record answer)."""
    if request.method == "DELETE":
        return len([i for i in request.query.get("ids", "").split(",") if i])
    try:
        body = request.json()
    except Exception:  # noqa: BLE001 - a fault answer must not fail on a bad body
        return 0
    records = body.get("records") if isinstance(body, dict) else None
    return len(records) if isinstance(records, list) else 0


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


class _Collections:
    def __init__(self, org: Org):
        self.org = org

    def _records(self, request: Request) -> tuple[list[Any], bool]:
        body = json_body(request)
        if not isinstance(body, dict) or not isinstance(body.get("records"), list):
            raise error(400, "JSON_PARSER_ERROR", "The request body must have a records list")
        records = body["records"]
        if len(records) > MAX_RECORDS:
            raise error(400, "EXCEEDED_ID_LIMIT", _TOO_MANY)
        return records, _flag(body.get("allOrNone"))

    @staticmethod
    def _type(record: Any) -> str:
        attributes = record.get("attributes") if isinstance(record, dict) else None
        return str((attributes or {}).get("type") or "")

    def _run(self, request: Request, operations: list[Operation | WriteResult],
             all_or_none: bool, with_created: bool = False) -> Response:
        results = self.org.apply(operations, all_or_none, options_from_headers(request.header))
        return Response.json([result_json(r, with_created) for r in results])

    def create(self, request: Request, version: str) -> Response:
        records, all_or_none = self._records(request)
        ops: list[Operation | WriteResult] = []
        for record in records:
            kind = self._type(record)
            if not kind:
                ops.append(_fail("INVALID_TYPE", "Must send a concrete entity type."))
            elif isinstance(record, dict) and any(k.lower() == "id" for k in record):
                ops.append(_fail("INVALID_FIELD_FOR_INSERT_UPDATE",
                                 "cannot specify Id in an insert call", ["Id"]))
            else:
                ops.append(Operation("create", kind, record))
        return self._run(request, ops, all_or_none)

    def update(self, request: Request, version: str) -> Response:
        records, all_or_none = self._records(request)
        ops: list[Operation | WriteResult] = []
        for record in records:
            kind = self._type(record)
            record_id = next((v for k, v in record.items() if k.lower() == "id"), None) \
                if isinstance(record, dict) else None
            if not kind:
                ops.append(_fail("INVALID_TYPE", "Must send a concrete entity type."))
            elif not record_id:
                ops.append(_fail("MISSING_ARGUMENT", "Id not specified in an update call", []))
            else:
                values = {k: v for k, v in record.items() if k.lower() != "id"}
                ops.append(Operation("update", kind, values, record_id=str(record_id)))
        return self._run(request, ops, all_or_none)

    def upsert(self, request: Request, version: str) -> Response:
        obj = self.org.security.view().object(request.params["sobject"])
        if obj is None:
            raise not_found()
        info = obj.field(request.params["ext_field"])
        if info is None or not (info.external_id or info.name == "Id"):
            raise not_found("Provided external ID field does not exist or is not accessible: "
                            f"{request.params['ext_field']}")
        records, all_or_none = self._records(request)
        ops: list[Operation | WriteResult] = []
        for record in records:
            kind = self.org.schema.object_name(self._type(record))
            if kind != obj.name:
                ops.append(_fail("INVALID_TYPE", f"Records must all be {obj.name}s."))
                continue
            key = next((v for k, v in record.items() if k.lower() == info.name.lower()), None)
            ops.append(Operation("upsert", obj.name, record, ext_field=info.name,
                                 ext_value=None if key is None else str(key)))
        return self._run(request, ops, all_or_none, with_created=True)

    def delete(self, request: Request, version: str) -> Response:
        ids = [i for i in request.query.get("ids", "").split(",") if i]
        if not ids:
            raise error(400, "MISSING_ARGUMENT", "ids parameter is required")
        if len(ids) > MAX_RECORDS:
            raise error(400, "EXCEEDED_ID_LIMIT", _TOO_MANY)
        from plx_desktop.sandbox.salesforce.ids import object_for_id, to_18

        ops: list[Operation | WriteResult] = []
        for raw in ids:
            record_id = to_18(raw)
            kind = object_for_id(record_id or "")
            if record_id is None:
                ops.append(_fail("MALFORMED_ID", f"malformed id {raw}", []))
            elif kind is None:
                ops.append(_fail("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", []))
            else:
                ops.append(Operation("delete", kind, record_id=record_id))
        return self._run(request, ops, _flag(request.query.get("allOrNone")))

    def retrieve(self, request: Request, version: str) -> Response:
        ids = [i for i in request.query.get("ids", "").split(",") if i]
        fields = [f for f in request.query.get("fields", "").split(",") if f]
        return self._retrieve(request, version, ids, fields)

    def retrieve_post(self, request: Request, version: str) -> Response:
        body = json_body(request)
        if not isinstance(body, dict):
            raise error(400, "JSON_PARSER_ERROR", "Expected ids and fields")
        return self._retrieve(request, version, list(body.get("ids") or []),
                              list(body.get("fields") or []))

    def _retrieve(self, request: Request, version: str, ids: list[str], fields: list[str]) -> Response:
        obj = self.org.security.view().object(request.params["sobject"])
        if obj is None:
            raise not_found()
        if not ids or not fields:
            raise error(400, "MISSING_ARGUMENT", "ids and fields are required")
        if len(ids) > 2000:
            raise error(400, "EXCEEDED_ID_LIMIT", "cannot retrieve more than 2000 records")
        names = []
        for name in fields:
            info = obj.field(name.strip())
            if info is None:
                raise error(400, "INVALID_FIELD", f"No such column '{name}' on entity '{obj.name}'")
            names.append(info.name)
        out: list[Any] = []
        for record_id in ids:
            record = self.org.get(obj.name, record_id)
            out.append(None if record is None else full_record(obj, record, version, names))
        return Response.json(out)


def _fail(code: str, message: str, fields: list[str] | None = None) -> WriteResult:
    from plx_desktop.sandbox.salesforce.validate import RecordError

    return WriteResult(None, False, False, [RecordError(code, message, fields or [])])

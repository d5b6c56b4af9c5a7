"""The Tooling API's CustomField: create (POST tooling/sobjects/CustomField), get, and query.

Follows the Tooling API reference's CustomField page: the body is `FullName` ("Contact.X__c") and
`Metadata` (CustomFieldMetadata: type, label, length, externalId, unique, ...); the answer is the
save result `{id, success, errors, warnings, infos}`. A field made this way is hidden from every
profile until a permission set grants it (security.py), as in a real org. `FullName` and
`Metadata` can be read only where a query returns at most one row.
"""

from __future__ import annotations

from typing import Any

from plx_desktop.sandbox.salesforce import soql as soql_module
from plx_desktop.sandbox.salesforce.ids import new_id
from plx_desktop.sandbox.salesforce.org import Org
from plx_desktop.sandbox.salesforce.rest import api_route, error, json_body, not_found
from plx_desktop.sandbox.salesforce.schema import FieldInfo, ObjectInfo
from plx_desktop.sandbox.salesforce.soql_errors import SoqlError
from plx_desktop.sandbox.web import Request, Response, Router

BASE = "/services/data/v{version}/tooling"
# CustomFieldMetadata.type -> the describe type, and what length the type takes.
_TYPES = {"Text": "string", "TextArea": "textarea", "LongTextArea": "textarea", "Email": "email",
          "Phone": "phone", "Url": "url", "Checkbox": "boolean", "Number": "double",
          "Date": "date", "DateTime": "datetime"}
_BACK = {"string": "Text", "textarea": "LongTextArea", "email": "Email", "phone": "Phone",
         "url": "Url", "boolean": "Checkbox", "double": "Number", "date": "Date",
         "datetime": "DateTime", "picklist": "Picklist", "int": "Number", "currency": "Currency",
         "percent": "Percent"}
_ONE_ROW = ("When retrieving results with Metadata or FullName fields, the query qualifications "
            "must specify no more than one row for retrieval. Result size: {n}")


def _custom_field_object() -> ObjectInfo:
    def text(name: str, length: int) -> FieldInfo:
        return FieldInfo(name, "string", length=length, createable=False, updateable=False)

    fields = [FieldInfo("Id", "id", length=18, createable=False, updateable=False),
              text("DeveloperName", 40), text("TableEnumOrId", 40), text("NamespacePrefix", 15),
              text("ManageableState", 40), text("FullName", 255),
              FieldInfo("CreatedDate", "datetime", createable=False, updateable=False),
              FieldInfo("LastModifiedDate", "datetime", createable=False, updateable=False)]
    return ObjectInfo("CustomField", "Custom Field", "Custom Fields", "00N",
                      {f.name: f for f in fields})


class _ToolingSchema:
    """The Tooling objects the sandbox speaks, in the protocol the SOQL module binds against."""

    def __init__(self) -> None:
        self.objects = {"CustomField": _custom_field_object()}

    def object_name(self, name: str) -> str | None:
        return next((n for n in self.objects if n.lower() == name.lower()), None)

    def field(self, sobject: str, name: str) -> FieldInfo | None:
        obj = self.objects.get(self.object_name(sobject) or "")
        return None if obj is None else obj.field(name)

    def relationship(self, sobject: str, rel_name: str) -> FieldInfo | None:
        return None


def register(router: Router, org: Org) -> None:
    api = _Tooling(org)
    for method, path, handler, name in (
        ("POST", "/sobjects/CustomField", api.create, "tooling/sobjects/CustomField"),
        ("GET", "/sobjects/CustomField/{field_id}", api.get, "tooling/sobjects/CustomField/{id}"),
        ("GET", "/query", api.query, "tooling/query"),
        ("GET", "/query/", api.query, "tooling/query"),
    ):
        router.add(method, BASE + path, api_route(org, handler), name)


def _refuse(code: str, message: str, fields: list[str] | None = None) -> Response:
    return Response.json([{"message": message, "errorCode": code, "fields": fields or []}], 400)


class _Tooling:
    def __init__(self, org: Org):
        self.org = org
        self.schema = _ToolingSchema()

    def _rows(self) -> list[dict[str, Any]]:
        rows = []
        for spec in self.org.schema.custom_specs():
            rows.append({"Id": spec.get("id"), "DeveloperName": spec["name"][:-3],
                         "TableEnumOrId": spec["object"], "NamespacePrefix": None,
                         "ManageableState": "unmanaged",
                         "FullName": f"{spec['object']}.{spec['name']}",
                         "CreatedDate": spec.get("created"), "LastModifiedDate": spec.get("created"),
                         "_spec": spec})
        return rows

    def create(self, request: Request, version: str) -> Response:
        body = json_body(request)
        if not isinstance(body, dict):
            raise error(400, "JSON_PARSER_ERROR", "Expected a JSON object for the CustomField")
        problem = self._check(body)
        if problem is not None:
            return problem
        sobject, _, name = str(body["FullName"]).partition(".")
        metadata = body["Metadata"]
        kind = _TYPES[metadata["type"]]
        field_id = new_id("00N")
        self.org.schema.add_custom_field({
            "object": sobject, "name": name, "type": kind, "length": metadata.get("length"),
            "label": metadata.get("label"), "external_id": bool(metadata.get("externalId")),
            "unique": bool(metadata.get("unique")), "profile_access": False, "id": field_id,
            "created": self.org.clock.now()})
        self.org.security.changed()
        return Response.json({"id": field_id, "success": True, "errors": [], "warnings": [],
                              "infos": []}, 201)

    def _check(self, body: dict[str, Any]) -> Response | None:
        """Salesforce's refusals of a CustomField body, or None when it can be created."""
        full_name = str(body.get("FullName") or "")
        metadata = body.get("Metadata")
        if not full_name or not isinstance(metadata, dict):
            return _refuse("REQUIRED_FIELD_MISSING", "Required fields are missing: "
                           f"[{'FullName' if not full_name else 'Metadata'}]")
        sobject, _, name = full_name.partition(".")
        obj = self.org.schema.object(sobject)
        if obj is None or not name:
            return _refuse("FIELD_INTEGRITY_EXCEPTION",
                           f"Cannot find the entity for the CustomField: {full_name}", ["FullName"])
        if obj.name != sobject:
            return _refuse("FIELD_INTEGRITY_EXCEPTION", f"Use the object's API name: {obj.name}",
                           ["FullName"])
        if not name.endswith("__c") or not name[:-3].replace("_", "").isalnum() or "__" in name[:-3]:
            return _refuse("FIELD_INTEGRITY_EXCEPTION", "The Field Name must end in __c and "
                           "contain only letters, digits and single underscores.", ["FullName"])
        if obj.field(name) is not None:
            return _refuse("DUPLICATE_DEVELOPER_NAME", f"Duplicate Name: There's already a field "
                           f"named {name[:-3]} on {obj.name}.", ["FullName"])
        kind = metadata.get("type")
        if kind not in _TYPES:
            return _refuse("FIELD_INTEGRITY_EXCEPTION",
                           f"Field Type: bad value for restricted picklist field: {kind}", ["type"])
        if not str(metadata.get("label") or "").strip():
            return _refuse("FIELD_INTEGRITY_EXCEPTION", "Field Label: You must enter a value",
                           ["label"])
        return self._check_length(kind, metadata.get("length"))

    @staticmethod
    def _check_length(kind: str, length: Any) -> Response | None:
        limits = {"Text": 255, "LongTextArea": 131072}
        if kind not in limits:
            return None
        if not isinstance(length, int) or isinstance(length, bool) or not 0 < length <= limits[kind]:
            return _refuse("FIELD_INTEGRITY_EXCEPTION", f"Length: value must be between 1 and "
                           f"{limits[kind]}", ["length"])
        return None

    def get(self, request: Request, version: str) -> Response:
        wanted = request.params["field_id"][:15]
        row = next((r for r in self._rows() if (r["Id"] or "")[:15] == wanted), None)
        if row is None:
            raise not_found()
        out = {"attributes": {"type": "CustomField",
                              "url": f"/services/data/v{version}/tooling/sobjects/CustomField/"
                                     f"{row['Id']}"}}
        out.update({k: v for k, v in row.items() if not k.startswith("_")})
        out["Metadata"] = _metadata(row["_spec"])
        return Response.json(out)

    def query(self, request: Request, version: str) -> Response:
        text = request.query.get("q", "")
        try:
            bound = soql_module.prepare(text, self.schema)
            rows = bound.run(self._rows(), lambda sobject, record_id: None)
        except SoqlError as exc:
            return Response.json([{"message": exc.message, "errorCode": exc.error_code}], 400)
        if "FullName" in bound.select and len(rows) > 1:
            return Response.json([{"message": _ONE_ROW.format(n=len(rows)),
                                   "errorCode": "MALFORMED_QUERY"}], 400)

        def url_for(sobject: str, record_id: str) -> str:
            return f"/services/data/v{version}/tooling/sobjects/{sobject}/{record_id}"

        records = [bound.project(r, lambda sobject, record_id: None, url_for) for r in rows]
        return Response.json({"size": len(records), "totalSize": len(records), "done": True,
                              "queryLocator": None, "entityTypeName": "CustomField",
                              "records": records})


def _metadata(spec: dict[str, Any]) -> dict[str, Any]:
    """CustomFieldMetadata for a field the org keeps."""
    return {"type": _BACK.get(spec["type"], "Text"), "label": spec.get("label") or spec["name"],
            "length": spec.get("length") or None, "externalId": bool(spec.get("external_id")),
            "unique": bool(spec.get("unique")), "caseSensitive": False, "required": False,
            "description": None, "inlineHelpText": None}

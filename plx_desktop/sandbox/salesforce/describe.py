"""Describe results (describeGlobal, sObject basic info, full describe) in Salesforce's JSON shape."""

from __future__ import annotations

from typing import Any

from plx_desktop.sandbox.salesforce.schema import FieldInfo, ObjectInfo, Schema


def _urls(obj: ObjectInfo, version: str) -> dict[str, str]:
    base = f"/services/data/v{version}/sobjects/{obj.name}"
    return {"compactLayouts": f"{base}/describe/compactLayouts", "rowTemplate": f"{base}/{{ID}}",
            "approvalLayouts": f"{base}/describe/approvalLayouts", "describe": f"{base}/describe",
            "quickActions": f"{base}/quickActions", "layouts": f"{base}/describe/layouts",
            "sobject": base}


def object_summary(obj: ObjectInfo, version: str) -> dict[str, Any]:
    """One entry of describeGlobal, also the objectDescribe of GET /sobjects/{obj}/."""
    return {
        "activateable": False, "associateEntityType": None, "associateParentEntity": None,
        "createable": obj.createable, "custom": False, "customSetting": False,
        "deepCloneable": False, "deletable": obj.deletable, "deprecatedAndHidden": False,
        "feedEnabled": obj.name in ("Account", "Contact", "Lead"), "hasSubtypes": False,
        "isInterface": False, "isSubtype": False, "keyPrefix": obj.key_prefix, "label": obj.label,
        "labelPlural": obj.label_plural, "layoutable": True, "mergeable": obj.name != "Task",
        "mruEnabled": True, "name": obj.name, "queryable": True, "replicateable": True,
        "retrieveable": True, "searchable": obj.name != "Organization", "triggerable": True,
        "undeletable": obj.deletable, "updateable": obj.updateable, "urls": _urls(obj, version),
    }


def describe_global(schema: Schema, version: str) -> dict[str, Any]:
    return {"encoding": "UTF-8", "maxBatchSize": 200,
            "sobjects": [object_summary(o, version) for o in schema.objects.values()]}


def describe_field(f: FieldInfo) -> dict[str, Any]:
    """One field as describe shows it."""
    is_text = f.is_text
    numeric = f.type in ("double", "currency", "percent")
    return {
        "aggregatable": f.type not in ("textarea",), "aiPredictionField": False,
        "autoNumber": False, "byteLength": f.length * 3 if is_text or f.type in ("id", "reference")
        else 0,
        "calculated": f.calculated, "calculatedFormula": None, "cascadeDelete": False,
        "caseSensitive": False, "compoundFieldName": f.compound_field_name, "controllerName": None,
        "createable": f.createable, "custom": f.custom, "defaultValue": f.default_value
        if f.type == "boolean" else None,
        "defaultValueFormula": None, "defaultedOnCreate": f.defaulted_on_create,
        "dependentPicklist": False, "deprecatedAndHidden": False,
        "digits": f.precision if f.type == "int" else 0, "displayLocationInDecimal": False,
        "encrypted": False, "externalId": f.external_id, "extraTypeInfo": None,
        "filterable": f.type != "textarea", "filteredLookupInfo": None,
        "formulaTreatNullNumberAsZero": False, "groupable": f.type not in ("textarea", "double"),
        "highScaleNumber": False, "htmlFormatted": False, "idLookup": f.name == "Id" or f.external_id
        or f.unique or f.type == "email",
        "inlineHelpText": None, "label": f.label, "length": f.length if is_text else 0,
        "mask": None, "maskType": None, "name": f.name, "nameField": f.name_field,
        "namePointing": len(f.reference_to) > 1, "nillable": f.nillable, "permissionable":
        f.nillable and f.createable, "picklistValues": [
            {"active": p.active, "defaultValue": p.default, "label": p.label or p.value,
             "validFor": None, "value": p.value} for p in f.picklist_values],
        "polymorphicForeignKey": len(f.reference_to) > 1,
        "precision": f.precision if numeric else 0, "queryByDistance": False,
        "referenceTargetField": None, "referenceTo": list(f.reference_to),
        "relationshipName": f.relationship_name, "relationshipOrder": None,
        "restrictedDelete": False, "restrictedPicklist": f.restricted_picklist,
        "scale": f.scale if numeric else 0, "searchPrefilterable": False, "soapType": f.soap_type,
        "sortable": f.type != "textarea", "type": f.type, "unique": f.unique,
        "updateable": f.updateable, "writeRequiresMasterRead": False,
    }


def _child_relationships(schema: Schema, obj: ObjectInfo) -> list[dict[str, Any]]:
    out = []
    for child in schema.objects.values():
        for f in child.fields.values():
            if obj.name in f.reference_to and f.relationship_name and f.name not in (
                    "CreatedById", "LastModifiedById"):
                out.append({"cascadeDelete": False, "childSObject": child.name,
                            "deprecatedAndHidden": False, "field": f.name, "junctionIdListNames": [],
                            "junctionReferenceTo": [], "relationshipName": _plural(child, f),
                            "restrictedDelete": False})
    return out


def _plural(child: ObjectInfo, f: FieldInfo) -> str | None:
    if child.name == "Task":
        return "Tasks"
    if f.name in ("OwnerId", "ConvertedAccountId", "ConvertedContactId"):
        return None
    return child.label_plural.replace(" ", "")


def describe(schema: Schema, obj: ObjectInfo, version: str) -> dict[str, Any]:
    """The full describe of one object."""
    out = object_summary(obj, version)
    out.update({
        "actionOverrides": [], "childRelationships": _child_relationships(schema, obj),
        "compactLayoutable": True, "defaultImplementation": None, "extendedBy": None,
        "extendsInterfaces": None, "fields": [describe_field(f) for f in obj.fields.values()],
        "implementedBy": None, "implementsInterfaces": None, "listviewable": None,
        "lookupLayoutable": None, "namedLayoutInfos": [], "networkScopeFieldName": None,
        "recordTypeInfos": [], "searchLayoutable": True, "sobjectDescribeOption": "FULL",
        "supportedScopes": [{"label": "All records", "name": "everything"},
                            {"label": "My records", "name": "mine"}],
    })
    return dict(sorted(out.items()))

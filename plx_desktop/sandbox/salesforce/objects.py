"""The standard objects of the sandbox org (User, Account, Contact, Lead, Task, Organization)."""

from __future__ import annotations

from plx_desktop.sandbox.salesforce.ids import KEY_PREFIXES
from plx_desktop.sandbox.salesforce.schema import FieldInfo, ObjectInfo, PicklistValue
from plx_desktop.sandbox.salesforce.standard_fields import add_standard_fields

LEAD_STATUSES = ("Open - Not Contacted", "Working - Contacted", "Closed - Converted",
                 "Closed - Not Converted")
TASK_STATUSES = ("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred")
TASK_PRIORITIES = ("High", "Normal", "Low")
TASK_SUBTYPES = ("Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn")
CALL_TYPES = ("Internal", "Inbound", "Outbound")
LEAD_SOURCES = ("Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other")
INDUSTRIES = ("Agriculture", "Banking", "Communications", "Consulting", "Education", "Energy",
              "Finance", "Healthcare", "Manufacturing", "Media", "Retail", "Technology", "Other")


def _picklist(name: str, values: tuple[str, ...], default: str | None = None,
              restricted: bool = False, label: str = "", **kw: object) -> FieldInfo:
    return FieldInfo(
        name, "picklist", label=label, length=255 if not restricted else 40,
        picklist_values=[PicklistValue(v, v, True, v == default) for v in values],
        restricted_picklist=restricted, defaulted_on_create=default is not None,
        default_value=default, **kw)  # type: ignore[arg-type]


def _ref(name: str, to: list[str], relationship: str, label: str = "", **kw: object) -> FieldInfo:
    return FieldInfo(name, "reference", label=label, length=18, reference_to=to,
                     relationship_name=relationship, **kw)  # type: ignore[arg-type]


def _system_fields() -> list[FieldInfo]:
    def stamp(name: str, label: str) -> FieldInfo:
        return FieldInfo(name, "datetime", label=label, nillable=False, createable=False,
                         updateable=False, defaulted_on_create=True)

    return [
        FieldInfo("IsDeleted", "boolean", label="Deleted", nillable=False, createable=False,
                  updateable=False, defaulted_on_create=True, default_value=False),
        stamp("CreatedDate", "Created Date"),
        _ref("CreatedById", ["User"], "CreatedBy", "Created By ID", nillable=False,
             createable=False, updateable=False, defaulted_on_create=True),
        stamp("LastModifiedDate", "Last Modified Date"),
        _ref("LastModifiedById", ["User"], "LastModifiedBy", "Last Modified By ID", nillable=False,
             createable=False, updateable=False, defaulted_on_create=True),
        stamp("SystemModstamp", "System Modstamp"),
    ]


def _master_record(sobject: str) -> FieldInfo:
    """Set on a record deleted by a merge: the record it was merged into (seen with queryAll)."""
    return _ref("MasterRecordId", [sobject], "MasterRecord", "Master Record ID",
                createable=False, updateable=False)


def _id_field(label: str) -> FieldInfo:
    return FieldInfo("Id", "id", label=label, length=18, nillable=False, createable=False,
                     updateable=False, defaulted_on_create=True)


def _owner() -> FieldInfo:
    return _ref("OwnerId", ["User"], "Owner", "Owner ID", nillable=False, defaulted_on_create=True)


def _name_parts() -> list[FieldInfo]:
    return [
        FieldInfo("LastName", "string", label="Last Name", length=80, required=True),
        FieldInfo("FirstName", "string", label="First Name", length=40),
        FieldInfo("Name", "string", label="Full Name", length=121, createable=False,
                  updateable=False, name_field=True, calculated=False),
    ]


# The fields PLX Desktop's Set up creates; a ready org (`--org ready`) has them from the start.
PEOPLELINX_FIELDS = (
    {"object": "Contact", "name": "PeopleLinx_Id__c", "label": "PeopleLinx Id"},
    {"object": "Lead", "name": "PeopleLinx_Id__c", "label": "PeopleLinx Id"},
    {"object": "Task", "name": "PeopleLinx_Activity_Id__c", "label": "PeopleLinx Activity Id"},
)


def peoplelinx_field_specs() -> list[dict[str, object]]:
    """The custom-field definitions (Text(64), External ID, Unique) of a ready org."""
    return [{**spec, "type": "string", "length": 64, "external_id": True, "unique": True}
            for spec in PEOPLELINX_FIELDS]


def _object(name: str, label: str, plural: str, fields: list[FieldInfo], **kw: bool) -> ObjectInfo:
    return ObjectInfo(name, label, plural, KEY_PREFIXES[name], {f.name: f for f in fields}, **kw)


def standard_objects() -> dict[str, ObjectInfo]:
    """A fresh copy of the standard objects (custom fields are attached later by Schema)."""
    user = _object("User", "User", "Users", [
        _id_field("User ID"),
        FieldInfo("Username", "string", length=80, required=True, unique=True),
        *_name_parts(),
        FieldInfo("Email", "email", length=128, required=True),
        FieldInfo("IsActive", "boolean", label="Active", nillable=False, defaulted_on_create=True,
                  default_value=True),
        *_system_fields(),
    ], deletable=False)
    account = _object("Account", "Account", "Accounts", [
        _id_field("Account ID"),
        FieldInfo("Name", "string", label="Account Name", length=255, required=True,
                  name_field=True),
        FieldInfo("Website", "url", length=255),
        _picklist("Industry", INDUSTRIES),
        FieldInfo("BillingCity", "string", label="Billing City", length=40),
        FieldInfo("Phone", "phone", label="Account Phone", length=40),
        FieldInfo("Description", "textarea", label="Account Description", length=32000),
        _master_record("Account"),
        _owner(),
        *_system_fields(),
    ])
    contact = _object("Contact", "Contact", "Contacts", [
        _id_field("Contact ID"),
        _ref("AccountId", ["Account"], "Account", "Account ID"),
        *_name_parts(),
        FieldInfo("MailingCity", "string", label="Mailing City", length=40),
        FieldInfo("Phone", "phone", label="Business Phone", length=40),
        FieldInfo("Email", "email", length=80),
        FieldInfo("Title", "string", length=128),
        _picklist("LeadSource", LEAD_SOURCES, label="Lead Source"),
        FieldInfo("Description", "textarea", label="Contact Description", length=32000),
        _master_record("Contact"),
        _owner(),
        *_system_fields(),
    ])
    lead = _object("Lead", "Lead", "Leads", [
        _id_field("Lead ID"),
        *_name_parts(),
        FieldInfo("Title", "string", length=128),
        FieldInfo("Company", "string", length=255, required=True),
        FieldInfo("Phone", "phone", length=40),
        FieldInfo("Email", "email", length=80),
        # Not a restricted picklist in Salesforce: an off-list value saves silently.
        _picklist("Status", LEAD_STATUSES, LEAD_STATUSES[0], nillable=False),
        _picklist("LeadSource", LEAD_SOURCES, label="Lead Source"),
        FieldInfo("Description", "textarea", length=32000),
        FieldInfo("IsConverted", "boolean", label="Converted", nillable=False, createable=False,
                  updateable=False, defaulted_on_create=True, default_value=False),
        FieldInfo("ConvertedDate", "date", label="Converted Date", createable=False,
                  updateable=False),
        _ref("ConvertedAccountId", ["Account"], "ConvertedAccount", "Converted Account ID",
             createable=False, updateable=False),
        _ref("ConvertedContactId", ["Contact"], "ConvertedContact", "Converted Contact ID",
             createable=False, updateable=False),
        _master_record("Lead"),
        _owner(),
        *_system_fields(),
    ])
    task = _object("Task", "Task", "Tasks", [
        _id_field("Activity ID"),
        _ref("WhoId", ["Contact", "Lead"], "Who", "Name ID"),
        _ref("WhatId", ["Account"], "What", "Related To ID"),
        FieldInfo("Subject", "combobox", length=255),
        FieldInfo("ActivityDate", "date", label="Due Date Only"),
        _picklist("Status", TASK_STATUSES, TASK_STATUSES[0], restricted=True, nillable=False),
        _picklist("Priority", TASK_PRIORITIES, "Normal", restricted=True, nillable=False),
        _picklist("TaskSubtype", TASK_SUBTYPES, restricted=True, label="Task Subtype",
                  updateable=False),
        FieldInfo("Description", "textarea", label="Description", length=32000),
        FieldInfo("IsClosed", "boolean", label="Closed", nillable=False, createable=False,
                  updateable=False, defaulted_on_create=True, default_value=False),
        FieldInfo("CallDurationInSeconds", "int", label="Call Duration", precision=8),
        _picklist("CallType", CALL_TYPES, restricted=True, label="Call Type"),
        FieldInfo("CallDisposition", "string", label="Call Result", length=255),
        _owner(),
        *_system_fields(),
    ])
    organization = _object("Organization", "Organization", "Organizations", [
        _id_field("Organization ID"),
        FieldInfo("Name", "string", length=80, createable=False, updateable=False,
                  name_field=True),
        FieldInfo("IsSandbox", "boolean", createable=False, updateable=False, nillable=False),
        FieldInfo("InstanceName", "string", length=5, createable=False, updateable=False),
        FieldInfo("OrganizationType", "string", length=40, createable=False, updateable=False),
        *_system_fields(),
    ], createable=False, updateable=False, deletable=False)
    setup = [*_setup_objects(), *_org_rule_objects()]
    objects = {o.name: o for o in (account, contact, lead, task, user, organization, *setup)}
    add_standard_fields(objects)
    return objects


def _setup_objects() -> list[ObjectInfo]:
    """PermissionSet, FieldPermissions and PermissionSetAssignment, as the Object Reference has them."""
    def flag(name: str, label: str) -> FieldInfo:
        return FieldInfo(name, "boolean", label=label, nillable=False, defaulted_on_create=True,
                         default_value=False)

    permission_set = _object("PermissionSet", "Permission Set", "Permission Sets", [
        _id_field("Permission Set ID"),
        FieldInfo("Name", "string", label="Name", length=80, required=True, unique=True),
        FieldInfo("Label", "string", label="Label", length=80, required=True, name_field=True),
        FieldInfo("Description", "textarea", length=255),
        FieldInfo("IsOwnedByProfile", "boolean", label="Is Owned By Profile", nillable=False,
                  createable=False, updateable=False, defaulted_on_create=True, default_value=False),
        *_system_fields(),
    ])
    field_permissions = _object("FieldPermissions", "Field Permissions", "Field Permissions", [
        _id_field("Field Permissions ID"),
        _ref("ParentId", ["PermissionSet"], "Parent", "Parent ID", nillable=False, required=True,
             updateable=False),
        FieldInfo("SobjectType", "picklist", label="SObject Type Name", length=40, required=True,
                  updateable=False),
        FieldInfo("Field", "picklist", label="Field Name", length=80, required=True,
                  updateable=False),
        flag("PermissionsRead", "Read Field"),
        flag("PermissionsEdit", "Edit Field"),
        *_system_fields(),
    ])
    assignment = _object("PermissionSetAssignment", "Permission Set Assignment",
                         "Permission Set Assignments", [
        _id_field("Permission Set Assignment ID"),
        _ref("AssigneeId", ["User"], "Assignee", "Assignee ID", required=True, updateable=False),
        _ref("PermissionSetId", ["PermissionSet"], "PermissionSet", "Permission Set ID",
             required=True, updateable=False),
        *_system_fields(),
    ], updateable=False)
    return [permission_set, field_permissions, assignment]


def _org_rule_objects() -> list[ObjectInfo]:
    """Read-only setup objects: the picklist value objects and AssignmentRule."""
    def value_object(name: str, label: str, flag: str) -> ObjectInfo:
        return _object(name, label, label + "es", [
            _id_field(f"{label} ID"),
            FieldInfo("MasterLabel", "string", label="Master Label", length=255, createable=False,
                      updateable=False),
            FieldInfo("ApiName", "string", label="Api Name", length=255, createable=False,
                      updateable=False),
            FieldInfo("SortOrder", "int", label="Sort Order", createable=False, updateable=False),
            FieldInfo("IsDefault", "boolean", label="Is Default", nillable=False,
                      createable=False, updateable=False),
            FieldInfo(flag, "boolean", nillable=False, createable=False, updateable=False),
            *_system_fields(),
        ], createable=False, updateable=False, deletable=False)

    rule = _object("AssignmentRule", "Assignment Rule", "Assignment Rules", [
        _id_field("Assignment Rule ID"),
        FieldInfo("Name", "string", length=120, createable=False, updateable=False,
                  name_field=True),
        FieldInfo("SobjectType", "picklist", label="Sobject Type", length=40, createable=False,
                  updateable=False),
        FieldInfo("Active", "boolean", nillable=False, createable=False, updateable=False),
        *_system_fields(),
    ], createable=False, updateable=False, deletable=False)
    return [value_object("LeadStatus", "Lead Status", "IsConverted"),
            value_object("TaskStatus", "Task Status", "IsClosed"),
            value_object("TaskPriority", "Task Priority", "IsHighPriority"), rule]

"""The rest of the standard fields a real org's describe shows on Contact, Lead, Account, Task and
User: names, types, lengths and labels as Salesforce describes them (Object Reference for the
Salesforce Platform, and describe of a Developer Edition org), so that the mapping drop-downs list
what an admin sees in their own org.

Compound fields are there too: an address (`MailingAddress`, type address, read-only, each part
naming it in `compoundFieldName`) and the name (`Name`, whose parts are FirstName, LastName and
Salutation). `objects.py` keeps the fields the engine and the seeds rely on; this module adds the
others after them, leaving any field already defined as it is.
"""

from __future__ import annotations

from plx_desktop.sandbox.salesforce.schema import FieldInfo, ObjectInfo, PicklistValue

SALUTATIONS = ("Mr.", "Ms.", "Mrs.", "Dr.", "Prof.", "Mx.")
GEOCODE_ACCURACY = ("Address", "NearAddress", "Block", "Street", "ExtendedZip", "Zip",
                    "Neighborhood", "City", "County", "State", "Unknown")
RATINGS = ("Hot", "Warm", "Cold")
ACCOUNT_TYPES = ("Prospect", "Customer - Direct", "Customer - Channel", "Channel Partner / Reseller",
                 "Installation Partner", "Technology Partner", "Other")
OWNERSHIP = ("Public", "Private", "Subsidiary", "Other")


def _text(name: str, length: int, label: str, **kw: object) -> FieldInfo:
    return FieldInfo(name, "string", label=label, length=length, **kw)  # type: ignore[arg-type]


def _pick(name: str, values: tuple[str, ...], label: str, restricted: bool = False,
          **kw: object) -> FieldInfo:
    return FieldInfo(name, "picklist", label=label, length=255 if not restricted else 40,
                     picklist_values=[PicklistValue(v, v) for v in values],
                     restricted_picklist=restricted, **kw)  # type: ignore[arg-type]


def _flag(name: str, label: str, **kw: object) -> FieldInfo:
    return FieldInfo(name, "boolean", label=label, nillable=False, defaulted_on_create=True,
                     default_value=False, **kw)  # type: ignore[arg-type]


def _read_only(info: FieldInfo) -> FieldInfo:
    info.createable = info.updateable = False
    return info


def address(prefix: str, label: str, street_label: str | None = None) -> list[FieldInfo]:
    """Street, City, State, PostalCode, Country, Latitude, Longitude, GeocodeAccuracy and the
    compound `{prefix}Address` they make up, labelled as Salesforce does."""
    compound = f"{prefix}Address"
    lead = f"{label} " if label else ""
    parts = [
        FieldInfo(f"{prefix}Street", "textarea", label=street_label or f"{lead}Street", length=255),
        _text(f"{prefix}City", 40, f"{lead}City"),
        _text(f"{prefix}State", 80, f"{lead}State/Province"),
        _text(f"{prefix}PostalCode", 20, f"{lead}Zip/Postal Code"),
        _text(f"{prefix}Country", 80, f"{lead}Country"),
        FieldInfo(f"{prefix}Latitude", "double", label=f"{lead}Latitude", precision=18, scale=15),
        FieldInfo(f"{prefix}Longitude", "double", label=f"{lead}Longitude", precision=18,
                  scale=15),
        _pick(f"{prefix}GeocodeAccuracy", GEOCODE_ACCURACY, f"{lead}Geocode Accuracy",
              restricted=True),
    ]
    for part in parts:
        part.compound_field_name = compound
    whole = _read_only(FieldInfo(compound, "address", label=f"{lead}Address".strip()))
    return [*parts, whole]


def _person(obj: str) -> list[FieldInfo]:
    """What Contact and Lead share beyond objects.py's fields."""
    return [
        _pick("Salutation", SALUTATIONS, "Salutation", compound_field_name="Name"),
        FieldInfo("MobilePhone", "phone", label="Mobile Phone", length=40),
        FieldInfo("Fax", "phone", label="Business Fax" if obj == "Contact" else "Fax", length=40),
        _flag("HasOptedOutOfEmail", "Email Opt Out"),
        _flag("HasOptedOutOfFax", "Fax Opt Out"),
        _flag("DoNotCall", "Do Not Call"),
        _read_only(FieldInfo("LastActivityDate", "date", label="Last Activity")),
        _read_only(FieldInfo("LastViewedDate", "datetime", label="Last Viewed Date")),
        _read_only(FieldInfo("LastReferencedDate", "datetime", label="Last Referenced Date")),
        _text("EmailBouncedReason", 255, "Email Bounced Reason"),
        FieldInfo("EmailBouncedDate", "datetime", label="Email Bounced Date"),
        _read_only(_flag("IsEmailBounced", "Is Email Bounced")),
        _read_only(FieldInfo("PhotoUrl", "url", label="Photo URL", length=255)),
        _text("Jigsaw", 20, "Data.com Key"),
        _read_only(_text("JigsawContactId", 20, "Jigsaw Contact ID")),
        FieldInfo("IndividualId", "reference", label="Individual ID", length=18,
                  reference_to=["Individual"], relationship_name="Individual"),
    ]


def _contact() -> list[FieldInfo]:
    return [
        *address("Other", "Other"), *address("Mailing", "Mailing"),
        FieldInfo("HomePhone", "phone", label="Home Phone", length=40),
        FieldInfo("OtherPhone", "phone", label="Other Phone", length=40),
        FieldInfo("AssistantPhone", "phone", label="Asst. Phone", length=40),
        FieldInfo("ReportsToId", "reference", label="Reports To ID", length=18,
                  reference_to=["Contact"], relationship_name="ReportsTo"),
        _text("Department", 80, "Department"),
        _text("AssistantName", 40, "Assistant's Name"),
        FieldInfo("Birthdate", "date", label="Birthdate"),
        _read_only(FieldInfo("LastCURequestDate", "datetime", label="Last Stay-in-Touch Request "
                             "Date")),
        _read_only(FieldInfo("LastCUUpdateDate", "datetime", label="Last Stay-in-Touch Save Date")),
        *_person("Contact"),
    ]


def _lead() -> list[FieldInfo]:
    return [
        *address("", "", street_label="Street"),
        FieldInfo("Website", "url", label="Website", length=255),
        _pick("Industry", ("Agriculture", "Banking", "Communications", "Consulting", "Education",
                           "Energy", "Finance", "Healthcare", "Manufacturing", "Media", "Retail",
                           "Technology", "Other"), "Industry"),
        _pick("Rating", RATINGS, "Rating"),
        FieldInfo("AnnualRevenue", "currency", label="Annual Revenue", precision=18, scale=0),
        FieldInfo("NumberOfEmployees", "int", label="Employees", precision=8),
        _read_only(_flag("IsUnreadByOwner", "Unread By Owner")),
        *_person("Lead"),
    ]


def _account() -> list[FieldInfo]:
    return [
        _text("AccountNumber", 40, "Account Number"),
        _pick("Type", ACCOUNT_TYPES, "Account Type"),
        FieldInfo("ParentId", "reference", label="Parent Account ID", length=18,
                  reference_to=["Account"], relationship_name="Parent"),
        *address("Billing", "Billing"), *address("Shipping", "Shipping"),
        FieldInfo("Fax", "phone", label="Account Fax", length=40),
        FieldInfo("AnnualRevenue", "currency", label="Annual Revenue", precision=18, scale=0),
        FieldInfo("NumberOfEmployees", "int", label="Employees", precision=8),
        _pick("Ownership", OWNERSHIP, "Ownership"),
        _text("TickerSymbol", 20, "Ticker Symbol"),
        _pick("Rating", RATINGS, "Account Rating"),
        _text("Site", 80, "Account Site"),
        _pick("AccountSource", ("Web", "Phone Inquiry", "Partner Referral", "Purchased List",
                                "Other"), "Account Source"),
        _text("Sic", 20, "SIC Code"),
        _read_only(FieldInfo("LastActivityDate", "date", label="Last Activity")),
        _read_only(FieldInfo("PhotoUrl", "url", label="Photo URL", length=255)),
    ]


def _task() -> list[FieldInfo]:
    return [
        _read_only(FieldInfo("WhoCount", "int", label="Relation Count", precision=9)),
        _read_only(FieldInfo("WhatCount", "int", label="Related To Count", precision=9)),
        _read_only(FieldInfo("AccountId", "reference", label="Account ID", length=18,
                             reference_to=["Account"], relationship_name="Account")),
        _flag("IsHighPriority", "High Priority"),
        _read_only(_flag("IsArchived", "Archived")),
        _flag("IsReminderSet", "Reminder Set"),
        FieldInfo("ReminderDateTime", "datetime", label="Reminder Date/Time"),
        _read_only(FieldInfo("CompletedDateTime", "datetime", label="Completed Date/Time")),
        _flag("IsRecurrence", "Create Recurring Series of Tasks"),
    ]


def _user() -> list[FieldInfo]:
    return [
        _text("Alias", 8, "Alias"),
        _text("CommunityNickname", 40, "Nickname"),
        _text("Title", 80, "Title"),
        _text("CompanyName", 80, "Company Name"),
        _text("Department", 80, "Department"),
        _text("Division", 80, "Division"),
        *address("", "", street_label="Street"),
        FieldInfo("Phone", "phone", label="Phone", length=40),
        FieldInfo("MobilePhone", "phone", label="Mobile", length=40),
        FieldInfo("Fax", "phone", label="Fax", length=40),
        _text("TimeZoneSidKey", 40, "Time Zone"),
        _text("LocaleSidKey", 40, "Locale"),
        _text("LanguageLocaleKey", 40, "Language"),
        _text("EmailEncodingKey", 40, "Email Encoding"),
        FieldInfo("ProfileId", "reference", label="Profile ID", length=18, reference_to=["Profile"],
                  relationship_name="Profile"),
        FieldInfo("UserRoleId", "reference", label="Role ID", length=18,
                  reference_to=["UserRole"], relationship_name="UserRole"),
        FieldInfo("ManagerId", "reference", label="Manager ID", length=18, reference_to=["User"],
                  relationship_name="Manager"),
        _read_only(FieldInfo("LastLoginDate", "datetime", label="Last Login")),
        _read_only(_text("UserType", 40, "User Type")),
    ]


_EXTRA = {"Contact": _contact, "Lead": _lead, "Account": _account, "Task": _task, "User": _user}


def add_standard_fields(objects: dict[str, ObjectInfo]) -> None:
    """Give each object the rest of its standard fields (never replacing one already there), and
    mark the name parts as parts of the compound Name."""
    for sobject, make in _EXTRA.items():
        obj = objects[sobject]
        for info in make():
            existing = obj.fields.setdefault(info.name, info)
            if existing.compound_field_name is None:  # objects.py's MailingCity, BillingCity...
                existing.compound_field_name = info.compound_field_name
        for part in ("FirstName", "LastName", "Salutation"):
            if part in obj.fields and "Name" in obj.fields:
                obj.fields[part].compound_field_name = "Name"

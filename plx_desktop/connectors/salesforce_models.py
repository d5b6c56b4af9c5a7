"""The plain values the Salesforce connector hands out: connection, describe results, write results."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from plx_desktop.connectors.sf_auth import token_url_for


@dataclass
class SalesforceConnection:
    """Where and as whom to talk to Salesforce. repr never shows the tokens.

    `login_url` is where the admin signed in (login.salesforce.com, test.salesforce.com or the
    My Domain). The refresh token is renewed at the instance (the org's My Domain), as the
    Salesforce CLI does: orgs that require My Domain refuse renewals at login.salesforce.com.
    """

    instance_url: str
    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    client_id: str = ""
    login_url: str = ""
    api_version: str = "62.0"
    ca_file: str | None = None

    @property
    def token_url(self) -> str:
        return token_url_for(self.instance_url or self.login_url)


@dataclass(frozen=True)
class ApiUsage:
    """Today's API calls from Sforce-Limit-Info: `used` of `limit`."""

    used: int
    limit: int

    @property
    def fraction(self) -> float:
        return self.used / self.limit if self.limit else 1.0


@dataclass(frozen=True)
class FieldDescription:
    """One field of an object, as describe tells it (the parts the mapping editor needs)."""

    name: str
    label: str
    type: str  # Salesforce's type: string, email, picklist, reference, datetime, boolean, ...
    length: int
    nillable: bool
    createable: bool
    updateable: bool
    picklist_values: list[str]  # active values only
    reference_to: list[str]
    external_id: bool
    unique: bool
    default_value: Any  # for a picklist: the value marked default (Lead Status: "Open - Not Contacted")

    @classmethod
    def from_describe(cls, data: dict[str, Any]) -> FieldDescription:
        picklist = [v for v in data.get("picklistValues") or [] if v.get("active", True)]
        default = data.get("defaultValue")
        if default is None:
            default = next((v["value"] for v in picklist if v.get("defaultValue")), None)
        return cls(name=data["name"], label=data.get("label") or data["name"],
                   type=data.get("type", "string"), length=int(data.get("length") or 0),
                   nillable=bool(data.get("nillable")), createable=bool(data.get("createable")),
                   updateable=bool(data.get("updateable")),
                   picklist_values=[v["value"] for v in picklist],
                   reference_to=list(data.get("referenceTo") or []),
                   external_id=bool(data.get("externalId")), unique=bool(data.get("unique")),
                   default_value=default)


@dataclass(frozen=True)
class ObjectDescription:
    """An object's describe: its name, label and fields."""

    name: str
    label: str
    fields: list[FieldDescription]

    def field(self, name: str) -> FieldDescription | None:
        # Salesforce field names are case-insensitive. Asked for every mapped field of every
        # record: a dict built once, not a scan of the describe's hundreds of fields.
        return self._by_name.get(name.lower())

    @cached_property
    def _by_name(self) -> dict[str, FieldDescription]:
        by_name: dict[str, FieldDescription] = {}
        for f in self.fields:
            by_name.setdefault(f.name.lower(), f)  # the first of a name, as the scan found it
        return by_name


@dataclass(frozen=True)
class ObjectSummary:
    """One entry of describeGlobal."""

    name: str
    label: str
    custom: bool
    createable: bool
    updateable: bool
    queryable: bool


@dataclass(frozen=True)
class RecordError:
    """Why Salesforce refused one record: its error code (statusCode), message and fields; for
    DUPLICATES_DETECTED, the duplicate rule and the matched records (from `duplicateResult`, as
    the SOAP API Developer Guide's DuplicateError, DuplicateResult and MatchResult describe it)."""

    code: str
    message: str
    fields: list[str] = field(default_factory=list)
    duplicate_rule: str = ""
    allow_save: bool = False
    matches: tuple[tuple[str, str], ...] = ()  # (object, Id) of each matched record

    @classmethod
    def from_json(cls, e: dict[str, Any]) -> RecordError:
        duplicates = e.get("duplicateResult")
        found: dict[str, Any] = duplicates if isinstance(duplicates, dict) else {}
        matches = tuple(
            (str(m.get("entityType") or ""), str(r.get("record", {}).get("Id") or ""))
            for m in found.get("matchResults") or [] if isinstance(m, dict)
            for r in m.get("matchRecords") or [] if isinstance(r, dict))
        return cls(code=str(e.get("statusCode") or e.get("errorCode") or "UNKNOWN"),
                   message=str(e.get("message") or ""), fields=list(e.get("fields") or []),
                   duplicate_rule=str(found.get("duplicateRule") or ""),
                   allow_save=bool(found.get("allowSave")),
                   matches=tuple(m for m in matches if m[1]))


@dataclass(frozen=True)
class RecordResult:
    """The outcome of writing one record, in the order the records were given."""

    id: str | None
    success: bool
    created: bool = False
    errors: list[RecordError] = field(default_factory=list)

    @property
    def error_code(self) -> str | None:
        return self.errors[0].code if self.errors else None

    @property
    def message(self) -> str:
        """What Salesforce said about the record, every error's message in order."""
        return "; ".join(e.message for e in self.errors)

    @classmethod
    def from_collection(cls, data: dict[str, Any], *, created_default: bool) -> RecordResult:
        errors = [RecordError.from_json(e) for e in data.get("errors") or []]
        success = bool(data.get("success"))
        created = bool(data.get("created", created_default and success))
        return cls(id=data.get("id"), success=success, created=created, errors=errors)

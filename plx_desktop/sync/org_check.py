"""Check org: is this Salesforce org ready for the integration? Each item ok / missing / warning.

The items: API access (the org's edition) and the connected user's API Enabled; the user's object
permissions on Contact, Lead, Task and Account (describe's queryable / createable / updateable);
the field-level security of every field the active profile maps; the PeopleLinx fields
(Contact.PeopleLinx_Id__c, Lead.PeopleLinx_Id__c, Task.PeopleLinx_Activity_Id__c: Text, External
ID, Unique); the Lead Status values the profile's status maps use; API usage headroom. Each item
says what to do, and keeps Salesforce's own words (`raw`) for the admin's Details.

Set up (org_setup.py) fixes what is marked `fixable`. No Qt here: the CLI and the GUI both call
run_check() from a worker thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from plx_desktop.connectors.errors import ConnectorError
from plx_desktop.connectors.retry import RetryPolicy
from plx_desktop.connectors.salesforce import SalesforceClient
from plx_desktop.connectors.salesforce_models import ObjectDescription
from plx_desktop.connectors.salesforce_setup import (
    PERMISSION_SET_LABEL,
    daily_api_requests,
    raw_text,
    tooling_query,
)
from plx_desktop.domain import Profile, Step
from plx_desktop.domain.catalog import System
from plx_desktop.sync.connections import Connections, NotConnected, open_clients

OK, MISSING, WARNING = "ok", "missing", "warning"
OBJECTS = ("Contact", "Lead", "Task", "Account")
# (object, field, label): what Set up creates, and what makes retried creates safe.
PEOPLELINX_FIELDS = (("Contact", "PeopleLinx_Id__c", "PeopleLinx Id"),
                     ("Lead", "PeopleLinx_Id__c", "PeopleLinx Id"),
                     ("Task", "PeopleLinx_Activity_Id__c", "PeopleLinx Activity Id"))
LOW_HEADROOM = 0.10
_API_CODES = {
    "API_DISABLED_FOR_ORG": ("org", "This org's Salesforce edition has no API access "
                             "(Professional Edition without the API add-on, for example). Ask "
                             "Salesforce to enable the API for the org."),
    "API_CURRENTLY_DISABLED": ("user", "The connected user does not have API Enabled. In Setup, "
                               "give their profile or a permission set the API Enabled "
                               "permission, or connect as a user who has it."),
}


@dataclass
class CheckItem:
    """One line of Check org."""

    key: str  # stable, e.g. "field:Contact.PeopleLinx_Id__c"
    title: str  # in the admin's words
    status: str  # ok | missing | warning
    detail: str  # what is, and what to do
    fix: str = ""  # what Set up would do about it ("" when Set up cannot)
    raw: str = ""  # Salesforce's own text, when it said something

    @property
    def missing(self) -> bool:
        return self.status == MISSING

    @property
    def fixable(self) -> bool:
        return bool(self.fix)


@dataclass
class CheckReport:
    """Everything Check org found, in the order shown."""

    items: list[CheckItem] = field(default_factory=list)
    org_id: str = ""
    user_id: str = ""
    username: str = ""

    @property
    def missing(self) -> list[CheckItem]:
        return [i for i in self.items if i.missing]

    @property
    def ready(self) -> bool:
        return not self.missing

    def fixable(self) -> list[CheckItem]:
        return [i for i in self.missing if i.fixable]

    def setup_plan(self) -> list[str]:
        """What Set up would change, one line each (the grant said once, last)."""
        fixes = [i.fix for i in self.fixable()]
        if fixes:
            fixes.append(f"Give the connected user read and edit on these fields through the "
                         f"permission set {PERMISSION_SET_LABEL}, assigned to them")
        return fixes

    def item(self, key: str) -> CheckItem | None:
        return next((i for i in self.items if i.key == key), None)


def open_salesforce(connections: Connections) -> SalesforceClient:
    """The Salesforce client alone (Check org needs no PeopleLinx), opened as a sync opens it."""
    if connections.peoplelinx is not None and connections.salesforce is not None:
        sf, plx = open_clients(connections, retry=RetryPolicy())
        plx.close()
        return sf
    if connections.salesforce is None:
        raise NotConnected("Salesforce is not connected: connect it first (plx-desktop, "
                           "Connections, or plx-desktop connect salesforce).")
    return SalesforceClient(connections.salesforce, retry=RetryPolicy())


def run_check(client: SalesforceClient, profile: Profile | None) -> CheckReport:
    """Check the org as the connected user sees it; never raises for what it finds."""
    report = CheckReport()
    if not _check_access(client, report):
        return report
    describes = _describe_objects(client, report)
    _check_peoplelinx_fields(client, report, describes)
    if profile is not None:
        _check_mapped_fields(client, report, profile, describes)
        _check_lead_statuses(report, profile, describes)
    _check_headroom(client, report)
    return report


def _check_access(client: SalesforceClient, report: CheckReport) -> bool:
    """API access and API Enabled, from who the user is and one REST call; False stops here."""
    try:
        info = client.userinfo()
        report.org_id = str(info.get("organization_id") or "")
        report.user_id = str(info.get("user_id") or "")
        report.username = str(info.get("preferred_username") or "")
        client.describe_global()
    except ConnectorError as exc:
        who, what = _API_CODES.get(exc.code or "", ("", f"Salesforce refused: {exc.reason}"))
        org_ok = who == "user"
        report.items.append(CheckItem("api_org", "API access for the org", OK if org_ok else MISSING,
                                      "The org has API access." if org_ok else what,
                                      raw=raw_text(exc)))
        if org_ok:
            report.items.append(CheckItem("api_user", "API Enabled for the connected user",
                                          MISSING, what, raw=raw_text(exc)))
        return False
    report.items.append(CheckItem("api_org", "API access for the org", OK, "The org has API access."))
    report.items.append(CheckItem("api_user", "API Enabled for the connected user", OK,
                                  f"{report.username or 'The user'} has API Enabled."))
    return True


def _describe_objects(client: SalesforceClient, report: CheckReport) -> dict[str, ObjectDescription]:
    summaries = {o.name: o for o in client.describe_global()}
    out: dict[str, ObjectDescription] = {}
    for name in OBJECTS:
        summary = summaries.get(name)
        lacking = ["read"] if summary is None or not summary.queryable else []
        if summary is not None:
            lacking += [w for w, ok in (("create", summary.createable),
                                        ("edit", summary.updateable)) if not ok]
        if lacking:
            report.items.append(CheckItem(
                f"object:{name}", f"{name}: read, create and edit", MISSING,
                f"The connected user cannot {', '.join(lacking)} {name} records. In Setup, give "
                f"their profile or a permission set Read, Create and Edit on {name}."))
            continue
        report.items.append(CheckItem(f"object:{name}", f"{name}: read, create and edit", OK,
                                      f"The user can read, create and edit {name} records."))
        out[name] = client.describe(name)
    return out


def _check_peoplelinx_fields(client: SalesforceClient, report: CheckReport,
                             describes: dict[str, ObjectDescription]) -> None:
    hidden = _existing_custom_fields(client)
    for sobject, name, label in PEOPLELINX_FIELDS:
        key, title = f"field:{sobject}.{name}", f"{sobject}.{name}"
        described = describes.get(sobject)
        found = described.field(name) if described is not None else None
        grant = (f"grant the connected user read and edit on {sobject}.{name} (permission set "
                 f"{PERMISSION_SET_LABEL})")
        if found is None and (sobject, name[:-3]) in hidden:
            report.items.append(CheckItem(
                key, title, MISSING, f"The field exists but the connected user cannot see it. "
                f"Set up can {grant}.", fix=grant[0].upper() + grant[1:]))
        elif found is None:
            report.items.append(CheckItem(
                key, title, MISSING, f"{sobject} has no {name} ('{label}'): the sync then has "
                f"to look up each {sobject} it created before a crash instead of upserting it. "
                f"Set up can create it and {grant}.",
                fix=f"Create {sobject}.{name} (Text(64), External ID, Unique)"))
        elif not (found.external_id and found.unique and found.type == "string"):
            report.items.append(CheckItem(
                key, title, MISSING, f"{sobject}.{name} exists but is not a Text field marked "
                "External ID and Unique. Change it in Setup, Object Manager (Set up cannot "
                "change a field someone else made)."))
        elif not (found.createable and found.updateable):
            report.items.append(CheckItem(
                key, title, MISSING, f"The connected user can read {sobject}.{name} but not "
                f"edit it. Set up can {grant}.", fix=grant[0].upper() + grant[1:]))
        else:
            report.items.append(CheckItem(key, title, OK, "Text, External ID, Unique; the user "
                                          "can read and edit it."))


def _existing_custom_fields(client: SalesforceClient) -> set[tuple[str, str]]:
    """(object, developer name) of the PeopleLinx fields that exist, seen or not (Tooling API)."""
    names = ", ".join(f"'{n[:-3]}'" for n in {f for _, f, _ in PEOPLELINX_FIELDS})
    try:
        rows = tooling_query(client, "SELECT Id, DeveloperName, TableEnumOrId FROM CustomField "
                                     f"WHERE DeveloperName IN ({names})")
    except ConnectorError:
        return set()  # no Tooling access: Set up will say so if it is needed
    return {(str(r.get("TableEnumOrId")), str(r.get("DeveloperName"))) for r in rows}


def _salesforce_object(step: Step) -> str:
    return step.target.name if step.target.system is System.SALESFORCE else step.source.name


def _check_mapped_fields(client: SalesforceClient, report: CheckReport, profile: Profile,
                         describes: dict[str, ObjectDescription]) -> None:
    seen: set[tuple[str, str, bool]] = set()
    for step in (s for s in profile.steps if s.enabled):
        sobject = _salesforce_object(step)
        described = describes.get(sobject)
        if described is None:
            continue
        for mapping in step.mappings:
            name = mapping.salesforce_field
            if "." in name or (sobject, name, step.to_salesforce) in seen:
                continue  # a relationship path (Account.Name): its own object's security
            seen.add((sobject, name, step.to_salesforce))
            report.items.append(_mapped_field_item(step, sobject, name, described))


def _mapped_field_item(step: Step, sobject: str, name: str,
                       described: ObjectDescription) -> CheckItem:
    key, title = f"fls:{step.uid}:{sobject}.{name}", f"{step.label}: {sobject}.{name}"
    found = described.field(name)
    if found is None:
        return CheckItem(key, title, MISSING,
                         f"The connected user cannot see {sobject}.{name} (field-level security, "
                         f"or no such field). In Setup, Object Manager, {sobject}, Fields, "
                         f"{name}, Set Field-Level Security: make it Visible for their profile, "
                         f"or remove the mapping from {step.label}.")
    if step.to_salesforce and not (found.createable or found.updateable) and name != "Id":
        return CheckItem(key, title, MISSING,
                         f"{sobject}.{name} is read-only for the connected user, and {step.label} "
                         f"writes it. Make it editable in Set Field-Level Security, or remove "
                         f"the mapping.")
    return CheckItem(key, title, OK, "Visible" + (" and editable." if step.to_salesforce else "."))


def _check_lead_statuses(report: CheckReport, profile: Profile,
                         describes: dict[str, ObjectDescription]) -> None:
    lead = describes.get("Lead")
    status = lead.field("Status") if lead is not None else None
    if status is None:
        return
    org_values = set(status.picklist_values)
    used = _status_values_used(s for s in profile.steps if s.enabled)
    unknown = sorted(v for v in used if v not in org_values)
    shown = ", ".join(status.picklist_values)
    if unknown:
        report.items.append(CheckItem(
            "lead_status", "Lead Status values", MISSING,
            f"The value maps use {', '.join(repr(v) for v in unknown)}, which this org's Lead "
            f"Status does not have (it has: {shown}). Add them in Setup, Object Manager, Lead, "
            f"Fields, Lead Status, or change the value maps."))
    else:
        report.items.append(CheckItem("lead_status", "Lead Status values", OK,
                                      f"Every value the maps use exists ({shown})."))


def _status_values_used(steps: Iterable[Step]) -> set[str]:
    return {value for step in steps for _, value in step.status_map if value}


def _check_headroom(client: SalesforceClient, report: CheckReport) -> None:
    try:
        found = daily_api_requests(client)
    except ConnectorError as exc:
        report.items.append(CheckItem("api_usage", "API usage headroom", WARNING,
                                      f"Could not read the org's limits: {exc.reason}",
                                      raw=raw_text(exc)))
        return
    if found is None:
        return
    remaining, limit = found
    text = f"{remaining:,} of {limit:,} API calls left today (shared by every integration)."
    if remaining <= 0:
        report.items.append(CheckItem("api_usage", "API usage headroom", MISSING,
                                      text + " The sync waits until the limit resets."))
    elif remaining < limit * LOW_HEADROOM:
        report.items.append(CheckItem("api_usage", "API usage headroom", WARNING,
                                      text + " Little is left: runs may stop at the usage cap."))
    else:
        report.items.append(CheckItem("api_usage", "API usage headroom", OK, text))

"""People → Contact and People → Lead: people changed since the cursor reach Salesforce.

Per batch: skip people whose mapped values are what we last synced (echoes of our own writes);
match the rest by link, then by email (our links, then one Salesforce query for the batch); update
what matched with the changed fields and create the others through an upsert on the
PeopleLinx_Id__c external id, so that a retried or replayed batch can never create twice.

When a profile has both People → Contact and People → Lead, a person Salesforce does not know is
created once: as a Contact when an Account with the person's company name exists, else as a Lead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from simple_salesforce.format import format_soql

from plx_desktop.connectors.peoplelinx_types import BatchItem
from plx_desktop.connectors.salesforce_models import ObjectDescription, RecordResult
from plx_desktop.domain import LEAD_COMPANY_PLACEHOLDER, Step, normalise_email
from plx_desktop.store import RecordLink
from plx_desktop.sync.accounts import Accounts
from plx_desktop.sync.context import (
    CREATED,
    FAILED,
    SKIPPED,
    UPDATED,
    RunContext,
    StepReport,
    after_cursor,
)
from plx_desktop.sync.outbox_flow import InFlight, record_intent
from plx_desktop.sync.values import ACCOUNT_NAME, active, changed, plx_get, to_salesforce

EXTERNAL_ID = "PeopleLinx_Id__c"
OPERATION = "salesforce_upsert"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class _Write:
    person: dict[str, Any]
    plx_values: dict[str, Any]  # the mapped values as PeopleLinx holds them
    values: dict[str, Any]  # the same, as Salesforce would hold them
    sf_id: str | None = None  # known counterpart (linked or matched by email)
    known: dict[str, Any] = field(default_factory=dict)  # what Salesforce holds, as far as known
    warnings: list[str] = field(default_factory=list)
    leave: bool = False  # the other People step creates this person

    @property
    def label(self) -> str:
        name = " ".join(p for p in (self.person.get("first_name"), self.person.get("last_name")) if p)
        email = self.person.get("email")
        return f"{name} <{email}>" if name and email else (name or email or self.person["id"])


def run(step: Step, ctx: RunContext, report: StepReport) -> None:
    accounts = ctx.accounts
    in_flight = InFlight(ctx.store, step.uid, (OPERATION,))
    since = ctx.store.cursors.get(step.uid)
    filter_id = step.saved_filter.id if step.saved_filter else None
    batch = ctx.tuning.salesforce_batch
    pages = ctx.plx.iter_people(updated_since=since, filter_id=filter_id,
                                page_size=ctx.tuning.page_size)
    for page in after_cursor(pages, since):
        for start in range(0, len(page), batch):
            ctx.check_cancel()
            _sync_batch(step, ctx, report, page[start:start + batch], accounts, in_flight)
            ctx.progress(report, message=f"{report.done} people read")
    in_flight.settle(ctx.store)


def _sync_batch(step: Step, ctx: RunContext, report: StepReport, people: list[dict[str, Any]],
                accounts: Accounts, in_flight: InFlight) -> None:
    sobject = step.target.name
    mappings = active(step.mappings, to_salesforce=True)
    keys = [m.peoplelinx_field for m in mappings]
    links = ctx.store.links.for_plx_ids(p["id"] for p in people)
    cursor = people[-1]["updated_at"] if people else None
    todo: list[_Write] = []
    describe: ObjectDescription | None = None
    for person in people:
        report.done += 1
        plx_now = {k: plx_get(person, k) for k in keys}
        link = _link_to(links.get(person["id"], []), sobject)
        if link is not None and not changed(plx_now, link.plx_values):
            continue  # what we last synced: an echo of our own write, or no mapped change
        if link is None and _left_to_other_step(ctx, step, links.get(person["id"], [])):
            continue
        describe = describe or ctx.describe(sobject)
        mapped = to_salesforce(person, mappings, describe)
        write = _Write(person, plx_now, mapped.values, warnings=mapped.warnings)
        if mapped.error:
            ctx.log(report, FAILED, plx_id=person["id"], label=write.label, code="BAD_VALUE",
                    message=f"Not synced: {mapped.error}")
            continue
        email = mapped.values.get("Email")
        if email and not _EMAIL.match(str(email)):
            ctx.log(report, FAILED, plx_id=person["id"], label=write.label,
                    code="INVALID_EMAIL_ADDRESS",
                    message=f"Refused: '{email}' is not a valid email address; fix it in PeopleLinx")
            continue
        if link is not None:
            write.sf_id, write.known = link.sf_id, link.sf_values
        todo.append(write)
    if not todo:
        ctx.commit(report, cursor=cursor)
        return
    _match_by_email(ctx, sobject, [w for w in todo if w.sf_id is None], mappings)
    creating = [w for w in todo if w.sf_id is None]
    if creating:
        _decide_creations(step, ctx, report, creating, accounts)
    todo = [w for w in todo if w.sf_id is not None or not w.leave]
    _resolve_accounts(ctx, report, todo, accounts, sobject)
    updates = [w for w in todo if w.sf_id and changed(w.values, w.known)]
    creates = [w for w in todo if not w.sf_id]
    unchanged = [w for w in todo if w.sf_id and not changed(w.values, w.known)]
    describe = describe or ctx.describe(sobject)
    ext = EXTERNAL_ID if describe.field(EXTERNAL_ID) else None
    outbox_ids = record_intent(
        ctx.store, ctx.run_id, step.uid, "salesforce", OPERATION,
        [(w.person["id"], w.person["updated_at"], w.sf_id is None) for w in updates + creates])
    new_links = [_link(ctx, step, w, w.sf_id) for w in unchanged if w.sf_id]
    # Matched by email and already equal: nothing to write, but the person still gets the link.
    written: list[tuple[_Write, str, bool]] = [(w, w.sf_id, False) for w in unchanged if w.sf_id]
    if updates:
        rows = [{"Id": w.sf_id, **_sf_row(changed(w.values, w.known))}
                | ({ext: w.person["id"]} if ext else {}) for w in updates]
        for write, result in zip(updates, ctx.sf.update(sobject, rows), strict=True):
            _settle(ctx, report, step, write, result, False, written, new_links, in_flight)
    if creates:
        rows = [_create_row(w, sobject, describe) | ({ext: w.person["id"]} if ext else {})
                for w in creates]
        results = ctx.sf.upsert(sobject, ext, rows) if ext else ctx.sf.create(sobject, rows)
        for write, result in zip(creates, results, strict=True):
            _settle(ctx, report, step, write, result, True, written, new_links, in_flight)
    ctx.commit(report, links=new_links, cursor=cursor, done=outbox_ids)
    _tell_peoplelinx(ctx, step, written)


def _left_to_other_step(ctx: RunContext, step: Step, links: list[RecordLink]) -> bool:
    """A person linked only to the other object, when the other People step runs too and this
    object's records are read into People (which links any record with their email): nothing to
    match or create here, so no query is spent on them."""
    other = "Lead" if step.target.name == "Contact" else "Contact"
    return (_link_to(links, other) is not None and _link_to(links, step.target.name) is None
            and ctx.step_enabled(f"people_to_{other.lower()}")
            and ctx.reverse_step(step) is not None)


def _link_to(links: list[RecordLink], sobject: str) -> RecordLink | None:
    return next((k for k in links if k.sf_object == sobject), None)


def _match_by_email(ctx: RunContext, sobject: str, writes: list[_Write], mappings: list) -> None:
    """Unlinked people whose email a Salesforce record of this object has: that record."""
    by_email = {normalise_email(w.values.get("Email")): w for w in writes if w.values.get("Email")}
    if not by_email:
        return
    for email, links in ctx.store.links.for_emails(by_email).items():
        link = _link_to(links, sobject)
        if link is not None and email in by_email:
            by_email.pop(email).sf_id = link.sf_id
    if not by_email:
        return
    fields = list(dict.fromkeys(["Id", "Email", *(m.salesforce_field for m in mappings)]))
    soql = format_soql(f"SELECT {', '.join(fields)} FROM {sobject} WHERE Email IN {{}} "
                       "ORDER BY LastModifiedDate DESC", sorted(by_email))
    for page in ctx.sf.iter_query(soql):
        for record in page:
            write = by_email.pop(normalise_email(record.get("Email")), None)
            if write is not None:
                write.sf_id = record["Id"]
                write.known = {k: _sf_value(record, k) for k in write.values}


def _sf_value(record: dict[str, Any], key: str) -> Any:
    if key == ACCOUNT_NAME:
        account = record.get("Account")
        return account.get("Name") if isinstance(account, dict) else None
    return record.get(key)


def _decide_creations(step: Step, ctx: RunContext, report: StepReport, writes: list[_Write],
                      accounts: Accounts) -> None:
    """With both People → Contact and People → Lead in the profile, create each new person once:
    a Contact when their company is an Account already, else a Lead; someone Salesforce already
    has as the other object is left to the other step."""
    sobject = step.target.name
    other_object = "Lead" if sobject == "Contact" else "Contact"
    if not ctx.step_enabled(f"people_to_{other_object.lower()}"):
        return
    companies = {str(w.person.get("account") or "").strip() for w in writes} - {""}
    accounts.lookup(companies)
    links = ctx.store.links.for_plx_ids(w.person["id"] for w in writes)
    for write in writes:
        if _link_to(links.get(write.person["id"], []), other_object) is not None:
            write.leave = True
            continue
        has_account = accounts.exists(write.person.get("account"))
        write.leave = not has_account if sobject == "Contact" else has_account


def _resolve_accounts(ctx: RunContext, report: StepReport, writes: list[_Write],
                      accounts: Accounts, sobject: str) -> None:
    """Turn the mapped company name into an AccountId (contacts only), creating the account."""
    if sobject != "Contact":
        return
    names = {str(w.values[ACCOUNT_NAME]).strip() for w in writes if w.values.get(ACCOUNT_NAME)}
    if not names:
        return
    needed = {n for n in names if any(
        w.values.get(ACCOUNT_NAME) == n and w.values.get(ACCOUNT_NAME) != w.known.get(ACCOUNT_NAME)
        for w in writes)}
    ids = accounts.ensure(needed) if needed else {}
    for write in writes:
        name = write.values.get(ACCOUNT_NAME)
        if name in ids:
            write.values["AccountId"] = ids[name]


def _sf_row(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != ACCOUNT_NAME}


def _create_row(write: _Write, sobject: str, describe: ObjectDescription) -> dict[str, Any]:
    row = _sf_row(write.values)
    if sobject == "Lead":
        if not row.get("Company"):
            row["Company"] = LEAD_COMPANY_PLACEHOLDER
        status = describe.field("Status")
        if not row.get("Status") and status is not None and status.default_value:
            row["Status"] = status.default_value
    return {k: v for k, v in row.items() if v is not None}


def _settle(ctx: RunContext, report: StepReport, step: Step, write: _Write, result: RecordResult,
            creating: bool, written: list, new_links: list, in_flight: InFlight) -> None:
    person_id = write.person["id"]
    if not result.success:
        code = result.error_code or "ERROR"
        message = "; ".join(e.message for e in result.errors)
        if code == "CANNOT_UPDATE_CONVERTED_LEAD":
            ctx.log(report, SKIPPED, sf_id=write.sf_id or "", plx_id=person_id, label=write.label,
                    code=code, message="Not updated: this lead was converted, and Salesforce "
                    "does not allow changes to converted leads; the contact it became is synced "
                    "instead")
        else:
            ctx.log(report, FAILED, sf_id=write.sf_id or "", plx_id=person_id, label=write.label,
                    code=code, message=f"Salesforce refused the record: {message}")
        return
    sf_id = result.id or write.sf_id or ""
    created = creating and (result.created or in_flight.was_creating(person_id) or not write.sf_id)
    write.sf_id = sf_id
    new_links.append(_link(ctx, step, write, sf_id))
    written.append((write, sf_id, created))
    note = "; ".join(write.warnings)
    what = "Created" if created else f"Updated {', '.join(sorted(_sf_row(changed(write.values, write.known))) or ['links'])} in"
    ctx.log(report, CREATED if created else UPDATED, sf_id=sf_id, plx_id=person_id,
            label=write.label, message=f"{what} Salesforce" + (f" ({note})" if note else ""))


def _link(ctx: RunContext, step: Step, write: _Write, sf_id: str) -> RecordLink:
    sf_values = {k: v for k, v in write.values.items() if k != "AccountId"}
    return RecordLink(sf_id=sf_id, sf_object=step.target.name, plx_id=write.person["id"],
                      plx_object="person", step_uid=step.uid, email=write.person.get("email") or "",
                      sf_values=sf_values, plx_values=write.plx_values,
                      sf_url=ctx.record_url(sf_id))


def _tell_peoplelinx(ctx: RunContext, step: Step, written: list[tuple[_Write, str, bool]]) -> None:
    """Give each person their Salesforce link (and URL) where it is new."""
    sobject = step.target.name
    items = []
    for write, sf_id, _created in written:
        person = write.person
        slot = "salesforce_contact_id" if sobject == "Contact" else "salesforce_lead_id"
        if person.get(slot) == sf_id:
            continue
        body: dict[str, Any] = {slot: sf_id}
        if sobject == "Contact" or not person.get("salesforce_contact_id"):
            body |= {"salesforce_id": sf_id, "salesforce_object": sobject,
                     "salesforce_url": ctx.record_url(sf_id)}
        items.append(BatchItem("update", body, id=person["id"]))
    if items:
        ctx.plx.batch_people(items)

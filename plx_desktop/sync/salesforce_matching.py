"""Matching people to Salesforce records, and deciding what a People step writes for them.

Who is who: by link, then by email (the store's links, then one Salesforce query per batch). Real
orgs hold many records with one email; a person is linked to one of them, by this rule:

1. the record already linked to the person (whichever object's step linked it first);
2. a Contact over a Lead: the person's Salesforce record is the Contact, and a Lead with the same
   email is linked beside it only by the Lead steps;
3. else the most recently modified record of the step's object (records linked to someone else
   are not candidates).

The others are named in the log entry of the person (People → Salesforce) or logged as skipped
(Salesforce → People), so the admin can merge them in Salesforce. Who becomes what: with both
People → Contact and People → Lead in a profile, a person Salesforce does not know is created
once, as a Contact when an Account with their company name exists, else as a Lead. And a
contact's company name becomes its AccountId, creating the Account once.

Each function here takes the batch's `PersonWrite`s and returns new ones (person_write.py).
"""

from __future__ import annotations

from typing import Any

from plx_desktop.domain import FieldMapping, Step, normalise_email
from plx_desktop.store import RecordLink
from plx_desktop.store.scratch import ScratchIndex
from plx_desktop.sync.accounts import Accounts
from plx_desktop.sync.context import FAILED, RunContext, StepReport
from plx_desktop.sync.overlap import read_ahead
from plx_desktop.sync.person_write import PersonWrite
from plx_desktop.sync.refusals import refusal
from plx_desktop.sync.values import ACCOUNT_NAME, sf_get


def left_to_other_step(ctx: RunContext, step: Step, links: list[RecordLink]) -> bool:
    """A person linked only to the other object, when the other People step runs too: they are
    that object's in Salesforce already, so nothing is matched or created here, and no query is
    spent on them. (With the object's own → People step in the profile, a record of this object
    with their email would have been linked to them by that step.)"""
    other = "Lead" if step.target.name == "Contact" else "Contact"
    return (link_to(links, other) is not None and link_to(links, step.target.name) is None
            and ctx.queries.step_enabled(f"people_to_{other.lower()}"))


def all_records_linked(ctx: RunContext, step: Step) -> bool:
    """Whether every record of the step's object is linked to its person already, so that an
    unlinked person can have no counterpart to find by email: true when the object's own
    → People step, with no filtering rules, ran to completion earlier in this run (it upserts
    every record into People by email, linking whoever had that email)."""
    reverse = ctx.queries.reverse_step(step)
    return (reverse is not None and reverse.uid in ctx.run.steps_completed
            and not reverse.filter_rules)


ACCOUNT_NOT_CREATED = "ACCOUNT_NOT_CREATED"
# 200 addresses keep a query well inside Salesforce's URI and SOQL length limits.
_EMAILS_PER_QUERY = 200


def link_to(links: list[RecordLink], sobject: str) -> RecordLink | None:
    return next((k for k in links if k.sf_object == sobject), None)


class EmailIndex:
    """Every record of a step's object that has an email, by normalised email: the most recently
    modified one's Id and mapped fields' values, in a scratch table of the store (flat memory at
    any N), and the ids of the older ones sharing its email (few, kept in memory). Read on the
    first look-up: a large step whose people are all linked (or left to the other step) never
    reads it."""

    def __init__(self, ctx: RunContext, step: Step, mappings: list[FieldMapping]) -> None:
        self.fields = list(dict.fromkeys(m.salesforce_field for m in mappings))
        self._ctx, self._sobject = ctx, step.target.name
        self._table: ScratchIndex | None = None
        self.others: dict[str, list[str]] = {}

    @property
    def was_read(self) -> bool:
        """Whether the records were read (a look-up has needed them)."""
        return self._table is not None

    def _read(self) -> ScratchIndex:
        if self._table is not None:
            return self._table
        table = self._ctx.services.store.scratch(f"emails_{self._sobject.lower()}")
        select = ", ".join(dict.fromkeys(["Id", "Email", *self.fields]))
        soql = (f"SELECT {select} FROM {self._sobject} WHERE Email != null "
                "ORDER BY SystemModstamp, Id")  # indexed at Salesforce; the newest record wins
        # 2,000 a page, the next two fetched while this one goes into the table (the store is
        # touched on the run's thread only).
        with read_ahead(self._ctx.services.sf.iter_query(soql), 2,
                        name=f"plx-{self._sobject}-emails") as pages:
            for page in pages:
                self._put(table, page)
        self._table = table
        return table

    def _put(self, table: ScratchIndex, page: list[dict[str, Any]]) -> None:
        rows = [(normalise_email(r.get("Email")),
                 [r["Id"], *(sf_get(r, f) for f in self.fields)]) for r in page]
        seen = table.get_many(email for email, _ in rows)
        for email, row in rows:
            if email in seen:
                self.others.setdefault(email, []).insert(0, seen[email][0])
            seen[email] = row
        table.put_many(rows)

    def get_many(self, emails: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """{email: (Id, {field: value})} for the emails a record has."""
        return {email: (row[0], dict(zip(self.fields, row[1:], strict=True)))
                for email, row in self._read().get_many(emails).items()}


def email_index(ctx: RunContext, step: Step, mappings: list[FieldMapping]) -> EmailIndex:
    """Read once (2,000 a page) for a large step, instead of one query per 200 people."""
    return EmailIndex(ctx, step, mappings)


def match_by_email(ctx: RunContext, step: Step, writes: list[PersonWrite],
                   mappings: list[FieldMapping], index: EmailIndex | None = None
                   ) -> list[PersonWrite]:
    """Unlinked people whose email a Salesforce record of this object has: that record (our
    links first; then the step's email index when it has one, else one query per 200 people,
    unless every record is linked already). Returns `writes`, in order, the matched ones with
    their record's Id (and, when read from Salesforce, its values)."""
    sobject = step.target.name
    out = list(writes)
    # The last of the batch's people with an email is the one matched to it.
    by_email = {normalise_email(w.values.get("Email")): i for i, w in enumerate(writes)
                if w.values.get("Email")}
    if not by_email:
        return out
    for email, links in ctx.services.store.links.for_emails(by_email).items():
        link = link_to(links, sobject)
        if link is not None and email in by_email:
            i = by_email.pop(email)
            out[i] = out[i].updated(sf_id=link.sf_id)
    if not by_email or all_records_linked(ctx, step):
        return out
    wanted = {email: out[i] for email, i in by_email.items()}
    found = (_from_index(ctx, index, wanted) if index is not None
             else _query_emails(ctx, sobject, wanted, mappings))
    for email, sf_id, values, others in found:
        i = by_email[email]
        out[i] = _matched(out[i], sf_id, values, sobject, others)
    return out


# A match: (email, the record's Id, its values of the mapped fields, the other Ids with the email)
_Found = tuple[str, str, dict[str, Any], list[str]]


def _from_index(ctx: RunContext, index: EmailIndex, wanted: dict[str, PersonWrite]) -> list[_Found]:
    """The newest record of each email from the step's index, unless linked to someone else."""
    found = index.get_many(list(wanted))
    taken = _linked_to_others(ctx, {e: [sf_id] for e, (sf_id, _) in found.items()}, wanted)
    return [(email, sf_id, values, index.others.get(email, []))
            for email, (sf_id, values) in found.items() if sf_id not in taken]


def _query_emails(ctx: RunContext, sobject: str, wanted: dict[str, PersonWrite],
                  mappings: list[FieldMapping]) -> list[_Found]:
    """(email, Id, record, other Ids with the email) of the newest record free for each email,
    by one query per 200 emails (each email's records come from one of them, newest first)."""
    fields = list(dict.fromkeys(["Id", "Email", *(m.salesforce_field for m in mappings)]))
    candidates: dict[str, list[dict[str, Any]]] = {}
    for page in ctx.services.sf.iter_query_in(
            f"SELECT {', '.join(fields)} FROM {sobject} WHERE Email IN {{}} "
            "ORDER BY SystemModstamp DESC, Id DESC", sorted(wanted), chunk=_EMAILS_PER_QUERY):
        for record in page:
            candidates.setdefault(normalise_email(record.get("Email")), []).append(record)
    taken = _linked_to_others(
        ctx, {e: [r["Id"] for r in rs] for e, rs in candidates.items()}, wanted)
    out: list[_Found] = []
    for email, records in candidates.items():
        free = [r for r in records if r["Id"] not in taken]
        if email not in wanted or not free:
            continue
        chosen = free[0]
        values = {k: sf_get(chosen, k) for k in wanted[email].values}
        out.append((email, str(chosen["Id"]), values,
                    [r["Id"] for r in records if r is not chosen]))
    return out


def _matched(write: PersonWrite, sf_id: str, values: dict[str, Any], sobject: str,
             others: list[str]) -> PersonWrite:
    """The write matched to a record: its Id, what it holds, and the records left unlinked."""
    warnings = write.warnings
    if others:
        warnings += (f"{len(others)} other {sobject}{'s' if len(others) > 1 else ''} with this "
                     f"email ({', '.join(others)}) left unlinked: the most recently modified one "
                     "is linked",)
    return write.updated(sf_id=sf_id, known={k: values.get(k) for k in write.values},
                         warnings=warnings)


def _linked_to_others(ctx: RunContext, ids_by_email: dict[str, list[str]],
                      writes: dict[str, PersonWrite]) -> set[str]:
    """The candidate records already linked to a person other than the one with that email."""
    links = ctx.services.store.links.for_sf_ids(i for ids in ids_by_email.values() for i in ids)
    return {sf_id for email, ids in ids_by_email.items() for sf_id in ids
            if sf_id in links and (email not in writes
                                   or links[sf_id].plx_id != writes[email].plx_id)}


def one_record_per_person(ctx: RunContext, sobject: str, records: list[dict[str, Any]],
                          links: dict[str, RecordLink]) -> dict[str, str]:
    """Salesforce → People: {Id: why it is skipped} for the unlinked records whose email belongs
    to a person linked to another record of this object already, or that share their email with
    a more recently modified unlinked record of the batch (records come oldest first)."""
    unlinked = [r for r in records if r["Id"] not in links and normalise_email(r.get("Email"))]
    if not unlinked:
        return {}
    by_email = ctx.services.store.links.for_emails(r.get("Email") or "" for r in unlinked)
    newest: dict[str, str] = {normalise_email(r.get("Email")): r["Id"] for r in unlinked}
    skip: dict[str, str] = {}
    for record in unlinked:
        email = normalise_email(record.get("Email"))
        linked = link_to(by_email.get(email, []), sobject)
        if linked is not None and linked.sf_id != record["Id"]:
            skip[record["Id"]] = (f"Not synced: {sobject} {linked.sf_id} has this email too and is "
                                  "linked to the person already (a person is linked to one "
                                  f"{sobject}); merge the two in Salesforce")
        elif newest[email] != record["Id"]:
            skip[record["Id"]] = (f"Not synced: {sobject} {newest[email]} has this email too and "
                                  "was modified more recently, so the person is linked to it (a "
                                  f"person is linked to one {sobject}); merge the two in Salesforce")
    return skip


def decide_creations(step: Step, ctx: RunContext, writes: list[PersonWrite],
                     accounts: Accounts,
                     links: dict[str, list[RecordLink]] | None = None) -> set[str]:
    """With both People → Contact and People → Lead in the profile, create each new person once:
    a Contact when their company is an Account already, else a Lead; someone Salesforce already
    has as the other object is left to the other step. Returns the ids of the people left."""
    sobject = step.target.name
    other_object = "Lead" if sobject == "Contact" else "Contact"
    if not writes or not ctx.queries.step_enabled(f"people_to_{other_object.lower()}"):
        return set()
    companies = {str(w.person.get("account") or "").strip() for w in writes} - {""}
    accounts.lookup(companies)
    if links is None:  # else the batch's links, as read at its start
        links = ctx.services.store.links.for_plx_ids(w.plx_id for w in writes)
    left = set()
    for write in writes:
        if link_to(links.get(write.plx_id, []), other_object) is not None:
            left.add(write.plx_id)
            continue
        has_account = accounts.exists(write.person.get("account"))
        if (not has_account if sobject == "Contact" else has_account):
            left.add(write.plx_id)
    return left


def resolve_accounts(ctx: RunContext, report: StepReport, writes: list[PersonWrite],
                     accounts: Accounts, sobject: str) -> list[PersonWrite]:
    """Turn the mapped company name into an AccountId (contacts only), creating the account.

    When Salesforce refuses to create the Account (a duplicate or validation rule), its people
    are logged as failed with the reason and wait for it: a contact is never created or moved
    without the Account it belongs to. Returns the writes that go ahead."""
    if sobject != "Contact":
        return writes
    names = {str(w.values[ACCOUNT_NAME]).strip() for w in writes if w.values.get(ACCOUNT_NAME)}
    if not names:
        return writes
    # One pass over the writes: asking every name of every write was quadratic in a Bulk batch.
    needed = {v for w in writes
              if (v := w.values.get(ACCOUNT_NAME)) in names and v != w.known.get(ACCOUNT_NAME)}
    ids = accounts.ensure(needed) if needed else {}
    kept = []
    for write in writes:
        name = write.values.get(ACCOUNT_NAME)
        if name in ids:
            write = write.updated(values={**write.values, "AccountId": ids[name]})
        refused = accounts.refused.get(str(name or "").strip().lower())
        if name in needed and name not in ids and refused is not None:
            ctx.recorder.log(report, FAILED, sf_id=write.sf_id or "", plx_id=write.plx_id,
                             label=write.label, code=ACCOUNT_NOT_CREATED,
                             message=f"Waiting for its Account: Salesforce did not create the "
                                     f"Account '{name}', and the contact is not synced without "
                                     "it. " + refusal(refused, ctx.queries.record_url, "Account"))
            continue
        kept.append(write)
    return kept


def keep_org_lead_statuses(writes: list[PersonWrite], statuses: tuple[str, ...]
                           ) -> list[PersonWrite]:
    """A mapped Lead Status the org's picklist lacks is not written (Salesforce would save it
    silently, Lead Status being unrestricted): the lead keeps its status, or gets the default."""
    out = []
    for write in writes:
        value = write.values.get("Status")
        if value and value not in statuses:
            write = write.updated(values={k: v for k, v in write.values.items() if k != "Status"},
                                  warnings=(*write.warnings, f"Lead Status '{value}' is not in "
                                            "this org's picklist, so it was left out"))
        out.append(write)
    return out

"""Seeding the sandbox org: a believable demo org, or a large population fast for benchmarks."""

from __future__ import annotations

import random
from typing import Any

from plx_desktop.sandbox import fake
from plx_desktop.sandbox.salesforce.convert import convert_lead
from plx_desktop.sandbox.salesforce.ids import KEY_PREFIXES, new_id
from plx_desktop.sandbox.salesforce.objects import INDUSTRIES, LEAD_SOURCES
from plx_desktop.sandbox.salesforce.org import Operation, Org

PERSONAS = ("Economic Buyer", "Champion", "Technical Evaluator", "End User", "Influencer")
DEMO_FIELDS = (
    {"object": "Contact", "name": "Persona__c", "type": "picklist", "label": "Persona",
     "picklist_values": list(PERSONAS)},
    {"object": "Lead", "name": "Lead_Score__c", "type": "double", "label": "Lead Score"},
)
CONVERTED_LEADS = 5


def seed_demo(org: Org, population: fake.Population) -> None:
    """Accounts for the contacts' companies, contacts, leads (a few converted), tasks."""
    for spec in DEMO_FIELDS:
        if org.schema.field(spec["object"], spec["name"]) is None:
            org.schema.add_custom_field(spec)
    rng = random.Random(42)
    companies = {p.company for p in population.contacts}
    ordered = sorted(companies, key=lambda c: c.name)
    account_ops: list[Any] = [Operation("create", "Account", {
        "Name": c.name, "Website": f"https://www.{c.domain}", "BillingCity": c.city,
        "Industry": rng.choice(INDUSTRIES), "Phone": f"+1 555 0{i:03d} 000"})
        for i, c in enumerate(ordered)]
    accounts = dict(zip((c.name for c in ordered), _ids(org.apply(account_ops, True)), strict=True))
    contact_ops: list[Any] = [Operation("create", "Contact", {
        "FirstName": p.first_name, "LastName": p.last_name, "Email": p.email, "Phone": p.phone,
        "Title": p.title, "AccountId": accounts[p.company.name], "MailingCity": p.company.city,
        "LeadSource": rng.choice(LEAD_SOURCES), "Persona__c": rng.choice(PERSONAS)})
        for p in population.contacts]
    contact_ids = _ids(org.apply(contact_ops, True))
    statuses = ("Open - Not Contacted", "Open - Not Contacted", "Working - Contacted",
                "Closed - Not Converted")
    lead_ops: list[Any] = [Operation("create", "Lead", {
        "FirstName": p.first_name, "LastName": p.last_name, "Email": p.email, "Phone": p.phone,
        "Title": p.title, "Company": p.company.name, "Status": rng.choice(statuses),
        "LeadSource": rng.choice(LEAD_SOURCES), "Lead_Score__c": float(rng.randrange(0, 100))})
        for p in population.leads]
    lead_ids = _ids(org.apply(lead_ops, True))
    # Convert from the end of the list: the first leads are the ones shared with PeopleLinx.
    for lead_id in lead_ids[-CONVERTED_LEADS:]:
        convert_lead(org, lead_id)
    subjects = ("Intro call", "Send pricing", "Follow up on demo", "Email: next steps")
    task_ops: list[Any] = []
    for i, who in enumerate(contact_ids[:8] + lead_ids[:4]):
        subtype = "Call" if i % 3 == 0 else "Email" if i % 3 == 1 else "Task"
        values = {"WhoId": who, "Subject": subjects[i % len(subjects)], "TaskSubtype": subtype,
                  "Status": "Completed" if i % 2 else "Not Started", "Priority": "Normal",
                  "ActivityDate": f"2026-01-{10 + i:02d}"}
        if subtype == "Call":
            values.update({"CallType": "Outbound", "CallDurationInSeconds": 60 * (i + 1),
                           "CallDisposition": "Connected"})
        task_ops.append(Operation("create", "Task", values))
    _ids(org.apply(task_ops, True))


def _ids(results: list[Any]) -> list[str]:
    failed = [r.errors for r in results if not r.success]
    if failed:
        raise RuntimeError(f"demo seed refused by validation: {failed[:3]}")
    return [r.id for r in results]


def seed_bulk(org: Org, population: fake.Population) -> None:
    """N contacts with their accounts and N leads, written straight to the store in one transaction."""
    rng = random.Random(1234)
    admin = org.admin_id
    base: dict[str, Any] = {"OwnerId": admin, "CreatedById": admin, "LastModifiedById": admin,
                            "IsDeleted": False}

    # One write, one SystemModstamp: stamping 200k records 1 ms apart would run the clock minutes
    # into the future.
    now = org.clock.now()

    def stamped(record: dict[str, Any]) -> dict[str, Any]:
        record.update(base)
        record.update({"CreatedDate": now, "LastModifiedDate": now, "SystemModstamp": now})
        return record

    accounts: dict[str, dict[str, Any]] = {}
    for p in population.contacts:
        company = p.company
        if company.name not in accounts:
            accounts[company.name] = stamped({
                "Id": new_id(KEY_PREFIXES["Account"], rng), "Name": company.name,
                "Website": f"https://www.{company.domain}", "BillingCity": company.city})
    # Generators: the records are made as they are written, never all held at once.
    contacts = (stamped({
        "Id": new_id(KEY_PREFIXES["Contact"], rng), "FirstName": p.first_name,
        "LastName": p.last_name, "Name": f"{p.first_name} {p.last_name}", "Email": p.email,
        "Phone": p.phone, "Title": p.title, "AccountId": accounts[p.company.name]["Id"],
        "MailingCity": p.company.city}) for p in population.contacts)
    leads = (stamped({
        "Id": new_id(KEY_PREFIXES["Lead"], rng), "FirstName": p.first_name, "LastName": p.last_name,
        "Name": f"{p.first_name} {p.last_name}", "Email": p.email, "Phone": p.phone,
        "Title": p.title, "Company": p.company.name, "Status": "Open - Not Contacted",
        "IsConverted": False}) for p in population.leads)
    with org.db.transaction() as conn:
        org.store.put_many(conn, accounts.values(), "Account")
        org.store.put_many(conn, contacts, "Contact")
        org.store.put_many(conn, leads, "Lead")

"""Seeding the PeopleLinx stand-in: the believable demo account, or a fast bulk load for benchmarks.

Demo people include the Salesforce contacts and leads that PeopleLinx "already has" (same emails,
not linked yet: linking is the sync's job). Everything is written with executemany in one
transaction, with timestamps reserved from the store's clock in one go.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from plx_desktop.sandbox.fake import FakePerson, Population
from plx_desktop.sandbox.peoplelinx.fields import add_custom_field
from plx_desktop.sandbox.peoplelinx.store import Store, WriteTx, format_timestamp

_ALPHABET = string.ascii_lowercase + string.digits
PERSONAS = ["Decision maker", "Champion", "Influencer", "End user"]
DEMO_FIELDS = [
    {"key": "persona", "label": "Persona", "type": "picklist", "options": PERSONAS},
    {"key": "lead_score", "label": "Lead Score", "type": "number"},
    {"key": "linkedin_url", "label": "LinkedIn URL", "type": "url"},
]
DEMO_FILTERS = [
    ("Synced with Salesforce",
     {"all": [{"field": "synced_with_salesforce", "op": "equals", "value": True}]}),
    ("Not yet in Salesforce",
     {"all": [{"field": "synced_with_salesforce", "op": "equals", "value": False}]}),
    ("Interested prospects",
     {"all": [{"field": "inbox_state", "op": "equals", "value": "interested"}]}),
    ("Decision makers with a high score",
     {"all": [{"field": "persona", "op": "equals", "value": "Decision maker"},
              {"field": "lead_score", "op": "gt", "value": 60}]}),
]
DEMO_SEQUENCES = [
    ("Q3 Outbound - VP Sales", "active", 5),
    ("Webinar follow-up", "active", 3),
    ("Re-engage cold leads", "paused", 4),
    ("2025 Conference invite", "archived", 6),
]
MEMBERSHIP_STATUSES = ["active"] * 4 + ["paused", "finished", "finished", "replied", "bounced",
                                        "opted_out"]
INBOX_STATES = ["new", "interested", "interested", "not_interested", "meeting_booked",
                "out_of_office", "wrong_person", "unsubscribed"]
SUBJECTS = ["Quick question about {company}", "Following up", "Ideas for {company}'s pipeline",
            "Worth a 15-minute chat?", "Re: next steps"]
_DAY = 86_400_000_000


def _id(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choices(_ALPHABET, k=20))


def _person_rows(tx: WriteTx, people: Collection[FakePerson], rng: random.Random,
                 demo: bool) -> Iterator[tuple[Any, ...]]:
    """One row a person, made as they are written (a bulk seed holds none of them)."""
    first = tx.reserve(len(people))
    for n, person in enumerate(people):
        stamp = format_timestamp(first + n)
        custom: dict[str, Any] = {}
        if demo:
            custom = {"persona": rng.choice(PERSONAS), "lead_score": rng.randrange(0, 101)}
            if rng.random() < 0.6:
                handle = person.email.split("@")[0].replace(".", "-")
                custom["linkedin_url"] = f"https://www.linkedin.com/in/{handle}"
        yield (_id(rng, "per_"), person.first_name, person.last_name, person.email,
               person.email.lower(), person.company.name, person.title, person.phone,
               json.dumps(custom), stamp, stamp)


def _insert_people(tx: WriteTx, rows: Iterable[tuple[Any, ...]]) -> None:
    tx.conn.executemany(
        "INSERT INTO people (id, first_name, last_name, email, email_key, account, title, phone, "
        "custom_fields, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def seed(store: Store, population: Population, demo: bool) -> None:
    """Add `population` (demo: with custom fields, sequences, inbox, activities, filters)."""
    rng = random.Random(20260131)
    with store.write() as tx:
        if not demo:
            _insert_people(tx, _person_rows(tx, population.people_only, rng, demo=False))
            return
        for spec in DEMO_FIELDS:
            add_custom_field(tx, spec)
        seen: set[str] = set()
        people = []
        for person in [*population.people_only, *population.shared_contacts,
                       *population.shared_leads]:
            if person.email.lower() not in seen:
                seen.add(person.email.lower())
                people.append(person)
        rows = list(_person_rows(tx, people, rng, demo=True))
        _insert_people(tx, rows)
        ids = [r[0] for r in rows]
        shared = ids[len(population.people_only):]
        companies = {r[0]: r[5] for r in rows}
        _seed_filters(tx, rng)
        _seed_sequences(tx, rng, ids)
        _seed_inbox(tx, rng, ids)
        _seed_activities(tx, rng, shared, companies)


def _seed_filters(tx: WriteTx, rng: random.Random) -> None:
    first = tx.reserve(len(DEMO_FILTERS))
    tx.conn.executemany("INSERT INTO saved_filters VALUES (?, ?, ?, ?, ?)", [
        (_id(rng, "flt_"), name, json.dumps(criteria), format_timestamp(first + n),
         format_timestamp(first + n)) for n, (name, criteria) in enumerate(DEMO_FILTERS)])


def _seed_sequences(tx: WriteTx, rng: random.Random, ids: list[str]) -> None:
    rows, memberships = [], []
    for name, status, steps in DEMO_SEQUENCES:
        stamp = tx.now()
        sequence_id = _id(rng, "seq_")
        rows.append((sequence_id, name, status, steps, stamp, stamp))
        for person_id in rng.sample(ids, 25):
            memberships.append((_id(rng, "sqm_"), sequence_id, person_id,
                                rng.choice(MEMBERSHIP_STATUSES) if status != "archived"
                                else "finished"))
    tx.conn.executemany("INSERT INTO sequences VALUES (?, ?, ?, ?, ?, ?)", rows)
    first = tx.reserve(len(memberships))
    tx.conn.executemany("INSERT INTO sequence_memberships VALUES (?, ?, ?, ?, ?, ?)", [
        (*m, format_timestamp(first + n), format_timestamp(first + n))
        for n, m in enumerate(memberships)])


def _seed_inbox(tx: WriteTx, rng: random.Random, ids: list[str]) -> None:
    chosen = rng.sample(ids, 50)
    first = tx.reserve(len(chosen))
    tx.conn.executemany("INSERT INTO inbox_states VALUES (?, ?, ?)", [
        (person_id, rng.choice(INBOX_STATES), format_timestamp(first + n))
        for n, person_id in enumerate(chosen)])


def _seed_activities(tx: WriteTx, rng: random.Random, shared: list[str],
                     companies: dict[str, str]) -> None:
    first = tx.reserve(90)
    emails, tasks, calls = [], [], []
    for n in range(30):
        person_id = rng.choice(shared)
        when = format_timestamp(first - rng.randrange(1, 20) * _DAY)
        direction = "inbound" if n % 4 == 3 else "outbound"
        subject = rng.choice(SUBJECTS).format(company=companies[person_id])
        emails.append((_id(rng, "eml_"), person_id, direction, subject,
                       f"Hi,\n\n{subject}.\n\nBest regards", when, format_timestamp(first + n)))
        due = format_timestamp(first + rng.randrange(-10, 10) * _DAY)[:10]
        done = n % 3 == 0
        tasks.append((_id(rng, "tsk_"), rng.choice(shared), rng.choice(["call", "email",
                                                                        "linkedin", "other"]),
                       f"Follow up with {companies[person_id]}", "Check the proposal status",
                       due, "completed" if done else "open",
                       when if done else None, format_timestamp(first + 30 + n)))
        disposition = rng.choice(["connected", "left_voicemail", "no_answer", "busy",
                                  "wrong_number"])
        calls.append((_id(rng, "cal_"), rng.choice(shared), "outbound" if n % 5 else "inbound",
                      disposition, rng.randrange(60, 900) if disposition == "connected" else 0,
                      "Talked about timing" if disposition == "connected" else None, when,
                      format_timestamp(first + 60 + n)))
    # Named columns: user_email (who sent or made the activity) stays null in the demo.
    tx.conn.executemany("INSERT INTO emails (id, person_id, direction, subject, body, sent_at, "
                        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", emails)
    tx.conn.executemany("INSERT INTO tasks (id, person_id, type, title, note, due_date, status, "
                        "completed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", tasks)
    tx.conn.executemany("INSERT INTO calls (id, person_id, direction, disposition, "
                        "duration_seconds, notes, called_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", calls)

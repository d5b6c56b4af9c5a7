"""Believable, deterministic fake people and companies for seeding both stand-in services.

Both services seed from the same generator, so a demo org and a demo PeopleLinx account share some
people (by email) exactly as a real company's would before its first sync.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterator
from dataclasses import dataclass

FIRST_NAMES = (
    "Ada Alan Alice Amara Ana Andre Arjun Ben Bianca Carla Chen Chloe Daniel Dara Diego Elena Emeka "
    "Emma Farah Felix Grace Hana Hugo Ines Ivan Jada James Jin Julia Kai Kofi Lars Laila Leo Lena Liam "
    "Lucia Malik Maria Mateo Maya Mei Mila Nadia Noah Nora Omar Olga Pablo Priya Quinn Rafael Rosa "
    "Sam Sara Sofia Tariq Tomas Uma Victor Wei Yara Yusuf Zoe"
).split()
LAST_NAMES = (
    "Abara Andersen Bauer Becker Castillo Chen Costa Dubois Eriksen Fischer Garcia Gupta Haddad Hansen "
    "Ibrahim Ito Jensen Kim Kowalski Larsen Lopez Martin Meyer Moreau Nakamura Novak Okafor Olsen "
    "Patel Petrov Quintero Rossi Sato Schmidt Silva Singh Tanaka Torres Ueda Vargas Wagner Weber "
    "Williams Xu Yamamoto Young Zhang Zimmermann O'Brien D'Souza"
).split()
COMPANY_WORDS = (
    "Acme Apex Blue Bright Cedar Core Delta Ever Falcon Globex Harbor Helix Initech Iron Juniper Kite "
    "Lumen Maple Nimbus Northwind Orbit Pioneer Quantum Redwood Summit Tandem Umbra Vertex Willow Zenith"
).split()
COMPANY_SUFFIXES = ("Labs", "Systems", "Partners", "Group", "Industries", "Logistics", "Health", "Software")
TITLES = ("VP Sales", "Account Executive", "Head of Marketing", "CTO", "Operations Manager",
          "Sales Development Rep", "Director of IT", "CFO", "Procurement Lead", "Founder")
CITIES = ("Austin", "Berlin", "Boston", "Chicago", "Denver", "Dublin", "Lisbon", "London", "Madrid",
          "New York", "Paris", "Seattle", "Singapore", "Sydney", "Toronto")


@dataclass(frozen=True)
class FakeCompany:
    name: str
    domain: str
    city: str


@dataclass(frozen=True)
class FakePerson:
    first_name: str
    last_name: str
    email: str
    company: FakeCompany
    title: str
    phone: str


def companies(count: int, seed: int = 7) -> list[FakeCompany]:
    """`count` distinct companies."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        word = COMPANY_WORDS[i % len(COMPANY_WORDS)]
        suffix = COMPANY_SUFFIXES[(i // len(COMPANY_WORDS)) % len(COMPANY_SUFFIXES)]
        tag = i // (len(COMPANY_WORDS) * len(COMPANY_SUFFIXES))
        name = f"{word} {suffix}" + (f" {tag + 1}" if tag else "")
        domain = f"{word.lower()}{suffix.lower()}{tag + 1 if tag else ''}.example.com"
        out.append(FakeCompany(name, domain, rng.choice(CITIES)))
    return out


def people(count: int, *, seed: int, tag: str, company_pool: list[FakeCompany]) -> Iterator[FakePerson]:
    """`count` people with unique emails; `tag` keeps emails of different populations apart."""
    rng = random.Random(seed)
    for i in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        company = company_pool[i % len(company_pool)]
        local = f"{first}.{last}".lower().replace("'", "")
        yield FakePerson(
            first_name=first,
            last_name=last,
            email=f"{local}.{tag}{i}@{company.domain}",
            company=company,
            title=rng.choice(TITLES),
            phone=f"+1 555 {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}",
        )


@dataclass(frozen=True)
class Crowd:
    """`count` people made afresh at each iteration, the same each time: a 100,000-person seed
    never holds its people in memory (a list of them was 50 MB a population)."""

    count: int
    seed: int
    tag: str
    company_pool: list[FakeCompany]

    def __iter__(self) -> Iterator[FakePerson]:
        return people(self.count, seed=self.seed, tag=self.tag, company_pool=self.company_pool)

    def __len__(self) -> int:
        return self.count


@dataclass(frozen=True)
class Population:
    """Who exists where before the first sync."""

    contacts: Collection[FakePerson]  # Salesforce contacts (with accounts)
    leads: Collection[FakePerson]  # Salesforce leads
    people_only: Collection[FakePerson]  # PeopleLinx people that Salesforce does not have
    shared_contacts: Collection[FakePerson]  # contacts also in PeopleLinx (same email)
    shared_leads: Collection[FakePerson]  # leads also in PeopleLinx (same email)


def demo_population() -> Population:
    """The demo: ~200 contacts, 150 leads, and PeopleLinx people, some shared, some only there."""
    pool = companies(40)
    contacts = list(people(200, seed=1, tag="c", company_pool=pool))
    leads = list(people(150, seed=2, tag="l", company_pool=companies(60, seed=8)[40:]))
    people_only = list(people(60, seed=3, tag="p", company_pool=pool))
    return Population(contacts, leads, people_only, contacts[:40], leads[:20])


def bulk_population(n: int) -> Population:
    """For benchmarks: n contacts, n leads and n PeopleLinx-only people, nothing shared."""
    pool = companies(max(1, n // 10))
    return Population(
        contacts=Crowd(n, 11, "bc", pool),
        leads=Crowd(n, 12, "bl", pool),
        people_only=Crowd(n, 13, "bp", pool),
        shared_contacts=[],
        shared_leads=[],
    )

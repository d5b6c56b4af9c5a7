"""A naive client doing the same work one record per call, at 50 ms latency, against the engine.

    python -m bench.naive [--n 10000] [--naive-n 500] [--latency 50] [--quick]

The naive client is a plain loop: Contacts → People reads the contacts with one query and calls
PeopleLinxClient.create_person once per contact; People → Contacts reads the people a page at a
time and calls simple-salesforce's sf.Contact.create once per person. It runs on a subset
(--naive-n records) and its records/second are extrapolated to N: a per-record loop's rate does
not depend on N. It is given the benefit of the doubt: one call per record, no write-back of the
Salesforce id to PeopleLinx (the engine does write it back).
"""

from __future__ import annotations

import argparse
import time

import requests
from simple_salesforce import Salesforce

from bench.common import Results, SandboxProcess, remove, temp_dir
from bench.initial_sync import DIRECTIONS, Figure, measure
from plx_desktop.connectors.peoplelinx import PeopleLinxClient

RATIO_TARGET = 20.0  # issue 5, at every N
RATIO_TARGET_LARGEST = 50.0  # issue 14, at the run's largest N (100,000 in `make bench`)


def _salesforce(info: dict) -> Salesforce:
    session = requests.Session()
    session.trust_env = False
    session.verify = info["ca_file"]
    return Salesforce(instance_url=info["salesforce_instance_url"],
                      session_id=info["salesforce_access_token"], session=session,
                      version=info["salesforce_api_version"])


def naive_contacts_to_people(info: dict, count: int) -> float:
    """Records per second of a create_person loop (the read included)."""
    sf = _salesforce(info)
    plx = PeopleLinxClient(info["peoplelinx_base_url"], info["peoplelinx_api_key"],
                           ca_file=info["ca_file"])
    started = time.perf_counter()
    records = sf.query(f"SELECT Id, FirstName, LastName, Email, Account.Name FROM Contact "
                       f"ORDER BY SystemModstamp, Id LIMIT {count}")["records"]
    for r in records:
        plx.create_person({"first_name": r["FirstName"], "last_name": r["LastName"],
                           "email": r["Email"],
                           "account": (r.get("Account") or {}).get("Name"),
                           "salesforce_id": r["Id"], "salesforce_object": "Contact"})
    elapsed = time.perf_counter() - started
    plx.close()
    return len(records) / elapsed


def naive_people_to_contacts(info: dict, count: int) -> float:
    """Records per second of an sf.Contact.create loop (the reads included)."""
    sf = _salesforce(info)
    plx = PeopleLinxClient(info["peoplelinx_base_url"], info["peoplelinx_api_key"],
                           ca_file=info["ca_file"])
    started = time.perf_counter()
    done = 0
    for page in plx.iter_people(page_size=min(count, 1000)):
        for person in page:
            if done >= count:
                break
            sf.Contact.create({"FirstName": person.get("first_name"),
                               "LastName": person.get("last_name") or "Unknown",
                               "Email": person.get("email"),
                               "PeopleLinx_Id__c": person["id"]})
            done += 1
        if done >= count:
            break
    elapsed = time.perf_counter() - started
    plx.close()
    return done / elapsed


NAIVE = {"contacts_to_people": naive_contacts_to_people,
         "people_to_salesforce": naive_people_to_contacts}


def measure_naive(naive_n: int, latency: float, keep: bool = False) -> dict[str, float]:
    data_dir = temp_dir("naive")
    rates = {}
    try:
        with SandboxProcess(data_dir, naive_n) as sandbox:
            sandbox.set_latency(latency)
            for direction, loop in NAIVE.items():
                rates[direction] = loop(sandbox.info, naive_n)
    finally:
        remove(data_dir, keep)
    return rates


def compare(results: Results, engine: list[Figure], naive_n: int, latency: float,
            keep: bool = False) -> None:
    results.say(f"== Naive client, {naive_n} records per direction at {latency:g} ms "
                "(issue 5 item 3) ==")
    rates = measure_naive(naive_n, latency, keep)
    for direction, rate in rates.items():
        label = DIRECTIONS[direction][0]
        results.say(f"{label}: naive loop {rate:,.1f} records/s on {naive_n} records "
                    "(extrapolated to any N: one call per record)")
        mine = [f for f in engine if f.direction == direction and f.latency == latency]
        biggest = max((f.n for f in engine), default=0)
        for f in mine:
            ratio = f.rate / rate
            wanted = RATIO_TARGET_LARGEST if f.n == biggest else RATIO_TARGET
            results.target(f"≥ {wanted:g} × the naive client's throughput ({label}, "
                           f"N={f.n:,}, {latency:g} ms)", ratio >= wanted,
                           f"engine {f.rate:,.0f} records/s vs naive {rate:,.1f}: {ratio:.1f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.naive", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=None, help="engine records (default 10000)")
    parser.add_argument("--naive-n", type=int, default=None, help="naive records (default 500)")
    parser.add_argument("--latency", type=float, default=50.0)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    n = args.n or (2000 if args.quick else 10_000)
    naive_n = args.naive_n or (100 if args.quick else 500)
    results, figures = measure([n], [args.latency], args.keep)
    compare(results, figures, naive_n, args.latency, args.keep)
    targets = [t for t in results.targets if "naive" in t.name]
    print(f"targets met: {sum(t.met for t in targets)}/{len(targets)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

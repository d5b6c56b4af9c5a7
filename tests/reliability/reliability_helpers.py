"""Helpers for the reliability suites: the sandbox as a process of its own, its control endpoints,
and the end-state checks (both sides equal, no duplicate, nothing lost) the suites share.

Reads go through the sandbox's control endpoints or the raw PeopleLinx API over HTTPS, never
through the engine's own clients, so a bug in a client cannot hide itself.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

FULL = os.environ.get("PLX_RELIABILITY_FULL") == "1"
ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "QT_QPA_PLATFORM": "offscreen"}
ACTIVITY_KINDS = ("email", "task", "call")


def cli(data_dir: Path, *args: str) -> list[str]:
    """The argv of `plx-desktop --data-dir D ARGS` run with this interpreter."""
    return [sys.executable, "-m", "plx_desktop", "--data-dir", str(data_dir), *args]


class Control:
    """Both services' /__sandbox__/ endpoints and the PeopleLinx API, from a sandbox.json."""

    def __init__(self, info: dict[str, Any]):
        self.info = info
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.verify = info["ca_file"]

    def close(self) -> None:
        self.http.close()

    def _call(self, base: str, method: str, path: str, body: Any = None) -> Any:
        response = self.http.request(method, f"{base}/__sandbox__/{path}", json=body, timeout=60)
        response.raise_for_status()
        return response.json()

    def sf(self, method: str, path: str, body: Any = None) -> Any:
        return self._call(self.info["salesforce_instance_url"], method, path, body)

    def plx(self, method: str, path: str, body: Any = None) -> Any:
        return self._call(self.info["peoplelinx_base_url"], method, path, body)

    def faults(self, **values: Any) -> None:
        self.sf("POST", "faults", values)
        self.plx("POST", "faults", values)

    def calls(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(Salesforce, PeopleLinx) call counts: {"total", "by_route"}."""
        return self.sf("GET", "calls"), self.plx("GET", "calls")

    def sf_records(self, sobject: str) -> list[dict[str, Any]]:
        return [r for r in self.sf("GET", f"records/{sobject}")["records"]
                if not r.get("IsDeleted")]

    def people(self) -> list[dict[str, Any]]:
        return self.plx("GET", "people")["data"]

    def activities(self, kind: str) -> list[dict[str, Any]]:
        """Every email, task or call, through the PeopleLinx API (paged)."""
        url = f"{self.info['peoplelinx_base_url']}/v1/{kind}s"
        headers = {"Authorization": f"Bearer {self.info['peoplelinx_api_key']}"}
        out, cursor = [], None
        while True:
            params = {"limit": "1000", **({"cursor": cursor} if cursor else {})}
            response = self.http.get(url, params=params, headers=headers, timeout=60)
            response.raise_for_status()
            page = response.json()
            out += page["data"]
            cursor = page.get("next_cursor")
            if not cursor:
                return out


class ServedSandbox:
    """`plx-desktop --data-dir D sandbox serve` in a process of its own; stop() always ends it."""

    def __init__(self, data_dir: Path, seed: str | int, *extra: str):
        self.data_dir = data_dir
        self.log = (data_dir / "serve.err").open("w")
        self.proc = subprocess.Popen(cli(data_dir, "sandbox", "serve", "--seed", str(seed), *extra),
                                     stdout=subprocess.PIPE, stderr=self.log, text=True, env=ENV)
        try:
            assert self.proc.stdout is not None
            banner = [self.proc.stdout.readline() for _ in range(4)]  # returns when serving
            assert "Press Ctrl+C" in banner[-1], (banner, (data_dir / "serve.err").read_text())
            self.info = json.loads((data_dir / "sandbox" / "sandbox.json").read_text())
            self.control = Control(self.info)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.log.close()
        if hasattr(self, "control"):
            self.control.close()


def norm(email: Any) -> str:
    return str(email or "").strip().lower()


def duplicates(records: Iterable[dict[str, Any]], key: str) -> dict[str, int]:
    counts = Counter(norm(r.get(key)) for r in records)
    return {value: n for value, n in counts.items() if value and n > 1}


@dataclass
class Before:
    """Who existed where before the first run, to judge the end state against."""

    sf_emails: set[str]
    plx_only: dict[str, str]  # email -> company, people Salesforce did not have
    activity_ids: set[str]  # "email:<id>" etc., the Task external ids expected
    people_count: int = 0
    notes: list[str] = field(default_factory=list)


def snapshot(control: Control) -> Before:
    sf_emails = {norm(r.get("Email")) for o in ("Contact", "Lead")
                 for r in control.sf_records(o)} - {""}
    people = control.people()
    plx_only = {norm(p["email"]): str(p.get("account") or "").strip() for p in people
                if norm(p["email"]) not in sf_emails}
    ids = {f"{kind}:{a['id']}" for kind in ACTIVITY_KINDS for a in control.activities(kind)}
    return Before(sf_emails, plx_only, ids, len(people))


def agreement_problems(control: Control, before: Before) -> list[str]:
    """Everything wrong with the end state, in words (empty: both sides agree)."""
    problems: list[str] = []
    people = control.people()
    contacts, leads = control.sf_records("Contact"), control.sf_records("Lead")
    tasks = [t for t in control.sf_records("Task") if t.get("PeopleLinx_Activity_Id__c")]
    for what, records, key in (("people", people, "email"), ("contacts", contacts, "Email"),
                               ("leads", leads, "Email"),
                               ("tasks", tasks, "PeopleLinx_Activity_Id__c")):
        dup = duplicates(records, key)
        if dup:
            problems.append(f"duplicate {what}: {len(dup)} values, e.g. {sorted(dup.items())[:3]}")
    by_email = {norm(p["email"]): p for p in people if norm(p["email"])}
    contact_by = {norm(c.get("Email")): c for c in contacts if norm(c.get("Email"))}
    lead_by = {norm(r.get("Email")): r for r in leads if norm(r.get("Email"))}
    sf_side = set(contact_by) | set(lead_by)
    lost_people = sorted(sf_side - set(by_email))
    lost_sf = sorted(set(by_email) - sf_side)
    if lost_people:
        problems.append(f"{len(lost_people)} Salesforce records without a person: {lost_people[:3]}")
    if lost_sf:
        problems.append(f"{len(lost_sf)} people without a Salesforce record: {lost_sf[:3]}")
    expected = before.sf_emails | set(before.plx_only)
    if set(by_email) != expected:
        problems.append(f"people's emails differ from the union before the sync: "
                        f"{sorted(set(by_email) ^ expected)[:3]}")
    accounts = {str(a.get("Name") or "").strip() for a in control.sf_records("Account")}
    wrong_object = [e for e, company in before.plx_only.items()
                    if (e in contact_by) == (e in lead_by)
                    or (e in contact_by) != (company in accounts)]
    if wrong_object:
        problems.append(f"{len(wrong_object)} PeopleLinx-only people not created once as the "
                        f"object the engine's rule names (Contact iff their company is an "
                        f"Account): {wrong_object[:3]}")
    names = [e for e, p in by_email.items() for r in (contact_by.get(e), lead_by.get(e))
             if r is not None and (r.get("FirstName"), r.get("LastName"))
             != (p.get("first_name"), p.get("last_name"))]
    if names:
        problems.append(f"{len(names)} names differ between the sides: {names[:3]}")
    links = [e for e, p in by_email.items()
             if (e in contact_by and p.get("salesforce_contact_id") != contact_by[e]["Id"])
             or (e in lead_by and p.get("salesforce_lead_id") != lead_by[e]["Id"])]
    if links:
        problems.append(f"{len(links)} people with a wrong Salesforce link: {links[:3]}")
    task_ids = {norm(t["PeopleLinx_Activity_Id__c"]) for t in tasks}
    if task_ids != {norm(i) for i in before.activity_ids}:
        missing = {norm(i) for i in before.activity_ids} - task_ids
        problems.append(f"Tasks do not match the activities: {len(missing)} missing, "
                        f"{len(task_ids - {norm(i) for i in before.activity_ids})} unexpected")
    return problems


def summary_counts(stdout: str) -> list[tuple[int, int, int, int]]:
    """(created, updated, skipped, failed) per step from `sync --once` output."""
    out = []
    for line in stdout.splitlines():
        if " → " not in line or ": " not in line:
            continue
        numbers = line.split(": ", 1)[1].split(",")[:4]
        out.append(tuple(int(part.strip().split(" ")[0]) for part in numbers))
    return out

"""`plx-desktop health`: what is failing now, by cause, and Retry for the next run."""

from __future__ import annotations

import json
from pathlib import Path

from plx_desktop.domain.record_names import record_name
from plx_desktop.paths import database_path
from plx_desktop.store import open_store
from plx_desktop.store.health import FailingRecord


def _when(record: FailingRecord) -> str:
    return record.last_seen.strftime("%Y-%m-%d %H:%M") if record.last_seen else ""


def store_problems(data_dir: Path) -> list:
    """The steps that could not run at their last run (store.step_problems)."""
    with open_store(database_path(data_dir)) as store:
        return list(store.step_problems.all().values())


def show(data_dir: Path, *, as_json: bool, retry: str | None, include_skips: bool) -> int:
    with open_store(database_path(data_dir)) as store:
        groups = store.health.by_cause(include_skips=include_skips)
        runs = [r for r in store.log.runs(limit=1)]
        if retry is not None:
            chosen = [r for g in groups if retry in ("all", g.cause) for r in g.records]
            asked = store.health.request_retry(chosen)
            print(f"The next run retries {asked} record{'s' if asked != 1 else ''} first.")
            return 0
    if as_json:
        print(json.dumps({
            "last_run": ({"id": runs[0].id, "status": runs[0].status, "message": runs[0].message}
                         if runs else None),
            "causes": [{"cause": g.cause, "records": len(g.records), "failures": g.failures,
                        "items": [{"step": r.step_label, "sf_id": r.sf_id, "plx_id": r.plx_id,
                                   "record": r.record_label, "error_code": r.error_code,
                                   "message": r.message, "count": r.count,
                                   "last_seen": r.last_seen.isoformat() if r.last_seen else None,
                                   "retry_requested": r.retry_requested,
                                   "outcome": r.outcome,
                                   "next_try": r.next_try.isoformat() if r.next_try else None}
                                  for r in g.records]} for g in groups]}, indent=2))
        return 0
    if runs and runs[0].status != "completed":
        print(f"Last run {runs[0].status}: {runs[0].message}")
    for problem in store_problems(data_dir):
        print(f"Step could not run: {problem.step_label}: {problem.words}")
    if not groups:
        print("No failed or skipped records.")
        return 0
    for group in groups:
        print(f"{group.cause}: {len(group.records)} records ({group.failures} times)")
        for r in group.records:
            times = f" x{r.count}" if r.count > 1 else ""
            retry_mark = (" [retry requested]" if r.retry_requested else
                          f" [next try {r.next_try.astimezone():%Y-%m-%d %H:%M}]" if r.next_try
                          else "")
            print(f"  {_when(r)}  {r.step_label}  {record_name(r)}"
                  f"  {r.error_code}{times}: {r.message}{retry_mark}")
    return 0

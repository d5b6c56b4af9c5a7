"""`plx-desktop log`: the newest sync log entries, as text or JSON lines."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from plx_desktop.domain.record_names import record_name
from plx_desktop.paths import database_path
from plx_desktop.store import open_store


def show(data_dir: Path, *, limit: int, as_json: bool, outcome: str | None) -> int:
    with open_store(database_path(data_dir)) as store:
        entries = store.log.read(limit=limit, outcomes=[outcome] if outcome else None)
    for entry in entries:
        if as_json:
            row = asdict(entry)
            row["time"] = entry.time.isoformat() if entry.time else None
            print(json.dumps(row, ensure_ascii=False))
        else:
            when = entry.time.strftime("%Y-%m-%d %H:%M:%S") if entry.time else ""
            record = record_name(entry)
            code = f" [{entry.error_code}]" if entry.error_code else ""
            print(f"{when}  {entry.outcome:<8} {entry.step_label}  {record}{code}  {entry.message}")
    return 0

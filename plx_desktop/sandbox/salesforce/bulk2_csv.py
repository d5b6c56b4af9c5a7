"""CSV cells for the sandbox's Bulk API 2.0: typed values in, Salesforce-shaped text out."""

from __future__ import annotations

import base64
import re
from types import SimpleNamespace
from typing import Any

from plx_desktop.sandbox.salesforce.validate import RecordError

_DATETIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)\+0000$")


def locator(row: int) -> str:
    """Salesforce-style opaque locator (base64 of the row number) for the page starting at `row`."""
    return base64.b64encode(str(row).encode()).decode().rstrip("=")


def offset(text: str) -> int:
    """The row a locator points at; raises ValueError for a locator this sandbox never gave."""
    return int(base64.b64decode(text + "=" * (-len(text) % 4)).decode())


def typed(kind: str, cell: str) -> Any:
    """A CSV cell as the JSON value the REST API would have received (bad values pass through)."""
    try:
        if kind == "boolean":
            return {"true": True, "1": True, "yes": True, "false": False, "0": False,
                    "no": False}.get(cell.strip().lower(), cell)
        if kind == "int":
            return int(cell)
        if kind in ("double", "currency", "percent"):
            return float(cell)
    except ValueError:
        return cell
    return cell


def failure(code: str, message: str) -> SimpleNamespace:
    """A write refused before it reached the org, shaped like the org's WriteResult."""
    return SimpleNamespace(id=None, success=False, created=False,
                           errors=[RecordError(code, message, [])])


def error_text(result: Any) -> str:
    """Salesforce's sf__Error cell: CODE:message:fields (several errors joined by ';')."""
    parts = [f"{e.status_code}:{e.message}:{','.join(e.fields) or '--'}" for e in result.errors]
    return ";".join(parts) or "UNKNOWN_EXCEPTION:unknown error:--"


def columns(bound: Any) -> list[str]:
    """The CSV header of a query job: the select list, with parent fields as Account.Name."""
    return list(bound.select)


def dig(record: dict[str, Any] | None, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(record, dict):
            return None
        record = next((v for k, v in record.items() if k.lower() == part.lower()), None)
    return record


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    match = _DATETIME.match(text)
    return f"{match.group(1)}Z" if match else text

"""SOQL values: field type families, comparable keys for record values and literals, date ranges.

Every value is reduced once to a key that Python compares the way Salesforce does: text is
case-folded, ids keep their case-sensitive 15-character form, datetimes become the canonical UTC
string "2026-01-31T12:00:00.000+0000" (which sorts chronologically as plain text).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

TEXT = frozenset({"string", "textarea", "email", "phone", "url", "picklist", "combobox",
                  "multipicklist", "encryptedstring", "base64"})
IDS = frozenset({"id", "reference"})
NUMBERS = frozenset({"int", "double", "currency", "percent", "long"})

_SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID_SHAPE = re.compile(r"[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?")
_RECORD_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?")


def family(field_type: str) -> str:
    """text, id, number, boolean, date or datetime."""
    if field_type in IDS:
        return "id"
    if field_type in NUMBERS:
        return "number"
    if field_type in ("boolean", "date", "datetime"):
        return field_type
    return "text"


def type_word(field_type: str) -> str:
    """The type name Salesforce uses in "must be of type ..." messages."""
    return {"int": "integer", "datetime": "dateTime", "reference": "id", "boolean": "boolean",
            "date": "date", "id": "id"}.get(field_type, "double" if field_type in NUMBERS
                                               else "string")


# -- ids ------------------------------------------------------------------------------------------

def id_to_18(value: str) -> str | None:
    """The canonical 18-character form of a 15/18-character id, or None if it is not one."""
    if not _ID_SHAPE.fullmatch(value):
        return None
    id15 = value[:15]
    suffix = "".join(
        _SUFFIX_CHARS[sum(1 << i for i, ch in enumerate(id15[k:k + 5]) if "A" <= ch <= "Z")]
        for k in (0, 5, 10))
    if len(value) == 18 and value[15:].upper() != suffix:
        return None
    return id15 + suffix


# -- datetimes -----------------------------------------------------------------------------------

def format_instant(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def instant_from_parts(parts: tuple[str | None, ...]) -> str:
    """Canonical UTC string from regex groups (y, m, d, H, M, S, fraction, zone); ValueError if bad."""
    y, mo, d, hh, mi, ss, frac, zone = parts
    micro = int(((frac or "") + "000000")[:6])
    tz = UTC
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:
            raise ValueError(zone)
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    moment = datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss), micro, tzinfo=tz)
    return format_instant(moment)


@lru_cache(maxsize=65536)
def _slow_datetime_key(value: str) -> str | None:
    m = _RECORD_DATETIME.fullmatch(value.strip())
    if m is None:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return value + "T00:00:00.000+0000"
        return None
    try:
        return instant_from_parts(m.groups())
    except ValueError:
        return None


def datetime_key(value: Any) -> str | None:
    """A record's datetime as the canonical string; the store's own format costs one length check."""
    if value is None or value == "":
        return None
    if value.__class__ is str:
        if len(value) == 28 and value.endswith("+0000"):
            return value
        return _slow_datetime_key(value)
    if isinstance(value, datetime):
        return format_instant(value if value.tzinfo else value.replace(tzinfo=UTC))
    return None


def date_key(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value[:10]


def text_key(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value.casefold() if isinstance(value, str) else str(value).casefold()


def id_key(value: Any) -> str | None:
    if not value:
        return None
    return value[:15]


def number_key(value: Any) -> Any:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return value


def boolean_key(value: Any) -> bool:
    # Salesforce checkboxes are never null: a missing value reads as false.
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


RECORD_KEYS: dict[str, Callable[[Any], Any]] = {
    "text": text_key, "id": id_key, "number": number_key, "boolean": boolean_key,
    "date": date_key, "datetime": datetime_key,
}


# -- date literals -------------------------------------------------------------------------------

def _add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def date_range(name: str, n: int | None, today: date) -> tuple[date, date]:
    """[start, end) in days for TODAY, LAST_N_DAYS:n and friends (weeks start on Sunday)."""
    one = timedelta(days=1)
    week_start = today - timedelta(days=(today.weekday() + 1) % 7)
    month_start = today.replace(day=1)
    year_start = date(today.year, 1, 1)
    k = n or 0
    table: dict[str, Callable[[], tuple[date, date]]] = {
        "TODAY": lambda: (today, today + one),
        "YESTERDAY": lambda: (today - one, today),
        "TOMORROW": lambda: (today + one, today + 2 * one),
        "THIS_WEEK": lambda: (week_start, week_start + 7 * one),
        "LAST_WEEK": lambda: (week_start - 7 * one, week_start),
        "NEXT_WEEK": lambda: (week_start + 7 * one, week_start + 14 * one),
        "THIS_MONTH": lambda: (month_start, _add_months(month_start, 1)),
        "LAST_MONTH": lambda: (_add_months(month_start, -1), month_start),
        "NEXT_MONTH": lambda: (_add_months(month_start, 1), _add_months(month_start, 2)),
        "THIS_YEAR": lambda: (year_start, date(today.year + 1, 1, 1)),
        "LAST_YEAR": lambda: (date(today.year - 1, 1, 1), year_start),
        "NEXT_YEAR": lambda: (date(today.year + 1, 1, 1), date(today.year + 2, 1, 1)),
        # Salesforce counts today in LAST_N_DAYS and starts NEXT_N_DAYS tomorrow.
        "LAST_90_DAYS": lambda: (today - 90 * one, today + one),
        "NEXT_90_DAYS": lambda: (today + one, today + 91 * one),
        "LAST_N_DAYS": lambda: (today - k * one, today + one),
        "NEXT_N_DAYS": lambda: (today + one, today + (k + 1) * one),
        "N_DAYS_AGO": lambda: (today - k * one, today - (k - 1) * one),
        "LAST_N_WEEKS": lambda: (week_start - 7 * k * one, week_start),
        "NEXT_N_WEEKS": lambda: (week_start + 7 * one, week_start + 7 * (k + 1) * one),
        "LAST_N_MONTHS": lambda: (_add_months(month_start, -k), month_start),
        "NEXT_N_MONTHS": lambda: (_add_months(month_start, 1), _add_months(month_start, k + 1)),
    }
    return table[name]()


def range_keys(start: date, end: date, field_family: str) -> tuple[str, str]:
    """A day range as keys of a date or datetime field (datetimes: midnight UTC)."""
    if field_family == "date":
        return start.isoformat(), end.isoformat()
    return start.isoformat() + "T00:00:00.000+0000", end.isoformat() + "T00:00:00.000+0000"

"""The one reader of a moment in time, whoever wrote it: Salesforce, PeopleLinx, the store, HTTP.

Shapes it reads (each kept from the readers it replaced):
- Salesforce's "2026-01-31T12:00:00.000+0000" (an offset without a colon);
- ISO 8601 / RFC 3339 as PeopleLinx and the store write it, "2026-01-31T12:00:00.123456Z", or
  with an offset "+01:00", any number of fraction digits, a space for the T, a date alone;
- an HTTP date (RFC 9110, the Date and Retry-After headers): "Tue, 01 Dec 2026 22:13:28 GMT";
- a datetime or a date object.
A moment without a zone is taken as UTC (both services and the store write UTC). The answer is
always an aware datetime in UTC, so that moments from either side compare and format alike.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from plx_desktop.domain.errors import NotADateTime


def parse_datetime(value: str | datetime | date) -> datetime:
    """An aware UTC datetime from any of the shapes above; NotADateTime (a ValueError and a
    ConversionError) for anything else."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        moment = _from_text(str(value).strip(), value)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _from_text(text: str, value: object) -> datetime:
    try:
        return datetime.fromisoformat(text)  # Python 3.11: "Z", "+0000" and "+00:00" alike
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    raise NotADateTime(f"'{value}' is not a date and time")

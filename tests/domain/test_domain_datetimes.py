"""The one datetime reader: every shape the four readers it replaced took, and what it refuses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from plx_desktop.domain.datetimes import parse_datetime
from plx_desktop.domain.errors import ConversionError, NotADateTime

NOON = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("text, expected", [
    # Salesforce: milliseconds and an offset without a colon.
    ("2026-01-31T12:00:00.000+0000", NOON),
    ("2026-01-31T13:30:00.000+0130", NOON),
    ("2026-01-31T07:00:00.000-0500", NOON),
    # PeopleLinx and the store: microseconds and Z.
    ("2026-01-31T12:00:00.123456Z", NOON.replace(microsecond=123456)),
    ("2026-01-31T12:00:00Z", NOON),
    ("2026-01-31T13:00:00+01:00", NOON),
    ("2026-01-31T12:00:00.5Z", NOON.replace(microsecond=500000)),
    ("2026-01-31T12:00:00.1234567Z", NOON.replace(microsecond=123456)),  # 7 digits: cut to 6
    ("  2026-01-31T12:00:00Z\n", NOON),  # blanks around it
    # No zone: UTC, as both services and the store write.
    ("2026-01-31T12:00:00", NOON),
    ("2026-01-31 12:00:00", NOON),
    ("2026-01-31", datetime(2026, 1, 31, tzinfo=UTC)),
    # HTTP dates (the Date and Retry-After headers).
    ("Sat, 31 Jan 2026 12:00:00 GMT", NOON),
    ("Sat, 31 Jan 2026 13:00:00 +0100", NOON),
    ("31 Jan 2026 12:00:00 -0000", NOON),
])
def test_every_shape_reads_as_the_same_moment_in_utc(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)  # always UTC, so both sides format alike


def test_objects_are_taken_as_they_are_in_utc() -> None:
    assert parse_datetime(datetime(2026, 1, 31, 12, 0)) == NOON  # naive: UTC
    plus_two = datetime(2026, 1, 31, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    assert parse_datetime(plus_two) == NOON and parse_datetime(plus_two).tzinfo == UTC
    assert parse_datetime(date(2026, 1, 31)) == datetime(2026, 1, 31, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "   ", "yesterday", "2026-13-01T00:00:00Z",
                                  "2026-01-31T25:00:00Z", "31/01/2026", "1738324800", "nan"])
def test_anything_else_is_refused_as_both_error_kinds(text: str) -> None:
    with pytest.raises(NotADateTime) as caught:
        parse_datetime(text)
    # The connectors and the store always raised ValueError; the conversion ConversionError.
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, ConversionError)
    assert "is not a date and time" in str(caught.value)

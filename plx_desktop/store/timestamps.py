"""How the store writes times: UTC ISO 8601 text with microseconds and Z, which sorts as it reads."""

from __future__ import annotations

from datetime import UTC, datetime

from plx_desktop.domain.datetimes import parse_datetime


def now_text() -> str:
    return to_text(datetime.now(UTC))


def to_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_text(text: str | None) -> datetime | None:
    return parse_datetime(text) if text else None

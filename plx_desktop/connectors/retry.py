"""Retry with exponential backoff and full jitter, shared by both connectors.

Only TransientError is retried; everything else is raised at once. A service's Retry-After wins
over the computed delay (capped, so a bad header cannot stall a sync for an hour).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from plx_desktop.connectors.errors import TransientError
from plx_desktop.domain.datetimes import parse_datetime

T = TypeVar("T")


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """A Retry-After header (RFC 9110) as seconds from now: a number of seconds, or an HTTP date
    (`now`: the time.time() to count from). None when absent or unreadable; never negative."""
    if not value or not value.strip():
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parse_datetime(value)
        except ValueError:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return max(0.0, seconds) if math.isfinite(seconds) else None


@dataclass
class RetryPolicy:
    """How often and how patiently to retry a transient failure."""

    attempts: int = 6  # total tries, the first included
    base_delay: float = 0.5  # seconds before the second try (then doubled, with jitter)
    max_delay: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed try number `attempt` (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return self.rng.uniform(ceiling / 2, ceiling)

    def call(self, work: Callable[[], T], on_retry: Callable[[TransientError, int], None] | None = None) -> T:
        """Run `work`, retrying TransientError up to `attempts` tries; re-raise the last one."""
        attempt = 1
        while True:
            try:
                return work()
            except TransientError as exc:
                if attempt >= self.attempts:
                    raise
                if on_retry is not None:
                    on_retry(exc, attempt)
                self.sleep(self.delay(attempt, exc.retry_after))
                attempt += 1


NO_WAIT = RetryPolicy(attempts=4, base_delay=0.0, max_delay=0.0)  # for tests and the sandbox

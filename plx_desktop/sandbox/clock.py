"""The sandbox's time: the wall clock plus an offset that tests move forward instead of waiting.

Everything in the stand-ins that reads the time reads it here (record stamps, token and locator
lifetimes, the delete log's window, TODAY in SOQL, PeopleLinx's updated_at), so a test that needs
"later" moves the clock (`POST /__sandbox__/clock`, or `clock.advance()` in process) rather than
sleeping. Both services of one sandbox share one clock, so their stamps stay comparable (a
one-service process, `sandbox serve --only`, has its own: who runs two moves both alike). The
clock only moves forward: stamps already handed out never end up in the future.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class SandboxClock:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0

    def time(self) -> float:
        """Seconds since the epoch, as time.time() would say after the moves."""
        return time.time() + self._offset

    def datetime(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)

    @property
    def offset(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> float:
        """Move the clock `seconds` (>= 0) forward; the new offset."""
        if not isinstance(seconds, (int, float)) or seconds < 0:
            raise ValueError("the sandbox clock moves forward only: seconds must be >= 0")
        with self._lock:
            self._offset += float(seconds)
            return self._offset

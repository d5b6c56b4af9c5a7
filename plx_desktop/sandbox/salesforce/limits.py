"""The org's daily API request limit: calls counted per day in SQLite, the limits/ resource and header."""

from __future__ import annotations

from typing import Any

from plx_desktop.sandbox.clock import SandboxClock
from plx_desktop.sandbox.salesforce.db import Database
from plx_desktop.sandbox.salesforce.org import STANDARD_USERS
from plx_desktop.sandbox.salesforce.rest import api_route, error
from plx_desktop.sandbox.sqlite import SQLiteFile
from plx_desktop.sandbox.web import Request, Response, Router

# Salesforce's "API Request Limits and Allocations" (Developer Limits and Allocations Quick
# Reference): an Enterprise Edition org's total daily allocation is 100,000 plus, per licence,
# 1,000 calls for a Salesforce licence. The sandbox org is an Enterprise Edition org whose users
# each hold one, so the usage meter shows what an org of its size would really have.
BASE_DAILY_ALLOCATION = 100_000
CALLS_PER_SALESFORCE_LICENCE = 1_000


def enterprise_daily_limit(licensed_users: int) -> int:
    return BASE_DAILY_ALLOCATION + CALLS_PER_SALESFORCE_LICENCE * max(0, int(licensed_users))


DEFAULT_DAILY_LIMIT = enterprise_daily_limit(len(STANDARD_USERS))  # 103,000
LIMIT_HEADER = "Sforce-Limit-Info"


USAGE_FILE = "salesforce-usage.sqlite3"
_USAGE_SCHEMA = "CREATE TABLE IF NOT EXISTS api_usage (day TEXT PRIMARY KEY, used INTEGER NOT NULL);"


class ApiUsage:
    """API requests made today (UTC, on the sandbox clock) against the org's daily limit.

    Counted in a file of their own: every call writes its count, and in the org's file that write
    queued behind any long write transaction (a Bulk API job's batch), so that every call, reads
    too, waited for it.
    """

    def __init__(self, db: Database, clock: SandboxClock | None = None):
        self._db = db
        self._usage = SQLiteFile(db.path.parent / USAGE_FILE, _USAGE_SCHEMA)
        self._clock = clock or SandboxClock()

    def _today(self) -> str:
        return self._clock.datetime().date().isoformat()

    @property
    def daily_limit(self) -> int:
        return int(self._db.get_setting("daily_limit", DEFAULT_DAILY_LIMIT))

    @daily_limit.setter
    def daily_limit(self, value: int) -> None:
        self._db.set_setting("daily_limit", int(value))

    def used(self) -> int:
        row = self._usage.connection().execute("SELECT used FROM api_usage WHERE day = ?",
                                            (self._today(),)).fetchone()
        return 0 if row is None else int(row[0])

    def set_used(self, used: int) -> None:
        with self._usage.transaction() as conn:
            conn.execute("INSERT INTO api_usage (day, used) VALUES (?, ?) ON CONFLICT(day) "
                         "DO UPDATE SET used = excluded.used", (self._today(), int(used)))

    def count_call(self) -> int:
        """Count one call; raises 403 REQUEST_LIMIT_EXCEEDED once today's limit is used up."""
        limit = self.daily_limit
        with self._usage.transaction() as conn:
            row = conn.execute("SELECT used FROM api_usage WHERE day = ?", (self._today(),)).fetchone()
            used = 0 if row is None else int(row[0])
            if used >= limit:
                exceeded = error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
                exceeded.response.headers[LIMIT_HEADER] = f"api-usage={used}/{limit}"
                raise exceeded
            conn.execute("INSERT INTO api_usage (day, used) VALUES (?, 1) ON CONFLICT(day) "
                         "DO UPDATE SET used = used + 1", (self._today(),))
        return used + 1

    def header(self) -> str:
        return f"api-usage={self.used()}/{self.daily_limit}"

    def limits(self) -> dict[str, Any]:
        """The body of GET /limits/."""
        limit = self.daily_limit

        def pair(maximum: int, remaining: int) -> dict[str, int]:
            return {"Max": maximum, "Remaining": remaining}

        return {
            "ConcurrentAsyncGetReportInstances": pair(200, 200),
            "ConcurrentSyncReportRuns": pair(20, 20),
            "DailyApiRequests": pair(limit, max(0, limit - self.used())),
            "DailyAsyncApexExecutions": pair(250000, 250000),
            "DailyBulkApiBatches": pair(15000, 15000),
            "DailyBulkV2QueryFileStorageMB": pair(976562, 976562),
            "DailyBulkV2QueryJobs": pair(10000, 10000),
            "DataStorageMB": pair(1024, 1000),
            "FileStorageMB": pair(1024, 1024),
            "HourlyODataCallout": pair(10000, 10000),
            "SingleEmail": pair(5000, 5000),
        }


def register(router: Router, org: Any, usage: ApiUsage) -> None:
    def limits(request: Request, version: str) -> Response:
        return Response.json(usage.limits())

    router.add("GET", "/services/data/v{version}/limits", api_route(org, limits), "limits")

"""The connectors' own exceptions: each says what happened in plain words, and whether to retry.

The engine decides from the class alone: TransientError is retried with backoff, AuthError asks the
admin to reconnect, AccessError asks the Salesforce admin to grant API access or permissions,
ApiLimitError stops the run cleanly, RequestError is a bug or a bad setting (a malformed filter, an
unknown field) shown to the admin as is. `raw` keeps the service's own words for a Details view.
"""

from __future__ import annotations


class ConnectorError(Exception):
    """Any failure talking to Salesforce or PeopleLinx. `reason` is for the admin's eyes."""

    def __init__(self, reason: str, *, code: str | None = None, status: int | None = None,
                 raw: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.code = code  # the service's error code, e.g. "MALFORMED_QUERY"
        self.status = status  # the HTTP status, when there was one
        self.raw = raw  # what the service said, word for word, when it said something


class TransientError(ConnectorError):
    """Worth retrying later: 5xx, a locked row, a dropped connection, a broken answer, 429."""

    def __init__(self, reason: str, *, code: str | None = None, status: int | None = None,
                 retry_after: float | None = None, raw: str | None = None):
        super().__init__(reason, code=code, status=status, raw=raw)
        self.retry_after = retry_after  # seconds, when the service said so


class NetworkError(TransientError):
    """The service could not be reached at all (refused, DNS, TLS, timeout)."""


class AuthError(ConnectorError):
    """The credentials were refused or have been revoked: the admin must connect again."""


class AccessError(ConnectorError):
    """The org or the connected user may not use the API or an object (API_DISABLED_FOR_ORG,
    API_CURRENTLY_DISABLED, no permission on Contact...): a Salesforce admin must change that."""


class ApiLimitError(ConnectorError):
    """Salesforce API usage is at or past the share of the daily limit we allow ourselves."""


class RequestError(ConnectorError):
    """The service refused the request itself (malformed query, unknown field, bad value)."""

    def __init__(self, reason: str, *, code: str | None = None, status: int | None = None,
                 fields: list[str] | None = None, raw: str | None = None):
        super().__init__(reason, code=code, status=status, raw=raw)
        self.fields = fields or []

"""PeopleLinx error bodies: {"error": {"code", "message", ...}}, raised from anywhere in a handler."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

from plx_desktop.sandbox.web import HttpError, Request, Response

_LONG_NUMBER = re.compile(rb"\d{19}")


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    detail = {"code": code, "message": message}
    detail.update({k: v for k, v in extra.items() if v is not None})
    return {"error": detail}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None,
                   **extra: Any) -> Response:
    return Response.json(error_body(code, message, **extra), status, headers)


def fail(status: int, code: str, message: str, **extra: Any) -> HttpError:
    """An HttpError to raise; `raise fail(400, "invalid_parameter", "...")`."""
    return HttpError(error_response(status, code, message, **extra))


class ItemError(Exception):
    """One item of a batch (or one field of a write) is wrong; becomes that item's result."""

    def __init__(self, status: int, code: str, message: str, **extra: Any):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, **self.extra)["error"]

    def http(self) -> HttpError:
        return fail(self.status, self.code, self.message, **self.extra)


def json_body(request: Request, *, required: bool = True) -> Any:
    """The request's JSON body, or a PeopleLinx-shaped 400."""
    if not request.body.strip():
        if required:
            raise fail(400, "invalid_request", "A JSON body is required.")
        return None
    # orjson, several times json's speed on a batch of 500 people. It refuses what json reads
    # (NaN, a byte order mark) and lone surrogates, and reads an integer past 64 bits as a float:
    # such bodies (and any with a run of 19 digits) take json's way below, with its errors.
    if not _LONG_NUMBER.search(request.body):
        try:
            return orjson.loads(request.body)
        except orjson.JSONDecodeError:
            pass
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise fail(400, "invalid_json", f"The body is not valid JSON: {exc}") from exc
    try:
        # A "\ud800" escape parses to a lone surrogate, which no text store can keep.
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise fail(400, "invalid_value", "The body holds text that is not valid Unicode "
                   "(a lone UTF-16 surrogate).") from None
    return body


def json_object(request: Request) -> dict[str, Any]:
    body = json_body(request)
    if not isinstance(body, dict):
        raise fail(400, "invalid_request", "The body must be a JSON object.")
    return body

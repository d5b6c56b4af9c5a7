"""What every REST API call shares: API versions, the session check, and Salesforce's error bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plx_desktop.sandbox.salesforce.security import ACTING_USER
from plx_desktop.sandbox.web import HttpError, Request, Response

MIN_VERSION, MAX_VERSION = 50, 66
DATA_PREFIX = "/services/data"
_SEASONS = ("Winter", "Spring", "Summer")


def versions() -> list[dict[str, str]]:
    """The answer to GET /services/data: every API version the sandbox speaks."""
    out = []
    for major in range(MIN_VERSION, MAX_VERSION + 1):
        step = major - MIN_VERSION
        label = f"{_SEASONS[step % 3]} '{21 + step // 3}"
        out.append({"label": label, "url": f"{DATA_PREFIX}/v{major}.0", "version": f"{major}.0"})
    return out


def check_version(text: str) -> str:
    """'62.0' for '62.0' or 'v62.0'; 404 NOT_FOUND for anything the sandbox does not speak."""
    raw = text[1:] if text.startswith("v") else text
    try:
        major, minor = raw.split(".")
        ok = MIN_VERSION <= int(major) <= MAX_VERSION and minor == "0"
    except ValueError:
        ok = False
    if not ok:
        raise not_found()
    return raw


def error(status: int, code: str, message: str, fields: list[str] | None = None) -> HttpError:
    body: dict[str, Any] = {"message": message, "errorCode": code}
    if fields is not None:
        body["fields"] = fields
    return HttpError(Response.json([body], status))


def not_found(message: str = "The requested resource does not exist") -> HttpError:
    return error(404, "NOT_FOUND", message)


def bearer_token(request: Request) -> str:
    auth = request.header("authorization") or ""
    scheme, _, token = auth.partition(" ")
    return token.strip() if scheme.lower() in ("bearer", "oauth") else ""


Api = Callable[[Request, str], Response]  # (request, version like "62.0") -> response


def api_route(org: Any, handler: Api) -> Callable[[Request], Response]:
    """Wrap a handler: check the version and the session first, as Salesforce does."""
    def handle(request: Request) -> Response:
        try:
            version = check_version(request.params.get("version", ""))
            session = org.tokens.check(bearer_token(request))
            if session is None:
                raise error(401, "INVALID_SESSION_ID", "Session expired or invalid")
            flags = getattr(org, "flags", None)
            if flags is not None and not flags.api_enabled:
                raise error(403, "API_DISABLED_FOR_ORG",
                            "The REST API is not enabled for this Organization.")
            # Field-level security follows the session's user for the rest of this call.
            acting = ACTING_USER.set(session.get("user_id"))
            try:
                return handler(request, version)
            finally:
                ACTING_USER.reset(acting)
        except HttpError as exc:
            return exc.response  # answered normally, so the limit header is added to errors too
    return handle


def json_body(request: Request) -> Any:
    try:
        return request.json()
    except HttpError:
        raise error(400, "JSON_PARSER_ERROR", "The request body is not valid JSON") from None

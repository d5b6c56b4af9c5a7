"""Control endpoints for the OAuth side of the sandbox org: connected apps and org switches.

`POST /__sandbox__/connected-app`, `GET /__sandbox__/connected-apps`, `POST|GET /__sandbox__/org`
(see docs/SANDBOX.md). A new `org_id` plays a sandbox refresh: every session and every login of
the org ends, and the org answers to its new id from then on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plx_desktop.sandbox.salesforce.ids import to_18
from plx_desktop.sandbox.web import CONTROL_PREFIX, HttpError, Request, Response, Router

if TYPE_CHECKING:
    from plx_desktop.sandbox.salesforce.app import SalesforceApp


def _bad(message: str) -> HttpError:
    return HttpError(Response.json({"error": message}, 400))


def _body(request: Request) -> dict[str, Any]:
    body = request.json() if request.body else {}
    if not isinstance(body, dict):
        raise _bad("expected a JSON object")
    return body


def start_new_org(org: Any, org_id: str) -> None:
    """The org takes a new id (a sandbox refresh): every token dies, the Organization record moves."""
    new_id = to_18(org_id) if isinstance(org_id, str) and org_id.startswith("00D") else None
    if new_id is None:
        raise ValueError("org_id must be a 15- or 18-character id starting with 00D")
    if new_id == org.org_id:
        return
    org.tokens.revoke_all()
    old = org.org_id
    org.db.set_setting("org_id", new_id)
    org.org_id = new_id
    org.tokens.set_org_id(new_id)
    with org.db.transaction() as conn:
        conn.execute("DELETE FROM records WHERE id = ?", (old,))
    org.ensure_standard_records()


def register(router: Router, app: SalesforceApp) -> None:
    org: Any = app.org

    def configure_app(request: Request) -> Response:
        try:
            configured = org.connected_apps.configure(_body(request))
        except ValueError as exc:
            raise _bad(str(exc)) from None
        return Response.json(configured.as_dict())

    def list_apps(request: Request) -> Response:
        return Response.json({"connected_apps": [a.as_dict() for a in org.connected_apps.all()]})

    def org_settings(request: Request) -> Response:
        return Response.json({**org.flags.as_dict(), "org_id": org.org_id})

    def configure_org(request: Request) -> Response:
        body = _body(request)
        try:
            if body.get("org_id") is not None:
                start_new_org(org, body["org_id"])
            org.flags.configure(body)
        except ValueError as exc:
            raise _bad(str(exc)) from None
        return org_settings(request)

    base = CONTROL_PREFIX.rstrip("/")
    for method, path, handler in (
        ("POST", "/connected-app", configure_app), ("GET", "/connected-apps", list_apps),
        ("POST", "/org", configure_org),
    ):
        router.add(method, base + path, handler, "control" + path)

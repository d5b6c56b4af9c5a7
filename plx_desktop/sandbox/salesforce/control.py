"""The Salesforce sandbox's control endpoints under /__sandbox__/ (no token; see docs/SANDBOX.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plx_desktop.sandbox import fake
from plx_desktop.sandbox.salesforce import record_events
from plx_desktop.sandbox.salesforce.convert import convert_lead
from plx_desktop.sandbox.salesforce.org import ORG_PRESETS
from plx_desktop.sandbox.salesforce.security import permissionable
from plx_desktop.sandbox.salesforce.validate import Invalid
from plx_desktop.sandbox.web import (
    CONTROL_PREFIX,
    HttpError,
    Request,
    Response,
    Router,
    register_clock,
)

if TYPE_CHECKING:
    from plx_desktop.sandbox.salesforce.app import SalesforceApp


def _bad(message: str, status: int = 400) -> HttpError:
    return HttpError(Response.json({"error": message}, status))


def _body(request: Request) -> dict[str, Any]:
    body = request.json() if request.body else {}
    if not isinstance(body, dict):
        raise _bad("expected a JSON object")
    return body


def register(router: Router, app: SalesforceApp) -> None:
    org = app.org

    def convert(request: Request) -> Response:
        body = _body(request)
        if not body.get("lead_id"):
            raise _bad("lead_id is required")
        try:
            ids = convert_lead(org, str(body["lead_id"]), body.get("account_id"))
        except Invalid as exc:
            return Response.json([{"message": e.message, "errorCode": e.status_code,
                                   "fields": e.fields} for e in exc.errors], 400)
        return Response.json(ids)

    def get_faults(request: Request) -> Response:
        return Response.json(app.faults.as_dict())

    def set_faults(request: Request) -> Response:
        body = _body(request)
        try:
            app.faults.configure(latency_ms=body.get("latency_ms"), fail_rate=body.get("fail_rate"),
                                 kinds=body.get("kinds"), seed=body.get("seed"),
                                 poison=body.get("poison"), poison_kind=body.get("poison_kind"))
        except (TypeError, ValueError) as exc:
            raise _bad(str(exc)) from None
        return Response.json(app.faults.as_dict())

    def expire_sessions(request: Request) -> Response:
        org.tokens.expire_all()
        return Response.json({"expired": True})

    def session_lifetime(request: Request) -> Response:
        seconds = _body(request).get("seconds")
        if seconds is not None and (not isinstance(seconds, (int, float)) or seconds < 0):
            raise _bad("seconds must be a number >= 0, or null for sessions that never expire")
        org.tokens.session_seconds = seconds
        return Response.json({"seconds": org.tokens.session_seconds})

    def reset(request: Request) -> Response:
        preset = _body(request).get("org")
        if preset is not None and preset not in ORG_PRESETS:
            raise _bad(f"org must be one of {list(ORG_PRESETS)}")
        app.reset(org=preset)
        return Response.json({"reset": True, "org": preset})

    def field_security(request: Request) -> Response:
        body = _body(request)
        obj = org.schema.object(str(body.get("object") or ""))
        info = None if obj is None else obj.field(str(body.get("field") or ""))
        if obj is None or info is None:
            raise _bad(f"unknown field {body.get('object')}.{body.get('field')}", 404)
        if not permissionable(info):
            raise _bad(f"{obj.name}.{info.name} is required or a system field: field-level "
                       "security does not apply to it")
        readable, editable = body.get("readable", True), body.get("editable", True)
        if not isinstance(readable, bool) or not isinstance(editable, bool):
            raise _bad("readable and editable must be true or false")
        org.security.set_profile(obj.name, info.name, readable, editable)
        return Response.json({"object": obj.name, "field": info.name, "readable": readable,
                              "editable": editable and readable})

    def seed(request: Request) -> Response:
        value = _body(request).get("seed", "demo")
        if str(value) != "demo" and not str(value).isdigit():
            raise _bad('seed must be "demo" or a number')
        app.reset()
        demo = str(value) == "demo"
        app.seed(fake.demo_population() if demo else fake.bulk_population(int(value)), demo=demo)
        return Response.json({"seeded": value})

    def get_limits(request: Request) -> Response:
        return Response.json({"daily_limit": app.usage.daily_limit, "used": app.usage.used()})

    def set_limits(request: Request) -> Response:
        body = _body(request)
        try:
            if body.get("daily_limit") is not None:
                app.usage.daily_limit = int(body["daily_limit"])
            if body.get("used") is not None:
                app.usage.set_used(int(body["used"]))
        except (TypeError, ValueError):
            raise _bad("daily_limit and used must be whole numbers") from None
        return get_limits(request)

    def add_field(request: Request) -> Response:
        try:
            info = org.schema.add_custom_field(_body(request))
        except (KeyError, TypeError, ValueError) as exc:
            raise _bad(str(exc)) from None
        return Response.json({"object": request.json().get("object"), "name": info.name,
                              "type": info.type, "length": info.length}, 201)

    def records(request: Request) -> Response:
        obj = org.schema.object(request.params["sobject"])
        if obj is None:
            raise _bad(f"unknown object {request.params['sobject']}", 404)
        return Response.json({"records": org.store.all_of(obj.name)})

    def credentials(request: Request) -> Response:
        return Response.json(app.sandbox_credentials())

    def checked(work: Any, status: int = 200) -> Response:
        try:
            return Response.json(work(), status)
        except (KeyError, TypeError, ValueError) as exc:
            raise _bad(str(exc)) from None

    def add_user(request: Request) -> Response:
        body = _body(request)
        return checked(lambda: {"id": org.add_user(
            str(body.get("username") or ""), str(body.get("email") or ""),
            str(body.get("first_name") or ""), str(body.get("last_name") or ""))}, 201)

    def user_active(request: Request) -> Response:
        body = _body(request)
        return checked(lambda: org.set_user_active(request.params["user_id"],
                                                   bool(body.get("active"))) or {"ok": True})

    def set_assignment_rule(request: Request) -> Response:
        return checked(lambda: org.rules.set_assignment_rule(_body(request)), 201)

    def clear_assignment_rule(request: Request) -> Response:
        org.rules.clear_assignment_rule()
        return Response.json({"deleted": True})

    def set_duplicate_rule(request: Request) -> Response:
        return checked(lambda: org.rules.set_duplicate_rule(_body(request)), 201)

    def clear_duplicate_rule(request: Request) -> Response:
        return Response.json({"deleted": org.rules.clear_duplicate_rule(request.params["sobject"])})

    def set_validation_rule(request: Request) -> Response:
        return checked(lambda: org.rules.set_validation_rule(_body(request)), 201)

    def clear_validation_rule(request: Request) -> Response:
        return Response.json({"deleted": org.rules.clear_validation_rule(request.params["name"])})

    def set_picklist(request: Request) -> Response:
        return checked(lambda: org.picklists.set(_body(request)))

    base = CONTROL_PREFIX.rstrip("/")
    for method, path, handler in (
        ("POST", "/convert-lead", convert), ("GET", "/faults", get_faults),
        ("POST", "/faults", set_faults), ("POST", "/expire-sessions", expire_sessions),
        ("POST", "/session-lifetime", session_lifetime), ("POST", "/reset", reset), ("POST", "/seed", seed),
        ("GET", "/limits", get_limits), ("POST", "/limits", set_limits),
        ("POST", "/fields", add_field), ("POST", "/field-security", field_security), ("GET", "/records/{sobject}", records),
        ("GET", "/credentials", credentials), ("POST", "/users", add_user),
        ("POST", "/users/{user_id}/active", user_active),
        ("POST", "/assignment-rule", set_assignment_rule),
        ("DELETE", "/assignment-rule", clear_assignment_rule),
        ("POST", "/duplicate-rule", set_duplicate_rule),
        ("DELETE", "/duplicate-rule/{sobject}", clear_duplicate_rule),
        ("POST", "/validation-rule", set_validation_rule),
        ("DELETE", "/validation-rule/{name}", clear_validation_rule),
        ("POST", "/picklist", set_picklist),
    ):
        router.add(method, base + path, handler, "control" + path)
    app.calls.register(router)
    register_clock(router, app.clock)
    record_events.register(router, org)

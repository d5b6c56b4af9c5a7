"""Salesforce's OAuth errors in the admin's words, each with what to do about it.

The codes and descriptions are the ones Salesforce documents in "OAuth 2.0 Authorization Errors"
(help.salesforce.com, remoteaccess_oauth_flow_errors.htm): on the redirect to the callback URL,
and in the token endpoint's `{"error", "error_description"}` answers. The raw code and description
always travel along in the exception's `raw`, one click away in the window.
"""

from __future__ import annotations

from plx_desktop.connectors.errors import AuthError, ConnectorError, RequestError

RECONNECT = "Connect Salesforce again (Reconnect on the Salesforce card, or `plx-desktop connect salesforce`)."

_NOT_INSTALLED = (
    "Your External Client App is not installed in this org, and Salesforce blocks apps that are "
    "not. In Setup, open External Client App Manager, check that the app's Distribution State is "
    "Local (or install its package), then connect again. See docs/CONNECT.md.")
_NOT_APPROVED = (
    "This Salesforce user may not use your External Client App. In the app's policies, set "
    "Permitted Users to \"All users may self-authorize\", or give this user a profile or "
    "permission set the app admits, then connect again.")
_APPROVAL_ERRORS = {
    "OAUTH_APPROVAL_ERROR_GENERIC": "Salesforce could not record your approval of the app",
    "OAUTH_EC_APP_NOT_FOUND": "Salesforce does not know this consumer key in this org",
    "OAUTH_APP_BLOCKED": "The app is blocked in this org (Setup, Connected Apps OAuth Usage)",
    "OAUTH_APP_ACCESS_DENIED": "This user may not use the app",
}


def _raw(code: str, description: str) -> str:
    return f"{code}: {description}" if description and description != code else code


def redirect_error(error: str, description: str) -> AuthError:
    """The error Salesforce put on the redirect (`?error=...&error_description=...`)."""
    text = description.lower()
    raw = _raw(error, description)
    if error in ("access_denied", "access-denied") and "denied" in text:
        reason = ("You chose Deny on Salesforce's Allow Access page, so PLX Desktop was not "
                  "connected. Connect again and choose Allow.")
    elif error == "access_denied" or error == "OAUTH_APP_ACCESS_DENIED" or "not admin approved" in text:
        reason = _NOT_APPROVED
    elif error == "invalid_client" and "installed" in text:
        reason = _NOT_INSTALLED
    elif error in ("invalid_client_id", "invalid_client") or error == "OAUTH_EC_APP_NOT_FOUND":
        reason = ("Salesforce does not know this consumer key. Copy the Consumer Key of your "
                  "External Client App (Settings, OAuth Settings, Consumer Key and Secret) into "
                  "Advanced on the Salesforce card, or pass it with --client-id.")
    elif error.startswith("OAUTH_APPROVAL_ERROR") or error in _APPROVAL_ERRORS:
        what = _APPROVAL_ERRORS.get(error, "Salesforce refused the approval")
        reason = (f"{what}. A user can approve one app at most five times: open your personal "
                  "settings in Salesforce, Connected Apps (OAuth Connected Apps), revoke the old "
                  "approvals of this app, then connect again.")
    elif error == "redirect_uri_mismatch":
        reason = ("The callback URL is not registered on your External Client App. Add the exact "
                  "URL shown in docs/CONNECT.md to the app's Callback URL field, then connect again.")
    elif error == "invalid_scope":
        reason = ("The app does not allow the access PLX Desktop asks for. Add the OAuth scopes "
                  "api, refresh_token offline_access and openid to the app, then connect again.")
    else:
        reason = f"Salesforce sign-in failed ({raw}). {RECONNECT}"
    return AuthError(reason, code=error, raw=raw)


def token_error(code: str, description: str, status: int, doing: str) -> ConnectorError:
    """The error for the token endpoint's refusal (sign-in code exchange or refresh)."""
    text = description.lower()
    raw = _raw(code, description)
    if code == "invalid_grant":
        if "inactive" in text:
            reason = ("The Salesforce user is inactive (deactivated or frozen). Ask a Salesforce "
                      "admin to reactivate the user, or connect as another user.")
        elif "ip" in text.split() or "ip restricted" in text or "ip address" in text:
            reason = ("Salesforce refused the login from this computer's IP address. Add the "
                      "address to the user's profile Login IP Ranges, or relax IP restrictions "
                      "in the app's policies (IP Relaxation), then connect again.")
        elif "my domain" in text:
            reason = (f"This org requires logins through its My Domain. {RECONNECT} "
                      "With --login-url (or the My Domain login choice) set to your My Domain.")
        elif "authorization code" in text or "code verifier" in text:
            reason = f"The sign-in took too long or was used twice ({description}). {RECONNECT}"
        else:
            reason = ("Salesforce no longer accepts the saved login: it expired or was revoked "
                      "(by an admin, by the user, by a sixth approval of the app, or by a "
                      f"sandbox refresh). {RECONNECT}")
        return AuthError(reason, code=code, status=status, raw=raw)
    if code in ("OAUTH_APP_ACCESS_DENIED", "invalid_app_access") or "not admin approved" in text:
        return AuthError(_NOT_APPROVED, code=code, status=status, raw=raw)
    if code == "invalid_client" and "installed" in text:
        return AuthError(_NOT_INSTALLED, code=code, status=status, raw=raw)
    if code in ("invalid_client", "invalid_client_id", "unauthorized_client"):
        return AuthError(redirect_error("invalid_client_id", description).reason, code=code,
                         status=status, raw=raw)
    if code in ("inactive_user", "inactive_org"):
        what = "user" if code == "inactive_user" else "org"
        return AuthError(f"The Salesforce {what} is inactive. Ask a Salesforce admin about it, "
                         "then connect again.", code=code, status=status, raw=raw)
    if code == "redirect_uri_mismatch":
        return AuthError(redirect_error(code, description).reason, code=code, status=status,
                         raw=raw)
    if code == "invalid_request":
        return RequestError(f"Salesforce refused to {doing}: {description or code}. Check the "
                            "consumer key and login URL; if it persists, report this message.",
                            code=code, status=status, raw=raw)
    if code == "INVALID_SESSION_ID" or status in (401, 403):
        return AuthError(f"Salesforce refused to {doing}: {description or code}. {RECONNECT}",
                         code=code or None, status=status, raw=raw)
    return RequestError(f"Salesforce refused to {doing}: {description or code}", code=code or None,
                        status=status, raw=raw)

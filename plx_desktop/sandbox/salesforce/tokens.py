"""OAuth access and refresh tokens and one-time authorization codes, kept in the sandbox's SQLite file.

Tokens survive restarts. An access token dies when its session lifetime passes, when every session is
expired by a control call, or when it (or the refresh token that made it) is revoked. The standing
sandbox token written to sandbox.json ignores the lifetime: only expire_all or revoke end it.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from plx_desktop.sandbox.salesforce.db import Database

DEFAULT_SESSION_SECONDS = 7200.0
_CODE_SECONDS = 900  # Salesforce authorization codes live 15 minutes.0


class TokenStore:
    """Issues, checks, refreshes and revokes the sandbox org's OAuth tokens."""

    def __init__(self, db: Database, org_id: str):
        self._db = db
        self._org_id = org_id

    @property
    def session_seconds(self) -> float | None:
        return self._db.get_setting("session_seconds", DEFAULT_SESSION_SECONDS)

    @session_seconds.setter
    def session_seconds(self, seconds: float | None) -> None:
        self._db.set_setting("session_seconds", None if seconds is None else float(seconds))

    def _access_token(self) -> str:
        # Salesforce access tokens are the org id, "!", and an opaque part.
        return f"{self._org_id[:15]}!{secrets.token_urlsafe(48)}"

    def issue(self, user_id: str, client_id: str, scope: str = "api refresh_token", *,
              standing: bool = False) -> dict[str, str]:
        """A new access token and refresh token: {"access_token","refresh_token","issued_at"}."""
        now = time.time()
        access, refresh = self._access_token(), "5Aep" + secrets.token_urlsafe(60)
        with self._db.transaction() as conn:
            conn.execute("INSERT INTO tokens (token, kind, user_id, client_id, scope, issued_at, "
                         "standing) VALUES (?, 'refresh', ?, ?, ?, ?, ?)",
                         (refresh, user_id, client_id, scope, now, int(standing)))
            conn.execute("INSERT INTO tokens (token, kind, user_id, client_id, scope, issued_at, "
                         "refresh_token, standing) VALUES (?, 'access', ?, ?, ?, ?, ?, ?)",
                         (access, user_id, client_id, scope, now, refresh, int(standing)))
        return {"access_token": access, "refresh_token": refresh, "issued_at": _millis(now)}

    def check(self, access_token: str) -> dict[str, Any] | None:
        """{"user_id","client_id","issued_at","scope"} for a live access token, else None."""
        row = self._db.connection().execute(
            "SELECT user_id, client_id, issued_at, scope, standing, expired, revoked FROM tokens "
            "WHERE token = ? AND kind = 'access'", (access_token,)).fetchone()
        if row is None:
            return None
        user_id, client_id, issued_at, scope, standing, expired, revoked = row
        if expired or revoked:
            return None
        lifetime = self.session_seconds
        if not standing and lifetime is not None and time.time() >= issued_at + lifetime:
            return None
        return {"user_id": user_id, "client_id": client_id, "issued_at": _millis(issued_at),
                "scope": scope}

    def refresh(self, refresh_token: str, client_id: str) -> dict[str, str] | None:
        """A new access token for a live refresh token of this client: {"access_token","issued_at"}."""
        conn = self._db.connection()
        row = conn.execute("SELECT user_id, client_id, scope, revoked FROM tokens "
                           "WHERE token = ? AND kind = 'refresh'", (refresh_token,)).fetchone()
        if row is None or row[3] or row[1] != client_id:
            return None
        now, access = time.time(), self._access_token()
        with self._db.transaction() as tx:
            tx.execute("INSERT INTO tokens (token, kind, user_id, client_id, scope, issued_at, "
                       "refresh_token) VALUES (?, 'access', ?, ?, ?, ?, ?)",
                       (access, row[0], client_id, row[2], now, refresh_token))
        return {"access_token": access, "issued_at": _millis(now)}

    def refresh_owner(self, refresh_token: str) -> dict[str, str] | None:
        """{"user_id","client_id","scope"} of a live refresh token, else None."""
        row = self._db.connection().execute(
            "SELECT user_id, client_id, scope FROM tokens WHERE token = ? AND kind = 'refresh' "
            "AND revoked = 0", (refresh_token,)).fetchone()
        return None if row is None else {"user_id": row[0], "client_id": row[1], "scope": row[2]}

    def revoke(self, token: str) -> bool:
        """Revoke an access or refresh token (a refresh token takes its access tokens with it)."""
        with self._db.transaction() as conn:
            row = conn.execute("SELECT kind FROM tokens WHERE token = ? AND revoked = 0",
                               (token,)).fetchone()
            if row is None:
                return False
            conn.execute("UPDATE tokens SET revoked = 1 WHERE token = ?", (token,))
            if row[0] == "refresh":
                conn.execute("UPDATE tokens SET revoked = 1 WHERE refresh_token = ?", (token,))
        return True

    def expire_all(self) -> None:
        """Every current access token stops working (refresh tokens still work)."""
        with self._db.transaction() as conn:
            conn.execute("UPDATE tokens SET expired = 1 WHERE kind = 'access'")

    def save_code(self, code: str, data: dict[str, Any]) -> None:
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM auth_codes WHERE created < ?", (time.time() - _CODE_SECONDS,))
            conn.execute("INSERT OR REPLACE INTO auth_codes (code, data, created) VALUES (?, ?, ?)",
                         (code, json.dumps(data), time.time()))

    def take_code(self, code: str) -> dict[str, Any] | None:
        """The data saved with a one-time code; the code is gone afterwards (and after 10 minutes)."""
        with self._db.transaction() as conn:
            row = conn.execute("SELECT data, created FROM auth_codes WHERE code = ?", (code,)).fetchone()
            conn.execute("DELETE FROM auth_codes WHERE code = ?", (code,))
        if row is None or time.time() > row[1] + _CODE_SECONDS:
            return None
        return json.loads(row[0])


def _millis(seconds: float) -> str:
    return str(int(seconds * 1000))

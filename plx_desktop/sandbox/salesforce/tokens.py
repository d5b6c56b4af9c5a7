"""OAuth access and refresh tokens and one-time authorization codes, kept in the sandbox's SQLite file.

Tokens survive restarts. An access token dies when its session lifetime passes, when every session is
expired by a control call, or when it (or the refresh token that made it) is revoked. The standing
sandbox token written to sandbox.json ignores the lifetime: only expire_all or revoke end it.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from plx_desktop.sandbox.salesforce.db import Database

DEFAULT_SESSION_SECONDS = 7200.0
_CODE_SECONDS = 900  # Salesforce authorization codes live 15 minutes.0


class TokenStore:
    """Issues, checks, refreshes and revokes the sandbox org's OAuth tokens."""

    def __init__(self, db: Database, org_id: str, clock: Any):
        self._db = db
        self._org_id = org_id
        self._clock = clock  # the sandbox clock: lifetimes are counted on it

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
              standing: bool = False, max_approvals: int | None = None) -> dict[str, str]:
        """A new access token and refresh token: {"access_token","refresh_token","issued_at"}.

        Each call is a new grant (one approval). With `max_approvals`, the user's oldest grants of
        this app beyond that many are revoked, as Salesforce does at the sixth approval.
        """
        now = self._clock.time()
        access, refresh = self._access_token(), "5Aep" + secrets.token_urlsafe(60)
        with self._db.transaction() as conn:
            conn.execute("INSERT INTO tokens (token, kind, user_id, client_id, scope, issued_at, "
                         "standing) VALUES (?, 'refresh', ?, ?, ?, ?, ?)",
                         (refresh, user_id, client_id, scope, now, int(standing)))
            conn.execute("INSERT INTO tokens (token, kind, user_id, client_id, scope, issued_at, "
                         "refresh_token, standing) VALUES (?, 'access', ?, ?, ?, ?, ?, ?)",
                         (access, user_id, client_id, scope, now, refresh, int(standing)))
            conn.execute("INSERT INTO refresh_grants (token, grant_id, state, last_used) "
                         "VALUES (?, ?, 'live', ?)", (refresh, refresh, now))
            if max_approvals is not None and not standing:
                self._limit_approvals(conn, user_id, client_id, max_approvals)
        return {"access_token": access, "refresh_token": refresh, "issued_at": _millis(now)}

    def _limit_approvals(self, conn: Any, user_id: str, client_id: str, keep: int) -> None:
        grants = [row[0] for row in conn.execute(
            "SELECT g.grant_id, MIN(t.issued_at) AS first FROM refresh_grants g "
            "JOIN tokens t ON t.token = g.token WHERE t.user_id = ? AND t.client_id = ? "
            "AND t.standing = 0 AND t.revoked = 0 GROUP BY g.grant_id ORDER BY first",
            (user_id, client_id))]
        for grant_id in grants[:max(0, len(grants) - keep)]:
            self._revoke_grant(conn, grant_id)

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
        if not standing and lifetime is not None and self._clock.time() >= issued_at + lifetime:
            return None
        return {"user_id": user_id, "client_id": client_id, "issued_at": _millis(issued_at),
                "scope": scope}

    def refresh(self, refresh_token: str, client_id: str, *, rotate: bool = False,
                idle_seconds: float | None = None) -> dict[str, str] | None:
        """A new access token for a live refresh token of this client, else None.

        {"access_token","issued_at"} and, with `rotate`, a new "refresh_token": the presented one
        is dead from then on, and presenting it again revokes every token of its grant. The
        standing sandbox login never rotates or idles out (tests share it).
        """
        now = self._clock.time()
        with self._db.transaction() as tx:
            row = tx.execute("SELECT user_id, client_id, scope, revoked, standing, issued_at "
                             "FROM tokens WHERE token = ? AND kind = 'refresh'",
                             (refresh_token,)).fetchone()
            if row is None or row[3] or row[1] != client_id:
                return None
            user_id, _, scope, _, standing, issued_at = row
            grant = tx.execute("SELECT grant_id, state, last_used FROM refresh_grants "
                               "WHERE token = ?", (refresh_token,)).fetchone()
            grant_id, state, last_used = grant or (refresh_token, "live", issued_at)
            if state == "rotated":
                self._revoke_grant(tx, grant_id)  # a replayed token: end the whole grant
                return None
            if not standing and idle_seconds is not None and now - last_used > idle_seconds:
                self._revoke_grant(tx, grant_id)
                return None
            new_refresh = None
            if rotate and not standing:
                new_refresh = "5Aep" + secrets.token_urlsafe(60)
                tx.execute("INSERT INTO tokens (token, kind, user_id, client_id, scope, issued_at) "
                           "VALUES (?, 'refresh', ?, ?, ?, ?)",
                           (new_refresh, user_id, client_id, scope, now))
                tx.execute("INSERT OR REPLACE INTO refresh_grants (token, grant_id, state, "
                           "last_used) VALUES (?, ?, 'rotated', ?)", (refresh_token, grant_id, now))
                tx.execute("INSERT INTO refresh_grants (token, grant_id, state, last_used) "
                           "VALUES (?, ?, 'live', ?)", (new_refresh, grant_id, now))
            else:
                tx.execute("INSERT OR REPLACE INTO refresh_grants (token, grant_id, state, "
                           "last_used) VALUES (?, ?, 'live', ?)", (refresh_token, grant_id, now))
            access = self._access_token()
            tx.execute("INSERT INTO tokens (token, kind, user_id, client_id, scope, issued_at, "
                       "refresh_token) VALUES (?, 'access', ?, ?, ?, ?, ?)",
                       (access, user_id, client_id, scope, now, new_refresh or refresh_token))
        out = {"access_token": access, "issued_at": _millis(now)}
        if new_refresh:
            out["refresh_token"] = new_refresh
        return out

    def refresh_owner(self, refresh_token: str) -> dict[str, str] | None:
        """{"user_id","client_id","scope"} of a live refresh token, else None."""
        row = self._db.connection().execute(
            "SELECT user_id, client_id, scope FROM tokens WHERE token = ? AND kind = 'refresh' "
            "AND revoked = 0", (refresh_token,)).fetchone()
        return None if row is None else {"user_id": row[0], "client_id": row[1], "scope": row[2]}

    @staticmethod
    def _revoke_grant(conn: Any, grant_id: str) -> None:
        """Every refresh token of the grant, and every access token they made, stop working."""
        tokens = [r[0] for r in conn.execute("SELECT token FROM refresh_grants WHERE grant_id = ?",
                                             (grant_id,))] or [grant_id]
        for token in tokens:
            conn.execute("UPDATE tokens SET revoked = 1 WHERE token = ? OR refresh_token = ?",
                         (token, token))

    def revoke(self, token: str) -> bool:
        """Revoke an access or refresh token (a refresh token takes its whole grant with it)."""
        with self._db.transaction() as conn:
            row = conn.execute("SELECT kind FROM tokens WHERE token = ? AND revoked = 0",
                               (token,)).fetchone()
            if row is None:
                return False
            conn.execute("UPDATE tokens SET revoked = 1 WHERE token = ?", (token,))
            if row[0] == "refresh":
                grant = conn.execute("SELECT grant_id FROM refresh_grants WHERE token = ?",
                                     (token,)).fetchone()
                self._revoke_grant(conn, grant[0] if grant else token)
        return True

    def revoke_all(self) -> None:
        """Every token of the org stops working (a sandbox refresh: a new org id)."""
        with self._db.transaction() as conn:
            conn.execute("UPDATE tokens SET revoked = 1")

    def set_org_id(self, org_id: str) -> None:
        self._org_id = org_id

    def expire_all(self) -> None:
        """Every current access token stops working (refresh tokens still work)."""
        with self._db.transaction() as conn:
            conn.execute("UPDATE tokens SET expired = 1 WHERE kind = 'access'")

    def save_code(self, code: str, data: dict[str, Any]) -> None:
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM auth_codes WHERE created < ?", (self._clock.time() - _CODE_SECONDS,))
            conn.execute("INSERT OR REPLACE INTO auth_codes (code, data, created) VALUES (?, ?, ?)",
                         (code, json.dumps(data), self._clock.time()))

    def take_code(self, code: str) -> dict[str, Any] | None:
        """The data saved with a one-time code; the code is gone afterwards (and after 10 minutes)."""
        with self._db.transaction() as conn:
            row = conn.execute("SELECT data, created FROM auth_codes WHERE code = ?", (code,)).fetchone()
            conn.execute("DELETE FROM auth_codes WHERE code = ?", (code,))
        if row is None or self._clock.time() > row[1] + _CODE_SECONDS:
            return None
        return json.loads(row[0])


def _millis(seconds: float) -> str:
    return str(int(seconds * 1000))

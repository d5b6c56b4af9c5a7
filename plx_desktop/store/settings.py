"""Non-secret settings as key/value pairs (JSON values). Secrets live in the keyring, never here."""

from __future__ import annotations

import json
from typing import Any

import peewee as pw

from plx_desktop.store.models import Models

POLL_INTERVAL_SECONDS = "poll_interval_seconds"  # default 300, minimum 30 (the GUI enforces)
API_USAGE_CAP = "api_usage_cap"  # share of the daily Salesforce API limit, default 0.9
ACTIVE_PROFILE = "active_profile"  # "default" | "custom"
# Off by default, as in the Integrations article: a converted lead's updates are skipped. On: they
# go to the contact the lead became.
FOLLOW_CONVERTED_LEADS = "follow_converted_leads"
# "Run lead assignment rules on new leads": on by default, as Salesforce's REST API does; updates
# never run them (Sforce-Auto-Assign: FALSE), so a synced field never changes a lead's owner.
RUN_LEAD_ASSIGNMENT_RULES = "run_lead_assignment_rules"
# Save past a duplicate rule whose action allows it (Sforce-Duplicate-Rule-Header: allowSave=true).
DUPLICATE_RULES_ALLOW_SAVE = "duplicate_rules_allow_save"
# {PeopleLinx user's email: Salesforce user's email or username} for Task owners the org's users'
# own emails do not find.
TASK_OWNER_MAP = "task_owner_map"
# How far behind its cursor a Salesforce-sourced step reads again, for rows a long transaction
# committed late (stamped before the cursor had passed them); the links' fingerprints drop what
# was already synced. Airbyte reads 600 s back.
LOOKBACK_SECONDS = "salesforce_lookback_seconds"
# A Contact or Lead deleted in Salesforce: "keep" its person (unlinked, marked Deleted in
# Salesforce) or "delete" the person in PeopleLinx.
SALESFORCE_DELETES = "salesforce_deletes"
# A person deleted in PeopleLinx: "keep" the Salesforce record (unlinked) or "delete" it.
PEOPLELINX_DELETES = "peoplelinx_deletes"
SALESFORCE_CONNECTION = "salesforce.connection"  # {"org_name", "username", "instance_url", ...}
PEOPLELINX_CONNECTION = "peoplelinx.connection"  # {"account_name", "base_url", ...}
# {"client_ids": {login URL: consumer key}, "callback_port": 1717}: the admin's own External
# Client App (a consumer key is not a secret: PKCE protects the flow, and no secret is used).
SALESFORCE_OAUTH = "salesforce.oauth"

DEFAULTS: dict[str, Any] = {POLL_INTERVAL_SECONDS: 300, API_USAGE_CAP: 0.9, ACTIVE_PROFILE: "default",
                            FOLLOW_CONVERTED_LEADS: False, LOOKBACK_SECONDS: 600,
                            RUN_LEAD_ASSIGNMENT_RULES: True, DUPLICATE_RULES_ALLOW_SAVE: False,
                            SALESFORCE_DELETES: "keep", PEOPLELINX_DELETES: "keep"}

_SECRET_WORDS = ("token", "secret", "password", "api_key", "apikey", "credential")


class SecretRefused(ValueError):
    """A setting looked like a secret; those belong in the keyring (connectors/secrets.py)."""


class Settings:
    def __init__(self, db: pw.Database, models: Models):
        self._db, self._m = db, models

    def get(self, key: str, default: Any = None) -> Any:
        """The stored value, else `default`, else the built-in default for known keys."""
        row = self._m.Setting.get_or_none(self._m.Setting.key == key)
        if row is None:
            return default if default is not None else DEFAULTS.get(key)
        return json.loads(row.value)

    def set(self, key: str, value: Any) -> None:
        _refuse_secrets(key, value)
        self._m.Setting.insert(key=key, value=json.dumps(value)).on_conflict_replace().execute()

    def delete(self, key: str) -> None:
        self._m.Setting.delete().where(self._m.Setting.key == key).execute()

    def all(self) -> dict[str, Any]:
        stored = {row.key: json.loads(row.value) for row in self._m.Setting.select()}
        return {**DEFAULTS, **stored}


def _refuse_secrets(key: str, value: Any) -> None:
    names = [key.lower()]
    if isinstance(value, dict):
        names += [str(k).lower() for k in value]
    for name in names:
        if any(word in name for word in _SECRET_WORDS):
            raise SecretRefused(f"'{name}' looks like a secret; secrets are kept in the system "
                                "keyring, never in the settings store")

"""Before a run: is the connected Salesforce org the one this data directory's state belongs to?

The org id comes from what Connect saved (the saved login's `org_id`, userinfo's
`organization_id`) or, for the sandbox, from sandbox.json; no API call is spent on it. An unclaimed
state is claimed by the first org that runs. A run against another org than the owner is refused
with both ids until `plx-desktop connect` (or the window's Connect) has switched the state to it
(store/org_state.py); the sandbox, which has no Connect step, switches by itself.
"""

from __future__ import annotations

from pathlib import Path

from plx_desktop.store import Store
from plx_desktop.store.settings import SALESFORCE_CONNECTION
from plx_desktop.sync.connections import Connections, read_sandbox


def connected_org(data_dir: Path, store: Store, connections: Connections) -> tuple[str, str]:
    """(org id, a label for it) of the org these connections reach; ("", "") when unknown."""
    if connections.sandbox:
        info = read_sandbox(data_dir)
        return (info.salesforce_org_id if info else ""), "the sandbox org"
    saved = store.settings.get(SALESFORCE_CONNECTION) or {}
    label = str(saved.get("org_name") or saved.get("username") or saved.get("instance_url") or "")
    return str(saved.get("org_id") or ""), label


def refusal(data_dir: Path, store: Store, connections: Connections, *,
            dry_run: bool = False) -> str | None:
    """None when the run may go on (claiming an unclaimed state); else why it may not."""
    org_id, label = connected_org(data_dir, store, connections)
    if not org_id:
        return None  # a login saved before org ids were kept: nothing to compare with
    state = store.org_state
    mismatch = state.mismatch(org_id)
    if mismatch is None:
        if not dry_run:
            state.claim(org_id, label)
        return None
    if connections.sandbox and not dry_run:
        state.switch_to(org_id, label)  # a new sandbox org: its own state, the old one kept
        return None
    return mismatch.reason

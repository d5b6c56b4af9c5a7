"""What Sync health offers for a record a duplicate rule refused: Link to this record, Create anyway.

The refusal's log entry names the matched records ("Contact 003… (https://…)"); Link to this
record links the person to the one match (empty synced values, so the next run writes the
person's mapped fields onto it) and asks for a retry. Create anyway remembers the person for its
step, so that the next run creates them with `Sforce-Duplicate-Rule-Header: allowSave=true`
(which saves only where the rule's action allows it), and asks for a retry.
"""

from __future__ import annotations

import re

from plx_desktop.domain.fields import normalise_email
from plx_desktop.store.health import FailingRecord, Health
from plx_desktop.store.links import Links, RecordLink
from plx_desktop.store.settings import Settings

DUPLICATES = "DUPLICATES_DETECTED"
CREATE_ANYWAY = "duplicates_create_anyway"  # {step_uid: [PeopleLinx person id, ...]}
_MATCHED = re.compile(r"\b(Contact|Lead|Account) ([A-Za-z0-9]{18}) \(")
_EMAIL = re.compile(r"<([^<>\s]+@[^<>\s]+)>\s*$")


def duplicate_matches(message: str) -> list[tuple[str, str]]:
    """(object, Id) of the records a duplicate-rule refusal names, in order."""
    return _MATCHED.findall(message)


def can_link(record: FailingRecord) -> bool:
    return (record.error_code == DUPLICATES and bool(record.plx_id)
            and len(duplicate_matches(record.message)) == 1)


def can_create_anyway(record: FailingRecord) -> bool:
    return record.error_code == DUPLICATES and bool(record.plx_id) and not record.sf_id


def link_to_match(links: Links, health: Health, record: FailingRecord, instance_url: str) -> str:
    """Link the person to the one record the duplicate rule matched; its Id."""
    if not can_link(record):
        raise ValueError("Link to this record needs a duplicate refusal that matched one record")
    [(sobject, sf_id)] = duplicate_matches(record.message)
    found = _EMAIL.search(record.record_label or "")
    links.upsert(RecordLink(sf_id=sf_id, sf_object=sobject, plx_id=record.plx_id,
                            plx_object="person", step_uid=record.step_uid,
                            email=normalise_email(found.group(1)) if found else "",
                            sf_url=f"{instance_url.rstrip('/')}/{sf_id}" if instance_url else ""))
    health.request_retry([record])
    return sf_id


def create_anyway(settings: Settings, health: Health, record: FailingRecord) -> None:
    """Have the next run create this person despite the duplicate rule (where it allows that)."""
    if not can_create_anyway(record):
        raise ValueError("Create anyway needs a duplicate refusal of a record not yet created")
    chosen = dict(settings.get(CREATE_ANYWAY) or {})
    ids = list(chosen.get(record.step_uid, []))
    if record.plx_id not in ids:
        ids.append(record.plx_id)
    chosen[record.step_uid] = ids
    settings.set(CREATE_ANYWAY, chosen)
    health.request_retry([record])


def create_anyway_ids(settings: Settings, step_uid: str) -> set[str]:
    return set((settings.get(CREATE_ANYWAY) or {}).get(step_uid, []))

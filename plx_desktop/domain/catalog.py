"""The step catalog: the twelve kinds of sync step, as the Integrations page lists them.

A kind fixes its source and target objects, hence its direction; the four people steps have a
reversed twin (Contact -> People <-> People -> Contact), which is what switching direction means.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from plx_desktop.domain.errors import InvalidStep
from plx_desktop.domain.mapping import FieldMapping
from plx_desktop.domain.status_maps import INBOX_TO_LEAD_STATUS, SEQUENCE_TO_LEAD_STATUS


class System(StrEnum):
    SALESFORCE = "salesforce"
    PEOPLELINX = "peoplelinx"

    @property
    def label(self) -> str:
        return "Salesforce" if self is System.SALESFORCE else "PeopleLinx"


class Direction(StrEnum):
    SALESFORCE_TO_PEOPLELINX = "salesforce_to_peoplelinx"
    PEOPLELINX_TO_SALESFORCE = "peoplelinx_to_salesforce"

    @property
    def reversed(self) -> Direction:
        if self is Direction.SALESFORCE_TO_PEOPLELINX:
            return Direction.PEOPLELINX_TO_SALESFORCE
        return Direction.SALESFORCE_TO_PEOPLELINX


@dataclass(frozen=True)
class StepObject:
    """One end of a step: the system, the object's API name there, and how the page names it."""

    system: System
    name: str  # Salesforce: Contact / Lead / Task; PeopleLinx: person / sequence_person / ...
    label: str  # "Contact", "Lead Tasks", "Sequence People Status", ...


SF_CONTACT = StepObject(System.SALESFORCE, "Contact", "Contact")
SF_LEAD = StepObject(System.SALESFORCE, "Lead", "Lead")
SF_LEAD_STATUS = StepObject(System.SALESFORCE, "Lead", "Lead Status")
SF_CONTACT_TASKS = StepObject(System.SALESFORCE, "Task", "Contact Tasks")
SF_LEAD_TASKS = StepObject(System.SALESFORCE, "Task", "Lead Tasks")
PLX_PEOPLE = StepObject(System.PEOPLELINX, "person", "People")
PLX_SEQUENCE_PEOPLE = StepObject(System.PEOPLELINX, "sequence_person", "Sequence People Status")
PLX_INBOX = StepObject(System.PEOPLELINX, "inbox_state", "Inbox States")
PLX_EMAILS = StepObject(System.PEOPLELINX, "email", "Emails")
PLX_TASKS = StepObject(System.PEOPLELINX, "task", "Tasks")
PLX_CALLS = StepObject(System.PEOPLELINX, "call", "Calls")

# Lead requires Company; when no mapping fills it, the engine writes this.
LEAD_COMPANY_PLACEHOLDER = "[not provided]"

_NAMES = (
    FieldMapping("FirstName", "first_name", "string", "string", mandatory=True),
    FieldMapping("Email", "email", "email", "email", mandatory=True),
    FieldMapping("LastName", "last_name", "string", "string", mandatory=True),
)
_CONTACT_ACCOUNT = FieldMapping("Account.Name", "account", "string", "string")
_LEAD_COMPANY = FieldMapping("Company", "account", "string", "string")

# The article's words for the preset mappings ("First Name → FirstName", "Company Name →
# Account"): shown instead of API names, and instead of describe's labels for these fields, so
# the Default profile reads the same before and after the field lists load.
SALESFORCE_FIELD_LABELS = {"FirstName": "First Name", "LastName": "Last Name", "Email": "Email",
                           "Account.Name": "Company Name", "Company": "Company Name"}
PEOPLELINX_FIELD_LABELS = {"first_name": "FirstName", "last_name": "LastName", "email": "Email",
                           "account": "Account"}


def mapping_text(mapping: FieldMapping) -> str:
    """A mapping in the article's words: "First Name → FirstName" (API names where unknown)."""
    return (f"{SALESFORCE_FIELD_LABELS.get(mapping.salesforce_field, mapping.salesforce_field)}"
            f" → {PEOPLELINX_FIELD_LABELS.get(mapping.peoplelinx_field, mapping.peoplelinx_field)}")


@dataclass(frozen=True)
class StepKind:
    """One of the twelve kinds of sync step."""

    key: str
    source: StepObject
    target: StepObject
    reverse_key: str | None = None
    mandatory_mappings: tuple[FieldMapping, ...] = ()
    preset_mappings: tuple[FieldMapping, ...] = ()  # optional ones, in the Default profile too
    preset_status_map: tuple[tuple[str, str], ...] = ()  # source value -> Lead Status
    # Salesforce fields the engine fills when no mapping does (field -> value).
    defaults_when_unmapped: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return f"{self.source.label} → {self.target.label}"

    @property
    def direction(self) -> Direction:
        if self.source.system is System.SALESFORCE:
            return Direction.SALESFORCE_TO_PEOPLELINX
        return Direction.PEOPLELINX_TO_SALESFORCE

    @property
    def allowed_directions(self) -> tuple[Direction, ...]:
        if self.reverse_key:
            return (self.direction, self.direction.reversed)
        return (self.direction,)

    @property
    def can_switch_direction(self) -> bool:
        return self.reverse_key is not None

    @property
    def reversed(self) -> StepKind:
        if self.reverse_key is None:
            raise InvalidStep(f"{self.label} runs PeopleLinx → Salesforce only; its direction "
                              "cannot be switched.")
        return step_kind(self.reverse_key)

    @property
    def is_status_step(self) -> bool:
        return bool(self.preset_status_map) or self.source in (PLX_SEQUENCE_PEOPLE, PLX_INBOX)

    @property
    def status_values(self) -> tuple[str, ...]:
        """The PeopleLinx values a status step maps (its vocabulary), else ()."""
        return tuple(src for src, _ in self.preset_status_map)

    @property
    def is_activity_step(self) -> bool:
        return self.target.name == "Task"

    @property
    def filters_with_rules(self) -> bool:
        """Salesforce-sourced steps filter with rules compiled to SOQL."""
        return self.source.system is System.SALESFORCE

    @property
    def filters_with_saved_filter(self) -> bool:
        """PeopleLinx-sourced steps filter with a saved People filter."""
        return self.source.system is System.PEOPLELINX

    @property
    def accepts_actions(self) -> bool:
        """Actions (Add to sequence) act on People, so only steps that write People take them."""
        return self.target == PLX_PEOPLE

    @property
    def default_mappings(self) -> tuple[FieldMapping, ...]:
        return self.mandatory_mappings + self.preset_mappings


STEP_KINDS: tuple[StepKind, ...] = (
    StepKind("contact_to_people", SF_CONTACT, PLX_PEOPLE, "people_to_contact",
             _NAMES, (_CONTACT_ACCOUNT,)),
    StepKind("lead_to_people", SF_LEAD, PLX_PEOPLE, "people_to_lead", _NAMES, (_LEAD_COMPANY,)),
    StepKind("people_to_contact", PLX_PEOPLE, SF_CONTACT, "contact_to_people",
             _NAMES, (_CONTACT_ACCOUNT,)),
    StepKind("people_to_lead", PLX_PEOPLE, SF_LEAD, "lead_to_people", _NAMES, (_LEAD_COMPANY,),
             defaults_when_unmapped=(("Company", LEAD_COMPANY_PLACEHOLDER),)),
    StepKind("sequence_status_to_lead_status", PLX_SEQUENCE_PEOPLE, SF_LEAD_STATUS,
             preset_status_map=SEQUENCE_TO_LEAD_STATUS),
    StepKind("inbox_state_to_lead_status", PLX_INBOX, SF_LEAD_STATUS,
             preset_status_map=INBOX_TO_LEAD_STATUS),
    StepKind("emails_to_contact_tasks", PLX_EMAILS, SF_CONTACT_TASKS),
    StepKind("emails_to_lead_tasks", PLX_EMAILS, SF_LEAD_TASKS),
    StepKind("tasks_to_lead_tasks", PLX_TASKS, SF_LEAD_TASKS),
    StepKind("tasks_to_contact_tasks", PLX_TASKS, SF_CONTACT_TASKS),
    StepKind("calls_to_contact_tasks", PLX_CALLS, SF_CONTACT_TASKS),
    StepKind("calls_to_lead_tasks", PLX_CALLS, SF_LEAD_TASKS),
)
_BY_KEY = {kind.key: kind for kind in STEP_KINDS}


def step_kind(key: str) -> StepKind:
    """The kind with this key; InvalidStep when there is none."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise InvalidStep(f"unknown step kind '{key}'") from None


def step_kind_keys() -> tuple[str, ...]:
    return tuple(_BY_KEY)

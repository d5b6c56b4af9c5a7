"""Auto-match: mappings proposed for a step by name and type likeness, for the admin to accept or drop.

Names are compared in a normal form (lower-case, no __c suffix, no custom_fields. prefix, no
underscores, spaces or dots), labels too, and a short list of synonyms covers the pairs an admin
would map without thinking (Company ↔ account, MobilePhone ↔ phone). A proposal is only made when
the types fit in the step's direction and the target can be written; fields already mapped on
either side are left out, and each field appears in one proposal at most.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from plx_desktop.domain.errors import DomainError
from plx_desktop.domain.fields import CUSTOM_PREFIX, PeopleLinxField, SalesforceField, kinds_fit
from plx_desktop.domain.mapping import FieldMapping
from plx_desktop.domain.step import Step, checked_mappings

# Normal forms that mean the same field; each group lists Salesforce and PeopleLinx spellings.
SYNONYMS: tuple[frozenset[str], ...] = (
    frozenset({"title", "jobtitle"}),
    frozenset({"phone", "mobilephone", "businessphone", "workphone", "phonenumber"}),
    frozenset({"company", "accountname", "account", "companyname", "organisation",
               "organization"}),
    frozenset({"linkedin", "linkedinurl", "linkedinprofile", "linkedinprofileurl"}),
    frozenset({"email", "emailaddress"}),
    frozenset({"firstname", "givenname"}),
    frozenset({"lastname", "surname", "familyname"}),
)
# Fields the engine owns (links, ids, audit stamps): never proposed.
ENGINE_FIELDS = frozenset({"PeopleLinx_Id__c", "PeopleLinx_Activity_Id__c", "Id", "IsDeleted",
                           "SystemModstamp", "CreatedDate", "CreatedById", "LastModifiedDate",
                           "LastModifiedById"})
MIN_SCORE = 0.6
_SIMILAR = 0.85  # how alike two normal forms must be to count as "similar names"


@dataclass(frozen=True)
class Proposal:
    """One proposed mapping: both fields, a score (0-1, higher is surer) and why, in words."""

    salesforce: SalesforceField
    peoplelinx: PeopleLinxField
    score: float
    reason: str

    @property
    def mapping(self) -> FieldMapping:
        return FieldMapping(self.salesforce.name, self.peoplelinx.key, self.salesforce.type,
                            self.peoplelinx.type)


def normalise(name: str) -> str:
    """The form names are compared in: "Lead_Score__c" and "custom_fields.lead_score" -> "leadscore"."""
    name = name.strip().lower()
    if name.startswith(CUSTOM_PREFIX):
        name = name[len(CUSTOM_PREFIX):]
    name = re.sub(r"__c$", "", name)
    return re.sub(r"[\s_.\-]+", "", name)


def _synonyms(form: str) -> frozenset[str]:
    for group in SYNONYMS:
        if form in group:
            return group
    return frozenset({form})


def likeness(sf: SalesforceField, plx: PeopleLinxField) -> tuple[float, str]:
    """How alike two fields' names are (0 when not at all), and why."""
    sf_name, plx_name = normalise(sf.name), normalise(plx.key)
    sf_label, plx_label = normalise(sf.label), normalise(plx.label)
    if sf_name == plx_name:
        return 1.0, "same name"
    if sf_label == plx_label:
        return 0.9, "same label"
    if _synonyms(sf_name) & {plx_name, plx_label} or _synonyms(sf_label) & {plx_name, plx_label}:
        return 0.85, "known synonym"
    best = max(SequenceMatcher(None, a, b).ratio()
               for a in (sf_name, sf_label) for b in (plx_name, plx_label))
    if best >= _SIMILAR:
        return round(0.7 * best, 3), "similar name"
    return 0.0, ""


def propose(step: Step, salesforce_fields: Iterable[SalesforceField],
            peoplelinx_fields: Iterable[PeopleLinxField]) -> list[Proposal]:
    """Proposals for `step`, surest first, one per field, each acceptable to the domain as it is."""
    mapped_sf = {m.salesforce_field for m in step.mappings}
    mapped_plx = {m.peoplelinx_field for m in step.mappings}
    to_salesforce = step.to_salesforce
    sf_fields = [f for f in salesforce_fields if f.name not in mapped_sf
                 and f.name not in ENGINE_FIELDS and (f.updateable or not to_salesforce)]
    plx_fields = [f for f in peoplelinx_fields if f.key not in mapped_plx]
    candidates: list[Proposal] = []
    for sf in sf_fields:
        for plx in plx_fields:
            score, reason = likeness(sf, plx)
            if score == 0.0:
                continue
            source, target = (plx.kind, sf.kind) if to_salesforce else (sf.kind, plx.kind)
            if not kinds_fit(source, target) or (reason == "similar name" and source != target):
                continue  # a merely similar name is not enough to risk a conversion
            if source == target:
                score, reason = score + 0.05, f"{reason}, same type"
            else:
                score, reason = score - 0.1, f"{reason}, {source} converts to {target}"
            if score >= MIN_SCORE:
                candidates.append(Proposal(sf, plx, round(min(score, 1.0), 3), reason))
    candidates.sort(key=lambda p: (-p.score, p.salesforce.label.casefold(), p.peoplelinx.key))
    chosen: list[Proposal] = []
    taken_sf: set[str] = set()
    taken_plx: set[str] = set()
    for proposal in candidates:  # greedy: the surest pair claims both fields
        if proposal.salesforce.name in taken_sf or proposal.peoplelinx.key in taken_plx:
            continue
        try:
            checked_mappings(step.kind, [*step.mappings, proposal.mapping])
        except DomainError:
            continue
        chosen.append(proposal)
        taken_sf.add(proposal.salesforce.name)
        taken_plx.add(proposal.peoplelinx.key)
    return chosen


def accept(step: Step, proposals: Iterable[Proposal]) -> Step:
    """The step with the proposals' mappings added, checked by the domain (raises DomainError)."""
    return step.with_mappings([*step.mappings, *(p.mapping for p in proposals)])

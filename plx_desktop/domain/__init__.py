"""The integration's rules in plain Python: step kinds, profiles, mappings, filters, actions. No Qt, no I/O.

The names most callers need are re-exported here; each lives in a small module of its own.
"""

from plx_desktop.domain.actions import AddToSequence
from plx_desktop.domain.catalog import (
    LEAD_COMPANY_PLACEHOLDER,
    STEP_KINDS,
    Direction,
    StepKind,
    StepObject,
    System,
    step_kind,
)
from plx_desktop.domain.errors import (
    ConversionError,
    DomainError,
    InvalidAction,
    InvalidFilter,
    InvalidMapping,
    InvalidProfileFile,
    InvalidStatusMap,
    InvalidStep,
    ReadOnlyProfile,
    UnknownStep,
)
from plx_desktop.domain.fields import PeopleLinxField, SalesforceField, normalise_email
from plx_desktop.domain.filters import (
    FilterRule,
    Operator,
    SavedFilter,
    compile_soql_where,
    operators_for,
)
from plx_desktop.domain.mapping import FieldMapping, SyncRule
from plx_desktop.domain.profile import (
    Profile,
    ProfileChange,
    ProfileKind,
    custom_copy_of_default,
    custom_profile,
    default_profile,
)
from plx_desktop.domain.profile_file import profile_from_json, profile_to_json
from plx_desktop.domain.record_mapping import is_valid_email, nested, read_value
from plx_desktop.domain.step import Step, new_step

__all__ = [
    "LEAD_COMPANY_PLACEHOLDER", "STEP_KINDS", "AddToSequence", "ConversionError", "Direction",
    "DomainError", "FieldMapping", "FilterRule", "InvalidAction", "InvalidFilter", "InvalidMapping",
    "InvalidProfileFile", "InvalidStatusMap", "InvalidStep", "Operator", "PeopleLinxField",
    "Profile", "ProfileChange", "ProfileKind", "ReadOnlyProfile", "SalesforceField", "SavedFilter",
    "Step", "StepKind", "StepObject", "SyncRule", "System", "UnknownStep", "compile_soql_where",
    "custom_copy_of_default", "custom_profile", "default_profile", "is_valid_email",
    "nested", "new_step", "normalise_email", "operators_for",
    "profile_from_json", "read_value", "profile_to_json", "step_kind",
]

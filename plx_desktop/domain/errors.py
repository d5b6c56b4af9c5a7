"""Every error the domain raises, in one place, so callers can catch them by meaning."""

from __future__ import annotations


class DomainError(Exception):
    """Something the admin asked for breaks an integration rule; the message says what and why."""


class ReadOnlyProfile(DomainError):
    """An edit was attempted on the Default profile."""

    def __init__(self, what: str = "This change"):
        super().__init__(
            f"{what} is not possible in the Default profile, which is read-only. "
            "Switch to the Custom profile to change steps, mappings, filters or actions."
        )


class UnknownStep(DomainError):
    """No step with the given uid is in the profile."""


class InvalidStep(DomainError):
    """A step operation does not fit the step's kind (e.g. a direction that cannot switch)."""


class InvalidMapping(DomainError):
    """A field mapping is malformed, duplicated, mandatory (cannot be removed) or types do not fit."""


class InvalidFilter(DomainError):
    """A filtering rule is malformed: unknown operator, bad field name or a value of the wrong type."""


class InvalidAction(DomainError):
    """An action does not fit the step (e.g. Add to sequence on a step that does not write People)."""


class InvalidStatusMap(DomainError):
    """A status value map names a value PeopleLinx does not have, or maps to nothing."""


class ConversionError(DomainError):
    """A value cannot be converted to the target field's type (logged per record by the engine)."""


class NotADateTime(ConversionError, ValueError):
    """Text that is no moment in any shape domain.datetimes reads. A ValueError as well, for the
    readers of the connectors and the store, which have always raised that."""


class InvalidProfileFile(DomainError):
    """A profile file cannot be imported; `problems` lists every bad field by its path."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        shown = "; ".join(self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"The profile file cannot be imported: {shown}{more}")

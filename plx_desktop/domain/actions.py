"""Actions a step runs after it writes People: Add to sequence, with Exclude updated from action."""

from __future__ import annotations

from dataclasses import dataclass

from plx_desktop.domain.errors import InvalidAction


@dataclass(frozen=True)
class AddToSequence:
    """Add the step's synced people to a sequence.

    exclude_updated on: only people the step created go to the sequence; off: people it updated
    from Salesforce are pushed again too.
    """

    sequence_id: str
    sequence_name: str
    exclude_updated: bool = True

    type = "add_to_sequence"

    @property
    def label(self) -> str:
        return f"Add to sequence {self.sequence_name}"

    def validate(self) -> None:
        if not str(self.sequence_id).strip():
            raise InvalidAction("Add to sequence needs a sequence")


Action = AddToSequence  # the only action today; a union when more arrive

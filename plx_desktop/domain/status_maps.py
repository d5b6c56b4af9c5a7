"""PeopleLinx statuses and the Lead Status values they become, with the preset value maps."""

from __future__ import annotations

SEQUENCE_STATUSES = ("active", "paused", "finished", "replied", "bounced", "opted_out")
INBOX_STATES = ("new", "interested", "not_interested", "meeting_booked", "out_of_office",
                "wrong_person", "unsubscribed")
LEAD_STATUSES = ("Open - Not Contacted", "Working - Contacted", "Closed - Converted",
                 "Closed - Not Converted")
DEFAULT_LEAD_STATUS = "Open - Not Contacted"

# A value missing from a map leaves the lead's status as it is.
SEQUENCE_TO_LEAD_STATUS: tuple[tuple[str, str], ...] = (
    ("active", "Working - Contacted"),
    ("paused", "Working - Contacted"),
    ("finished", "Working - Contacted"),
    ("replied", "Working - Contacted"),
    ("bounced", "Closed - Not Converted"),
    ("opted_out", "Closed - Not Converted"),
)
INBOX_TO_LEAD_STATUS: tuple[tuple[str, str], ...] = (
    ("new", "Working - Contacted"),
    ("interested", "Working - Contacted"),
    ("not_interested", "Closed - Not Converted"),
    ("meeting_booked", "Working - Contacted"),
    ("out_of_office", "Working - Contacted"),
    ("wrong_person", "Closed - Not Converted"),
    ("unsubscribed", "Closed - Not Converted"),
)

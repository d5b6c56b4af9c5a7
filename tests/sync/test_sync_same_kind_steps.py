"""Two steps of the same kind never overwrite a conflict's winner: whichever way the conflict goes
and wherever the duplicate step stands, both systems end with the winning value."""

from __future__ import annotations

import pytest
from sync_helpers import custom_with, emptied, move_clock_past, plx_client, sf_create

from plx_desktop.domain.convert import parse_datetime

ORDERS = {
    "duplicate after": ("contact_to_people", "people_to_contact", "contact_to_people"),
    "duplicate between": ("contact_to_people", "contact_to_people", "people_to_contact"),
    "reverse first": ("people_to_contact", "contact_to_people", "contact_to_people"),
    "two reverse steps": ("contact_to_people", "people_to_contact", "people_to_contact"),
}


def _contact(control, contact_id):
    return next(c for c in control.sf_records("Contact") if c["Id"] == contact_id)


@pytest.mark.parametrize("order", sorted(ORDERS))
@pytest.mark.parametrize("winner", ["salesforce", "peoplelinx"])
def test_a_duplicate_step_never_writes_over_the_winner(sandbox, sync, store, control, order,
                                                       winner):
    emptied(sandbox)
    contact_id = sf_create(sandbox, "Contact", FirstName="Rosalind", LastName="Franklin",
                           Email="rosalind@kings.example.com")
    custom_with(store, *ORDERS[order])
    sync()
    sync()
    [person] = control.people()

    def change_salesforce():
        sandbox.salesforce.org.update("Contact", contact_id, {"LastName": "Gosling"})
        stamp = parse_datetime(_contact(control, contact_id)["LastModifiedDate"])
        move_clock_past(sandbox, stamp)

    def change_peoplelinx():
        with plx_client(sandbox) as client:
            changed = client.update_person(person["id"], {"last_name": "Wilkins"})
        stamp = parse_datetime(changed["updated_at"])
        move_clock_past(sandbox, stamp)

    # The later change wins: make the winner's change last.
    first, last = ((change_peoplelinx, change_salesforce) if winner == "salesforce"
                   else (change_salesforce, change_peoplelinx))
    first()
    last()
    expected = "Gosling" if winner == "salesforce" else "Wilkins"
    run = sync()
    assert run.status == "completed", run.reason
    assert control.people()[0]["last_name"] == expected
    assert _contact(control, contact_id)["LastName"] == expected
    sync()  # and the next run leaves it so
    assert control.people()[0]["last_name"] == expected
    assert _contact(control, contact_id)["LastName"] == expected

"""The Default profile against the demo data: agreement after one run, nothing after that, edits
reach the other side in the next run, nothing echoes back, and a poll costs what it should."""

from __future__ import annotations

from sync_helpers import assert_in_agreement, emptied, plx_client, totals

ZERO = {"created": 0, "updated": 0, "skipped": 0, "failed": 0, "conflicts": 0}


class Recorder:
    """SyncEvents that keeps what the run told it."""

    def __init__(self) -> None:
        self.progress_seen: list = []
        self.entries: list = []
        self.usage: list = []

    def progress(self, p) -> None:
        self.progress_seen.append(p)

    def log_entries(self, entries) -> None:
        self.entries += entries

    def api_usage(self, used: int, limit: int) -> None:
        self.usage.append((used, limit))

    def done(self, label: str) -> int:
        return max((p.done for p in self.progress_seen if p.step_label == label), default=0)


def test_first_run_agrees_and_second_run_writes_nothing(sync, control):
    first = sync()
    assert first.status == "completed", first.reason
    assert totals(first)["failed"] == 0
    assert_in_agreement(control)
    assert len(first.steps) == 12
    second = sync()
    assert second.status == "completed"
    assert totals(second) == ZERO


def test_edits_on_either_side_reach_the_other_and_never_echo(sandbox, sync, control):
    sync()
    contact = next(c for c in control.sf_records("Contact") if c["Email"])
    sandbox.salesforce.org.update("Contact", contact["Id"], {"Title": "x", "LastName": "Okafor"})
    person = next(p for p in control.people() if p["salesforce_contact_id"] == contact["Id"])
    other = next(p for p in control.people()
                 if p["salesforce_contact_id"] and p["id"] != person["id"])
    with plx_client(sandbox) as client:
        client.update_person(other["id"], {"first_name": "Ngozi"})
    run = sync()
    assert run.status == "completed"
    by_label = {s.label: s for s in run.steps}
    assert by_label["Contact → People"].updated == 1
    assert by_label["People → Contact"].updated == 1
    people = {p["id"]: p for p in control.people()}
    assert people[person["id"]]["last_name"] == "Okafor"
    contacts = {c["Id"]: c for c in control.sf_records("Contact")}
    assert contacts[other["salesforce_contact_id"]]["FirstName"] == "Ngozi"
    # Each side now sees the other's write as a change since its cursor: it must not echo.
    for _ in range(3):
        assert totals(sync()) == ZERO
    assert_in_agreement(control)


def _stamps(control) -> dict[str, str]:
    """When each record last changed, on both sides."""
    out = {p["id"]: p["updated_at"] for p in control.people()}
    for sobject in ("Contact", "Lead", "Task", "Account"):
        out |= {r["Id"]: r["SystemModstamp"] for r in control.sf_records(sobject)}
    return out


def test_a_poll_with_no_changes_costs_one_query_per_salesforce_source(sandbox, sync, control):
    sync()
    sync()
    before = _stamps(control)
    for _ in range(3):
        sandbox.salesforce.calls.reset()
        sandbox.peoplelinx.calls.reset()
        assert totals(sync()) == ZERO
        # Default has two Salesforce-sourced steps: Contact → People and Lead → People.
        assert sandbox.salesforce.calls.snapshot() == {"total": 2, "by_route": {"queryAll": 2}}
        assert "/v1/people/batch" not in sandbox.peoplelinx.calls.snapshot()["by_route"]
        assert _stamps(control) == before  # and nothing was written on either side


def test_an_incremental_poll_reads_only_what_changed(sandbox, sync, store, control):
    sync()
    sync()  # reads the first run's own writes back (and writes nothing): see the test above
    contacts = control.sf_records("Contact")[:3]
    for n, contact in enumerate(contacts):
        sandbox.salesforce.org.update("Contact", contact["Id"], {"LastName": f"Changed{n}"})
    sandbox.salesforce.calls.reset()
    sandbox.peoplelinx.calls.reset()
    events = Recorder()
    run = sync(events=events)
    # The read starts a look-back window behind the cursor (late commits): what it reads again
    # matches its links' fingerprints and is dropped; only the three changed contacts are written.
    assert events.done("Contact → People") >= 3
    by_label = {s.label: s for s in run.steps}
    assert by_label["Contact → People"].updated == 3
    assert totals(run)["updated"] == 3 and totals(run)["created"] == 0
    # One query (queryAll, deletes included) per Salesforce source; the three people go to PeopleLinx in one batch call.
    assert sandbox.salesforce.calls.snapshot()["by_route"] == {"queryAll": 2}
    assert sandbox.peoplelinx.calls.snapshot()["by_route"]["/v1/people/batch"] == 1
    assert sorted(e.sf_id for e in events.entries if e.outcome == "updated") == \
        sorted(c["Id"] for c in contacts)
    assert events.usage and events.usage[-1][1] == 103_000  # an Enterprise org of 3 users


def test_a_poll_after_a_data_load_stamped_in_one_instant_writes_nothing_again(sandbox, sync,
                                                                             control):
    """A data load can stamp thousands of records with one SystemModstamp (the bulk seed does):
    the next poll reads them again inside its look-back window, and drops every one of them by
    its link's fingerprint: nothing is written or logged."""
    from plx_desktop.sandbox import fake

    emptied(sandbox)
    population = fake.bulk_population(300)
    sandbox.salesforce.seed(population, demo=False)
    stamps = {r["SystemModstamp"] for r in control.sf_records("Contact")}
    assert len(stamps) == 1  # the whole load shares one stamp
    first = sync()
    assert first.steps[0].created == 300
    events = Recorder()
    sandbox.peoplelinx.calls.reset()
    assert totals(sync(events=events)) == ZERO
    assert not events.entries
    assert "/v1/people/batch" not in sandbox.peoplelinx.calls.snapshot()["by_route"]

"""An error nobody expected (here: a link record left unreadable in the store, the kind of bug that
once said "'NoneType' object has no attribute 'values'") stops only its step: the run ends as
failed with a short reason, the traceback is in the log file, the run record is closed, and the
other steps run, at this run and at every run after it."""

from __future__ import annotations

from sync_helpers import custom_with, emptied, log_of, sf_create

from plx_desktop.logfile import log_file


def _break_link(store, sf_id: str) -> None:
    # What an older version or a hand edit could leave: valid JSON, but not an object.
    store.db.execute_sql("UPDATE record_link SET sf_values = 'null' WHERE sf_id = ?", (sf_id,))


def test_an_unexpected_error_fails_its_records_not_the_rest_of_the_run(sandbox, sync, store, control, data_dir):
    emptied(sandbox)
    contact = sf_create(sandbox, "Contact", FirstName="Ada", LastName="Lovelace",
                        Email="ada@example.com")
    lead = sf_create(sandbox, "Lead", FirstName="Alan", LastName="Turing",
                     Email="alan@example.com", Company="Bletchley", Status="Open - Not Contacted")
    custom_with(store, "contact_to_people", "lead_to_people")
    assert sync().status == "completed"
    _break_link(store, contact)

    for surname in ("Byron", "King"):  # twice: a failure that repeats never blocks the rest
        sandbox.salesforce.org.update("Contact", contact, {"LastName": surname})
        sandbox.salesforce.org.update("Lead", lead, {"LastName": f"Turing-{surname}"})
        run = sync()
        assert run.status == "failed"
        assert run.reason == ("An unexpected error in Contact → People; the rest of the run "
                              "went on; details in the log file")
        assert [(s.updated, s.failed) for s in run.steps] == [(0, 1), (1, 0)]  # Lead still ran
        people = {p["email"]: p for p in control.people()}
        assert people["alan@example.com"]["last_name"] == f"Turing-{surname}"
        record = store.log.run(run.run_id)
        assert record is not None and record.finished_at is not None
        assert (record.status, record.message) == ("failed", run.reason)
        [run_entry, failure] = log_of(store, code="UNEXPECTED_ERROR", run_id=run.run_id)
        assert run_entry.message == f"The run failed: {run.reason}"
        assert (failure.sf_id, failure.step_label) == (contact, "Contact → People")
        assert "AttributeError" in failure.message

    text = log_file(data_dir).read_text(encoding="utf-8")
    assert text.count("Traceback (most recent call last)") == 2
    assert "AttributeError" in text and "people_from_salesforce.py" in text
    assert f"Run {run.run_id} failed (UNEXPECTED_ERROR" in text  # the run's summary too
    assert "Lead → People: 0 created, 1 updated" in text


def test_a_run_that_cannot_start_is_said_and_logged(sandbox, sync, store, data_dir):
    # The store refuses to be opened for the run's profile: the run never had a record to close.
    store.db.execute_sql("UPDATE setting SET value = '\"no such profile\"' "
                         "WHERE key = 'active_profile'")
    store.settings.set("active_profile", "no such profile")
    run = sync()
    assert run.status == "failed" and run.run_id == 0
    assert run.reason.startswith("An unexpected error stopped the run (")
    assert run.reason.endswith("; details in the log file")
    assert "Traceback (most recent call last)" in log_file(data_dir).read_text(encoding="utf-8")
    assert [r.status for r in store.log.runs()] == []


def test_a_step_salesforce_refuses_is_kept_as_a_problem_until_it_runs(sandbox, sync, store):
    from plx_desktop.domain import FilterRule, Operator

    emptied(sandbox)
    sf_create(sandbox, "Contact", FirstName="Ada", LastName="Lovelace", Email="ada@example.com")

    def filter_on_a_missing_field(profile, steps):
        profile.set_filter_rules(steps[0].uid, [FilterRule("Region__c", Operator.EQUALS, "EMEA")])

    custom_with(store, "contact_to_people", "lead_to_people", edit=filter_on_a_missing_field)
    run = sync()
    step_uid = run.steps[0].step_uid
    [problem] = store.step_problems.all().values()
    assert (problem.step_uid, problem.error_code) == (step_uid, "INVALID_FIELD")
    assert problem.words.startswith("Salesforce has no field Region__c on Contact that the "
                                    "connected user can see.")
    assert "ERROR at Row:1:Column:" in problem.raw and "SELECT" in problem.raw  # kept as said
    [entry] = log_of(store, code="INVALID_FIELD", run_id=run.run_id)
    assert entry.message == f"The step could not run: {problem.words}"
    assert run.steps[1].created == 0 and run.status == "completed"  # the next step still ran

    profile = store.profiles.load_active()
    profile.set_filter_rules(step_uid, [])
    store.profiles.save(profile)
    sync()
    assert store.step_problems.all() == {}

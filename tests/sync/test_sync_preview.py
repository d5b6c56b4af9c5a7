"""Preview (dry run): what the next run would create, update and skip, with read calls only and
nothing written anywhere, the local store included."""

from __future__ import annotations

from sync_helpers import totals

from plx_desktop.domain import ProfileKind


def test_preview_reads_only_and_predicts_the_first_step(sandbox, sync, store, control):
    people_before = len(control.people())
    contacts_before = len(control.sf_records("Contact"))
    control.sf_clear_calls()
    preview = sync(dry_run=True)
    assert preview.status == "completed" and preview.run_id == 0
    first = preview.steps[0]
    assert first.label == "Contact → People" and first.created > 100 and first.updated > 0
    assert preview.preview and all(e.message.startswith("Preview") for e in preview.preview)
    assert any(e.outcome == "created" for e in preview.preview)
    # nothing written: neither service, nor the store
    routes = control.sf_calls()["by_route"]
    assert not any(route.startswith("composite") for route in routes), routes
    assert len(control.people()) == people_before
    assert len(control.sf_records("Contact")) == contacts_before
    assert store.links.count() == 0 and store.log.count() == 0 and store.log.runs() == []
    assert store.cursors.all() == {}

    real = sync()
    assert (real.steps[0].created, real.steps[0].updated) == (first.created, first.updated)
    assert totals(real)["created"] > 0


def test_preview_of_one_step(sandbox, sync, store):
    steps = store.profiles.load(ProfileKind.DEFAULT).steps
    preview = sync(dry_run=True, steps=[steps[1].uid])
    assert [s.label for s in preview.steps] == ["Lead → People"]
    assert {e.step_uid for e in preview.preview} == {steps[1].uid}

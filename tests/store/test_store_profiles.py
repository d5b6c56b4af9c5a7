"""Profiles saved and loaded as domain objects; the active profile; versions."""

from __future__ import annotations

import pytest

from plx_desktop.domain import (
    AddToSequence,
    FieldMapping,
    FilterRule,
    InvalidMapping,
    Operator,
    ProfileKind,
    SavedFilter,
    SyncRule,
    custom_profile,
    default_profile,
    profile_from_json,
)
from plx_desktop.domain.step import Step


def _edited(store):
    profile = store.profiles.load("custom")
    first = profile.steps[0].uid
    profile.add_mapping(first, FieldMapping("Title", "title", "string", "string",
                                            sync_rule=SyncRule.DONT_SYNC))
    profile.add_filter_rule(first, FilterRule("Email", Operator.ENDS_WITH, "@acme.com"))
    profile.add_action(first, AddToSequence("seq-1", "Welcome", exclude_updated=False))
    profile.load_filter(profile.steps[2].uid, SavedFilter("f-1", "Synced"))
    profile.set_status_value(profile.steps[4].uid, "paused", None)
    profile.set_enabled(profile.steps[5].uid, False)
    profile.move_step(profile.steps[11].uid, 0)
    profile.clone_step(first)
    return profile


def test_custom_round_trip(store):
    profile = _edited(store)
    store.profiles.save(profile)
    assert store.profiles.load(ProfileKind.CUSTOM) == profile


def test_saving_replaces_removed_steps_and_their_settings(store):
    profile = _edited(store)
    store.profiles.save(profile)
    smaller = custom_profile([profile.steps[1]])
    store.profiles.save(smaller)
    assert store.profiles.load("custom") == smaller
    assert store.models.StepMapping.select().count() == len(profile.steps[1].mappings)


def test_default_is_the_catalogs_and_saving_it_stores_nothing(store):
    store.profiles.save(default_profile())
    assert store.profiles.load("default") == default_profile()
    assert store.models.Step.select().where(store.models.Step.profile == "default").count() == 0


def test_switching_to_default_and_back_keeps_the_custom_steps(store):
    profile = _edited(store)
    store.profiles.save(profile)
    store.profiles.set_active_kind("custom")
    assert store.profiles.load_active() == profile
    store.profiles.set_active_kind(ProfileKind.DEFAULT)
    assert store.profiles.load_active().read_only
    store.profiles.set_active_kind(ProfileKind.CUSTOM)
    assert store.profiles.load_active() == profile


def test_an_invalid_profile_is_not_saved_at_all(store):
    before = store.profiles.load("custom")
    broken = custom_profile([*before.steps[:2], Step("bad", before.steps[0].kind)])  # no mappings
    with pytest.raises(InvalidMapping):
        store.profiles.save(broken)
    assert store.profiles.load("custom") == before


def test_each_changed_save_is_a_version(store):
    assert len(store.profiles.versions()) == 1  # the seeded copy of the default
    profile = _edited(store)
    store.profiles.save(profile)
    store.profiles.save(profile)  # unchanged: no new version
    versions = store.profiles.versions()
    assert len(versions) == 2
    assert profile_from_json(versions[0].document) == profile

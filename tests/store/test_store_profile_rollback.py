"""Rolling the Custom profile back to a saved version makes that version the newest."""

from __future__ import annotations

import pytest

from plx_desktop.domain import FieldMapping
from plx_desktop.domain.profile_file import profile_to_json


def test_restore_a_version_saves_it_as_a_new_version(store):
    first = store.profiles.versions()[0]
    profile = store.profiles.load("custom")
    uid = profile.steps[0].uid
    profile.add_mapping(uid, FieldMapping("Title", "title", "string", "string"))
    store.profiles.save(profile)
    profile.remove_step(profile.steps[-1].uid)
    store.profiles.save(profile)
    assert len(store.profiles.versions()) == 3

    restored = store.profiles.restore_version(first.id)
    assert profile_to_json(store.profiles.load("custom")) == first.document
    assert profile_to_json(restored) == first.document
    versions = store.profiles.versions()
    assert len(versions) == 4 and versions[0].document == first.document
    assert versions[0].id > first.id  # the history keeps what came in between

    store.profiles.restore_version(versions[0].id)  # already the current profile: no new version
    assert len(store.profiles.versions()) == 4


def test_restore_an_unknown_version_changes_nothing(store):
    before = store.profiles.versions()
    with pytest.raises(KeyError):
        store.profiles.restore_version(99999)
    assert store.profiles.versions() == before

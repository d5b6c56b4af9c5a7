"""A fresh store in a temporary data dir for each store test."""

from __future__ import annotations

import pytest

from plx_desktop.paths import database_path
from plx_desktop.store import open_store


@pytest.fixture
def store(tmp_path):
    with open_store(database_path(tmp_path)) as opened:
        yield opened

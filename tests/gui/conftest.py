"""Every GUI test runs with the session's qasync loop: the window's background work goes through
it (gui/operations.py), as it does in the app (gui/app.py)."""

from __future__ import annotations

from typing import Any

import pytest
from shell_fixtures import qloop

__all__ = ["qloop"]


@pytest.fixture(autouse=True)
def _qasync_loop(qloop: Any) -> Any:
    return qloop

"""Preview clients deny by default: a client method a preview does not know is refused, never
passed through to the real service (a write added to a client later cannot write in a preview)."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import emptied

from plx_desktop.connectors.peoplelinx import PeopleLinxClient
from plx_desktop.connectors.salesforce import SalesforceClient
from plx_desktop.sync.connections import open_clients, sandbox_connections
from plx_desktop.sync.dry_run import PreviewPeopleLinx, PreviewRefused, PreviewSalesforce


@pytest.fixture
def clients(data_dir: Path) -> Iterator[tuple[SalesforceClient, PeopleLinxClient]]:
    sf, plx = open_clients(sandbox_connections(data_dir))
    yield sf, plx
    sf.close()
    plx.close()


def _methods(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")
            and inspect.isfunction(getattr(cls, name))}


def test_a_write_added_to_the_salesforce_client_is_refused_by_its_preview(
        sandbox, clients, control, monkeypatch):
    emptied(sandbox)
    sf, _ = clients
    sent: list[str] = []

    def erase_everything(self: SalesforceClient, sobject: str) -> int:
        sent.append(sobject)
        return len(self.delete([r["Id"] for page in self.iter_query(
            f"SELECT Id FROM {sobject}") for r in page]))

    # A new write method on the real client class, as a later change might add one.
    monkeypatch.setattr(SalesforceClient, "erase_everything", erase_everything, raising=False)
    kept = sandbox.salesforce.org.create("Contact", {"LastName": "Kept"})
    preview = PreviewSalesforce(sf)
    with pytest.raises(PreviewRefused, match="erase_everything"):
        preview.erase_everything("Contact")  # type: ignore[attr-defined]
    assert sent == [] and [r["Id"] for r in control.sf_records("Contact")] == [kept.id]
    assert not hasattr(preview, "erase_everything")
    assert sf.erase_everything("Contact") == 1  # type: ignore[attr-defined]  # the real one writes
    assert control.sf_records("Contact") == []


def test_a_subclass_write_is_refused_and_reads_pass(sandbox, clients, control):
    emptied(sandbox)
    sf, plx = clients

    class Extended(PeopleLinxClient):
        def archive_everyone(self) -> None:
            raise AssertionError("a preview passed a write through")

    with Extended(plx.base_url, "unused") as extended, \
            pytest.raises(PreviewRefused, match="Extended.archive_everyone"):
        PreviewPeopleLinx(extended).archive_everyone()  # type: ignore[attr-defined]
    # Reads go to the real service; known writes are answered and not made.
    preview = PreviewSalesforce(sf)
    assert preview.describe("Contact").field("Email") is not None
    [answer] = preview.create("Contact", [{"LastName": "Never"}])
    assert answer.success and answer.created and control.sf_records("Contact") == []
    [result] = PreviewPeopleLinx(plx).add_to_sequence("seq", ["p1"])
    assert result.ok and control.people() == []


def test_every_client_method_is_known_to_its_preview(clients):
    """A method added to a client fails here until someone decides: a read (READS) or a write
    the preview answers (a method of the preview class), or a write it refuses (REFUSED)."""
    previews: list[Any] = [PreviewSalesforce, PreviewPeopleLinx]
    for client, preview in zip(clients, previews, strict=True):
        refused = getattr(preview, "REFUSED", frozenset())
        unknown = _methods(type(client)) - preview.READS - _methods(preview) - refused
        assert unknown == set(), f"{preview.__name__} does not know {sorted(unknown)}"
        gone = {name for name in preview.READS if not hasattr(client, name)}
        assert gone == set(), f"{preview.__name__} lists reads the client lacks: {sorted(gone)}"

"""The step settings dialog's catalog (field lists, saved filters, sequences) for the current
connections. Clients are opened on first use, on the dialog's background thread."""

from __future__ import annotations

import threading
from typing import Any

from plx_desktop.connectors.errors import AuthError
from plx_desktop.gui.connection_state import ConnectionState


class LazyCatalog:
    """A ConnectorCatalog whose clients are created only when the dialog first asks."""

    def __init__(self, state: ConnectionState):
        self._lock = threading.Lock()
        self._catalog: Any = None
        # Taken on the GUI thread (ConnectionState is a GUI object, and this reads no keyring);
        # the clients are opened, reading the saved login, on the dialog's background thread.
        self._missing = state.missing()
        self._connections = state.connections()

    def _get(self) -> Any:
        with self._lock:
            if self._catalog is None:
                if self._missing or self._connections.missing():
                    raise AuthError(self._missing or "Connect Salesforce and PeopleLinx first.")
                from plx_desktop.gui.step_settings.catalog import ConnectorCatalog
                from plx_desktop.sync.connections import open_clients

                self._catalog = ConnectorCatalog(*open_clients(self._connections))
            return self._catalog

    def salesforce_fields(self, sobject: str) -> list:
        return self._get().salesforce_fields(sobject)

    def peoplelinx_fields(self) -> list:
        return self._get().peoplelinx_fields()

    def saved_filters(self) -> list:
        return self._get().saved_filters()

    def sequences(self) -> list:
        return self._get().sequences()

    def lead_statuses(self) -> list[str]:
        return self._get().lead_statuses()


def catalog_for(state: ConnectionState) -> LazyCatalog:
    return LazyCatalog(state)

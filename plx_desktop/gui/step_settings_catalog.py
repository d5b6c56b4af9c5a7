"""The step settings dialog's catalog (field lists, saved filters, sequences) for the current
connections. Clients are made on first use, on the dialog's background thread."""

from __future__ import annotations

import threading
from typing import Any

from plx_desktop.connectors.errors import AuthError
from plx_desktop.gui.connection_state import ConnectionState


class LazyCatalog:
    """A ConnectorCatalog whose clients are created only when the dialog first asks."""

    def __init__(self, state: ConnectionState):
        from plx_desktop.gui.sync_controller import engine_connections

        self._lock = threading.Lock()
        self._catalog: Any = None
        # Read on the GUI thread (ConnectionState is a GUI object); used on the worker thread.
        self._missing = state.missing()
        self._plx = state.peoplelinx
        self._ca_file = state.ca_file
        try:
            self._salesforce = engine_connections(state).salesforce if not self._missing else None
        except Exception as exc:  # noqa: BLE001 - reported when the dialog loads
            self._salesforce, self._missing = None, str(exc)

    def _get(self) -> Any:
        with self._lock:
            if self._catalog is None:
                if self._missing or self._salesforce is None or self._plx is None:
                    raise AuthError(self._missing or "Connect Salesforce and PeopleLinx first.")
                from plx_desktop.connectors.peoplelinx import PeopleLinxClient
                from plx_desktop.connectors.salesforce import SalesforceClient
                from plx_desktop.gui.step_settings.catalog import ConnectorCatalog

                self._catalog = ConnectorCatalog(
                    SalesforceClient(self._salesforce),
                    PeopleLinxClient(self._plx.base_url, self._plx.api_key, ca_file=self._ca_file))
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

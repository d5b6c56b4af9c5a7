"""A contact's company: the Account named in the mapping, found by name or created once.

Names are looked up a batch at a time (one query for the names not seen yet this process) and
kept in a cache keyed by the lower-cased name, as Salesforce compares names case-insensitively.
"""

from __future__ import annotations

from collections.abc import Iterable

from plx_desktop.connectors.salesforce import RecordResult, SalesforceClient


class Accounts:
    def __init__(self, sf: SalesforceClient):
        self._sf = sf
        self._ids: dict[str, str | None] = {}  # lower-cased name -> id (None: not in Salesforce)
        # lower-cased name -> why Salesforce refused to create it (a duplicate or validation rule)
        self.refused: dict[str, RecordResult] = {}

    def lookup(self, names: Iterable[str]) -> dict[str, str | None]:
        """{name: Account id or None} for the given names, querying those not yet known."""
        wanted = {n for n in (str(x).strip() for x in names) if n}
        unknown = sorted({n for n in wanted if n.lower() not in self._ids})
        found: dict[str, str] = {}
        for page in self._sf.iter_query_in(
                "SELECT Id, Name FROM Account WHERE Name IN {} ORDER BY CreatedDate", unknown):
            for record in page:
                found.setdefault(record["Name"].lower(), record["Id"])  # the oldest one wins
        # Known only once every name was asked: a failed query leaves them to be asked again.
        for n in unknown:
            self._ids[n.lower()] = None
        for name, account_id in found.items():
            if self._ids.get(name) is None:
                self._ids[name] = account_id
        return {n: self._ids.get(n.lower()) for n in wanted}

    def exists(self, name: str | None) -> bool:
        return bool(name) and self._ids.get(str(name).strip().lower()) is not None

    def ensure(self, names: Iterable[str]) -> dict[str, str]:
        """Account ids for the names, creating the accounts Salesforce does not have yet."""
        found = self.lookup(names)
        missing = sorted(n for n, account_id in found.items() if account_id is None)
        for start in range(0, len(missing), 200):
            chunk = missing[start:start + 200]
            results = self._sf.create("Account", [{"Name": n} for n in chunk])
            for name, result in zip(chunk, results, strict=True):
                if result.success and result.id:
                    self._ids[name.lower()] = result.id
                    self.refused.pop(name.lower(), None)
                else:
                    self.refused[name.lower()] = result
        return {n: i for n in found if (i := self._ids.get(n.lower()))}

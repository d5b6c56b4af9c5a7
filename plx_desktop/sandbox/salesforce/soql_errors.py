"""SOQL errors as Salesforce reports them: an error code and a message pointing at the query text."""

from __future__ import annotations

MALFORMED_QUERY = "MALFORMED_QUERY"
INVALID_FIELD = "INVALID_FIELD"
INVALID_TYPE = "INVALID_TYPE"
# Salesforce answers a malformed id in a filter with this code, not one of the three above.
INVALID_QUERY_FILTER_OPERATOR = "INVALID_QUERY_FILTER_OPERATOR"


class SoqlError(Exception):
    """A query Salesforce would refuse; `error_code` and `message` go into the REST error body."""

    def __init__(self, error_code: str, message: str):
        super().__init__(f"{error_code}: {message}")
        self.error_code = error_code
        self.message = message


def located(text: str, pos: int | None, detail: str) -> str:
    """Salesforce's message shape: the query line, a caret under the culprit, row and column."""
    if pos is None:
        return detail
    pos = max(0, min(pos, len(text)))
    row = text.count("\n", 0, pos) + 1
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line = text[line_start:] if line_end < 0 else text[line_start:line_end]
    column = pos - line_start + 1
    return f"\n{line}\n{' ' * (column - 1)}^\nERROR at Row:{row}:Column:{column}\n{detail}"


def error(code: str, text: str, pos: int | None, detail: str) -> SoqlError:
    return SoqlError(code, located(text, pos, detail))

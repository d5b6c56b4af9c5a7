"""Saved People filter criteria: a small JSON language, checked and compiled to a SQL condition.

    {"all": [{"field": "email", "op": "ends_with", "value": "@acme.com"},
             {"any": [{"field": "synced_with_salesforce", "op": "equals", "value": false}, ...]}]}

Values always travel as SQL parameters; field names come from the known field list only.
"""

from __future__ import annotations

from typing import Any

OPS = ("equals", "not_equals", "contains", "starts_with", "ends_with", "is_empty", "is_not_empty",
       "gt", "lt")
_TEXT_OPS = ("contains", "starts_with", "ends_with")
_ORDER_TYPES = ("number", "date", "datetime")

_EXPRESSIONS = {
    "salesforce_id": "COALESCE(p.salesforce_contact_id, p.salesforce_lead_id)",
    "salesforce_object": ("CASE WHEN p.salesforce_contact_id IS NOT NULL THEN 'Contact' "
                          "WHEN p.salesforce_lead_id IS NOT NULL THEN 'Lead' END"),
    "synced_with_salesforce": ("(p.salesforce_contact_id IS NOT NULL "
                               "OR p.salesforce_lead_id IS NOT NULL)"),
    "inbox_state": "i.state",
    "salesforce_deleted": "(d.person_id IS NOT NULL)",
}


class CriteriaError(ValueError):
    """The criteria are not well formed; the message says where."""


def compile_criteria(criteria: Any, fields: list[dict[str, Any]]) -> tuple[str, list[Any]]:
    """A SQL condition over `people p LEFT JOIN inbox_states i LEFT JOIN salesforce_deletions d`
    and its parameters."""
    by_key = {f["key"]: f for f in fields}
    params: list[Any] = []
    sql = _group(criteria, by_key, params, "criteria")
    return sql, params


def _group(node: Any, by_key: dict[str, Any], params: list[Any], where: str) -> str:
    if not isinstance(node, dict) or len(node) != 1 or next(iter(node)) not in ("all", "any"):
        raise CriteriaError(f"{where} must be an object with one key, 'all' or 'any'.")
    joiner, items = next(iter(node.items()))
    if not isinstance(items, list):
        raise CriteriaError(f"{where}.{joiner} must be a list.")
    if not items:
        return "1" if joiner == "all" else "0"
    parts = []
    for n, item in enumerate(items):
        path = f"{where}.{joiner}[{n}]"
        if isinstance(item, dict) and ("all" in item or "any" in item):
            parts.append(_group(item, by_key, params, path))
        else:
            parts.append(_condition(item, by_key, params, path))
    return "(" + (" AND " if joiner == "all" else " OR ").join(parts) + ")"


def _condition(item: Any, by_key: dict[str, Any], params: list[Any], where: str) -> str:
    if not isinstance(item, dict) or "field" not in item or "op" not in item:
        raise CriteriaError(f"{where} needs 'field' and 'op'.")
    field = by_key.get(item["field"])
    if field is None:
        raise CriteriaError(f"{where}: unknown field {item['field']!r}.")
    op, value, type_ = item["op"], item.get("value"), field["type"]
    if op not in OPS:
        raise CriteriaError(f"{where}: op must be one of {', '.join(OPS)}.")
    key = field["key"]
    if field["custom"]:
        column = "json_extract(p.custom_fields, ?)"
        col_params: list[Any] = [f"$.{key}"]
    else:
        column, col_params = _EXPRESSIONS.get(key, f"p.{key}"), []

    def col() -> str:
        params.extend(col_params)
        return column

    if op in ("is_empty", "is_not_empty"):
        empty = f"({col()} IS NULL OR {col()} = '')"
        return empty if op == "is_empty" else f"NOT {empty}"
    if type_ == "boolean":
        if op not in ("equals", "not_equals") or not isinstance(value, bool):
            raise CriteriaError(f"{where}: a true/false field takes equals or not_equals true/false.")
        params.append(1 if value == (op == "equals") else 0)
        return f"(COALESCE({col()}, 0) = ?)"
    if type_ == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CriteriaError(f"{where}: {key} is a number; value must be a number.")
        if op in _TEXT_OPS:
            raise CriteriaError(f"{where}: {op} is for text, and {key} is a number.")
    elif not isinstance(value, str):
        raise CriteriaError(f"{where}: value must be a string.")
    if op in ("gt", "lt"):
        if type_ not in _ORDER_TYPES:
            raise CriteriaError(f"{where}: {op} needs a number, date or datetime field.")
        c = col()
        params.append(value)
        return f"({c} {'>' if op == 'gt' else '<'} ?)"
    if type_ == "number":
        if op == "equals":
            c = col()
            params.append(value)
            return f"({c} = ?)"
        c1 = col()
        c2 = col()
        params.append(value)
        return f"({c1} IS NULL OR {c2} != ?)"
    lowered = value.lower()  # text comparisons ignore case, as the People page does
    if op == "equals":
        c = col()
        params.append(lowered)
        return f"(lower({c}) = ?)"
    if op == "not_equals":
        c1 = col()
        c2 = col()
        params.append(lowered)
        return f"({c1} IS NULL OR lower({c2}) != ?)"
    if not lowered:
        return "1"  # every text contains, starts and ends with ""
    c = col()
    if op == "contains":
        params.append(lowered)
        return f"(instr(lower({c}), ?) > 0)"
    params.extend([len(lowered), lowered])
    if op == "starts_with":
        return f"(substr(lower({c}), 1, ?) = ?)"
    return f"(substr(lower({c}), -?) = ?)"

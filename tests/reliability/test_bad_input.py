"""Bad input, property-based: hostile values never crash the engine, never land as anything but
what the mapping says, and every refused record has a log entry; a filter value never changes the
SOQL it sits in; a bad profile file is refused naming the field, leaving the profile untouched.

Examples are few (this folder has a few minutes in CI); the sandbox-backed ones reuse the one
session sandbox and reset it per example.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_helpers import Control, norm

from plx_desktop.cli import main
from plx_desktop.connectors.retry import NO_WAIT
from plx_desktop.domain import (
    ConversionError,
    FieldMapping,
    FilterRule,
    InvalidFilter,
    Operator,
    compile_soql_where,
)
from plx_desktop.domain.convert import convert_value, to_text
from plx_desktop.paths import database_path, sandbox_dir
from plx_desktop.sandbox.salesforce.soql_syntax import And, Comparison, parse
from plx_desktop.store import open_store
from plx_desktop.sync.service import run_sync, sandbox_connections
from plx_desktop.sync.values import to_peoplelinx

QUICK = settings(max_examples=60, deadline=None)
SLOW = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# Every plane: BMP, astral (emoji, CJK ext.), private use, controls, and lone surrogates.
ANY_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=60)
SOQL_META = st.lists(st.sampled_from(
    list("'\"\\%_\n\r\t\b\f()=!<>,;*") + [" OR ", " AND ", " LIKE ", "--", "/*", " NOT ", "null",
                                          "\u0000", "\U0001F600", "\ud800"]),
    max_size=12).map("".join)
HOSTILE = st.one_of(ANY_TEXT, SOQL_META)


# -- filter values can never change the SOQL ----------------------------------------------------

TEXT_OPERATORS = [Operator.EQUALS, Operator.NOT_EQUALS, Operator.CONTAINS,
                  Operator.STARTS_WITH, Operator.ENDS_WITH]


@QUICK
@given(st.lists(st.tuples(st.sampled_from(TEXT_OPERATORS), HOSTILE), min_size=1, max_size=3))
def test_a_filter_value_stays_one_value_in_the_soql(rules: list[tuple[Operator, str]]) -> None:
    # A text field: an email field refuses most hostile values before any SOQL is built.
    compiled = [FilterRule("Email", op, value, "string") for op, value in rules]
    where = compile_soql_where(compiled)
    assert where is not None
    query = parse(f"SELECT Id FROM Contact WHERE {where} ORDER BY Id LIMIT 5")
    terms = query.where.terms if isinstance(query.where, And) else (query.where,)
    assert len(terms) == len(rules)  # no rule's value added or removed a condition
    assert query.sobject == "Contact" and query.limit == 5
    for term, (op, value) in zip(terms, rules, strict=True):
        assert isinstance(term, Comparison) and term.field.text == "Email"
        literal = term.value
        if op in (Operator.EQUALS, Operator.NOT_EQUALS):
            assert term.op == ("=" if op is Operator.EQUALS else "!=")
            assert literal.kind == "string" and literal.value == value
        else:
            assert term.op == "LIKE"
            body = "".join(re.escape(c) for c in value)  # every character literal, wildcards too
            expected = {Operator.CONTAINS: f".*{body}.*", Operator.STARTS_WITH: f"{body}.*",
                        Operator.ENDS_WITH: f".*{body}"}[op]
            assert literal.like == expected


@QUICK
@given(HOSTILE, st.sampled_from(["double", "int", "date", "datetime", "boolean"]),
       st.sampled_from([Operator.EQUALS, Operator.GREATER_THAN, Operator.LESS_THAN]))
def test_a_typed_filter_value_is_refused_or_one_literal(value: str, field_type: str,
                                                        op: Operator) -> None:
    rule = FilterRule("Amount__c", op, value, field_type)
    try:
        where = compile_soql_where([rule])
    except InvalidFilter as exc:
        assert "Amount__c" in str(exc)
        return
    term = parse(f"SELECT Id FROM Contact WHERE {where}").where
    assert isinstance(term, Comparison) and term.field.text == "Amount__c"
    assert term.value.kind in ("number", "boolean", "date", "datetime")


# -- value conversion and mapping with malformed input --------------------------------------------

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3),
    max_leaves=6)
TYPES = ["string", "textarea", "email", "phone", "url", "picklist", "boolean", "int", "double",
         "currency", "percent", "date", "datetime", "number", "text", "no_such_type"]


@QUICK
@given(JSONISH, st.sampled_from(TYPES), st.booleans(), st.none() | st.integers(1, 300))
def test_convert_value_refuses_or_converts_faithfully(value: Any, target_type: str,
                                                      to_salesforce: bool,
                                                      max_length: int | None) -> None:
    try:
        converted = convert_value(value, target_type, to_salesforce=to_salesforce,
                                  max_length=max_length)
    except ConversionError:
        return  # refused with a message: the engine logs it for the record
    if value is None:
        assert converted.value is None
    elif target_type in ("string", "textarea", "email", "phone", "url", "picklist", "text") \
            and value != "":
        text = to_text(value)
        assert converted.value == (text if max_length is None else text[:max_length])
        assert (converted.warning is not None) == (max_length is not None and len(text) > max_length)


SF_RECORD = st.dictionaries(st.sampled_from(["Id", "FirstName", "LastName", "Email", "Account",
                                             "Lead_Score__c", "CreatedDate"]), JSONISH, max_size=7)
MAPPINGS = [FieldMapping("FirstName", "first_name"), FieldMapping("LastName", "last_name"),
            FieldMapping("Email", "email"), FieldMapping("Account.Name", "account"),
            FieldMapping("Lead_Score__c", "custom_fields.lead_score"),
            FieldMapping("CreatedDate", "custom_fields.met_on")]
PEOPLE_FIELDS = {"first_name": {"type": "string", "max_length": 100},
                 "last_name": {"type": "string", "max_length": 100},
                 "email": {"type": "email"}, "account": {"type": "string"},
                 "custom_fields.lead_score": {"type": "number"},
                 "custom_fields.met_on": {"type": "date"}}


@QUICK
@given(SF_RECORD)
def test_mapping_a_malformed_salesforce_record_never_crashes(record: dict[str, Any]) -> None:
    mapped = to_peoplelinx(record, MAPPINGS, PEOPLE_FIELDS)
    if mapped.error is not None:
        assert mapped.error.split(":")[0] in {m.salesforce_field for m in MAPPINGS}
        return
    for key in ("first_name", "last_name"):
        raw = record.get("FirstName" if key == "first_name" else "LastName")
        if isinstance(raw, str) and raw:
            assert mapped.values[key] == raw[:100]


# -- hostile people through the whole engine --------------------------------------------------------

NAME = st.one_of(ANY_TEXT, st.text(min_size=30, max_size=300), SOQL_META, st.just(""))
LOCAL = st.from_regex(r"[a-z0-9._%+'-]{1,20}", fullmatch=True)
EMAIL = st.one_of(
    st.builds(lambda a, b: f"{a}@{b}.example.com", LOCAL, LOCAL),  # fine
    st.builds(lambda a: f"{a}@" + "x" * 90 + ".example.com", LOCAL),  # too long for Salesforce
    st.builds(lambda a: f"{a}.no-at-sign.example.com", LOCAL),  # broken
    st.builds(lambda a, b: f"{a}@{b}", LOCAL, ANY_TEXT))  # anything after the @
PERSON = st.fixed_dictionaries({"first_name": NAME, "last_name": NAME, "email": EMAIL,
                                "account": st.one_of(st.just(""), NAME)})


def _plx_create(control: Control, person: dict[str, Any]) -> dict[str, Any] | None:
    """Create a person as a PeopleLinx user would; None when PeopleLinx itself refuses it."""
    try:
        body = json.dumps(person)  # ensure_ascii: lone surrogates travel as \\ud800 escapes
    except ValueError:
        return None
    try:
        response = control.http.post(
            f"{control.info['peoplelinx_base_url']}/v1/people", data=body, timeout=30,
            headers={"Authorization": f"Bearer {control.info['peoplelinx_api_key']}",
                     "Content-Type": "application/json"})
    except requests.ConnectionError:
        return None  # the sandbox hangs up on a lone surrogate (see docs/RELIABILITY.md)
    return response.json() if response.status_code == 201 else None


def _empty(sb: Any, sandbox_reset: Callable[..., Any]) -> None:
    # The fixtures' own reset (a ready org, no faults of any kind, the engine's kept describes
    # dropped), not a partial one: resetting records alone kept whatever org the test before
    # left, e.g. tests/sync's last module's fresh one, where no Lead has PeopleLinx_Id__c.
    sandbox_reset(sb, seed=None)


@SLOW
@given(st.lists(PERSON, min_size=1, max_size=4, unique_by=lambda p: norm(p["email"])))
def test_hostile_people_land_as_mapped_or_are_refused_with_a_log_entry(
        _sandbox: Any, sandbox_reset: Callable[..., Any], people: list[dict[str, Any]]) -> None:
    _empty(_sandbox, sandbox_reset)
    control = Control(vars(_sandbox.info))
    try:
        created = [p for p in (_plx_create(control, person) for person in people) if p]
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = Path(tmp)
            _sandbox.info.write(sandbox_dir(data_dir))
            connections = sandbox_connections(data_dir)
            for _ in range(2):  # the second run must not undo or echo anything
                summary = run_sync(data_dir, connections, retry=NO_WAIT)
                assert summary.status == "completed", summary.reason
            with open_store(database_path(data_dir)) as store:
                refused = {e.plx_id: e for e in store.log.read(outcomes=["failed"], limit=1000)}
        leads = {norm(r.get("PeopleLinx_Id__c")): r for r in control.sf_records("Lead")}
        contacts = {norm(r.get("PeopleLinx_Id__c")): r for r in control.sf_records("Contact")}
        now = {p["id"]: p for p in control.people()}
        for person in created:
            record = leads.get(norm(person["id"])) or contacts.get(norm(person["id"]))
            if record is None:
                entry = refused.get(person["id"])
                assert entry is not None, f"{person!r} neither synced nor logged"
                assert entry.error_code and entry.message
                continue
            first, last = person.get("first_name") or "", person.get("last_name") or ""
            assert record.get("FirstName") == (first[:40] or None)
            assert record.get("LastName") == (last[:80] or None)
            assert norm(record.get("Email")) == norm(person["email"])
            # nothing came back to overwrite what the admin's team typed in PeopleLinx, not
            # even a name cut to fit Salesforce
            after = now[person["id"]]
            assert (after.get("first_name"), after.get("last_name")) == (
                person.get("first_name"), person.get("last_name"))
    finally:
        control.close()


def test_a_name_cut_to_fit_salesforce_is_not_written_back_over_peoplelinx(
        _sandbox: Any, sandbox_reset: Callable[..., Any]) -> None:
    """Found by the property above (a bug since fixed): the shrunk example, pinned."""
    _empty(_sandbox, sandbox_reset)
    control = Control(vars(_sandbox.info))
    try:
        person = _plx_create(control, {"first_name": "A" * 41, "last_name": "Lovelace",
                                       "email": "ada@cut.example.com", "account": ""})
        assert person is not None
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = Path(tmp)
            _sandbox.info.write(sandbox_dir(data_dir))
            for _ in range(2):
                assert run_sync(data_dir, sandbox_connections(data_dir),
                                retry=NO_WAIT).status == "completed"
        (lead,) = control.sf_records("Lead")
        assert lead["FirstName"] == "A" * 40  # cut to fit, with a warning: as designed
        (after,) = control.people()
        assert after["first_name"] == "A" * 41  # PeopleLinx keeps the whole name
    finally:
        control.close()


# -- malformed server answers: cut bodies and dropped connections ---------------------------------

@settings(max_examples=3, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.integers(0, 2**31))
def test_cut_answers_and_dropped_connections_never_crash_a_run(
        _sandbox: Any, sandbox_reset: Callable[..., Any], seed: int) -> None:
    from plx_desktop.sandbox.runner import population_for

    _empty(_sandbox, sandbox_reset)
    population = population_for("demo")
    _sandbox.salesforce.seed(population, demo=True)
    _sandbox.peoplelinx.seed(population, demo=True)
    for i, app in enumerate((_sandbox.salesforce, _sandbox.peoplelinx)):
        app.faults.configure(fail_rate=0.3, kinds=["truncate", "drop"], seed=seed + i)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = Path(tmp)
            _sandbox.info.write(sandbox_dir(data_dir))
            connections = sandbox_connections(data_dir)
            statuses = []
            for _ in range(8):
                summary = run_sync(data_dir, connections, retry=NO_WAIT)  # never raises
                statuses.append(summary.status)
                assert summary.status in ("completed", "failed")
                assert summary.status == "completed" or summary.reason
                if summary.status == "completed":
                    break
            assert "completed" in statuses
    finally:
        for app in (_sandbox.salesforce, _sandbox.peoplelinx):
            app.faults.configure(fail_rate=0)


# -- profile files ------------------------------------------------------------------------------------

def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def _paths(document: Any, prefix: str = "") -> list[tuple[str, list]]:
    """(readable path, key path) of every value in the document."""
    out = []
    items = document.items() if isinstance(document, dict) else enumerate(document)
    for key, value in items:
        path = f"{prefix}.{key}" if isinstance(key, str) else f"{prefix}[{key}]"
        out.append((path.lstrip("."), [key]))
        if isinstance(value, dict | list) and value:
            out += [(p, [key, *k]) for p, k in _paths(value, path)]
    return out


BAD_VALUES = st.one_of(st.none(), st.integers(), st.just([]), st.just({}), st.just("\ud800"),
                       st.just("no_such_kind"), st.just("Bad Field!"), st.text(max_size=3))


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_a_broken_profile_file_is_refused_naming_the_field_and_nothing_changes(data: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        good = folder / "good.json"
        assert _cli("--data-dir", tmp, "profile", "export", str(good))[0] == 0
        document = json.loads(good.read_text())
        path, keys = data.draw(st.sampled_from(_paths(document)))
        holder = document
        for key in keys[:-1]:
            holder = holder[key]
        if data.draw(st.booleans()) and isinstance(holder, dict):
            del holder[keys[-1]]
            how = "removed"
        else:
            holder[keys[-1]] = data.draw(BAD_VALUES)
            how = "changed"
        bad = folder / "bad.json"
        bad.write_text(json.dumps(document))
        code, _, err = _cli("--data-dir", tmp, "profile", "import", str(bad))
        if code == 0:
            return  # the change was harmless (e.g. a label, an optional key), and was accepted
        after = folder / "after.json"
        _cli("--data-dir", tmp, "profile", "export", str(after))
        assert after.read_text() == good.read_text(), f"{how} {path}: the profile changed"
        assert code == 2 and "nothing was changed" in err
        named = path.split(".")[0].split("[")[0]
        assert named in err or "format_version" in err, (how, path, err)


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe{not json")
    code, _, err = _cli("--data-dir", str(tmp_path), "profile", "import", str(bad))
    assert code == 2 and err

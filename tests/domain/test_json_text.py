"""domain/json_text: orjson's speed without changing a byte of the fingerprints stored before it."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plx_desktop.domain import json_text
from plx_desktop.domain.convert import fingerprint

_scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text()
            | st.sampled_from(["é", "\x7f", "\u2028", "\x00", "\"\\/", "😀"]))
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


# Generation, not the code under test, is slow on a busy machine.
_patient = settings(suppress_health_check=[HealthCheck.too_slow])


@_patient
@given(st.dictionaries(st.text(max_size=10), _values, max_size=6))
def test_canonical_is_the_standard_librarys_text(values):
    assert json_text.canonical(values) == json.dumps(values, sort_keys=True, separators=(",", ":"),
                                                     default=str)


def test_canonical_of_what_orjson_would_write_its_own_way():
    for value in ({"at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)}, {"n": Decimal("1.50")},
                  {"big": 2 ** 70}, {"f": 1e16}, {"name": "Zoë"}, {1: "int key"}):
        assert json_text.canonical(value) == json.dumps(value, sort_keys=True,
                                                        separators=(",", ":"), default=str)


def test_fingerprints_are_what_earlier_versions_stored():
    # sha256 of the standard library's canonical text, as domain.convert computed it before orjson
    for values in ({"FirstName": "Ana", "Email": "ana@example.com"}, {"LastName": "Zoë"}):
        text = json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)
        assert fingerprint(values) == hashlib.sha256(text.encode("utf-8")).hexdigest()


_synced = st.recursive(
    st.none() | st.booleans() | st.integers(-2 ** 63, 2 ** 63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4), max_leaves=12)


@_patient
@given(_synced)
def test_dumps_then_loads_gives_the_value_back(value):
    assert json_text.loads(json_text.dumps(value)) == value
    assert json_text.loads(json.dumps(value)) == value


def test_loads_reads_what_only_the_standard_library_reads():
    assert json_text.loads('{"a": NaN, "b": Infinity}')["b"] == float("inf")


def test_lone_surrogates_travel_as_escapes():
    # a name a hostile PeopleLinx user typed: not UTF-8, so orjson refuses it both ways
    assert json_text.dumps_bytes({"first_name": "a\ud800"}) == b'{"first_name": "a\\ud800"}'
    assert json_text.loads(b'{"first_name": "a\\ud800"}') == {"first_name": "a\ud800"}
    assert json_text.canonical({"x": "\udfff"}) == '{"x":"\\udfff"}'


def test_dumps_sends_datetimes_through_default():
    seen = []

    def default(value):
        seen.append(value)
        return "stamp"

    moment = datetime(2026, 1, 2, tzinfo=UTC)
    assert json_text.loads(json_text.dumps({"at": moment}, default=default)) == {"at": "stamp"}
    assert seen == [moment]

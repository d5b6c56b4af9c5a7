"""JSON text, fast: orjson where it gives what the standard library would, `json` otherwise.

A sync writes and reads JSON for every record several times (the HTTP bodies, the links' synced
values and fingerprints, the outbox), and the standard library's encoder was a tenth of the
CPU of a sync. orjson is several times faster, but its text differs from `json.dumps` in places
(no spaces, UTF-8 instead of \\u escapes, float exponents, datetimes), so:

- `dumps` and `loads` are for text only JSON readers see (any valid JSON will do); what they
  do otherwise than the standard library is kept to values no sync meets: NaN and infinities are
  written as null, integers past 64 bits are read as floats (Salesforce numbers have at most 18
  digits);
- `canonical` must stay byte for byte what `json.dumps(value, sort_keys=True,
  separators=(",", ":"), default=str)` gives, because fingerprints stored by earlier versions are
  compared with new ones: orjson is used only for values it provably writes the same way (plain
  str/int/bool/None in dicts and lists, ASCII text without DEL), the standard library otherwise.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_PLAIN = (str, int, bool, type(None))
_DUMP_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def loads(text: str | bytes | bytearray) -> Any:
    """Parse JSON; what orjson refuses but the standard library reads (NaN, Infinity, numbers
    past 64 bits) is read by the standard library."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def dumps_bytes(value: Any, *, default: Any = str, sort_keys: bool = False) -> bytes:
    """UTF-8 JSON; datetimes and dataclasses go through `default`, as with `json.dumps`."""
    options = _DUMP_OPTIONS | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    try:
        return orjson.dumps(value, default=default, option=options)
    except TypeError:
        # Keys that are not strings, integers past 64 bits, lone surrogates (which only \\u
        # escapes carry, as the standard library writes them), a default that fails.
        return json.dumps(value, default=default, sort_keys=sort_keys).encode("ascii")


def dumps(value: Any, *, default: Any = str, sort_keys: bool = False) -> str:
    """JSON text (compact, UTF-8 characters as they are)."""
    return dumps_bytes(value, default=default, sort_keys=sort_keys).decode("utf-8")


_SCALARS = frozenset(_PLAIN)


def _plain(value: Any) -> bool:
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is dict:
        # A link's values are a flat dict of scalars: one loop, a call only for what nests.
        for k, v in value.items():
            if type(k) is not str or (type(v) not in _SCALARS and not _plain(v)):
                return False
        return True
    if kind is list:
        return all(type(v) in _SCALARS or _plain(v) for v in value)
    return False


def canonical(value: Any) -> str:
    """Exactly `json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)`."""
    if _plain(value):
        try:
            text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # an integer past 64 bits
            text = b"\x80"
        # json escapes every character outside ' '..'~' (\\uXXXX); orjson leaves non-ASCII and
        # DEL as they are, so such text goes the standard library's way.
        if text.isascii() and b"\x7f" not in text:
            return text.decode("ascii")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)

"""SOQL tokens: words, quoted strings with their escapes, numbers, dates and datetimes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from plx_desktop.sandbox.salesforce.soql_errors import MALFORMED_QUERY, error

_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPACE = re.compile(r"\s+")
_OPERATORS = ("<=", ">=", "!=", "<>", "=", "<", ">")
_PUNCT = {"(": "LPAREN", ")": "RPAREN", ",": "COMMA", ".": "DOT", ":": "COLON"}
_SIMPLE_ESCAPES = {"n": "\n", "N": "\n", "r": "\r", "R": "\r", "t": "\t", "T": "\t",
                   "b": "\b", "B": "\b", "f": "\f", "F": "\f", '"': '"', "'": "'", "\\": "\\"}
UNSUPPORTED = {"GROUP", "HAVING", "WITH", "FOR", "USING", "TYPEOF", "INCLUDES", "EXCLUDES",
                "ALL", "UPDATE", "VIEW", "REFERENCE"}


@dataclass(frozen=True)
class Token:
    kind: str  # WORD STRING NUMBER DATE DATETIME OP LPAREN RPAREN COMMA DOT COLON EOF
    value: Any
    pos: int
    text: str
    like: str | None = None

    def is_word(self, *words: str) -> bool:
        return self.kind == "WORD" and self.value.upper() in words


def _read_string(text: str, start: int) -> Token:
    """A quoted string from `start` (the opening quote), unescaped, with its LIKE pattern."""
    out: list[str] = []
    like: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == "'":
            return Token("STRING", "".join(out), start, text[start:i + 1], "".join(like))
        if ch == "\\":
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if nxt in _SIMPLE_ESCAPES:
                out.append(_SIMPLE_ESCAPES[nxt])
                like.append(re.escape(_SIMPLE_ESCAPES[nxt]))
                i += 2
                continue
            if nxt in ("%", "_"):
                # Only LIKE gives \% and \_ a meaning; elsewhere they stand for the bare character.
                out.append(nxt)
                like.append(re.escape(nxt))
                i += 2
                continue
            hex4 = text[i + 2:i + 6]
            if nxt in ("u", "U") and re.fullmatch(r"[0-9A-Fa-f]{4}", hex4):
                out.append(chr(int(hex4, 16)))
                like.append(re.escape(out[-1]))
                i += 6
                continue
            raise error(MALFORMED_QUERY, text, i,
                        f"Invalid string literal '{text[start:i + 2]}'. Illegal escape sequence "
                        f"'\\{nxt}'. Valid escapes are \\n \\r \\t \\b \\f \\\" \\' \\\\ \\uXXXX, "
                        "and \\% \\_ in LIKE.")
        out.append(ch)
        like.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    raise error(MALFORMED_QUERY, text, start,
                "unexpected token: <EOF> (unterminated string literal)")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        m = _SPACE.match(text, i)
        if m:
            i = m.end()
            continue
        ch = text[i]
        if ch == "'":
            tok = _read_string(text, i)
        elif ch == '"':
            raise error(MALFORMED_QUERY, text, i, "unexpected token: '\"'. Strings are enclosed in "
                        "single quotes")
        elif m := _DATETIME.match(text, i):
            tok = Token("DATETIME", m, i, m.group(0))
        elif (m := _DATE.match(text, i)) and not text[m.end():m.end() + 1].isalnum():
            tok = Token("DATE", m, i, m.group(0))
        elif (m := _NUMBER.match(text, i)) and (ch.isdigit() or ch == "."
                                                 or text[i + 1:i + 2].isdigit()
                                                 or text[i + 1:i + 2] == "."):
            tok = Token("NUMBER", m.group(0), i, m.group(0))
        elif m := _WORD.match(text, i):
            tok = Token("WORD", m.group(0), i, m.group(0))
        elif op := next((o for o in _OPERATORS if text.startswith(o, i)), None):
            tok = Token("OP", "!=" if op == "<>" else op, i, op)
        elif ch in _PUNCT:
            tok = Token(_PUNCT[ch], ch, i, ch)
        else:
            raise error(MALFORMED_QUERY, text, i, f"unexpected token: '{ch}'")
        if tokens and tok.kind in ("WORD", "NUMBER") and tokens[-1].kind in (
                "NUMBER", "DATE", "DATETIME") and tokens[-1].pos + len(tokens[-1].text) == i:
            # 12abc or 2026-01-31T10 would otherwise split into two plausible tokens
            raise error(MALFORMED_QUERY, text, tokens[-1].pos,
                        f"unexpected token: '{tokens[-1].text}{tok.text}'")
        tokens.append(tok)
        i = tok.pos + len(tok.text)
    tokens.append(Token("EOF", None, n, "<EOF>"))
    return tokens

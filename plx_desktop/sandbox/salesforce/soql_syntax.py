"""SOQL syntax: the query tree and its parser (names are checked later, by binding)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plx_desktop.sandbox.salesforce.soql_errors import MALFORMED_QUERY, error
from plx_desktop.sandbox.salesforce.soql_tokens import UNSUPPORTED, Token, tokenize

# -- the query tree ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldPath:
    """A field as written: `Name`, `Account.Name`, `Who.Owner.Name`."""

    parts: tuple[str, ...]
    pos: int

    @property
    def text(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class Literal:
    """A value in a filter. kind: string, number, boolean, null, date, datetime, date_literal.

    For strings, `value` is the unescaped text and `like` a regular expression in which only the
    unescaped `%` and `_` are wildcards. For date_literal, `value` is the name (TODAY,
    LAST_N_DAYS) and `n` its number, if any.
    """

    kind: str
    value: Any
    pos: int
    text: str
    like: str | None = None
    n: int | None = None


@dataclass(frozen=True)
class Comparison:
    field: FieldPath
    op: str  # = != < <= > >= LIKE IN NOT IN  (<> is read as !=)
    value: Literal | tuple[Literal, ...]
    pos: int


@dataclass(frozen=True)
class And:
    terms: tuple[Any, ...]


@dataclass(frozen=True)
class Or:
    terms: tuple[Any, ...]


@dataclass(frozen=True)
class Not:
    term: Any


@dataclass(frozen=True)
class CountCall:
    """COUNT() (field None) or COUNT(field) [alias]."""

    field: FieldPath | None
    alias: str | None
    pos: int


@dataclass(frozen=True)
class OrderKey:
    field: FieldPath
    descending: bool = False
    nulls_first: bool = True  # Salesforce's default, whatever the direction


@dataclass
class Query:
    text: str
    select: list[FieldPath | CountCall]
    sobject: str
    sobject_pos: int
    where: Comparison | And | Or | Not | None = None
    order_by: list[OrderKey] = field(default_factory=list)
    limit: int | None = None
    offset: int | None = None


# -- the parser ----------------------------------------------------------------------------------

_DATE_LITERALS_WITH_N = {"LAST_N_DAYS", "NEXT_N_DAYS", "N_DAYS_AGO", "LAST_N_WEEKS",
                         "NEXT_N_WEEKS", "LAST_N_MONTHS", "NEXT_N_MONTHS"}
_DATE_LITERALS = {"TODAY", "YESTERDAY", "TOMORROW", "LAST_WEEK", "THIS_WEEK", "NEXT_WEEK",
                  "LAST_MONTH", "THIS_MONTH", "NEXT_MONTH", "LAST_90_DAYS", "NEXT_90_DAYS",
                  "THIS_YEAR", "LAST_YEAR", "NEXT_YEAR"}
_CLAUSE_WORDS = {"SELECT", "FROM", "WHERE", "ORDER", "BY", "LIMIT", "OFFSET", "AND", "OR", "NOT",
                 "IN", "LIKE", "ASC", "DESC", "NULLS"}


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    # helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def fail(self, tok: Token | None = None, detail: str | None = None) -> Exception:
        tok = tok or self.tok
        if detail is None:
            if tok.is_word(*UNSUPPORTED):
                detail = (f"unexpected token: '{tok.text}' (the Salesforce sandbox does not "
                          f"support {tok.text.upper()})")
            elif tok.kind == "EOF":
                detail = "unexpected token: <EOF>"
            else:
                detail = f"unexpected token: '{tok.text}'"
        return error(MALFORMED_QUERY, self.text, tok.pos, detail)

    def expect_word(self, word: str) -> Token:
        if not self.tok.is_word(word):
            raise self.fail()
        return self.advance()

    def expect(self, kind: str) -> Token:
        if self.tok.kind != kind:
            raise self.fail()
        return self.advance()

    def name(self) -> Token:
        if self.tok.kind != "WORD" or self.tok.value.upper() in _CLAUSE_WORDS:
            raise self.fail()
        return self.advance()

    def field_path(self) -> FieldPath:
        first = self.name()
        parts = [first.value]
        while self.tok.kind == "DOT":
            self.advance()
            parts.append(self.name().value)
        return FieldPath(tuple(parts), first.pos)

    def whole_number(self, what: str) -> int:
        tok = self.tok
        if tok.kind != "NUMBER" or not tok.value.isdigit():
            raise self.fail(detail=f"{what} must be a non-negative integer, found: '{tok.text}'"
                            if tok.kind != "EOF" else None)
        self.advance()
        return int(tok.value)

    # grammar
    def query(self) -> Query:
        self.expect_word("SELECT")
        select = [self.select_item()]
        while self.tok.kind == "COMMA":
            self.advance()
            select.append(self.select_item())
        self.expect_word("FROM")
        obj = self.name()
        q = Query(self.text, select, obj.value, obj.pos)
        if self.tok.is_word("WHERE"):
            self.advance()
            q.where = self.condition()
        if self.tok.is_word("ORDER"):
            self.advance()
            self.expect_word("BY")
            q.order_by.append(self.order_key())
            while self.tok.kind == "COMMA":
                self.advance()
                q.order_by.append(self.order_key())
        if self.tok.is_word("LIMIT"):
            self.advance()
            q.limit = self.whole_number("LIMIT")
        if self.tok.is_word("OFFSET"):
            self.advance()
            q.offset = self.whole_number("OFFSET")
        if self.tok.kind != "EOF":
            raise self.fail()
        return q

    def select_item(self) -> FieldPath | CountCall:
        tok = self.tok
        if tok.kind == "LPAREN":
            raise self.fail(detail="unexpected token: '(' (the Salesforce sandbox does not "
                            "support relationship subqueries)")
        if tok.kind == "WORD" and self.tokens[self.i + 1].kind == "LPAREN":
            if tok.value.upper() != "COUNT":
                raise self.fail(detail=f"unexpected token: '{tok.text}' (the Salesforce sandbox "
                                "supports only COUNT() and COUNT(field))")
            self.advance()
            self.advance()
            inner = None if self.tok.kind == "RPAREN" else self.field_path()
            self.expect("RPAREN")
            alias = None
            if inner is not None and self.tok.kind == "WORD" and not self.tok.is_word("FROM"):
                alias = self.name().value
            return CountCall(inner, alias, tok.pos)
        return self.field_path()

    def order_key(self) -> OrderKey:
        path = self.field_path()
        descending = False
        if self.tok.is_word("ASC", "DESC"):
            descending = self.advance().value.upper() == "DESC"
        nulls_first = True
        if self.tok.is_word("NULLS"):
            self.advance()
            if not self.tok.is_word("FIRST", "LAST"):
                raise self.fail()
            nulls_first = self.advance().value.upper() == "FIRST"
        return OrderKey(path, descending, nulls_first)

    def condition(self) -> Comparison | And | Or | Not:
        first = self.unary()
        if not self.tok.is_word("AND", "OR"):
            return first
        joiner = self.tok.value.upper()
        terms = [first]
        while self.tok.is_word(joiner):
            self.advance()
            terms.append(self.unary())
        if self.tok.is_word("AND", "OR"):
            # Salesforce refuses to guess precedence: mixed AND/OR need parentheses.
            raise self.fail()
        return And(tuple(terms)) if joiner == "AND" else Or(tuple(terms))

    def unary(self) -> Comparison | And | Or | Not:
        if self.tok.is_word("NOT"):
            self.advance()
            return Not(self.unary())
        if self.tok.kind == "LPAREN":
            self.advance()
            inner = self.condition()
            self.expect("RPAREN")
            return inner
        return self.comparison()

    def comparison(self) -> Comparison:
        path = self.field_path()
        tok = self.tok
        if tok.kind == "OP":
            self.advance()
            return Comparison(path, tok.value, self.value(), tok.pos)
        if tok.is_word("LIKE"):
            self.advance()
            return Comparison(path, "LIKE", self.value(), tok.pos)
        op = "IN"
        if tok.is_word("NOT"):
            self.advance()
            op = "NOT IN"
        if not self.tok.is_word("IN"):
            raise self.fail()
        self.advance()
        self.expect("LPAREN")
        if self.tok.is_word("SELECT"):
            raise self.fail(detail="unexpected token: 'SELECT' (the Salesforce sandbox does not "
                            "support semi-join subqueries)")
        values = [self.value()]
        while self.tok.kind == "COMMA":
            self.advance()
            values.append(self.value())
        self.expect("RPAREN")
        return Comparison(path, op, tuple(values), tok.pos)

    def value(self) -> Literal:
        tok = self.tok
        if tok.kind == "STRING":
            self.advance()
            return Literal("string", tok.value, tok.pos, tok.text, like=tok.like)
        if tok.kind == "NUMBER":
            self.advance()
            num = float(tok.value) if any(c in tok.value for c in ".eE") else int(tok.value)
            return Literal("number", num, tok.pos, tok.text)
        if tok.kind in ("DATE", "DATETIME"):
            self.advance()
            return Literal(tok.kind.lower(), tok.value, tok.pos, tok.text)
        if tok.kind == "COLON":
            raise self.fail(detail="Bind variables only allowed in Apex code")
        if tok.kind == "WORD":
            word = tok.value.upper()
            if word in ("TRUE", "FALSE"):
                self.advance()
                return Literal("boolean", word == "TRUE", tok.pos, tok.text)
            if word == "NULL":
                self.advance()
                return Literal("null", None, tok.pos, tok.text)
            if word in _DATE_LITERALS:
                self.advance()
                return Literal("date_literal", word, tok.pos, tok.text)
            if word in _DATE_LITERALS_WITH_N:
                self.advance()
                if self.tok.kind != "COLON":
                    raise self.fail()
                self.advance()
                n = self.whole_number(word)
                return Literal("date_literal", word, tok.pos, tok.text, n=n)
        raise self.fail()


def parse(text: str) -> Query:
    """The query tree of a SOQL text; SoqlError(MALFORMED_QUERY) when it is not valid syntax."""
    if not isinstance(text, str) or not text.strip():
        raise error(MALFORMED_QUERY, text or "", None, "unexpected token: <EOF>")
    return _Parser(text).query()

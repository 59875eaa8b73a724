"""Read-only guard for analyst Cypher, shared by every store.

The query is tokenised the way a Cypher lexer reads it (comments, ``'`` and ``"`` string
literals with backslash escapes, ```backticked``` names, ``$parameters``), so a keyword inside
a string or comment is never mistaken for code, and one hidden in code is always found. The
guard then refuses:

* writes and schema changes (CREATE, MERGE, SET, DELETE, DETACH, REMOVE, DROP, FOREACH, INSERT),
  LOAD CSV, USING PERIODIC COMMIT and CALL ... IN TRANSACTIONS;
* administration (SHOW, USE, GRANT, DENY, REVOKE, ALTER, RENAME, START, STOP, TERMINATE, ENABLE);
* more than one statement;
* CALL of any procedure outside :data:`ALLOWED_PROCEDURES`, and namespaced functions outside
  the temporal/spatial/vector built-ins (``apoc.*``, ``gds.*``, ``dbms.*`` ...);
* brackets nested too deep and ``range()`` calls too large (:mod:`kg.query.cypher_limits`).

Unicode tricks are refused outright: control, format (zero-width, bidi), line-separator and
non-ASCII space characters anywhere, and any other non-ASCII character outside string
literals, comments and backticked names. A refused word used as a name must be backticked.
The guard is the first line; stores add their own (read transactions on Neo4j; an engine that
cannot write on the embedded store).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from kg.errors import CypherRefused
from kg.query.cypher_limits import check_cost

__all__ = ["Token", "GuardedQuery", "tokenize", "check_read_only", "ALLOWED_PROCEDURES", "FORBIDDEN_WORDS"]

ALLOWED_PROCEDURES = frozenset({"db.labels", "db.relationshipTypes", "db.propertyKeys", "db.schema.visualization"})
ALLOWED_FUNCTION_NAMESPACES = frozenset({"date", "datetime", "localdatetime", "localtime", "time", "duration",
                                         "point", "vector"})

_WRITE = "writes are not allowed (the analyst query surface is read-only)"
_ADMIN = "administration commands are not allowed"
FORBIDDEN_WORDS: dict[str, str] = {
    **{w: _WRITE for w in ("CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "FOREACH", "INSERT")},
    "LOAD": "LOAD CSV is not allowed (no file or URL access)",
    "PERIODIC": "USING PERIODIC COMMIT is not allowed",
    "TRANSACTIONS": "CALL ... IN TRANSACTIONS is not allowed",
    **{w: _ADMIN for w in ("SHOW", "USE", "GRANT", "DENY", "REVOKE", "ALTER", "RENAME", "START", "STOP",
                           "TERMINATE", "ENABLE")},
}

_LINE_ENDS = "\n\r"
_SPACE = " \t\n\r"


@dataclass(frozen=True)
class Token:
    """One lexical token: ``kind`` is word, name (backticked), string, number, param or punct.

    ``text`` is the source text (quotes included); ``value`` the decoded content for strings,
    backticked names and parameters; ``start``/``end`` index the query text.
    """

    kind: str
    text: str
    start: int
    end: int
    value: str = ""

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


@dataclass(frozen=True)
class GuardedQuery:
    """A query that passed the guard: ``text`` without a trailing semicolon, and its tokens."""

    text: str
    tokens: tuple[Token, ...]


def _refuse(message: str) -> CypherRefused:
    return CypherRefused(f"Cypher refused: {message}")


def _check_characters(query: str) -> None:
    """Refuse characters that lexers disagree about or that hide text."""
    for offset, char in enumerate(query):
        if char in _SPACE or " " < char < "\x7f":
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Zl", "Zp", "Zs", "Cs", "Co", "Cn"):
            name = unicodedata.name(char, "unnamed")
            raise _refuse(f"character U+{ord(char):04X} ({name}) at offset {offset} is not allowed")


def _scan_string(query: str, start: int) -> tuple[int, str]:
    """End offset and decoded value of the string literal opening at ``start``."""
    quote, i, out = query[start], start + 1, []
    while i < len(query):
        char = query[i]
        if char == "\\":
            if i + 1 >= len(query):
                break
            out.append(_unescape(query[i + 1]))
            i += 2
            continue
        if char == quote:
            return i + 1, "".join(out)
        out.append(char)
        i += 1
    raise _refuse(f"unterminated string literal starting at offset {start}")


def _unescape(char: str) -> str:
    return {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}.get(char, char)


def _scan_backticks(query: str, start: int) -> tuple[int, str]:
    i, out = start + 1, []
    while i < len(query):
        if query[i] == "`":
            if query.startswith("``", i):
                out.append("`")
                i += 2
                continue
            return i + 1, "".join(out)
        out.append(query[i])
        i += 1
    raise _refuse(f"unterminated `backticked` name starting at offset {start}")


def _scan_word(query: str, start: int) -> int:
    i = start
    while i < len(query) and (query[i].isascii() and (query[i].isalnum() or query[i] == "_")):
        i += 1
    return i


def _scan_digits(query: str, start: int, digits: str = "0123456789_") -> int:
    i = start
    while i < len(query) and query[i] in digits:
        i += 1
    return i


def _scan_number(query: str, start: int) -> int:
    """A numeric literal, strictly: any letters after it start a new word, so they are checked."""
    if query[start] == "0" and query[start + 1:start + 2] in ("x", "X", "o", "O"):
        digits = "0123456789abcdefABCDEF_" if query[start + 1] in "xX" else "01234567_"
        return _scan_digits(query, start + 2, digits)
    i = _scan_digits(query, start)
    if query.startswith(".", i) and query[i + 1:i + 2].isdigit():
        i = _scan_digits(query, i + 1)
    if query[i:i + 1] in ("e", "E"):
        sign = 1 if query[i + 1:i + 2] in ("+", "-") else 0
        if query[i + 1 + sign:i + 2 + sign].isdigit():
            i = _scan_digits(query, i + 1 + sign)
    return i


def _comment_end(query: str, start: int) -> int:
    if query.startswith("//", start):
        ends = [p for p in (query.find(c, start) for c in _LINE_ENDS) if p >= 0]
        return min(ends) if ends else len(query)
    end = query.find("*/", start + 2)
    if end < 0:
        raise _refuse(f"unterminated /* comment starting at offset {start}")
    return end + 2


def tokenize(query: str) -> list[Token]:
    """Split ``query`` into tokens, dropping white space and comments.

    Raises :class:`~kg.errors.CypherRefused` for unterminated literals or comments and for
    characters that are not allowed (see the module docstring).
    """
    _check_characters(query)
    tokens: list[Token] = []
    i = 0
    while i < len(query):
        char = query[i]
        if char in _SPACE:
            i += 1
        elif query.startswith(("//", "/*"), i):
            i = _comment_end(query, i)
        elif char in "'\"":
            end, value = _scan_string(query, i)
            tokens.append(Token("string", query[i:end], i, end, value))
            i = end
        elif char == "`":
            end, value = _scan_backticks(query, i)
            tokens.append(Token("name", query[i:end], i, end, value))
            i = end
        elif not char.isascii():
            raise _refuse(f"character {char!r} at offset {i} is only allowed inside strings, comments or "
                          "`backticked` names")
        elif char == "$":
            i = _param(query, i, tokens)
        elif char.isdigit():
            end = _scan_number(query, i)
            tokens.append(Token("number", query[i:end], i, end))
            i = end
        elif char.isalpha() or char == "_":
            end = _scan_word(query, i)
            tokens.append(Token("word", query[i:end], i, end))
            i = end
        else:
            tokens.append(Token("punct", char, i, i + 1))
            i += 1
    return tokens


def _param(query: str, start: int, tokens: list[Token]) -> int:
    if query.startswith("`", start + 1):
        end, value = _scan_backticks(query, start + 1)
    else:
        end = _scan_word(query, start + 1)
        value = query[start + 1:end]
    if not value:
        raise _refuse(f"'$' at offset {start} is not followed by a parameter name")
    tokens.append(Token("param", query[start:end], start, end, value))
    return end


def _dotted_name(tokens: list[Token], i: int) -> tuple[str, int]:
    """The dotted name (words or backticked parts) starting at ``tokens[i]`` and the index after it."""
    parts = []
    while i < len(tokens) and tokens[i].kind in ("word", "name"):
        parts.append(tokens[i].value if tokens[i].kind == "name" else tokens[i].text)
        if i + 2 < len(tokens) and tokens[i + 1].text == "." and tokens[i + 2].kind in ("word", "name"):
            i += 2
        else:
            i += 1
            break
    return ".".join(parts), i


def _check_call(tokens: list[Token], i: int) -> None:
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is None:
        raise _refuse("CALL without a procedure")
    if nxt.text in ("{", "("):
        return  # a subquery: its tokens are checked like the rest of the query
    name, _ = _dotted_name(tokens, i + 1)
    allowed = {p.casefold() for p in ALLOWED_PROCEDURES}
    if name.casefold() not in allowed:
        raise _refuse(f"CALL {name} is not allowed; allowed procedures: {', '.join(sorted(ALLOWED_PROCEDURES))}")


def _check_function(tokens: list[Token], i: int) -> None:
    """Refuse ``ns.fn(`` calls outside the allowed namespaces (``apoc.*``, ``gds.*`` ...)."""
    if i > 0 and tokens[i - 1].text in (".", ":"):
        return
    name, after = _dotted_name(tokens, i)
    if "." not in name or after >= len(tokens) or tokens[after].text != "(":
        return
    if i > 0 and tokens[i - 1].upper == "CALL":
        return
    if name.split(".")[0].casefold() not in ALLOWED_FUNCTION_NAMESPACES:
        raise _refuse(f"function {name}() is not allowed")


def check_read_only(query: str) -> GuardedQuery:
    """Check that ``query`` is one read-only statement; raise :class:`CypherRefused` if not.

    >>> check_read_only("MATCH (n:Drug) RETURN n.name // CREATE is fine in a comment").text
    'MATCH (n:Drug) RETURN n.name // CREATE is fine in a comment'
    """
    tokens = tokenize(query)
    if not tokens:
        raise _refuse("the query is empty")
    for index, token in enumerate(tokens):
        if token.text == ";":
            if index != len(tokens) - 1:
                raise _refuse("only one statement may be run at a time")
            continue
        word = token.upper
        if word in FORBIDDEN_WORDS:
            as_name = index > 0 and tokens[index - 1].text in ("(", "[", ":", ".", "{", ",")
            hint = f"; to use it as a name write `{token.text}`" if as_name else ""
            raise _refuse(f"{token.text}: {FORBIDDEN_WORDS[word]}{hint}")
        if word == "CALL":
            _check_call(tokens, index)
        elif token.kind in ("word", "name"):
            _check_function(tokens, index)
    check_cost(tokens)  # nesting and range() sizes that no server timeout can stop (kg.query.cypher_limits)
    if tokens[-1].text == ";":
        return GuardedQuery(query[:tokens[-1].start].rstrip(), tuple(tokens[:-1]))
    return GuardedQuery(query, tuple(tokens))

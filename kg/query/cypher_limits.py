"""Cost limits for analyst Cypher that a server's time limit cannot enforce.

Neo4j checks its transaction timeout between rows, not inside one expression or while parsing,
so two kinds of read-only query can hold a server's CPU (or exhaust its memory) long after the
timeout: deeply nested brackets, whose parse time grows steeply with depth (a few hundred
levels already take minutes), and expressions iterating over huge generated lists, such as
``reduce(s = '', x IN range(1, 50000000) | s + 'x')``. The guard therefore refuses nesting
deeper than :data:`MAX_NESTING` and ``range()`` calls whose bounds are not literal whole numbers
or whose spans together exceed :data:`RANGE_BUDGET` elements; ``UNWIND range(...)`` is exempt,
as its elements stream as rows and the timeout stops it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from kg.errors import CypherRefused

__all__ = ["MAX_NESTING", "RANGE_BUDGET", "check_cost"]

MAX_NESTING = 64
RANGE_BUDGET = 10_000
_OPEN, _CLOSE = "([{", ")]}"


class _Token(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def text(self) -> str: ...


def _refuse(message: str) -> CypherRefused:
    return CypherRefused(f"Cypher refused: {message}")


def check_cost(tokens: Sequence[_Token]) -> None:
    """Raise :class:`CypherRefused` for nesting deeper than :data:`MAX_NESTING` or too large ``range()`` calls."""
    depth = 0
    elements = 1
    for index, token in enumerate(tokens):
        if token.kind == "punct" and token.text in _OPEN:
            depth += 1
            if depth > MAX_NESTING:
                raise _refuse(f"brackets are nested more than {MAX_NESTING} deep")
        elif token.kind == "punct" and token.text in _CLOSE:
            depth -= 1
        elif token.kind == "word" and token.text.casefold() == "range" and _is_call(tokens, index) \
                and not _unwound(tokens, index):
            elements *= max(_range_span(tokens, index + 2), 1)
            if elements > RANGE_BUDGET:
                raise _refuse(f"range() may generate at most {RANGE_BUDGET} elements in one query")


def _unwound(tokens: Sequence[_Token], index: int) -> bool:
    """True for ``UNWIND range(...)``: its elements stream as rows, between which the timeout is checked."""
    return index > 0 and tokens[index - 1].text.upper() == "UNWIND"


def _is_call(tokens: Sequence[_Token], index: int) -> bool:
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    before = tokens[index - 1] if index > 0 else None
    return after is not None and after.text == "(" and (before is None or before.text not in (".", ":"))


def _range_span(tokens: Sequence[_Token], start: int) -> int:
    """The number of elements of ``range(a, b[, step])`` whose arguments start at ``tokens[start]``."""
    values: list[int] = []
    i = start
    while i < len(tokens) and tokens[i].text != ")":
        sign = 1
        if tokens[i].text in ("-", "+"):
            sign = -1 if tokens[i].text == "-" else 1
            i += 1
        if i >= len(tokens) or tokens[i].kind != "number" or not tokens[i].text.replace("_", "").isdigit():
            raise _refuse("range() takes literal whole numbers here (e.g. range(1, 10))")
        values.append(sign * int(tokens[i].text.replace("_", "")))
        i += 1
        if i < len(tokens) and tokens[i].text == ",":
            i += 1
    if len(values) not in (2, 3) or (len(values) == 3 and values[2] == 0):
        raise _refuse("range() takes a start, an end and an optional non-zero step")
    low, high, step = values[0], values[1], values[2] if len(values) == 3 else 1
    return max((high - low) // step + 1, 0)

"""Plan analyst Cypher for the embedded store's engine (grand-cypher over networkx).

grand-cypher runs ``MATCH ... [WHERE ...] RETURN ...`` with several MATCH clauses, directed and
variable-length relationship patterns, ``EXISTS { }`` subqueries, COUNT/SUM/AVG/MIN/MAX/COLLECT
and a few scalar functions. Where it parts from Cypher's meaning, the plan keeps to Cypher's:

* DISTINCT, ORDER BY, SKIP and LIMIT are taken out of the query and applied to the rows here
  (grand-cypher stops matching early at LIMIT even when aggregating, and cannot sort nulls
  among strings);
* every RETURN item is aliased so columns come back in the order asked, named as Neo4j
  names them (the alias, else the expression as written);
* ``$parameters`` become literals, ``'single-quoted'`` strings double-quoted, aggregate names
  upper-cased, ``x.p IS NOT NULL`` becomes ``NOT x.p IS NULL`` and ``count(*)`` counts a
  matched node.

Features it lacks, or would answer differently (undirected patterns, AND mixed with OR
without parentheses), are refused with :class:`~kg.errors.CypherUnsupported` naming them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.errors import CypherUnsupported, QueryError
from kg.query.cypher_guard import Token

__all__ = ["Plan", "OrderKey", "plan", "SUBSET"]

SUBSET = ("the embedded store runs a Cypher subset: MATCH (several clauses, directed and variable-length "
          "patterns), WHERE (comparisons, IN [list], STARTS WITH/ENDS WITH/CONTAINS, IS NULL, NOT, EXISTS { }), "
          "RETURN [DISTINCT] with COUNT/SUM/AVG/MIN/MAX/COLLECT and id/type/size/toLower/toUpper/trim/coalesce, "
          "ORDER BY, SKIP, LIMIT, and CALL db.labels()/db.relationshipTypes()/db.propertyKeys()/"
          "db.schema.visualization(); use the Neo4j store for full Cypher")
AGGREGATES = frozenset({"COUNT", "SUM", "AVG", "MIN", "MAX", "COLLECT"})
FUNCTIONS = AGGREGATES | {"ID", "TYPE", "SIZE", "TOLOWER", "TOUPPER", "TRIM", "COALESCE", "RELATIONSHIPS",
                          "ALL", "ANY", "NONE", "SINGLE"}
KEYWORDS_BEFORE_PAREN = frozenset({"MATCH", "WHERE", "AND", "OR", "NOT", "XOR", "RETURN", "DISTINCT", "BY", "IN",
                                   "CONTAINS", "WITH", "AS", "IS", "ORDER", "SKIP", "LIMIT"})
UNSUPPORTED_WORDS = {
    "OPTIONAL": "OPTIONAL MATCH", "WITH": "WITH", "UNWIND": "UNWIND", "UNION": "UNION", "CASE": "CASE expressions",
    "CALL": "CALL subqueries and procedures other than the db.* ones", "YIELD": "YIELD",
    "SHORTESTPATH": "shortestPath()", "ALLSHORTESTPATHS": "allShortestPaths()", "XOR": "XOR",
    "EXPLAIN": "EXPLAIN", "PROFILE": "PROFILE",
}


@dataclass(frozen=True)
class OrderKey:
    """One ORDER BY key: the column (index into the engine's row) and its direction."""

    column: int
    descending: bool


@dataclass
class Plan:
    """What to send to grand-cypher and what to do with its rows."""

    engine_query: str
    columns: list[str]
    keys: list[str]  # engine column names, visible columns first, then hidden sort columns
    order: list[OrderKey] = field(default_factory=list)
    distinct: bool = False
    skip: int = 0
    limit: int | None = None
    empty_row: list[Any] | None = None  # the one row an aggregation over no matches answers


def _unsupported(feature: str) -> CypherUnsupported:
    return CypherUnsupported(f"not supported on the embedded store: {feature}; {SUBSET}")


def _literal(value: Any, name: str) -> str:
    """A Cypher literal grand-cypher parses back to ``value``."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise QueryError(f"parameter ${name} must be a finite number")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple) and not any(isinstance(v, list | tuple | dict) for v in value):
        return "[" + ", ".join(_literal(v, name) for v in value) + "]"
    raise QueryError(f"parameter ${name} must be a string, number, boolean, null or a list of those")


def _depths(tokens: list[Token]) -> list[int]:
    """Bracket depth of every token (its own brackets count at the outer depth)."""
    depth, out = 0, []
    for tok in tokens:
        if tok.kind == "punct" and tok.text in ")]}":
            depth -= 1
        out.append(depth)
        if tok.kind == "punct" and tok.text in "([{":
            depth += 1
    return out


def _check_features(tokens: list[Token], depths: list[int]) -> None:
    for i, tok in enumerate(tokens):
        word = tok.upper
        nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if word == "WITH" and i > 0 and tokens[i - 1].upper in ("STARTS", "ENDS"):
            continue
        if word in UNSUPPORTED_WORDS:
            raise _unsupported(UNSUPPORTED_WORDS[word])
        if word == "EXISTS" and nxt == "(":
            raise _unsupported("the exists() function (write EXISTS { MATCH ... })")
        after_dot = i > 0 and tokens[i - 1].text in (".", ":")
        if tok.kind == "word" and nxt == "(" and word not in KEYWORDS_BEFORE_PAREN | FUNCTIONS and not after_dot:
            raise _unsupported(f"the function {tok.text}()")
        if word in AGGREGATES and nxt == "(" and i + 2 < len(tokens) and tokens[i + 2].upper == "DISTINCT":
            raise _unsupported(f"{tok.text}(DISTINCT ...)")
        if word == "RETURN" and nxt == "*":
            raise _unsupported("RETURN *")
        if word == "MATCH" and i + 2 < len(tokens) and tokens[i + 2].text == "=":
            raise _unsupported("named paths (p = ...); return the nodes and relationships instead")
    _check_boolean_mix(tokens)
    _check_directions(tokens, depths)


def _check_boolean_mix(tokens: list[Token]) -> None:
    """AND and OR in one group without parentheses: grand-cypher's precedence differs from Cypher's."""
    groups, opened, seen = [0], 0, {}  # type: ignore[var-annotated]
    for tok in tokens:
        if tok.kind == "punct" and tok.text in "([{":
            opened += 1
            groups.append(opened)
        elif tok.kind == "punct" and tok.text in ")]}" and len(groups) > 1:
            groups.pop()
        elif tok.upper in ("AND", "OR"):
            ops = seen.setdefault(groups[-1], set())
            ops.add(tok.upper)
            if len(ops) == 2:
                raise _unsupported("AND mixed with OR without parentheses (add parentheses to group them)")
        elif tok.upper in ("WHERE", "MATCH", "RETURN"):
            seen.pop(groups[-1], None)


def _check_directions(tokens: list[Token], depths: list[int]) -> None:
    """Relationship patterns must point one way: grand-cypher matches nothing for ``(a)--(b)``."""
    in_match = False
    for i, tok in enumerate(tokens):
        if depths[i] == 0 and tok.upper in ("MATCH", "WHERE", "RETURN"):
            in_match = tok.upper == "MATCH"
        if not (in_match and tok.text == ")" and i + 1 < len(tokens) and tokens[i + 1].text in ("-", "<")):
            continue
        left = tokens[i + 1].text == "<"
        j = i + 1
        while j < len(tokens) and not (tokens[j].text == "(" and depths[j] == depths[i]):
            j += 1
        right = tokens[j - 1].text == ">"
        if not left and not right:
            raise _unsupported("undirected relationship patterns (give each relationship a direction)")


class _Writer:
    """Re-renders tokens, keeping the original spacing (a comment becomes one space)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.marks: list[int] = []  # index in ``parts`` of each added token's text
        self.last_end: int | None = None

    def add(self, text: str, start: int | None = None, end: int | None = None) -> None:
        if self.parts and (start is None or start != self.last_end):
            self.parts.append(" ")
        self.marks.append(len(self.parts))
        self.parts.append(text)
        self.last_end = end

    def text(self) -> str:
        return "".join(self.parts)


def _render(tokens: list[Token], params: Mapping[str, Any], count_var: str | None) -> str:
    out = _Writer()
    i = 0
    while i < len(tokens):
        tok, nxt = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else None
        text = tok.text
        if tok.kind == "param":
            if tok.value not in params:
                raise QueryError(f"missing parameter ${tok.value}")
            text = _literal(params[tok.value], tok.value)
        elif tok.kind == "string" and text.startswith("'"):
            text = json.dumps(tok.value, ensure_ascii=False)
        elif tok.upper in AGGREGATES | {"EXISTS"} and nxt is not None and nxt.text in "({":
            text = tok.upper
            if text == "COUNT" and [t.text for t in tokens[i + 1:i + 4]] == ["(", "*", ")"]:
                if count_var is None:
                    raise _unsupported("count(*) without a named node to count")
                out.add(f"COUNT({count_var})", tok.start, None)
                i += 4
                continue
        elif tok.upper == "WITH" and i > 0 and tokens[i - 1].upper in ("STARTS", "ENDS"):
            out.add("WITH", None, tok.end)
            i += 1
            continue
        elif tok.upper == "IS" and nxt is not None and nxt.upper == "NOT":
            _negate_operand(out, tokens, i)
            out.add("IS", tok.start, tok.end)
            i += 2
            continue
        out.add(text, tok.start, tok.end)
        i += 1
    return out.text()


def _negate_operand(out: _Writer, tokens: list[Token], i: int) -> None:
    """Turn ``x.p IS NOT NULL`` into ``NOT x.p IS NULL`` (only for a variable or property operand)."""
    if i >= 3 and tokens[i - 2].text == "." and tokens[i - 3].kind in ("word", "name"):
        count = 3
    elif i >= 1 and tokens[i - 1].kind in ("word", "name"):
        count = 1
    else:
        raise _unsupported("IS NOT NULL on an expression (write NOT expr IS NULL)")
    out.parts.insert(out.marks[-count], "NOT ")


def _split(tokens: list[Token], depths: list[int], base: int) -> list[list[Token]]:
    items: list[list[Token]] = [[]]
    for tok, depth in zip(tokens, depths, strict=True):
        if tok.text == "," and depth == base:
            items.append([])
        else:
            items[-1].append(tok)
    if any(not item for item in items):
        raise QueryError("empty item in RETURN or ORDER BY")
    return items


def _int_value(tok: Token, params: Mapping[str, Any], clause: str) -> int:
    raw: Any = params.get(tok.value) if tok.kind == "param" else tok.text
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise QueryError(f"{clause} needs a whole number, not {tok.text}") from None
    if value < 0:
        raise QueryError(f"{clause} must not be negative")
    return value


def _first_node_variable(tokens: list[Token]) -> str | None:
    for i, tok in enumerate(tokens[:-1]):
        if tok.text == "(" and tokens[i + 1].kind == "word" and i > 0 and tokens[i - 1].upper in ("MATCH", "-", ">"):
            return tokens[i + 1].text
    return None


def plan(query: str, tokens: tuple[Token, ...] | list[Token], params: Mapping[str, Any]) -> Plan:
    """Plan a guarded query (see the module docstring); raise CypherUnsupported for what cannot run."""
    toks = list(tokens)
    depths = _depths(toks)
    _check_features(toks, depths)
    ret = [i for i, t in enumerate(toks) if t.upper == "RETURN" and depths[i] == 0]
    if not ret:
        raise _unsupported("a query without RETURN")
    head, rest, rest_depths = toks[:ret[-1]], toks[ret[-1] + 1:], depths[ret[-1] + 1:]
    distinct = bool(rest) and rest[0].upper == "DISTINCT"
    if distinct:
        rest, rest_depths = rest[1:], rest_depths[1:]
    clause_at = {t.upper: i for i, t in enumerate(rest)
                 if rest_depths[i] == 0 and t.upper in ("ORDER", "SKIP", "LIMIT")}
    ends = sorted(clause_at.values()) + [len(rest)]
    items = _split(rest[:ends[0]], rest_depths[:ends[0]], 0)
    count_var = _first_node_variable(head)
    columns, exprs, aliases = [], [], []
    for item in items:
        if len(item) >= 3 and item[-2].upper == "AS":
            alias = item[-1].value if item[-1].kind == "name" else item[-1].text
            item = item[:-2]
        else:
            alias = None
        columns.append(alias or query[item[0].start:item[-1].end])
        aliases.append(alias)
        exprs.append(item)
    aggregating = any(e[0].upper in AGGREGATES for e in exprs)
    engine_items = [_render(e, params, count_var) for e in exprs]
    order, hidden = _order_keys(rest, rest_depths, clause_at, ends, exprs, aliases, aggregating or distinct,
                                params, count_var)
    keys = [f"__c{i}" for i in range(len(engine_items))] + [f"__o{i}" for i in range(len(hidden))]
    returns = ", ".join(f"{expr} AS {key}" for expr, key in zip(engine_items + hidden, keys, strict=True))
    return Plan(engine_query=f"{_render(head, params, count_var)} RETURN {returns}", columns=columns, keys=keys,
                order=order, distinct=distinct, skip=_clause_value(rest, clause_at, "SKIP", params) or 0,
                limit=_clause_value(rest, clause_at, "LIMIT", params), empty_row=_empty_row(exprs))


def _empty_row(exprs: list[list[Token]]) -> list[Any] | None:
    """Cypher answers one row when every item aggregates and nothing matched: 0, [] or null."""
    if not all(e[0].upper in AGGREGATES for e in exprs):
        return None
    return [0 if e[0].upper in ("COUNT", "SUM") else [] if e[0].upper == "COLLECT" else None for e in exprs]


def _clause_value(rest: list[Token], clause_at: dict[str, int], name: str, params: Mapping[str, Any]) -> int | None:
    if name not in clause_at:
        return None
    at = clause_at[name]
    if at + 1 >= len(rest):
        raise QueryError(f"{name} needs a number")
    return _int_value(rest[at + 1], params, name)


def _order_keys(rest: list[Token], rest_depths: list[int], clause_at: dict[str, int], ends: list[int],
                exprs: list[list[Token]], aliases: list[str | None], projected_only: bool,
                params: Mapping[str, Any], count_var: str | None) -> tuple[list[OrderKey], list[str]]:
    """ORDER BY keys as column indexes, and the hidden RETURN items for keys that are not returned."""
    if "ORDER" not in clause_at:
        return [], []
    start = clause_at["ORDER"]
    if start + 1 >= len(rest) or rest[start + 1].upper != "BY":
        raise QueryError("ORDER must be followed by BY")
    stop = next(e for e in ends if e > start)
    keys: list[OrderKey] = []
    hidden: list[str] = []
    for item in _split(rest[start + 2:stop], rest_depths[start + 2:stop], 0):
        descending = item[-1].upper in ("DESC", "DESCENDING")
        if item[-1].upper in ("ASC", "ASCENDING", "DESC", "DESCENDING"):
            item = item[:-1]
        text = "".join(t.text for t in item)
        column = next((i for i, a in enumerate(aliases) if a is not None and text in (a, f"`{a}`")), None)
        if column is None:
            column = next((i for i, e in enumerate(exprs) if "".join(t.text for t in e) == text), None)
        if column is None:
            if projected_only:
                raise QueryError(f"ORDER BY {text}: with DISTINCT or aggregation, order by returned columns only")
            column = len(exprs) + len(hidden)
            hidden.append(_render(item, params, count_var))
        keys.append(OrderKey(column, descending))
    return keys, hidden

"""Analyst Cypher on the Neo4j store: full Cypher, guarded, with the store's internals kept out of sight.

Each query passes the shared guard and :func:`~kg.store.cypher_surface.check_visible`, then runs
in a read transaction that the server stops after ``timeout`` seconds (the driver's transaction
timeout), at most ``row_cap`` + 1 rows being read. What Neo4j holds beyond the analyst graph (the
common label ``Entity`` and the ``_kg_*`` bookkeeping properties) is filtered out of answers:
``labels(x)`` and ``keys(x)`` are rewritten to leave them out, and nodes and maps in answers
(``properties(n)``, ``n {.*}``) lose them (:func:`kg.store.neo4j_records.cypher_json`). The
``db.*`` procedures are answered from the data as :mod:`kg.store.cypher_surface` says.

One difference from the embedded store is left as Neo4j has it: ``id(n)`` is Neo4j's internal
integer id here and the node's CURIE there; queries meant for both stores use ``n.id``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from neo4j import ManagedTransaction, unit_of_work
from neo4j.exceptions import Neo4jError

from kg.errors import CypherRefused, CypherTimeout, QueryError
from kg.query.cypher_guard import GuardedQuery, check_read_only
from kg.store import neo4j_records as records
from kg.store.base import CypherResult
from kg.store.cypher_surface import (
    HIDDEN_LABEL,
    INTERNAL_PREFIX,
    Outline,
    check_visible,
    procedure_answer,
    procedure_call,
)

__all__ = ["run_cypher", "hide_internals", "query_error", "OUTLINE_QUERIES"]

Runner = Callable[[Callable[[ManagedTransaction], Any]], Any]
_FILTERS = {"labels": f'<> "{HIDDEN_LABEL}"', "keys": f'STARTS WITH "{INTERNAL_PREFIX}"'}
OUTLINE_QUERIES = {
    "labels": "MATCH (n:Entity) UNWIND labels(n) AS x RETURN DISTINCT x",
    "types": "MATCH (:Entity)-[r]->(:Entity) RETURN DISTINCT type(r) AS x",
    "keys": "MATCH (n:Entity) UNWIND keys(n) AS x RETURN DISTINCT x "
            "UNION MATCH (:Entity)-[r]->(:Entity) UNWIND keys(r) AS x RETURN DISTINCT x",
    "triples": "MATCH (a:Entity)-[r]->(b:Entity) RETURN DISTINCT [a.category, type(r), b.category] AS x",
}


def run_cypher(run: Runner, query: str, params: Mapping[str, Any] | None = None, timeout: float = 10.0,
               row_cap: int = 10_000) -> CypherResult:
    """Run one analyst query through ``run`` (a read-transaction runner); see
    :meth:`kg.store.base.GraphStore.cypher`."""
    started = time.perf_counter()
    guarded = check_read_only(query)
    check_visible(guarded.tokens)
    procedure = procedure_call(guarded.tokens)
    text, pieces = hide_internals(guarded)

    def answer(tx: ManagedTransaction) -> tuple[list[str], list[list[Any]]]:
        if procedure is not None:
            found = {part: [r["x"] for r in tx.run(q)] for part, q in OUTLINE_QUERIES.items()}
            outline = Outline.of(found["labels"], found["types"], found["keys"], map(tuple, found["triples"]))
            names, table = procedure_answer(procedure, outline)
            return names, [list(row) for row in table]
        result = tx.run(text, dict(params or {}))
        rows: list[list[Any]] = []
        for record in result:
            rows.append([records.cypher_json(value) for value in record.values()])
            if len(rows) > row_cap:
                break
        columns = [_restore(key, pieces) for key in result.keys()]  # noqa: SIM118 - a Result, not a dict
        return columns, rows

    try:
        columns, rows = run(unit_of_work(timeout=timeout)(answer))
    except Neo4jError as err:
        raise query_error(err, timeout) from err
    elapsed = (time.perf_counter() - started) * 1000
    return CypherResult(columns, rows[:row_cap], len(rows) > row_cap, elapsed)


def _closing(guarded: GuardedQuery, opening: int) -> int:
    """The index of the token closing the bracket at ``opening``."""
    depth = 0
    for index in range(opening, len(guarded.tokens)):
        text = guarded.tokens[index].text
        depth += (text in "([{") - (text in ")]}") if guarded.tokens[index].kind == "punct" else 0
        if depth == 0:
            return index
    return len(guarded.tokens) - 1  # unbalanced: Neo4j reports the syntax error


def hide_internals(guarded: GuardedQuery) -> tuple[str, list[str]]:
    """The query text with each ``labels(x)`` and ``keys(x)`` call filtered of the hidden label and
    keys, and the pieces of text added (Neo4j names an unaliased column by its text, so
    :func:`_restore` takes them out of column names again).

    >>> hide_internals(check_read_only("MATCH (n) RETURN labels(n) AS l"))[0]
    'MATCH (n) RETURN [_kg_0 IN labels(n) WHERE _kg_0 <> "Entity"] AS l'
    """
    tokens, text = guarded.tokens, guarded.text
    inserts: list[tuple[int, int, int, str]] = []  # (offset, closing before opening, inner first, text)
    for index, token in enumerate(tokens[:-1]):
        function = token.text.casefold() if token.kind == "word" else ""
        after_dot = index > 0 and tokens[index - 1].text in (".", ":")
        if function not in _FILTERS or tokens[index + 1].text != "(" or after_dot:
            continue
        var = f"{INTERNAL_PREFIX}{len(inserts) // 2}"
        condition = f"NOT {var} {_FILTERS[function]}" if function == "keys" else f"{var} {_FILTERS[function]}"
        inserts.append((token.start, 1, index, f"[{var} IN "))
        inserts.append((tokens[_closing(guarded, index + 1)].end, 0, -index, f" WHERE {condition}]"))
    out, last = [], 0
    for offset, _, _, piece in sorted(inserts):
        out += [text[last:offset], piece]
        last = offset
    out.append(text[last:])
    return "".join(out), [piece for *_, piece in inserts]


def _restore(column: str, pieces: list[str]) -> str:
    """A column name as the analyst wrote its expression (without the pieces :func:`hide_internals` added)."""
    for piece in pieces:
        column = column.replace(piece, "")
    return column


def query_error(err: Neo4jError, timeout: float) -> QueryError:
    """The project's error for a Neo4j error raised by an analyst query."""
    code = err.code or ""
    if "TransactionTimedOut" in code:
        return CypherTimeout(f"the query did not finish within {timeout:g} s and was stopped")
    if code.endswith(("AccessMode", "Forbidden")):
        return CypherRefused(f"Cypher refused by Neo4j: {err.message}")
    return QueryError(f"Neo4j could not run the query: {err.message}")

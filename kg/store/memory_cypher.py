"""Analyst Cypher on the embedded store: grand-cypher over a Cypher-shaped copy of the graph.

The copy (:class:`CypherView`) labels each node with its category and each relationship with
its predicate and flattens their properties as :mod:`kg.store.projection` says. Each query is
checked by the shared guard, planned by :mod:`kg.query.cypher_dialect`, then run in a forked
worker process that is killed at the deadline, so a runaway query costs the service nothing
after ``timeout`` seconds. The worker cannot write back: the graph it sees is its own copy.
grand-cypher's aggregates are replaced by ones with Cypher's null semantics (as Neo4j answers),
and the ``db.*`` procedures are answered as :mod:`kg.store.cypher_surface` says.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Mapping
from functools import partial
from multiprocessing.connection import Connection
from typing import Any

import grandcypher
import networkx as nx
from grandcypher import GrandCypher
from lark.exceptions import UnexpectedInput

from kg.errors import CypherTimeout, CypherUnsupported, QueryError
from kg.model import canonical_json
from kg.query import cypher_dialect
from kg.query.cypher_guard import check_read_only
from kg.store.base import CypherResult
from kg.store.cypher_surface import Outline, check_visible, procedure_answer, procedure_call
from kg.store.projection import edge_properties, node_json, node_properties, relationship_json

__all__ = ["CypherView", "run_cypher", "outline", "MEMORY_HEADROOM"]

MEMORY_HEADROOM = 2 * 1024**3  # bytes a worker may allocate beyond what it inherits


class CypherView:
    """The graph as Cypher sees it: labelled nodes and typed relationships with flat properties."""

    def __init__(self, source: nx.MultiDiGraph) -> None:
        self.source = source
        self.graph = nx.MultiDiGraph()
        for node_id, node in source.nodes(data="record"):
            self.graph.add_node(node_id, __labels__={node.category}, __kind__="node", **node_properties(node))
        for subject, obj, key, edge in source.edges(keys=True, data="record"):
            self.graph.add_edge(subject, obj, key=key, __labels__={edge.predicate}, __kind__="rel",
                                **edge_properties(edge))


def run_cypher(view: CypherView, query: str, params: Mapping[str, Any] | None = None, timeout: float = 10.0,
               row_cap: int = 10_000) -> CypherResult:
    """Run one guarded, read-only query; see :meth:`kg.store.base.GraphStore.cypher`."""
    started = time.perf_counter()
    guarded = check_read_only(query)
    check_visible(guarded.tokens)
    procedure = procedure_call(guarded.tokens)
    if procedure is not None:
        columns, rows = procedure_answer(procedure, outline(view.graph))
    else:
        plan = cypher_dialect.plan(guarded.text, guarded.tokens, params or {})
        columns, rows = plan.columns, _execute(view.graph, plan, timeout, row_cap)
    elapsed = (time.perf_counter() - started) * 1000
    return CypherResult(columns, rows[:row_cap], len(rows) > row_cap, elapsed)


# -- aggregates with Cypher's meaning ------------------------------------------------------------
class _Count(grandcypher.Count):
    """count(x): the values that are not null (grand-cypher counts nulls too)."""

    def aggregate(self, values: list[Any]) -> int:
        return sum(1 for v in values if v is not None)


class _Sum(grandcypher.Sum):
    def aggregate(self, values: list[Any]) -> Any:
        return sum(v for v in values if v is not None)


class _Avg(grandcypher.Avg):
    """avg(x): the mean of the values that are not null, null if none (grand-cypher counts nulls as 0)."""

    def aggregate(self, values: list[Any]) -> Any:
        present = [v for v in values if v is not None]
        return sum(present) / len(present) if present else None


class _Min(grandcypher.Min):
    """min(x): the least value that is not null in ORDER BY's order across types, null if none
    (grand-cypher answers infinity for nulls and fails on strings among them)."""

    def aggregate(self, values: list[Any]) -> Any:
        present = [v for v in values if v is not None]
        return min(present, key=_sort_key) if present else None


class _Max(grandcypher.Max):
    def aggregate(self, values: list[Any]) -> Any:
        present = [v for v in values if v is not None]
        return max(present, key=_sort_key) if present else None


grandcypher._AGGREGATION_FUNCTIONS.update({f.name: f for f in (_Count, _Sum, _Avg, _Min, _Max)})


# -- the allowed db.* procedures --------------------------------------------------------------
def outline(graph: nx.MultiDiGraph) -> Outline:
    """What the ``db.*`` procedures report of the Cypher-shaped ``graph``."""
    label = {node: next(iter(ls)) for node, ls in graph.nodes(data="__labels__")}
    keys = {k for _, d in graph.nodes(data=True) for k in d} | {k for *_, d in graph.edges(data=True) for k in d}
    return Outline.of(label.values(), (next(iter(t)) for *_, t in graph.edges(data="__labels__")),
                      (k for k in keys if not k.startswith("__")),
                      ((label[u], next(iter(t)), label[v]) for u, v, t in graph.edges(data="__labels__")))


# -- running a plan in a worker ------------------------------------------------------------------
def _execute(graph: nx.MultiDiGraph, plan: cypher_dialect.Plan, timeout: float, row_cap: int) -> list[list[Any]]:
    if "fork" not in multiprocessing.get_all_start_methods():
        return _execute_in_thread(graph, plan, timeout, row_cap)
    ctx = multiprocessing.get_context("fork")
    reader, writer = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_worker, args=(graph, plan, row_cap, writer), daemon=True)
    worker.start()
    writer.close()
    try:
        if not reader.poll(timeout):
            raise CypherTimeout(f"the query did not finish within {timeout:g} s and was stopped")
        status, payload = reader.recv()
    except EOFError:
        raise QueryError("the query stopped unexpectedly (it may need too much memory)") from None
    finally:
        reader.close()
        if worker.is_alive():
            worker.kill()
        worker.join()
    return _unpack(status, payload)


def _execute_in_thread(graph: nx.MultiDiGraph, plan: cypher_dialect.Plan, timeout: float,
                       row_cap: int) -> list[list[Any]]:
    """Where processes cannot fork: a daemon thread; past the deadline its answer is dropped."""
    box: list[tuple[str, Any]] = []
    thread = threading.Thread(target=lambda: box.append(_answer(graph, plan, row_cap)), daemon=True)
    thread.start()
    thread.join(timeout)
    if not box:
        raise CypherTimeout(f"the query did not finish within {timeout:g} s")
    return _unpack(*box[0])


def _unpack(status: str, payload: Any) -> list[list[Any]]:
    if status == "ok":
        return payload  # type: ignore[no-any-return]
    if status == "unsupported":
        raise CypherUnsupported(payload)
    raise QueryError(payload)


def _worker(graph: nx.MultiDiGraph, plan: cypher_dialect.Plan, row_cap: int, conn: Connection) -> None:
    _limit_memory()
    try:
        conn.send(_answer(graph, plan, row_cap))
    finally:
        conn.close()


def _limit_memory() -> None:
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:
            inherited = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (inherited + MEMORY_HEADROOM, resource.RLIM_INFINITY))
    except (ImportError, OSError, ValueError):
        pass  # no /proc or no rlimits here: the deadline still bounds the worker


def _answer(graph: nx.MultiDiGraph, plan: cypher_dialect.Plan, row_cap: int) -> tuple[str, Any]:
    """Evaluate ``plan``; a status and rows, or a status and a message (never raises)."""
    try:
        engine = GrandCypher(graph)
        engine.auto_where_hints = False  # grand-cypher's experimental index hints drop or break matches
        engine.auto_node_jsondata_hints = False
        raw = engine.run(plan.engine_query)
        return "ok", _rows(raw, plan, row_cap)
    except MemoryError:
        return "error", "the query needs too much memory"
    except UnexpectedInput as err:
        near = getattr(err, "token", None) or getattr(err, "char", None) or "the end"
        return "unsupported", f"the embedded store cannot parse this query near {str(near)!r}; {cypher_dialect.SUBSET}"
    except Exception as err:  # noqa: BLE001 - the engine's own errors become one clear message
        return "unsupported", (f"the embedded store could not evaluate this query ({type(err).__name__}: {err}); "
                               f"{cypher_dialect.SUBSET}")


def _rows(raw: dict[Any, list[Any]], plan: cypher_dialect.Plan, row_cap: int) -> list[list[Any]]:
    columns = {str(k): v for k, v in raw.items()}
    count = max((len(v) for v in columns.values()), default=0)
    rows = [[_json_value(columns[k][i]) if k in columns else None for k in plan.keys] for i in range(count)]
    if not rows and plan.empty_row is not None:
        rows = [list(plan.empty_row)]
    if plan.distinct:
        rows = _distinct(rows)
    for key in reversed(plan.order):
        rows.sort(key=partial(_column_key, key.column), reverse=key.descending)
    rows = [row[:len(plan.columns)] for row in rows]
    end = None if plan.limit is None else plan.skip + plan.limit
    return rows[plan.skip:end][:row_cap + 1]


def _distinct(rows: list[list[Any]]) -> list[list[Any]]:
    """The rows without repeats, each kept where it first appears."""
    seen: set[str] = set()
    out = []
    for row in rows:
        key = canonical_json(row)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def _column_key(column: int, row: list[Any]) -> tuple[Any, ...]:
    return _sort_key(row[column])


def _json_value(value: Any) -> Any:
    if isinstance(value, dict):
        kind = value.get("__kind__")
        props = {str(k): _json_value(v) for k, v in value.items() if not str(k).startswith("__")}
        labels = value.get("__labels__", ())
        if kind == "node":
            return node_json(labels, props)
        if kind == "rel":
            return relationship_json(next(iter(labels)), props)
        return props
    if isinstance(value, set | frozenset):
        return sorted((_json_value(v) for v in value), key=_sort_key)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _sort_key(value: Any) -> tuple[Any, ...]:
    """Cypher's ORDER BY across types: maps, lists, strings, booleans, numbers, then null."""
    if value is None:
        return (9,)
    if isinstance(value, bool):
        return (6, value)
    if isinstance(value, int | float):
        return (7, value)
    if isinstance(value, str):
        return (5, value)
    if isinstance(value, list):
        return (3, tuple(_sort_key(v) for v in value))
    return (1, canonical_json(value))

"""Read-only SPARQL over the RDF view of the graph (:mod:`kg.export.rdf` plus the schema's OWL).

The view is built once per store generation and cached. Queries are checked before they run:
SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...), ``SERVICE`` federation and ``FROM``/``FROM
NAMED`` (which would make rdflib fetch graphs from the web) are refused, as are regular
expressions with nested quantifiers. A query is stopped after ``timeout`` seconds and SELECT
answers keep at most ``row_cap`` rows. Answers are SPARQL 1.1 Query Results JSON (SELECT, ASK)
or a graph (CONSTRUCT, DESCRIBE).
"""

from __future__ import annotations

import ctypes
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pyparsing import ParseException
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from kg.errors import QueryError
from kg.store.base import GraphStore
from kg.store.generation import GenerationCache

__all__ = ["SparqlEngine", "SparqlAnswer", "SparqlRefused", "SparqlTimeout", "check_query", "term_json"]

MAX_QUERY_CHARS = 20_000
_NESTED_QUANTIFIER = re.compile(r"\([^()]*[+*}][^()]*\)\s*[+*{]")
_REFUSED_PATTERNS = {"ServiceGraphPattern": "SERVICE federation is not allowed",
                     "DatasetClause": "FROM / FROM NAMED is not allowed: queries run over this graph only"}


class SparqlRefused(QueryError):
    """A SPARQL request this read-only endpoint will not run (updates, federation, remote graphs)."""


class SparqlTimeout(QueryError):
    """A SPARQL query that did not finish within the time limit (it was stopped)."""


class _Stopped(BaseException):
    """Raised inside a query's worker thread to stop it at the time limit."""


@dataclass(frozen=True)
class SparqlAnswer:
    """``results`` (SPARQL JSON) for SELECT/ASK, or ``graph`` for CONSTRUCT/DESCRIBE."""

    form: str
    results: dict[str, Any] | None
    graph: Graph | None
    truncated: bool
    elapsed_ms: float
    generation: str


def _walk(node: Any) -> Any:
    """Every CompValue in a parse tree (depth first)."""
    if isinstance(node, CompValue):
        yield node
        children: Any = node.values()
    elif isinstance(node, dict):
        children = node.values()
    elif isinstance(node, list | tuple):
        children = node
    else:
        return
    for child in children:
        yield from _walk(child)


def check_query(text: str) -> Any:
    """Parse ``text`` as a read-only query and return the parse tree; raise :class:`SparqlRefused` or
    :class:`~kg.errors.QueryError` (syntax) otherwise."""
    if not text.strip():
        raise QueryError("the SPARQL query is empty")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the SPARQL query is longer than {MAX_QUERY_CHARS} characters")
    try:
        parsed = parseQuery(text)
    except ParseException as err:
        try:
            parseUpdate(text)
        except ParseException:
            raise QueryError(f"SPARQL syntax error: {err}") from None
        raise SparqlRefused("SPARQL Update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, ...) is not allowed: "
                            "this endpoint is read-only") from None
    for part in _walk(list(parsed)):
        if part.name in _REFUSED_PATTERNS:
            raise SparqlRefused(_REFUSED_PATTERNS[part.name])
    if _NESTED_QUANTIFIER.search(text):
        raise SparqlRefused("regular expressions with nested quantifiers are not allowed (they can run for ever)")
    return parsed


def term_json(term: Any) -> dict[str, str]:
    """One RDF term in SPARQL 1.1 Query Results JSON form."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype:
            out["datatype"] = str(term.datatype)
        return out
    return {"type": "literal", "value": str(term)}


def _select_json(result: Mapping[str, Any], row_cap: int) -> tuple[dict[str, Any], bool]:
    names = [str(v) for v in result.get("vars_") or []]
    rows: list[dict[str, Any]] = []
    truncated = False
    for binding in result["bindings"]:
        if len(rows) == row_cap:
            truncated = True
            break
        row = {}
        for name in names:
            value = binding.get(name) if hasattr(binding, "get") else None
            if value is None:
                value = binding.get(_variable(name))
            if value is not None:
                row[name] = term_json(value)
        rows.append(row)
    return {"head": {"vars": names}, "results": {"bindings": rows}}, truncated


def _variable(name: str) -> Any:
    from rdflib import Variable

    return Variable(name)


def _evaluate(graph: Graph, parsed: Any, row_cap: int) -> tuple[str, dict[str, Any] | None, Graph | None, bool]:
    query = translateQuery(parsed)
    result = evalQuery(graph, query, {})
    form = str(query.algebra.name).removesuffix("Query").upper()
    if form == "SELECT":
        results, truncated = _select_json(result, row_cap)
        return form, results, None, truncated
    if form == "ASK":
        return form, {"head": {}, "boolean": bool(result["askAnswer"])}, None, False
    found: Graph = result["graph"]
    if len(found) <= row_cap:
        return form, None, found, False
    capped = Graph()
    for number, triple in enumerate(found):
        if number == row_cap:
            break
        capped.add(triple)
    return form, None, capped, True


def _run_with_timeout(work: Any, timeout: float) -> Any:
    """Run ``work()`` in a thread; stop it (by an asynchronous exception) after ``timeout`` seconds."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except _Stopped:
            outcome["stopped"] = True
        except BaseException as err:  # handed to the caller's thread below
            outcome["error"] = err

    worker = threading.Thread(target=target, name="sparql-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive() and worker.ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(_Stopped))
        worker.join(1.0)
        raise SparqlTimeout(f"the SPARQL query did not finish within {timeout:g} s and was stopped")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


class SparqlEngine:
    """Runs read-only SPARQL against a store's RDF view, rebuilt only when the store's graph changes."""

    def __init__(self, timeout: float = 10.0, row_cap: int = 10_000) -> None:
        self.timeout = timeout
        self.row_cap = row_cap
        self._views: GenerationCache[Graph] = GenerationCache(_build_view)

    def view(self, store: GraphStore) -> tuple[Graph, str]:
        """The RDF view of the store's current graph and its generation."""
        return self._views.get(store)

    def run(self, store: GraphStore, text: str) -> SparqlAnswer:
        """Check and run one query (raises :class:`SparqlRefused`, :class:`SparqlTimeout`, ``QueryError``)."""
        parsed = check_query(text)
        graph, generation = self.view(store)
        started = time.perf_counter()
        try:
            form, results, found, truncated = _run_with_timeout(
                lambda: _evaluate(graph, parsed, self.row_cap), self.timeout)
        except (SparqlTimeout, SparqlRefused):
            raise
        except QueryError:
            raise
        except Exception as err:  # rdflib raises many kinds for a query it cannot evaluate
            raise QueryError(f"SPARQL query failed: {err}") from err
        return SparqlAnswer(form, results, found, truncated, (time.perf_counter() - started) * 1000, generation)


def _build_view(store: GraphStore) -> Graph:
    from kg.export.rdf import graph_to_rdf

    return graph_to_rdf(store, with_ontology=True)

"""The embedded store: the graph kept in memory as compact adjacency indexes, saved to one file.

Nodes are a dict by id. Each edge is held once, as its frozen :class:`~kg.model.Edge` record, and
referenced from two indexes: by subject then predicate, and by object then predicate, each list
sorted by the contract's edge order, so ``edges_of`` for one node and predicate is a list copy
and the evidence traversals never look at edges of other predicates. (A networkx
``MultiDiGraph`` of the same graph, which the store used to be, costs about three times the
memory; :attr:`MemoryStore.graph` still builds one on demand for the analyst Cypher engine.)
The snapshot format and its atomic write are in :mod:`kg.store.memory_snapshot`.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from operator import attrgetter
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import StoreUnavailable
from kg.model import Edge, Node
from kg.query import chains as reference
from kg.query.chains import edge_sort_key
from kg.store.base import Chain, CypherResult, GraphCounts, SearchHit, Subgraph, WriteSummary
from kg.store.memory_snapshot import SNAPSHOT_FORMAT, read_snapshot, write_snapshot

__all__ = ["MemoryStore", "SNAPSHOT_FORMAT"]

Index = dict[str, dict[str, list[Edge]]]
_BY_OBJECT = attrgetter("object", "qualifier")
_BY_SUBJECT = attrgetter("subject", "qualifier")
_ID = attrgetter("_id")


class MemoryStore:
    """A :class:`~kg.store.base.GraphStore` held in memory.

    ``path`` is the snapshot file; ``None`` keeps the graph in memory only (tests).
    """

    backend = "memory"
    _cypher_view: Any = None  # the Cypher-shaped copy of ``graph``, built on first use
    _generation = 0  # bumped by every write, so caches of derived views know when to rebuild

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._install([], [])
        if self.path is not None and self.path.exists():
            nodes, edges, footer = read_snapshot(self.path)
            self._install(nodes, edges)
            if footer != {"nodes": self._node_total(), "edges": self._edge_total}:
                raise StoreUnavailable(f"{self.path}: snapshot is truncated or inconsistent; rebuild with `kg build`")

    # -- indexes -------------------------------------------------------------------------
    def _install(self, nodes: Iterable[Node], edges: Iterable[Edge]) -> None:
        """Index the records: the last record of an id wins, as it did in the networkx graph."""
        by_id: dict[str, Node] = {}
        for node in nodes:
            by_id[node.id] = node
        out: Index = {}
        into: Index = {}
        out_get, into_get = out.get, into.get
        for edge in edges:  # unrolled for both indexes: this loop runs once per edge of the graph
            predicate = edge.predicate
            by_predicate = out_get(edge.subject)
            if by_predicate is None:
                out[edge.subject] = {predicate: [edge]}
            elif (listed := by_predicate.get(predicate)) is None:
                by_predicate[predicate] = [edge]
            else:
                listed.append(edge)
            by_predicate = into_get(edge.object)
            if by_predicate is None:
                into[edge.object] = {predicate: [edge]}
            elif (listed := by_predicate.get(predicate)) is None:
                by_predicate[predicate] = [edge]
            else:
                listed.append(edge)
        self._edge_total, dropped = _sort_unique(out, _BY_OBJECT)
        # One id means one subject, predicate and list in ``out``: if no list there held an id
        # twice, none in ``into`` does (checking costs ~0.6 s at 2.4M edges)
        _sort_unique(into, _BY_SUBJECT, dedupe=dropped)
        self._nodes, self._out, self._in = by_id, out, into
        self._edge_counts: Counter[str] = Counter()
        for by_predicate in out.values():
            for predicate, listed in by_predicate.items():
                self._edge_counts[predicate] += len(listed)
        self._node_counts: Counter[str] | None = None
        self._search: Any = None
        self._graph: nx.MultiDiGraph | None = None

    def _node_total(self) -> int:
        """Nodes plus the edge ends that have no node record (as a networkx graph counts them)."""
        ends = (self._out.keys() | self._in.keys()) - self._nodes.keys()
        return len(self._nodes) + len(ends)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._nodes or node_id in self._out or node_id in self._in

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The graph as a networkx ``MultiDiGraph`` (nodes and edges carry ``record``), built on first use."""
        if self._graph is None:
            graph = nx.MultiDiGraph()
            graph.add_nodes_from((i, {"record": n}) for i, n in self._nodes.items())
            graph.add_edges_from((e.subject, e.object, e.id, {"record": e}) for e in self.iter_edges())
            self._graph = graph
        return self._graph

    # -- writing -------------------------------------------------------------------------
    def replace_all(self, nodes: Sequence[Node], edges: Sequence[Edge]) -> WriteSummary:
        started = time.perf_counter()
        previous = (self._nodes, self._out, self._in, self._edge_total, self._edge_counts)
        self._install(nodes, edges)
        if self.path is not None:
            try:
                write_snapshot(self.path, self._nodes.values(), self.iter_edges(),
                               (self._node_total(), self._edge_total))
            except BaseException:
                self._install([], [])
                self._nodes, self._out, self._in, self._edge_total, self._edge_counts = previous
                raise
        self._generation += 1
        return WriteSummary(self._node_total(), self._edge_total, time.perf_counter() - started)

    # -- reading -------------------------------------------------------------------------
    def generation(self) -> str:
        """A token that changes whenever the graph is replaced (see :mod:`kg.store.generation`)."""
        return f"memory:{id(self)}:{self._generation}"

    def get_node(self, node_id: str) -> Node | None:
        return self._nodes.get(node_id)

    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, Node]:
        nodes = self._nodes
        return {i: nodes[i] for i in node_ids if i in nodes}

    def iter_nodes(self, category: str | None = None) -> Iterator[Node]:
        nodes = self._nodes
        for node_id in sorted(nodes):
            node = nodes[node_id]
            if category is None or node.category == category:
                yield node

    def iter_edges(self, predicate: str | None = None) -> Iterator[Edge]:
        out = self._out
        for subject in sorted(out):
            by_predicate = out[subject]
            if predicate is None:
                for name in sorted(by_predicate):
                    yield from by_predicate[name]
            elif predicate in by_predicate:
                yield from by_predicate[predicate]

    def edges_of(self, node_ids: Iterable[str], direction: str = "both",
                 predicates: Iterable[str] | None = None) -> list[Edge]:
        indexes = {"out": (self._out,), "in": (self._in,), "both": (self._out, self._in)}.get(direction, ())
        wanted = None if predicates is None else list(dict.fromkeys(predicates))
        lists: list[list[Edge]] = []
        for node_id in dict.fromkeys(node_ids):
            for index in indexes:
                by_predicate = index.get(node_id)
                if by_predicate is None:
                    continue
                if wanted is None:
                    lists.extend(by_predicate.values())
                else:
                    lists.extend(by_predicate[p] for p in wanted if p in by_predicate)
        if len(lists) == 1:
            return list(lists[0])
        found = {e.id: e for edges in lists for e in edges}
        return sorted(found.values(), key=edge_sort_key)

    def counts(self) -> GraphCounts:
        if self._node_counts is None:
            self._node_counts = Counter(n.category for n in self._nodes.values())
        return GraphCounts(dict(sorted(self._node_counts.items())), dict(sorted(self._edge_counts.items())))

    def descendants(self, node_ids: Iterable[str], predicate: str = "SUBCLASS_OF") -> set[str]:
        result = {i for i in node_ids if i in self}
        frontier = list(result)
        into = self._in
        while frontier:
            nxt = []
            for node_id in frontier:
                for edge in into.get(node_id, {}).get(predicate, ()):
                    if edge.subject not in result:
                        result.add(edge.subject)
                        nxt.append(edge.subject)
            frontier = nxt
        return result

    def evidence_chains(self, start_ids: Sequence[str], condition_ids: Sequence[str]) -> list[Chain]:
        return reference.evidence_chains(self, start_ids, condition_ids)

    def neighbourhood(self, node_id: str, depth: int = 1, categories: Iterable[str] | None = None,
                      predicates: Iterable[str] | None = None) -> Subgraph:
        return reference.neighbourhood(self, node_id, depth, categories, predicates)

    def paths(self, source: str, target: str, max_hops: int = 3, limit: int = 25) -> list[Chain]:
        return reference.paths(self, source, target, max_hops, limit)

    def search(self, text: str, category: str | None = None, limit: int = 10) -> list[SearchHit]:
        if self._search is None:
            from kg.store.memory_search import SearchIndex

            self._search = SearchIndex(list(self._nodes.values()))
        return self._search.search(text, category, limit)  # type: ignore[no-any-return]

    def cypher(self, query: str, params: Mapping[str, Any] | None = None, timeout: float = 10.0,
               row_cap: int = 10_000) -> CypherResult:
        from kg.store.memory_cypher import CypherView, run_cypher

        if self._cypher_view is None or self._cypher_view.source is not self.graph:
            self._cypher_view = CypherView(self.graph)
        return run_cypher(self._cypher_view, query, params, timeout, row_cap)

    def close(self) -> None:
        """Nothing to release: the snapshot is written on every ``replace_all``."""


def _sort_unique(index: Index, key: attrgetter[Any], dedupe: bool = True) -> tuple[int, bool]:
    """Sort every list of ``index`` into the contract's edge order and, if ``dedupe``, drop all
    but the last record of an id (records with one id have one sort key, and the sort is stable).
    Returns the number of edges left and whether any record was dropped."""
    total, dropped = 0, False
    for by_predicate in index.values():
        for predicate, edges in by_predicate.items():
            edges.sort(key=key)
            if dedupe and len(edges) > 1 and len(set(map(_ID, edges))) != len(edges):
                kept = [a for a, b in zip(edges, edges[1:], strict=False) if a.id != b.id]
                kept.append(edges[-1])
                if len(kept) != len(edges):
                    by_predicate[predicate] = edges = kept
                    dropped = True
            total += len(edges)
    return total, dropped

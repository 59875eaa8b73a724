"""The embedded store: a networkx MultiDiGraph kept in memory and saved to one file.

The snapshot is JSON lines (a header, one record per line, a footer with counts) written to
a temporary file in the same directory, flushed, fsynced and renamed over the old one, so a
crash at any point leaves either the old or the new snapshot, never a mix.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import StoreUnavailable
from kg.model import Edge, Node
from kg.query import chains as reference
from kg.query.search import rank
from kg.store.base import Chain, CypherResult, GraphCounts, SearchHit, Subgraph, WriteSummary

__all__ = ["MemoryStore", "SNAPSHOT_FORMAT"]

SNAPSHOT_FORMAT = "ketamine-kg-snapshot"
SNAPSHOT_VERSION = 1


def _edge_key(edge: Edge) -> tuple[str, str, str, str]:
    return (edge.subject, edge.predicate, edge.object, edge.qualifier)


class MemoryStore:
    """A :class:`~kg.store.base.GraphStore` over a networkx ``MultiDiGraph``.

    ``path`` is the snapshot file; ``None`` keeps the graph in memory only (tests).
    """

    backend = "memory"
    _cypher_view: Any = None  # the Cypher-shaped copy of ``graph``, built on first use
    _generation = 0  # bumped by every write, so caches of derived views know when to rebuild

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        if self.path is not None and self.path.exists():
            self.graph = _read_snapshot(self.path)

    # -- writing -------------------------------------------------------------------------
    def replace_all(self, nodes: Sequence[Node], edges: Sequence[Edge]) -> WriteSummary:
        started = time.perf_counter()
        graph = nx.MultiDiGraph()
        for node in nodes:
            graph.add_node(node.id, record=node)
        for edge in edges:
            graph.add_edge(edge.subject, edge.object, key=edge.id, record=edge)
        if self.path is not None:
            _write_snapshot(self.path, graph)
        self.graph = graph
        self._generation += 1
        return WriteSummary(graph.number_of_nodes(), graph.number_of_edges(), time.perf_counter() - started)

    # -- reading -------------------------------------------------------------------------
    def generation(self) -> str:
        """A token that changes whenever the graph is replaced (see :mod:`kg.store.generation`)."""
        return f"memory:{id(self)}:{self._generation}"

    def get_node(self, node_id: str) -> Node | None:
        data = self.graph.nodes.get(node_id)
        return data["record"] if data else None

    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, Node]:
        nodes = self.graph.nodes
        return {i: nodes[i]["record"] for i in node_ids if i in nodes}

    def iter_nodes(self, category: str | None = None) -> Iterator[Node]:
        for node_id in sorted(self.graph.nodes):
            node: Node = self.graph.nodes[node_id]["record"]
            if category is None or node.category == category:
                yield node

    def iter_edges(self, predicate: str | None = None) -> Iterator[Edge]:
        edges = (d["record"] for _, _, d in self.graph.edges(data=True))
        selected = [e for e in edges if predicate is None or e.predicate == predicate]
        yield from sorted(selected, key=_edge_key)

    def edges_of(self, node_ids: Iterable[str], direction: str = "both",
                 predicates: Iterable[str] | None = None) -> list[Edge]:
        wanted = set(predicates) if predicates is not None else None
        found: dict[str, Edge] = {}
        graph = self.graph
        for node_id in node_ids:
            if node_id not in graph:
                continue
            views = []
            if direction in ("out", "both"):
                views.append(graph.out_edges(node_id, data="record"))
            if direction in ("in", "both"):
                views.append(graph.in_edges(node_id, data="record"))
            for view in views:
                for _, _, edge in view:
                    if wanted is None or edge.predicate in wanted:
                        found[edge.id] = edge
        return sorted(found.values(), key=_edge_key)

    def counts(self) -> GraphCounts:
        nodes = Counter(d["record"].category for _, d in self.graph.nodes(data=True))
        edges = Counter(e.predicate for _, _, e in self.graph.edges(data="record"))
        return GraphCounts(dict(sorted(nodes.items())), dict(sorted(edges.items())))

    def descendants(self, node_ids: Iterable[str], predicate: str = "SUBCLASS_OF") -> set[str]:
        result = {i for i in node_ids if i in self.graph}
        frontier = list(result)
        while frontier:
            nxt = []
            for edge in self.edges_of(frontier, "in", [predicate]):
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
        records = (d["record"] for _, d in self.graph.nodes(data=True))
        return rank(records, text, category, limit)

    def cypher(self, query: str, params: Mapping[str, Any] | None = None, timeout: float = 10.0,
               row_cap: int = 10_000) -> CypherResult:
        from kg.store.memory_cypher import CypherView, run_cypher

        if self._cypher_view is None or self._cypher_view.source is not self.graph:
            self._cypher_view = CypherView(self.graph)
        return run_cypher(self._cypher_view, query, params, timeout, row_cap)

    def close(self) -> None:
        """Nothing to release: the snapshot is written on every ``replace_all``."""


def _write_snapshot(path: Path, graph: nx.MultiDiGraph) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            header = {"format": SNAPSHOT_FORMAT, "version": SNAPSHOT_VERSION}
            out.write(json.dumps(header) + "\n")
            for _, data in graph.nodes(data=True):
                out.write(json.dumps({"node": data["record"].to_dict()}, ensure_ascii=False) + "\n")
            for _, _, edge in graph.edges(data="record"):
                out.write(json.dumps({"edge": edge.to_dict()}, ensure_ascii=False) + "\n")
            footer = {"end": {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}}
            out.write(json.dumps(footer) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp_name, path)
        _sweep_stale_temporaries(path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _sweep_stale_temporaries(path: Path) -> None:
    """Remove temporary files left by writers that were killed before their rename."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        stale.unlink(missing_ok=True)


def _read_snapshot(path: Path) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    footer: dict[str, Any] | None = None
    try:
        with path.open(encoding="utf-8") as lines:
            header = json.loads(next(lines, "{}"))
            if header.get("format") != SNAPSHOT_FORMAT:
                raise StoreUnavailable(f"{path}: not a ketamine-kg snapshot")
            for number, line in enumerate(lines, start=2):
                record = json.loads(line)
                if "node" in record:
                    node = Node.from_dict(record["node"])
                    graph.add_node(node.id, record=node)
                elif "edge" in record:
                    edge = Edge.from_dict(record["edge"])
                    graph.add_edge(edge.subject, edge.object, key=edge.id, record=edge)
                elif "end" in record:
                    footer = record["end"]
                else:
                    raise StoreUnavailable(f"{path}:{number}: unknown snapshot record")
    except (OSError, ValueError, KeyError, UnicodeDecodeError) as err:
        raise StoreUnavailable(f"{path}: cannot read snapshot: {err}") from err
    if footer is None or footer != {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}:
        raise StoreUnavailable(f"{path}: snapshot is truncated or inconsistent; rebuild with `kg build`")
    return graph

"""The backend-neutral store protocol every graph store implements.

Two backends implement it: :class:`kg.store.memory.MemoryStore` (networkx, embedded, the
default) and :class:`kg.store.neo4j_store.Neo4jStore`. One contract test suite runs against
both; any query that answers differently on the two is a bug.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from kg.model import Edge, Node

__all__ = ["GraphCounts", "WriteSummary", "Chain", "Subgraph", "SearchHit", "CypherResult", "GraphStore",
           "DIRECTIONS"]

DIRECTIONS = ("out", "in", "both")


@dataclass(frozen=True)
class GraphCounts:
    """Node counts per category and edge counts per predicate."""

    nodes: dict[str, int]
    edges: dict[str, int]

    @property
    def total_nodes(self) -> int:
        return sum(self.nodes.values())

    @property
    def total_edges(self) -> int:
        return sum(self.edges.values())


@dataclass(frozen=True)
class WriteSummary:
    """What a write did: records written and how long it took."""

    nodes: int
    edges: int
    seconds: float


@dataclass(frozen=True)
class Chain:
    """A path of the evidence query: ``nodes[0]`` is the start, ``nodes[-1]`` the condition.

    ``edges[i]`` joins ``nodes[i]`` and ``nodes[i + 1]`` in either direction (edges keep the
    direction they are stored with).
    """

    nodes: tuple[str, ...]
    edges: tuple[Edge, ...]


@dataclass(frozen=True)
class Subgraph:
    """A set of nodes and the edges among them (neighbourhood answers)."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


@dataclass(frozen=True)
class SearchHit:
    """A search result: the node, its score (higher is better) and what matched."""

    node: Node
    score: float
    matched: str


@dataclass(frozen=True)
class CypherResult:
    """The answer to an analyst Cypher query.

    ``rows`` hold JSON-safe values (nodes and relationships in the shapes of
    :mod:`kg.store.projection`); ``truncated`` says the row cap cut the answer short.
    """

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    elapsed_ms: float

    def to_dict(self) -> dict[str, Any]:
        return {"columns": self.columns, "rows": self.rows, "truncated": self.truncated,
                "elapsed_ms": round(self.elapsed_ms, 3)}


@runtime_checkable
class GraphStore(Protocol):
    """What the pipeline, query layer and service need from a store.

    Ordering is part of the contract so that both backends answer identically: lists of
    nodes come sorted by id, lists of edges by (subject, predicate, object, qualifier), chains
    by their node-id tuple, then edge-id tuple.
    """

    backend: str

    def replace_all(self, nodes: Sequence[Node], edges: Sequence[Edge]) -> WriteSummary:
        """Make the store hold exactly these records, atomically where the backend can.

        Idempotent: writing the same records twice leaves the same graph.
        """
        ...

    def get_node(self, node_id: str) -> Node | None:
        """The node with this id, or None."""
        ...

    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, Node]:
        """The nodes with these ids (ids not in the graph are left out)."""
        ...

    def iter_nodes(self, category: str | None = None) -> Iterator[Node]:
        """Every node (of one category), sorted by id."""
        ...

    def iter_edges(self, predicate: str | None = None) -> Iterator[Edge]:
        """Every edge (of one predicate), sorted by (subject, predicate, object, qualifier)."""
        ...

    def edges_of(self, node_ids: Iterable[str], direction: str = "both",
                 predicates: Iterable[str] | None = None) -> list[Edge]:
        """Edges touching any of ``node_ids`` (``out``: as subject, ``in``: as object), sorted."""
        ...

    def counts(self) -> GraphCounts:
        """Node counts by category and edge counts by predicate."""
        ...

    def descendants(self, node_ids: Iterable[str], predicate: str = "SUBCLASS_OF") -> set[str]:
        """``node_ids`` plus every node that reaches one of them through ``predicate`` edges."""
        ...

    def evidence_chains(self, start_ids: Sequence[str], condition_ids: Sequence[str]) -> list[Chain]:
        """Every evidence chain from a start node to one of ``condition_ids``.

        The chain shapes are those of :func:`kg.query.chains.evidence_chains`, the reference
        implementation, which also documents them.
        """
        ...

    def neighbourhood(self, node_id: str, depth: int = 1, categories: Iterable[str] | None = None,
                      predicates: Iterable[str] | None = None) -> Subgraph:
        """Nodes within ``depth`` hops (either direction) of ``node_id`` and the edges among them.

        ``categories`` limits which nodes may be reached (the centre is always kept);
        ``predicates`` limits which edges may be walked.
        """
        ...

    def paths(self, source: str, target: str, max_hops: int = 3, limit: int = 25) -> list[Chain]:
        """Simple paths (either edge direction) of at most ``max_hops`` edges, shortest first."""
        ...

    def search(self, text: str, category: str | None = None, limit: int = 10) -> list[SearchHit]:
        """Nodes matching ``text`` by id, xref, name or synonym, scored by :mod:`kg.query.search`."""
        ...

    def cypher(self, query: str, params: Mapping[str, Any] | None = None, timeout: float = 10.0,
               row_cap: int = 10_000) -> CypherResult:
        """Run one read-only analyst Cypher query (checked by :mod:`kg.query.cypher_guard`).

        Stops the query after ``timeout`` seconds (:class:`~kg.errors.CypherTimeout`) and keeps at
        most ``row_cap`` rows. Refused queries raise :class:`~kg.errors.CypherRefused`; features the
        backend's engine lacks raise :class:`~kg.errors.CypherUnsupported`.
        """
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...

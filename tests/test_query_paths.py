"""kg.query.chains.paths (the embedded store's path search) against exhaustive enumeration.

The search prunes path prefixes that cannot end at the target; on random graphs with hubs,
parallel edges and self-loops it must return exactly the paths that walking every prefix
returns, in the same order, for every hop count and limit.
"""

from __future__ import annotations

import random

import pytest

from kg.model import Edge, Node
from kg.query.chains import chain_sort_key, paths
from kg.store.base import Chain

PREDICATES = ("BINDS", "ACTS_ON", "STUDIES")


class Graph:
    """Just what ``paths`` reads: nodes by id and each node's edges in both directions."""

    def __init__(self, nodes: list[str], edges: list[Edge]) -> None:
        self.nodes = {n: Node(n, "Drug", n) for n in nodes}
        self.edges = edges

    def get_node(self, node_id: str) -> Node | None:
        return self.nodes.get(node_id)

    def edges_of(self, ids, direction="both", predicates=None):
        wanted = set(ids)
        return [e for e in self.edges if e.subject in wanted or e.object in wanted]


def exhaustive(graph: Graph, source: str, target: str, max_hops: int, limit: int) -> list[Chain]:
    """Every simple path by walking every prefix (the search before pruning)."""
    if graph.get_node(source) is None or graph.get_node(target) is None:
        return []
    found: list[Chain] = []
    frontier = [((source,), ())]
    for _ in range(max_hops):
        nxt = []
        for nodes, edges in frontier:
            for edge in graph.edges_of([nodes[-1]]):
                other = edge.object if edge.subject == nodes[-1] else edge.subject
                if other in nodes:
                    continue
                step = ((*nodes, other), (*edges, edge))
                (found.append(Chain(*step)) if other == target else nxt.append(step))
        frontier = nxt
        if len(found) >= limit:
            break
    found.sort(key=lambda c: (len(c.edges), *chain_sort_key(c)))
    return found[:limit]


def random_graph(seed: int) -> Graph:
    rng = random.Random(seed)
    nodes = [f"N:{i}" for i in range(rng.randint(6, 14))]
    hub = nodes[0]
    edges: dict[str, Edge] = {}
    for _ in range(rng.randint(10, 40)):
        subject = hub if rng.random() < 0.3 else rng.choice(nodes)
        edge = Edge(subject, rng.choice(PREDICATES), rng.choice(nodes), None)  # self-loops and parallel edges too
        edges[edge.id] = edge
    return Graph(nodes, list(edges.values()))


@pytest.mark.parametrize("seed", range(40))
def test_pruned_search_finds_exactly_the_exhaustive_paths(seed):
    graph = random_graph(seed)
    rng = random.Random(seed)
    pairs = [(rng.choice(list(graph.nodes)), rng.choice(list(graph.nodes))) for _ in range(6)] + [("N:0", "N:1")]
    for source, target in pairs:
        for max_hops in (1, 2, 3, 4):
            for limit in (1, 3, 10_000):
                expected = exhaustive(graph, source, target, max_hops, limit)
                assert paths(graph, source, target, max_hops, limit) == expected, (source, target, max_hops, limit)


def test_a_hub_in_the_middle_is_not_walked_edge_by_edge():
    hub_edges = [Edge("N:hub", "BINDS", f"N:leaf{i}", None) for i in range(500)]
    path = [Edge("N:a", "BINDS", "N:hub", None), Edge("N:hub", "ACTS_ON", "N:b", None),
            Edge("N:b", "STUDIES", "N:z", None)]
    graph = Graph(["N:a", "N:hub", "N:b", "N:z", *(e.object for e in hub_edges)], [*path, *hub_edges])
    calls: list[tuple[str, ...]] = []
    edges_of = graph.edges_of
    graph.edges_of = lambda ids, *a, **k: calls.append(tuple(ids)) or edges_of(ids, *a, **k)  # type: ignore[method-assign]
    [chain] = paths(graph, "N:a", "N:z", 3, 25)
    assert chain.nodes == ("N:a", "N:hub", "N:b", "N:z")
    assert not any(c[0].startswith("N:leaf") for c in calls)  # the hub's 500 leaves were never expanded

"""Reference graph traversals written against the store's primitive ``edges_of``.

The embedded store uses these directly; the Neo4j store answers the same questions in
Cypher and must return exactly the same chains (the parity tests compare them).

Evidence chain shapes, from a start node to a condition C (one of the target ids):

* Drug/Product D:   D <-INVESTIGATES- Study -STUDIES-> C   and   D -APPROVED_FOR-> C
* Mechanism M:      M <-HAS_MECHANISM- D ... (the drug shapes)   and   M -IMPLICATED_IN-> C,
  also from mechanisms upstream of M (M' -LEADS_TO-> ... -> M, up to 3 hops), so that a
  downstream effect such as mTORC1 activation is linked to the drugs that set it off.
* Target T:         T <-ACTS_ON- M ... (the mechanism shapes)   and   T <-BINDS- D ... (drug shapes)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kg.model import Edge
from kg.store.base import Chain, GraphStore, Subgraph

__all__ = ["evidence_chains", "neighbourhood", "paths", "edge_sort_key", "MAX_UPSTREAM_HOPS"]

MAX_UPSTREAM_HOPS = 3
DRUG_CATEGORIES = frozenset({"Drug", "Product"})


def edge_sort_key(edge: Edge) -> tuple[str, str, str, str]:
    return (edge.subject, edge.predicate, edge.object, edge.qualifier)


def chain_sort_key(chain: Chain) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (chain.nodes, tuple(e.id for e in chain.edges))


Prefix = tuple[tuple[str, ...], tuple[Edge, ...]]


def _drug_chains(store: GraphStore, prefix: Prefix, conditions: set[str]) -> list[Chain]:
    nodes, edges = prefix
    drug = nodes[-1]
    chains = []
    for approval in store.edges_of([drug], "out", ["APPROVED_FOR"]):
        if approval.object in conditions:
            chains.append(Chain((*nodes, approval.object), (*edges, approval)))
    for inv in store.edges_of([drug], "in", ["INVESTIGATES"]):
        study = inv.subject
        for st in store.edges_of([study], "out", ["STUDIES"]):
            if st.object in conditions:
                chains.append(Chain((*nodes, study, st.object), (*edges, inv, st)))
    return chains


def _mechanism_prefixes(store: GraphStore, prefix: Prefix) -> list[Prefix]:
    """The mechanism itself and every upstream mechanism, with the LEADS_TO path walked."""
    found = [prefix]
    frontier = [prefix]
    for _ in range(MAX_UPSTREAM_HOPS):
        nxt = []
        for nodes, edges in frontier:
            for e in store.edges_of([nodes[-1]], "in", ["LEADS_TO"]):
                if e.subject not in nodes:
                    nxt.append(((*nodes, e.subject), (*edges, e)))
        found.extend(nxt)
        frontier = nxt
    return found


def _mechanism_chains(store: GraphStore, prefix: Prefix, conditions: set[str]) -> list[Chain]:
    chains = []
    for nodes, edges in _mechanism_prefixes(store, prefix):
        mech = nodes[-1]
        for imp in store.edges_of([mech], "out", ["IMPLICATED_IN"]):
            if imp.object in conditions:
                chains.append(Chain((*nodes, imp.object), (*edges, imp)))
        for hm in store.edges_of([mech], "in", ["HAS_MECHANISM"]):
            if hm.subject not in nodes:
                chains.extend(_drug_chains(store, ((*nodes, hm.subject), (*edges, hm)), conditions))
    return chains


def evidence_chains(store: GraphStore, start_ids: Sequence[str], condition_ids: Sequence[str]) -> list[Chain]:
    """Every evidence chain from any of ``start_ids`` to any of ``condition_ids`` (sorted, unique)."""
    conditions = set(condition_ids)
    chains: list[Chain] = []
    for start, node in sorted(store.get_nodes(start_ids).items()):
        root: Prefix = ((start,), ())
        if node.category in DRUG_CATEGORIES:
            chains.extend(_drug_chains(store, root, conditions))
        elif node.category == "Mechanism":
            chains.extend(_mechanism_chains(store, root, conditions))
        elif node.category == "Target":
            for act in store.edges_of([start], "in", ["ACTS_ON"]):
                chains.extend(_mechanism_chains(store, ((start, act.subject), (act,)), conditions))
            for bind in store.edges_of([start], "in", ["BINDS"]):
                chains.extend(_drug_chains(store, ((start, bind.subject), (bind,)), conditions))
    unique = {chain_sort_key(c): c for c in chains}
    return [unique[k] for k in sorted(unique)]


def neighbourhood(store: GraphStore, node_id: str, depth: int = 1, categories: Iterable[str] | None = None,
                  predicates: Iterable[str] | None = None) -> Subgraph:
    """Breadth-first neighbourhood; see :meth:`GraphStore.neighbourhood`."""
    centre = store.get_node(node_id)
    if centre is None:
        return Subgraph()
    allowed = set(categories) if categories else None
    preds = list(predicates) if predicates else None
    seen = {node_id}
    frontier = [node_id]
    for _ in range(depth):
        candidates = set()
        for edge in store.edges_of(frontier, "both", preds):
            for end in (edge.subject, edge.object):
                if end not in seen:
                    candidates.add(end)
        found = store.get_nodes(candidates)
        frontier = sorted(i for i, n in found.items() if allowed is None or n.category in allowed)
        seen.update(frontier)
        if not frontier:
            break
    nodes = store.get_nodes(seen)
    edges = [e for e in store.edges_of(sorted(seen), "both", preds) if e.subject in seen and e.object in seen]
    unique = {e.id: e for e in edges}
    return Subgraph(nodes=[nodes[i] for i in sorted(nodes)], edges=sorted(unique.values(), key=edge_sort_key))


def paths(store: GraphStore, source: str, target: str, max_hops: int = 3, limit: int = 25) -> list[Chain]:
    """Simple paths between two nodes, ignoring edge direction, shortest first.

    Breadth first from ``source``; a path is extended only where it can still end at the
    target: its last step is taken along the target's own edges (looked up by their other
    end), and the step before goes only to the target's neighbours. So a hub on the way is not
    walked edge by edge for paths that could not reach the target (the paths found are the
    same).
    """
    if store.get_node(source) is None or store.get_node(target) is None:
        return []
    at_target: dict[str, list[Edge]] = {}  # the target's edges, by their other end
    for edge in store.edges_of([target], "both"):
        at_target.setdefault(edge.object if edge.subject == target else edge.subject, []).append(edge)
    found: list[Chain] = []
    frontier: list[Prefix] = [((source,), ())]
    for hop in range(max_hops):
        left = max_hops - hop - 1  # steps still possible after this one
        nxt: list[Prefix] = []
        for nodes, edges in frontier:
            last = nodes[-1]
            for edge in at_target.get(last, ()) if left == 0 else store.edges_of([last], "both"):
                other = edge.object if edge.subject == last else edge.subject
                if other in nodes or (left == 1 and other != target and other not in at_target):
                    continue
                step = ((*nodes, other), (*edges, edge))
                if other == target:
                    found.append(Chain(*step))
                else:
                    nxt.append(step)
        frontier = nxt
        if len(found) >= limit:
            break  # every longer path would rank after the ones already found
    found.sort(key=lambda c: (len(c.edges), *chain_sort_key(c)))
    return found[:limit]

"""Hop distance between two nodes, ignoring edge direction: a cheap check before enumerating paths."""

from __future__ import annotations

from kg.store.base import GraphStore

__all__ = ["hop_distance"]


def hop_distance(store: GraphStore, source: str, target: str, max_hops: int) -> int | None:
    """Fewest edges between ``source`` and ``target`` (either direction), or None beyond ``max_hops``.

    Breadth-first from both ends at once, so the work is bounded by the nodes within about
    half the distance of each end rather than by the number of paths.
    """
    if source == target:
        return 0
    sides: list[dict[str, int]] = [{source: 0}, {target: 0}]
    frontiers = [[source], [target]]
    for _ in range(max_hops):
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        seen, other, frontier = sides[side], sides[1 - side], set(frontiers[side])
        best: int | None = None
        nxt: set[str] = set()
        for edge in store.edges_of(frontiers[side], "both"):
            for here, there in ((edge.subject, edge.object), (edge.object, edge.subject)):
                if here not in frontier:
                    continue
                if there in other:
                    length = seen[here] + 1 + other[there]
                    best = length if best is None else min(best, length)
                elif there not in seen:
                    seen[there] = seen[here] + 1
                    nxt.add(there)
        if best is not None:
            return best if best <= max_hops else None
        if not nxt:
            return None
        frontiers[side] = sorted(nxt)
    return None

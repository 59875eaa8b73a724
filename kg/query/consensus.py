"""Consensus of the evidence per drug and condition: how much there is and whether it agrees.

For each (drug or product, condition) pair joined by evidence chains through a study, it counts
the studies by design, adds up their participants and tallies the directions of effect the
studies report for that condition (REPORTS_OUTCOME ``direction``: benefit, no_benefit, mixed,
harm). Participants are summed over primary studies only: a review's or regulatory decision's
``n`` pools trials that may already be counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from kg.model import Edge, Node
from kg.store.base import Chain, GraphStore

__all__ = ["consensus", "POOLED_DESIGNS"]

POOLED_DESIGNS = frozenset({"meta_analysis", "systematic_review", "regulatory"})


def _brief(node: Node) -> dict[str, Any]:
    return {"id": node.id, "name": node.name, "category": node.category}


Pair = tuple[str, str]


def _pairs(chains: Sequence[Chain], nodes: dict[str, Node]) -> tuple[dict[Pair, set[str]], Counter[Pair]]:
    """Studies per (drug, condition) on the chains, and approvals per (drug, condition)."""
    studies: dict[Pair, set[str]] = {}
    approvals: Counter[Pair] = Counter()
    for chain in chains:
        condition = chain.nodes[-1]
        for i, node_id in enumerate(chain.nodes[1:], start=1):
            if nodes[node_id].category == "Study":
                studies.setdefault((chain.nodes[i - 1], condition), set()).add(node_id)
        last = chain.edges[-1] if chain.edges else None
        if last is not None and last.predicate == "APPROVED_FOR":
            approvals[(last.subject, last.object)] += 1
    for pair in approvals:
        studies.setdefault(pair, set())
    return studies, approvals


def _agreement(directions: Counter[str]) -> tuple[bool | None, str | None]:
    """Whether every reported direction is the same, and which; (None, None) when none is reported."""
    if not directions:
        return None, None
    if len(directions) == 1:
        return True, next(iter(directions))
    return False, None


def consensus(store: GraphStore, chains: Sequence[Chain], nodes: dict[str, Node],
              outcomes: Sequence[Edge] | None = None) -> list[dict[str, Any]]:
    """One summary per (drug, condition) pair, sorted by drug then condition id.

    ``outcomes`` may give the REPORTS_OUTCOME edges of (at least) the chains' studies, when the
    caller has them already; else they are read from ``store``.
    """
    pairs, approvals = _pairs(chains, nodes)
    if outcomes is None:
        outcomes = store.edges_of(sorted({s for ids in pairs.values() for s in ids}), "out", ["REPORTS_OUTCOME"])
    summaries = []
    for (drug, condition), study_ids in sorted(pairs.items()):
        props = [nodes[s].properties for s in sorted(study_ids)]
        primary = [p for p in props if p.get("design") not in POOLED_DESIGNS]
        directions = Counter(str(e.properties["direction"]) for e in outcomes
                             if e.subject in study_ids and e.object == condition and e.properties.get("direction"))
        agree, direction = _agreement(directions)
        summaries.append({
            "drug": _brief(nodes[drug]), "condition": _brief(nodes[condition]),
            "studies": len(study_ids),
            "by_design": dict(sorted(Counter(str(p.get("design")) for p in props).items())),
            "participants": sum(int(p["n"]) for p in primary if p.get("n") is not None),
            "primary_studies_without_n": sum(1 for p in primary if p.get("n") is None),
            "directions": dict(sorted(directions.items())),
            "directions_agree": agree, "direction": direction,
            "approvals": approvals[(drug, condition)],
        })
    return summaries

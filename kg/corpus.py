"""Coverage of the curated corpus: counts, identifier shares, entities lacking external ids."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from kg.model import Edge, Node

__all__ = ["coverage"]


def coverage(nodes: Sequence[Node], edges: Sequence[Edge]) -> dict[str, Any]:
    """Counts by category/predicate/design, the share of studies with PMID/DOI/NCT, and gaps."""
    studies = [n for n in nodes if n.category == "Study"]
    total = len(studies) or 1
    ids = {}
    for key in ("pmid", "doi", "nct"):
        have = sum(1 for s in studies if s.properties.get(key))
        ids[key.upper()] = f"{have}/{len(studies)} ({100 * have / total:.0f}%)"
    lacking = sorted(f"{n.category} {n.id} {n.name}" for n in nodes
                     if n.category != "Study" and n.id.startswith("ketkg:") and not n.xrefs
                     and n.category not in ("Mechanism",))
    return {
        "nodes": dict(sorted(Counter(n.category for n in nodes).items())),
        "edges": dict(sorted(Counter(e.predicate for e in edges).items())),
        "designs": dict(sorted(Counter(str(s.properties.get("design")) for s in studies).items())),
        "study_identifiers": ids,
        "without_external_id": lacking,
    }

""""Evidence linking X to Y": chains from a mechanism, drug or target to a condition.

The condition includes its ontology subclasses. Each study on a chain is graded by design
(evidence level 1 = systematic review/meta-analysis/regulatory ... 5 = preclinical) and size,
and the studies are listed strongest first, newest first within a level, largest first
within a year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.model import Edge, Node
from kg.query.consensus import consensus
from kg.query.resolve import resolve
from kg.store.base import Chain, GraphStore
from ontology import load_schema

__all__ = ["EvidenceQuery", "EvidenceAnswer", "evidence", "SOURCE_CATEGORIES"]

SOURCE_CATEGORIES = ("Mechanism", "Drug", "Product", "Target")


@dataclass(frozen=True)
class EvidenceQuery:
    """What to look for; filters are optional and combine with AND."""

    source: str
    target: str
    designs: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    min_n: int | None = None
    as_of: str | None = None  # ISO date: only evidence published by then


@dataclass
class EvidenceAnswer:
    """The resolved source and target, the chains and the graded studies."""

    source: list[Node]
    target: list[Node]
    conditions: list[str]
    chains: list[Chain]
    studies: list[dict[str, Any]]
    nodes: dict[str, Node] = field(default_factory=dict)
    consensus: list[dict[str, Any]] = field(default_factory=list)  # see kg.query.consensus

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": [_brief(n) for n in self.source],
            "target": [_brief(n) for n in self.target],
            "conditions": self.conditions,
            "chains": [{"nodes": [_brief(self.nodes[i]) for i in c.nodes],
                        "edges": [_edge(e) for e in c.edges]} for c in self.chains],
            "studies": self.studies,
            "consensus": self.consensus,
        }


def _brief(node: Node) -> dict[str, Any]:
    return {"id": node.id, "name": node.name, "category": node.category}


def _edge(edge: Edge) -> dict[str, Any]:
    prov = edge.provenance
    return {"id": edge.id, "subject": edge.subject, "predicate": edge.predicate, "object": edge.object,
            "properties": dict(edge.properties),
            "publications": list(prov.publications) if prov else [],
            "evidence_type": prov.evidence_type if prov else None,
            "primary_knowledge_source": prov.primary_knowledge_source if prov else None}


def size_class(n: int | None) -> str:
    """Small (<50), medium (50-199) or large (>=200) sample; unknown when not reported."""
    if n is None:
        return "unknown"
    return "small" if n < 50 else "medium" if n < 200 else "large"


def _study_row(study: Node, conditions: list[str], chain_edges: list[Edge]) -> dict[str, Any]:
    p = study.properties
    design = load_schema().designs.get(p.get("design", ""))
    outcomes = [e.properties for e in chain_edges if e.predicate == "REPORTS_OUTCOME"]
    return {
        "id": study.id, "title": study.name, "first_author": p.get("first_author"), "year": p.get("year"),
        "date": p.get("date"), "journal": p.get("journal"), "design": p.get("design"),
        "design_label": design.label if design else None, "evidence_level": p.get("evidence_level"),
        "n": p.get("n"), "size": size_class(p.get("n")), "pmid": p.get("pmid"), "doi": p.get("doi"),
        "nct": p.get("nct"), "matched_conditions": conditions,
        "result": outcomes[0].get("result") if outcomes else None,
        "direction": outcomes[0].get("direction") if outcomes else None,
        "adverse_effects_text": p.get("adverse_effects_text"), "adverse_effects": [],
    }


def _add_adverse_effects(store: GraphStore, rows: list[dict[str, Any]]) -> None:
    """Attach each study's REPORTS_ADVERSE_EFFECT edges (name, incidence, arm) to its row."""
    by_id = {r["id"]: r for r in rows}
    edges = store.edges_of(sorted(by_id), "out", ["REPORTS_ADVERSE_EFFECT"])
    names = store.get_nodes({e.object for e in edges})
    for e in edges:
        node = names.get(e.object)
        by_id[e.subject]["adverse_effects"].append({
            "id": e.object, "name": node.name if node else e.object,
            "incidence": e.properties.get("incidence"), "arm": e.properties.get("arm")})


def _keep(study: Node, q: EvidenceQuery) -> bool:
    p = study.properties
    year, n = p.get("year"), p.get("n")
    if q.designs and p.get("design") not in q.designs:
        return False
    if q.year_from is not None and (year is None or year < q.year_from):
        return False
    if q.year_to is not None and (year is None or year > q.year_to):
        return False
    if q.min_n is not None and (n is None or n < q.min_n):
        return False
    if q.as_of is not None:
        published = str(p.get("date") or f"{year}-12-31")
        if published > q.as_of:
            return False
    return True


def evidence(store: GraphStore, query: EvidenceQuery) -> EvidenceAnswer:
    """Answer an evidence query; raises :class:`~kg.errors.NotFound` for unknown names."""
    sources = resolve(store, query.source, SOURCE_CATEGORIES, "source")
    targets = resolve(store, query.target, ("Condition",), "target")
    conditions = sorted(store.descendants([t.id for t in targets]))
    chains = store.evidence_chains([s.id for s in sources], conditions)
    ids = {i for c in chains for i in c.nodes}
    nodes = store.get_nodes(ids)
    kept: list[Chain] = []
    by_study: dict[str, tuple[Node, set[str]]] = {}
    for chain in chains:
        studies = [nodes[i] for i in chain.nodes if nodes[i].category == "Study"]
        if any(not _keep(s, query) for s in studies):
            continue
        if not studies and (query.designs or query.min_n is not None):
            continue  # a mechanism-condition link has no study design or size to filter on
        kept.append(chain)
        for s in studies:
            by_study.setdefault(s.id, (s, set()))[1].add(chain.nodes[-1])
    outcome_edges = store.edges_of(sorted(by_study), "out", ["REPORTS_OUTCOME"])
    rows = [_study_row(s, sorted(conds), [e for e in outcome_edges if e.subject == sid and e.object in conds])
            for sid, (s, conds) in by_study.items()]
    rows.sort(key=lambda r: (r["evidence_level"] or 9, -(r["year"] or 0), -(r["n"] or 0), r["id"]))
    _add_adverse_effects(store, rows)
    return EvidenceAnswer(sources, targets, conditions, kept, rows, nodes, consensus(store, kept, nodes, outcome_edges))

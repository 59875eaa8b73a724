"""Adverse effects of a drug: what its studies report (with incidence and arm) and its label lists.

Studies are those that INVESTIGATES the drug (as intervention or comparator; the role is kept so
a reader can tell an effect seen on the comparator arm); label-level effects come from the
drug's CAUSES_ADVERSE_EFFECT edges.
"""

from __future__ import annotations

from typing import Any

from kg.model import Node
from kg.query.resolve import resolve
from kg.store.base import GraphStore

__all__ = ["adverse_effects", "DRUG_CATEGORIES"]

DRUG_CATEGORIES = ("Drug", "Product")


def _brief(node: Node) -> dict[str, Any]:
    return {"id": node.id, "name": node.name, "category": node.category}


def _study(node: Node, roles: set[str], incidence: Any, arm: Any) -> dict[str, Any]:
    p = node.properties
    return {"id": node.id, "title": node.name, "year": p.get("year"), "design": p.get("design"), "n": p.get("n"),
            "roles": sorted(roles), "incidence": incidence, "arm": arm}


def adverse_effects(store: GraphStore, drug: str) -> dict[str, Any]:
    """Adverse effects of the drug(s) ``drug`` names, most reported first; NotFound if none does."""
    drugs = resolve(store, drug, DRUG_CATEGORIES, "drug")
    ids = sorted(d.id for d in drugs)
    roles: dict[str, set[str]] = {}
    for inv in store.edges_of(ids, "in", ["INVESTIGATES"]):
        roles.setdefault(inv.subject, set()).add(str(inv.properties.get("role") or "unspecified"))
    reports = store.edges_of(sorted(roles), "out", ["REPORTS_ADVERSE_EFFECT"])
    labels = store.edges_of(ids, "out", ["CAUSES_ADVERSE_EFFECT"])
    nodes = store.get_nodes({e.object for e in reports + labels} | set(roles))
    groups: dict[str, dict[str, Any]] = {}

    def group(effect_id: str) -> dict[str, Any]:
        return groups.setdefault(effect_id, {"adverse_effect": _brief(nodes[effect_id]), "study_count": 0,
                                             "studies": [], "label": []})

    for e in reports:
        if e.object in nodes and e.subject in nodes:
            group(e.object)["studies"].append(_study(nodes[e.subject], roles[e.subject],
                                                     e.properties.get("incidence"), e.properties.get("arm")))
    for e in labels:
        if e.object in nodes:
            group(e.object)["label"].append({"drug": e.subject, "frequency": e.properties.get("frequency"),
                                             "publications": list(e.provenance.publications) if e.provenance else []})
    for g in groups.values():
        g["studies"].sort(key=lambda s: (-(s["year"] or 0), s["id"], str(s["arm"]), str(s["incidence"])))
        g["study_count"] = len({s["id"] for s in g["studies"]})
    ordered = sorted(groups.values(), key=lambda g: (-g["study_count"], g["adverse_effect"]["name"].casefold(),
                                                     g["adverse_effect"]["id"]))
    return {"drug": [_brief(d) for d in drugs], "adverse_effects": ordered}

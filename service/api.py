"""JSON endpoints: health, search, entities and evidence."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from kg.errors import NotFound, QueryError
from kg.iri import expand
from kg.model import Node
from kg.query.evidence import EvidenceQuery, evidence
from kg.store.base import GraphStore
from ontology import load_schema
from service.evidence_rdf import evidence_rdf, rdf_format
from service.formats import evidence_csv, wants_csv

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_LIMIT = 100


def store() -> GraphStore:
    return current_app.extensions["kg.store"]  # type: ignore[no-any-return]


def _int_arg(name: str, default: int | None = None, low: int = 0, high: int = 10**9) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise QueryError(f"{name} must be between {low} and {high}")
    return value


def _required(name: str) -> str:
    value = (request.args.get(name) or "").strip()
    if not value:
        raise QueryError(f"query parameter {name!r} is required")
    if len(value) > 500:
        raise QueryError(f"{name} is longer than 500 characters")
    return value


@bp.get("/health")
def health() -> Response:
    counts = store().counts()
    return jsonify({"status": "ok", "store": store().backend, "nodes": counts.total_nodes,
                    "edges": counts.total_edges})


@bp.get("/search")
def search() -> Response:
    q = _required("q")
    category = request.args.get("category") or None
    if category is not None and category not in load_schema().categories:
        raise QueryError(f"unknown category {category!r}; known: {sorted(load_schema().categories)}")
    limit = _int_arg("limit", 10, 1, MAX_LIMIT)
    hits = store().search(q, category, limit or 10)
    return jsonify({"query": q, "results": [
        {"id": h.node.id, "name": h.node.name, "category": h.node.category, "score": h.score,
         "matched": h.matched} for h in hits]})


def entity_json(node: Node) -> dict[str, Any]:
    return {"id": node.id, "iri": expand(node.id), "name": node.name, "category": node.category,
            "synonyms": list(node.synonyms),
            "xrefs": [{"id": x, "iri": expand(x)} for x in node.xrefs],
            "properties": dict(node.properties), "source": node.source}


@bp.get("/entities/<path:curie>")
def entity(curie: str) -> Response:
    node = store().get_node(curie)
    if node is None:
        raise NotFound(f"no entity with id {curie!r}")
    body = entity_json(node)
    groups: dict[str, dict[str, Any]] = {}
    edges = store().edges_of([curie], "both")
    others = store().get_nodes({e.object if e.subject == curie else e.subject for e in edges})
    for e in edges:
        outgoing = e.subject == curie
        key = f"{e.predicate}:{'out' if outgoing else 'in'}"
        other = others.get(e.object if outgoing else e.subject)
        if other is None:
            continue
        group = groups.setdefault(key, {"predicate": e.predicate, "direction": "out" if outgoing else "in",
                                        "count": 0, "neighbours": []})
        group["count"] += 1
        group["neighbours"].append({"id": other.id, "name": other.name, "category": other.category})
    body["neighbours"] = sorted(groups.values(), key=lambda g: (g["predicate"], g["direction"]))
    return jsonify(body)


@bp.get("/evidence")
def evidence_endpoint() -> Response:
    designs = tuple(d for d in request.args.getlist("design") if d)
    unknown = set(designs) - set(load_schema().designs)
    if unknown:
        raise QueryError(f"unknown design {sorted(unknown)}; known: {sorted(load_schema().designs)}")
    query = EvidenceQuery(
        source=_required("source"), target=_required("target"), designs=designs,
        year_from=_int_arg("year_from", None, 1900, 2100), year_to=_int_arg("year_to", None, 1900, 2100),
        min_n=_int_arg("min_n", None, 0), as_of=request.args.get("as_of") or None)
    if (fmt := rdf_format()) is not None:
        return evidence_rdf(store(), query, fmt)
    answer = evidence(store(), query)
    if wants_csv():
        return evidence_csv(answer.to_dict())
    return jsonify(answer.to_dict())

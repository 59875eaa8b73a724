"""The analyst's query surface: read-only Cypher, the query library, neighbourhoods, paths and
adverse effects. Each view's OpenAPI operation sits on it (:func:`service.openapi.documented`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from kg.errors import NotFound, QueryError
from kg.model import Edge, Node
from kg.query.adverse import adverse_effects
from kg.query.distance import hop_distance
from kg.query.library import load_library
from kg.query.resolve import resolve
from kg.settings import Settings
from ontology import load_schema
from service.api import MAX_LIMIT, _int_arg, _required, store
from service.apidoc import documented, operation, param
from service.formats import csv_response, wants_csv
from service.openapi_schemas import EXAMPLES

__all__ = ["bp", "MAX_QUERY_CHARS", "node_brief", "edge_json"]

bp = Blueprint("analyst", __name__, url_prefix="/api")

MAX_QUERY_CHARS = 20_000
DEPTHS = (1, 3)
HOPS = (1, 5)


def _settings() -> Settings:
    return current_app.extensions["kg.settings"]  # type: ignore[no-any-return]


def node_brief(node: Node) -> dict[str, Any]:
    return {"id": node.id, "name": node.name, "category": node.category}


def edge_json(edge: Edge) -> dict[str, Any]:
    prov = edge.provenance
    return {"id": edge.id, "subject": edge.subject, "predicate": edge.predicate, "object": edge.object,
            "properties": dict(edge.properties), "publications": list(prov.publications) if prov else [],
            "evidence_type": prov.evidence_type if prov else None,
            "primary_knowledge_source": prov.primary_knowledge_source if prov else None}


def _terms(name: str, known: Any, kind: str) -> list[str]:
    """Repeatable query parameter whose values must be schema terms."""
    values = [v for v in request.args.getlist(name) if v]
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise QueryError(f"unknown {kind} {unknown}; known: {sorted(known)}")
    return values


def _one_node(text: str, role: str) -> Node:
    """The one node ``text`` names (a CURIE, xref, name or synonym); 400 if it names several."""
    found = resolve(store(), text, load_schema().categories, role)
    if len(found) > 1:
        options = ", ".join(f"{n.name} ({n.id})" for n in found[:5])
        raise QueryError(f"{role} {text!r} is ambiguous: give one id of {options}")
    return found[0]


@bp.post("/cypher")
@documented(operation(
    "Run a read-only Cypher query",
    "Writes, LOAD CSV, several statements and procedures other than db.labels, db.relationshipTypes, "
    "db.propertyKeys and db.schema.visualization are refused with 400. The query stops at the server's "
    "time limit and answers at most the row cap. Node labels are categories, relationship types are "
    "predicates and properties are flat (n.id, n.name, s.year, r.direction).",
    body=("CypherRequest", EXAMPLES["CypherRequest"]), ok="CypherAnswer", csv=True,
    params=[param("format", "json or csv (or send Accept: text/csv)", enum=["json", "csv"])]))
def cypher() -> Response:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise QueryError('send a JSON object: {"query": "MATCH ... RETURN ...", "params": {...}}')
    unknown = sorted(set(body) - {"query", "params", "row_cap"})
    if unknown:
        raise QueryError(f"unknown fields {unknown}; send query, params and optionally row_cap")
    query, params = body.get("query"), body.get("params") or {}
    if not isinstance(query, str) or not query.strip():
        raise QueryError("query must be a non-empty string")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query is longer than {MAX_QUERY_CHARS} characters")
    if not isinstance(params, dict):
        raise QueryError("params must be a JSON object")
    settings = _settings()
    row_cap = body.get("row_cap", settings.cypher_row_cap)
    if isinstance(row_cap, bool) or not isinstance(row_cap, int) or not 1 <= row_cap <= settings.cypher_row_cap:
        raise QueryError(f"row_cap must be a whole number from 1 to {settings.cypher_row_cap}")
    result = store().cypher(query, params, settings.cypher_timeout, row_cap)
    if wants_csv():
        return csv_response(result.columns, result.rows, "cypher.csv")
    return jsonify(result.to_dict())


@bp.get("/cypher/library")
@documented(operation("The analyst query library",
                      "Named, documented queries (docs/queries.cypher) with example parameters; POST one's "
                      "query and params to /api/cypher.", ok="Library", errors=(503,)))
def library() -> Response:
    return jsonify({"queries": [q.to_dict() for q in load_library(current_app.config.get("QUERY_LIBRARY"))]})


@bp.get("/neighbourhood")
@documented(operation(
    "Nodes within a few hops of a node",
    "Walks edges in either direction; category limits the nodes reached and predicate the edges walked "
    "(both repeatable).", ok="Neighbourhood", errors=(400, 404),
    params=[param("id", "CURIE (or name) of the centre", required=True, example="CHEBI:60799"),
            param("depth", "hops, 1 to 3", kind="integer", minimum=DEPTHS[0], maximum=DEPTHS[1], default=1),
            param("category", "node category to reach (repeatable)", example="Study"),
            param("predicate", "predicate to walk (repeatable)", example="INVESTIGATES")]))
def neighbourhood() -> Response:
    schema = load_schema()
    centre = _one_node(_required("id"), "id")
    depth = _int_arg("depth", 1, *DEPTHS) or 1
    categories = _terms("category", schema.categories, "category")
    predicates = _terms("predicate", schema.predicates, "predicate")
    sub = store().neighbourhood(centre.id, depth, categories or None, predicates or None)
    return jsonify({"centre": node_brief(centre), "depth": depth, "nodes": [node_brief(n) for n in sub.nodes],
                    "edges": [edge_json(e) for e in sub.edges]})


@bp.get("/paths")
@documented(operation(
    "Paths between two nodes", "Simple paths of at most max_hops edges, either direction, shortest first.",
    ok="Paths", errors=(400, 404),
    params=[param("source", "CURIE (or name) of one end", required=True, example="HGNC:4586"),
            param("target", "CURIE (or name) of the other end", required=True, example="MONDO:0005146"),
            param("max_hops", "longest path, 1 to 5", kind="integer", minimum=HOPS[0], maximum=HOPS[1], default=3),
            param("limit", f"most paths, 1 to {MAX_LIMIT}", kind="integer", minimum=1, maximum=MAX_LIMIT,
                  default=25)]))
def paths() -> Response:
    source, target = _one_node(_required("source"), "source"), _one_node(_required("target"), "target")
    max_hops = _int_arg("max_hops", 3, *HOPS) or 3
    limit = _int_arg("limit", 25, 1, MAX_LIMIT) or 25
    distance = hop_distance(store(), source.id, target.id, max_hops)
    chains = [] if distance is None or distance == 0 else store().paths(source.id, target.id, max_hops, limit)
    nodes = store().get_nodes({i for c in chains for i in c.nodes} | {source.id, target.id})
    edges = {e.id: e for c in chains for e in c.edges}
    return jsonify({"source": node_brief(source), "target": node_brief(target), "max_hops": max_hops,
                    "distance": distance,
                    "paths": [{"length": len(c.edges), "nodes": list(c.nodes), "edges": [e.id for e in c.edges]}
                              for c in chains],
                    "nodes": [node_brief(nodes[i]) for i in sorted(nodes)],
                    "edges": [edge_json(edges[i]) for i in sorted(edges)]})


@bp.get("/adverse-effects")
@documented(operation(
    "Adverse effects of a drug",
    "Each adverse effect with the studies of the drug that report it (incidence and arm where known) and "
    "the drug's label-level effects; most reported first.", ok="AdverseEffects", errors=(400, 404),
    params=[param("drug", "CURIE, name or synonym of a drug or product", required=True, example="esketamine")]))
def adverse_effects_endpoint() -> Response:
    answer = adverse_effects(store(), _required("drug"))
    if not answer["drug"]:
        raise NotFound("no such drug")
    return jsonify(answer)

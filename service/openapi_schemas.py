"""JSON Schemas (2020-12, as OpenAPI 3.1 uses them) and examples of every API request and answer."""

from __future__ import annotations

from typing import Any

__all__ = ["COMPONENTS", "EXAMPLES"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: dict[str, Any], optional: dict[str, Any] | None = None, strict: bool = True) -> dict[str, Any]:
    """An object schema: every ``required`` key must be there; ``strict`` forbids other keys."""
    schema: dict[str, Any] = {"type": "object", "required": sorted(required),
                              "properties": {**required, **(optional or {})}}
    if strict:
        schema["additionalProperties"] = False
    return schema


def _list(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


STR, INT, NUM, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
ANY_OBJ: dict[str, Any] = {"type": "object"}


def _maybe(kind: str) -> dict[str, Any]:
    return {"type": [kind, "null"]}


NODE = _obj({"id": STR, "name": STR, "category": STR})
KETAMINE = {"id": "CHEBI:6121", "name": "ketamine", "category": "Drug"}
ESKETAMINE = {"id": "CHEBI:60799", "name": "esketamine", "category": "Drug"}
PTSD = {"id": "MONDO:0005146", "name": "post-traumatic stress disorder", "category": "Condition"}
STUDY_NODE = {"id": "PMID:35046508", "name": "Ketamine for chronic PTSD (randomized clinical trial)",
              "category": "Study"}
EDGE_EXAMPLE = {"id": "ketkg:e0123456789abcdef0123", "subject": "PMID:35046508", "predicate": "INVESTIGATES",
                "object": "CHEBI:6121", "properties": {"role": "intervention", "route": "intravenous"},
                "publications": ["PMID:35046508"], "evidence_type": "ECO:0007121",
                "primary_knowledge_source": "infores:ketamine-kg-curated"}

COMPONENTS: dict[str, Any] = {
    "Error": _obj({"error": _obj({"status": INT, "message": STR})}),
    "Node": NODE,
    "Edge": _obj({"id": STR, "subject": STR, "predicate": STR, "object": STR, "properties": ANY_OBJ,
                  "publications": _list(STR), "evidence_type": _maybe("string"),
                  "primary_knowledge_source": _maybe("string")}),
    "Health": _obj({"status": {"type": "string", "enum": ["ok"]}, "store": STR, "nodes": INT, "edges": INT},
                   strict=False),
    "SearchAnswer": _obj({"query": STR, "results": _list(_obj({
        "id": STR, "name": STR, "category": STR, "score": NUM, "matched": STR}))}),
    "Entity": _obj({
        "id": STR, "iri": _maybe("string"), "name": STR, "category": STR, "synonyms": _list(STR),
        "xrefs": _list(_obj({"id": STR, "iri": _maybe("string")})), "properties": ANY_OBJ,
        "source": _maybe("string"),
        "neighbours": _list(_obj({"predicate": STR, "direction": {"type": "string", "enum": ["in", "out"]},
                                  "count": INT, "neighbours": _list(_ref("Node"))}))}, strict=False),
    "Study": _obj({"id": STR, "title": STR, "year": _maybe("integer"), "design": _maybe("string"),
                   "evidence_level": _maybe("integer"), "n": _maybe("integer"), "size": STR,
                   "matched_conditions": _list(STR), "direction": _maybe("string")}, strict=False),
    "Consensus": _obj({
        "drug": _ref("Node"), "condition": _ref("Node"), "studies": INT,
        "by_design": {"type": "object", "additionalProperties": INT}, "participants": INT,
        "primary_studies_without_n": INT, "directions": {"type": "object", "additionalProperties": INT},
        "directions_agree": _maybe("boolean"), "direction": _maybe("string"), "approvals": INT}),
    "Evidence": _obj({
        "source": _list(_ref("Node")), "target": _list(_ref("Node")), "conditions": _list(STR),
        "chains": _list(_obj({"nodes": _list(_ref("Node")), "edges": _list(_ref("Edge"))})),
        "studies": _list(_ref("Study")), "consensus": _list(_ref("Consensus"))}, strict=False),
    "CypherRequest": _obj({"query": {"type": "string", "minLength": 1, "maxLength": 20000}},
                          {"params": ANY_OBJ, "row_cap": {"type": "integer", "minimum": 1}}),
    "CypherAnswer": _obj({"columns": _list(STR), "rows": _list(_list({})), "truncated": BOOL, "elapsed_ms": NUM}),
    "Library": _obj({"queries": _list(_obj({"name": STR, "description": STR, "query": STR, "params": ANY_OBJ}))}),
    "Neighbourhood": _obj({"centre": _ref("Node"), "depth": {"type": "integer", "minimum": 1, "maximum": 3},
                           "nodes": _list(_ref("Node")), "edges": _list(_ref("Edge"))}),
    "Paths": _obj({
        "source": _ref("Node"), "target": _ref("Node"), "max_hops": {"type": "integer", "minimum": 1, "maximum": 5},
        "distance": _maybe("integer"),
        "paths": _list(_obj({"length": INT, "nodes": _list(STR), "edges": _list(STR)})),
        "nodes": _list(_ref("Node")), "edges": _list(_ref("Edge"))}),
    "AdverseEffects": _obj({"drug": _list(_ref("Node")), "adverse_effects": _list(_obj({
        "adverse_effect": _ref("Node"), "study_count": INT,
        "studies": _list(_obj({"id": STR, "title": STR, "year": _maybe("integer"), "design": _maybe("string"),
                               "n": _maybe("integer"), "roles": _list(STR), "incidence": _maybe("string"),
                               "arm": _maybe("string")})),
        "label": _list(_obj({"drug": STR, "frequency": _maybe("string"), "publications": _list(STR)}))}))}),
    "OpenAPI": _obj({"openapi": STR, "info": ANY_OBJ, "paths": ANY_OBJ}, strict=False),
    "Sources": _obj({"sources": _list(ANY_OBJ), "non_commercial": _list(STR)}, {"note": STR}, strict=False),
    "SparqlResults": {"type": "object", "description": "SPARQL 1.1 Query Results JSON (SELECT or ASK)",
                      "anyOf": [{"required": ["head", "results"]}, {"required": ["head", "boolean"]}]},
}

EXAMPLES: dict[str, Any] = {
    "Health": {"status": "ok", "store": "memory", "nodes": 223, "edges": 467},
    "SearchAnswer": {"query": "Spravato", "results": [
        {"id": "CHEBI:60799", "name": "esketamine", "category": "Drug", "score": 80.0, "matched": "synonym"}]},
    "Entity": {"id": "CHEBI:6121", "iri": "http://purl.obolibrary.org/obo/CHEBI_6121", "name": "ketamine",
               "category": "Drug", "synonyms": ["Ketalar"],
               "xrefs": [{"id": "DRUGBANK:DB01221", "iri": "https://go.drugbank.com/drugs/DB01221"}],
               "properties": {"description": "Racemic arylcyclohexylamine ..."},
               "source": "infores:ketamine-kg-curated",
               "neighbours": [{"predicate": "INVESTIGATES", "direction": "in", "count": 1,
                               "neighbours": [STUDY_NODE]}]},
    "Evidence": {"source": [KETAMINE], "target": [PTSD], "conditions": ["MONDO:0005146"],
                 "chains": [{"nodes": [KETAMINE, STUDY_NODE, PTSD], "edges": [EDGE_EXAMPLE]}],
                 "studies": [{"id": "PMID:35046508", "title": STUDY_NODE["name"], "year": 2022, "design": "rct",
                              "evidence_level": 2, "n": 30, "size": "small", "matched_conditions": ["MONDO:0005146"],
                              "direction": "benefit"}],
                 "consensus": [{"drug": KETAMINE, "condition": PTSD, "studies": 1, "by_design": {"rct": 1},
                                "participants": 30, "primary_studies_without_n": 0, "directions": {"benefit": 1},
                                "directions_agree": True, "direction": "benefit", "approvals": 0}]},
    "CypherRequest": {"query": "MATCH (s:Study)-[:INVESTIGATES]->(d:Drug) WHERE d.id = $drug "
                               "RETURN s.id AS study, s.year AS year ORDER BY year DESC, study LIMIT 5",
                      "params": {"drug": "CHEBI:60799"}},
    "CypherAnswer": {"columns": ["study", "year"], "rows": [["PMID:37792613", 2023], ["PMID:31734084", 2020]],
                     "truncated": False, "elapsed_ms": 41.7},
    "Library": {"queries": [{"name": "targets_of_drug_mechanisms",
                             "description": "The genes and proteins acted on by each mechanism of action of a drug.",
                             "query": "MATCH (d:Drug)-[:HAS_MECHANISM]->(m:Mechanism)-[:ACTS_ON]->(t:Target) ...",
                             "params": {"drug": "CHEBI:6121"}}]},
    "Neighbourhood": {"centre": ESKETAMINE, "depth": 1,
                      "nodes": [ESKETAMINE, KETAMINE],
                      "edges": [{**EDGE_EXAMPLE, "subject": "CHEBI:60799", "predicate": "ENANTIOMER_OF",
                                 "properties": {}, "publications": []}]},
    "Paths": {"source": KETAMINE, "target": PTSD, "max_hops": 3, "distance": 2,
              "paths": [{"length": 2, "nodes": ["CHEBI:6121", "PMID:35046508", "MONDO:0005146"],
                         "edges": ["ketkg:e0123456789abcdef0123", "ketkg:e3210fedcba9876543210"]}],
              "nodes": [KETAMINE, PTSD, STUDY_NODE], "edges": [EDGE_EXAMPLE]},
    "AdverseEffects": {"drug": [ESKETAMINE], "adverse_effects": [{
        "adverse_effect": {"id": "MESH:D004213", "name": "dissociation", "category": "AdverseEffect"},
        "study_count": 1,
        "studies": [{"id": "NCT:NCT02497287", "title": "SUSTAIN-2", "year": 2020, "design": "open_label",
                     "n": 802, "roles": ["intervention"], "incidence": "27.6%", "arm": "esketamine + AD"}],
        "label": []}]},
    "Sources": {"sources": [{"source": "infores:ketamine-kg-curated", "license": "CC-BY-4.0"}],
                "non_commercial": [], "note": "Records of non-commercial sources may not be used commercially."},
    "SparqlResults": {"head": {"vars": ["drug"]}, "results": {"bindings": [
        {"drug": {"type": "uri", "value": "http://purl.obolibrary.org/obo/CHEBI_6121"}}]}},
    "OpenAPI": {"openapi": "3.1.0", "info": {"title": "ketamine-kg API", "version": "0.1.0"}, "paths": {}},
}

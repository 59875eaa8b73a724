"""How nodes and edges look to Cypher, the same on every store.

A node is labelled with its category and carries ``id``, ``name``, ``category``, ``synonyms``,
``xrefs``, ``source`` and its properties, flattened (``n.year``, ``n.design``). A relationship's
type is its predicate and it carries ``id``, ``subject``, ``object``, ``qualifier``, its
properties (``r.direction``, ``r.incidence``) and its provenance, flattened
(``r.publications``, ``r.primary_knowledge_source``, ``r.evidence_type`` ...).

Values are what Neo4j can store: strings, numbers, booleans and lists of them. ``None`` is
left out (Cypher reads a missing property as null); anything else is JSON text. The Neo4j
store writes these maps and the embedded store queries them, so analyst queries see the
same properties on both; :func:`node_json` and :func:`relationship_json` are the shapes in
which a query that returns whole nodes or relationships answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from kg.model import Edge, Node

__all__ = ["node_properties", "edge_properties", "node_json", "relationship_json", "cypher_value"]

NODE_FIELDS = ("id", "name", "category", "synonyms", "xrefs", "source")
EDGE_FIELDS = ("id", "subject", "object", "qualifier")
PROVENANCE_FIELDS = ("primary_knowledge_source", "source_version", "knowledge_level", "agent_type",
                     "publications", "evidence_type", "license")


def cypher_value(value: Any) -> Any:
    """A property value Neo4j can store: scalars and lists of scalars pass, the rest becomes JSON."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, str | int | float | bool) for v in value):
        return list(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _flat(fixed: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``extra`` then ``fixed`` (record fields win over a property of the same name), no nulls."""
    merged = {**extra, **fixed}
    return {k: cypher_value(v) for k, v in sorted(merged.items()) if v is not None}


def node_properties(node: Node) -> dict[str, Any]:
    """The property map of ``node`` as Cypher sees it."""
    fixed = {"id": node.id, "name": node.name, "category": node.category, "synonyms": list(node.synonyms),
             "xrefs": list(node.xrefs), "source": node.source}
    return _flat(fixed, node.properties)


def edge_properties(edge: Edge) -> dict[str, Any]:
    """The property map of ``edge`` as Cypher sees it (its type is ``edge.predicate``)."""
    fixed: dict[str, Any] = {"id": edge.id, "subject": edge.subject, "object": edge.object,
                             "qualifier": edge.qualifier}
    if edge.provenance is not None:
        prov = edge.provenance.to_dict()
        fixed.update({k: prov[k] for k in PROVENANCE_FIELDS})
    return _flat(fixed, edge.properties)


def node_json(labels: Iterable[str], properties: Mapping[str, Any]) -> dict[str, Any]:
    """A node returned by a query: ``{"labels": [...], "properties": {...}}``."""
    return {"labels": sorted(labels), "properties": dict(sorted(properties.items()))}


def relationship_json(rel_type: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    """A relationship returned by a query: ``{"type": ..., "properties": {...}}``."""
    return {"type": rel_type, "properties": dict(sorted(properties.items()))}

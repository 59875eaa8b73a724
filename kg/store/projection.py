"""How nodes and edges look to Cypher, the same on every store.

A node is labelled with its category and carries ``id``, ``name``, ``category``, ``synonyms``,
``xrefs``, ``source`` and its properties, flattened (``n.year``, ``n.design``). A relationship's
type is its predicate and it carries ``id``, ``subject``, ``object``, ``qualifier``, its
properties (``r.direction``, ``r.incidence``) and its provenance, flattened
(``r.publications``, ``r.primary_knowledge_source``, ``r.evidence_type`` ...).

Values are what Neo4j can store: strings, 64-bit integers, floats, booleans and lists of one
of those kinds. ``None`` is left out (Cypher reads a missing property as null); anything else
is JSON text (:func:`cypher_value`), on every store. The Neo4j store writes these maps and the
embedded store queries them, so analyst queries see the same properties on both;
:func:`node_json` and :func:`relationship_json` are the shapes in which a query that returns
whole nodes or relationships answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from kg.model import Edge, Node

__all__ = ["node_properties", "edge_properties", "node_json", "relationship_json", "cypher_value"]

NODE_FIELDS = ("id", "name", "category", "synonyms", "xrefs", "source")
EDGE_FIELDS = ("id", "subject", "object", "qualifier")
INT64 = (-(2**63), 2**63 - 1)
PROVENANCE_FIELDS = ("primary_knowledge_source", "source_version", "knowledge_level", "agent_type",
                     "publications", "evidence_type", "license")


def _kind(value: Any) -> str | None:
    """The Neo4j property kind of a scalar, or None if Neo4j cannot hold it as one (a >64-bit int)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int" if INT64[0] <= value <= INT64[1] else None
    if isinstance(value, float | str):
        return type(value).__name__
    return None


def cypher_value(value: Any) -> Any:
    """A property value Neo4j can store, the same on every store.

    Scalars and lists of scalars of one kind pass (``[1, 2]``, ``["a"]``, ``[]``); everything
    else becomes JSON text: nested values, lists mixing kinds (``[1, "x"]``, ``[1, 0.5]``) or
    holding nulls, and integers outside 64 bits.

    >>> [cypher_value(v) for v in (3, [1, 2], [1, "x"], 2**70, {"b": 1, "a": None})]
    [3, [1, 2], '[1, "x"]', '1180591620717411303424', '{"a": null, "b": 1}']
    """
    if value is None or _kind(value) is not None:
        return value
    if isinstance(value, list | tuple):
        kinds = {_kind(v) for v in value}
        if len(kinds) <= 1 and None not in kinds:
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

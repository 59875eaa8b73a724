"""How :class:`~kg.model.Node` and :class:`~kg.model.Edge` records become Neo4j properties and back.

Analysts' Cypher sees the maps of :mod:`kg.store.projection` (the same on every store).
Besides them the store keeps its own bookkeeping under ``_kg_*`` names, never shown to
analysts: the exact properties as JSON (``_kg_properties``, absent when there are none), so
nested values, ``None`` and key order round-trip; and ``_kg_build``, the write that last
touched the record (records left from an older write are deleted after a rebuild). A first
build (and a bulk import) leaves ``_kg_build`` off its relationships: nothing can be stale then,
and a rebuild marks every relationship it writes, so the unmarked ones it leaves are the stale.

Reads take a relationship's stored properties in one piece (``properties(r)``: one walk of
its property records, no look-up of its end nodes) and rebuild the edge from them. Its
provenance comes back from the flattened fields: record fields win over properties of the same
name, so they hold it exactly. Only an edge without provenance whose own properties use a
provenance field's name would be misread; it is marked ``_kg_provenance = "null"``.
(Databases written before this layout kept the whole provenance as JSON in
``_kg_provenance``; it is still read.) Every property left out of a relationship is one the
storage engine does not write: 3 of 13 fewer at a first build (bench/: each property costs
the server a few microseconds per relationship).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from neo4j.graph import Node as GraphNode
from neo4j.graph import Path, Relationship

from kg.errors import KGError
from kg.model import Edge, Node, Provenance
from kg.store.projection import PROVENANCE_FIELDS, edge_properties, node_json, node_properties, relationship_json

__all__ = ["node_row", "edge_row", "node_from", "edge_from", "INTERNAL_PREFIX", "public_properties",
           "cypher_json", "COMMON_LABEL"]

INTERNAL_PREFIX = "_kg_"
PROVENANCE_FIELDS_SET = frozenset(PROVENANCE_FIELDS)
COMMON_LABEL = "Entity"


def _json(value: Any, what: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError) as err:
        raise KGError(f"{what} {value!r} cannot be stored: it is not JSON-serialisable ({err})") from err


def _plain(make: Callable[[], dict[str, Any]], what: str) -> dict[str, Any]:
    """The projection map ``make`` gives (values Neo4j can store, nested ones as JSON text)."""
    try:
        return make()
    except (TypeError, ValueError) as err:
        raise KGError(f"{what} cannot be stored: a value is not JSON-serialisable ({err})") from err


def node_row(node: Node, build: str) -> dict[str, Any]:
    """The ``UNWIND`` row that writes ``node``: its id and the full property map."""
    props = _plain(lambda: node_properties(node), f"node {node.id}")
    props.update({
        "_kg_properties": _json(node.properties, f"properties of {node.id}"),
        "_kg_build": build,
    })
    return {"id": node.id, "props": props}


def _provenance_part(edge: Edge) -> dict[str, Any]:
    """The properties an edge gets from its provenance (the flattened fields)."""
    flat = _plain(lambda: edge_properties(edge), f"provenance of {edge.id}")
    return {k: v for k, v in flat.items() if k in PROVENANCE_FIELDS}


def edge_row(edge: Edge, build: str | None, shared: dict[int, tuple[Provenance, dict[str, Any]]] | None = None
             ) -> dict[str, Any]:
    """The ``UNWIND`` row that writes ``edge``: its id, ends and the full property map, marked
    with ``build`` (none when it is None: a first build).

    ``shared`` caches what edges sharing one provenance object have in common, so a batch of
    edges of one source encodes its provenance once; an edge with properties of its own takes
    the general path (its properties may shadow provenance fields).
    """
    prov = edge.provenance
    if shared is not None and prov is not None and not edge.properties:
        cached = shared.get(id(prov))
        if cached is None or cached[0] is not prov:
            cached = shared[id(prov)] = (prov, _provenance_part(edge))
        props = {"id": edge.id, "subject": edge.subject, "object": edge.object, "qualifier": edge.qualifier,
                 **cached[1]}
        if build is not None:
            props["_kg_build"] = build
        return {"id": edge.id, "subject": edge.subject, "object": edge.object, "props": props}
    props = _plain(lambda: edge_properties(edge), f"edge {edge.id}")
    if edge.properties:
        props["_kg_properties"] = _json(edge.properties, f"properties of {edge.id}")
        if prov is None and not PROVENANCE_FIELDS_SET.isdisjoint(edge.properties):
            props["_kg_provenance"] = "null"
    if build is not None:
        props["_kg_build"] = build
    return {"id": edge.id, "subject": edge.subject, "object": edge.object, "props": props}


def node_from(data: dict[str, Any]) -> Node:
    """The node from its map projection (id, category, name, synonyms, xrefs, source, _kg_properties)."""
    return Node(
        id=data["id"],
        category=data["category"],
        name=data["name"],
        synonyms=tuple(data.get("synonyms") or ()),
        xrefs=tuple(data.get("xrefs") or ()),
        properties=json.loads(data.get("_kg_properties") or "{}"),
        source=data.get("source"),
    )


def edge_from(data: dict[str, Any]) -> Edge:
    """The edge from ``{type, fields}``, ``fields`` being the relationship's stored properties:
    the provenance JSON where an older write (or the ``"null"`` mark) left one, else the
    flattened provenance fields."""
    fields = data["fields"]
    stored = fields.get("_kg_provenance")
    if stored is not None:
        exact = json.loads(stored)
        provenance = Provenance.from_dict(exact) if exact else None
    else:
        provenance = Provenance.from_dict(fields) if fields.get("primary_knowledge_source") is not None else None
    return Edge(
        subject=fields["subject"],
        predicate=data["type"],
        object=fields["object"],
        provenance=provenance,
        properties=json.loads(fields.get("_kg_properties") or "{}"),
        qualifier=fields.get("qualifier") or "",
    )


def public_properties(properties: dict[str, Any]) -> dict[str, Any]:
    """``properties`` without the store's own ``_kg_*`` bookkeeping (what analysts see)."""
    return {k: v for k, v in properties.items() if not k.startswith(INTERNAL_PREFIX)}


def cypher_json(value: Any) -> Any:
    """A value of an analyst query's answer in the JSON shapes of :mod:`kg.store.projection`.

    Nodes lose the common ``Entity`` label, and nodes, relationships and maps the ``_kg_*``
    bookkeeping, so they look as on the embedded store; paths become ``{"nodes": [...],
    "relationships": [...]}``; temporal and spatial values become their ISO / WKT-like text.
    """
    if isinstance(value, GraphNode):
        return node_json(set(value.labels) - {COMMON_LABEL}, public_properties(dict(value)))
    if isinstance(value, Relationship):
        return relationship_json(value.type, public_properties(dict(value)))
    if isinstance(value, Path):
        return {"nodes": [cypher_json(n) for n in value.nodes],
                "relationships": [cypher_json(r) for r in value.relationships]}
    if isinstance(value, dict):  # properties(n), n {.*}: the bookkeeping stays hidden in maps too
        return {str(k): cypher_json(v) for k, v in value.items() if not str(k).startswith(INTERNAL_PREFIX)}
    if isinstance(value, list | tuple):
        return [cypher_json(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    iso = getattr(value, "iso_format", None)
    return iso() if callable(iso) else str(value)

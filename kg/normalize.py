"""Identifier normalisation: one record per entity, whatever ids the sources used.

Records of one category that share an id, an xref or an SSSOM exact match are the same entity.
Each entity gets one preferred id: a curated record's id always wins; otherwise the id whose
prefix comes first in Biolink's preferred prefixes for the category. The other ids are kept as
xrefs and edges are rewritten to the preferred ids. Where the evidence points two ways (a record
that matches two curated records, two candidates with the same preferred prefix, one id in two
categories) the conflict is reported as a warning and nothing is guessed: those records stay apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.mappings import prefix_orders, read_preferred_prefixes, read_sssom
from kg.model import CURATED_SOURCE, Edge, Node
from kg.validate import Report
from ontology import Schema, load_schema

__all__ = ["Normalizer", "make_normalizer"]


@dataclass
class _Entity:
    """The records of one id (after the cross-category check)."""

    id: str
    category: str
    nodes: list[Node]
    keys: set[str] = field(default_factory=set)

    @property
    def curated(self) -> bool:
        return any(n.source == CURATED_SOURCE for n in self.nodes)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        root = item
        while self.parent.setdefault(root, root) != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


class Normalizer:
    """Merge records of the same entity and rewrite edges to preferred ids.

    Parameters
    ----------
    mappings
        ``curie -> equivalent curies`` (see :func:`kg.mappings.read_sssom`).
    biolink_prefixes
        Biolink class -> preferred prefixes (see :func:`kg.mappings.read_preferred_prefixes`);
        without it the schema's ``id_prefixes`` order is used.

    Examples
    --------
    >>> from kg.model import Node
    >>> curated = Node("CHEBI:6121", "Drug", "ketamine", xrefs=("DRUGBANK:DB01221",),
    ...                source="infores:ketamine-kg-curated")
    >>> nodes, edges, report = Normalizer()([curated, Node("DRUGBANK:DB01221", "Drug", "Ketamine")], [])
    >>> [(n.id, n.synonyms) for n in nodes]
    [('CHEBI:6121', ('Ketamine',))]
    """

    def __init__(self, mappings: dict[str, set[str]] | None = None,
                 biolink_prefixes: dict[str, list[str]] | None = None, schema: Schema | None = None) -> None:
        self.schema = schema or load_schema()
        self.mappings = mappings or {}
        self.orders = prefix_orders(self.schema, biolink_prefixes)

    def __call__(self, nodes: Sequence[Node], edges: Sequence[Edge]) -> tuple[list[Node], list[Edge], Report]:
        report = Report()
        entities = self._entities(nodes, report)
        groups = self._groups(entities, report)
        merged: list[Node] = []
        id_map: dict[str, str] = {}
        recategorised: set[str] = set()
        for group in groups:
            node = self._merge(group)
            merged.append(node)
            for entity in group:
                for original in entity.nodes:
                    if original.id != node.id:
                        id_map[original.id] = node.id
                    if original.category != node.category:
                        recategorised.add(original.id)
        categories = {n.id: n.category for n in merged}
        return merged, self._rewrite(edges, id_map, recategorised, categories, report), report

    # -- grouping -------------------------------------------------------------------------

    def _keys(self, node: Node) -> set[str]:
        own = {node.id, *node.xrefs}
        return own | {m for key in own for m in self.mappings.get(key, ())}

    def _entities(self, nodes: Iterable[Node], report: Report) -> list[_Entity]:
        """One entity per id; an id used in several categories goes to the curated one (else the first)."""
        entities: dict[str, _Entity] = {}
        for node in nodes:
            entity = entities.get(node.id)
            if entity is None:
                entities[node.id] = _Entity(node.id, node.category, [node], self._keys(node))
                continue
            if node.category != entity.category:
                if node.source == CURATED_SOURCE and not entity.curated:
                    entity.category = node.category
                report.add("warning", "category-conflict",
                           f"id is a {node.category} here but a {entity.nodes[0].category} in "
                           f"{entity.nodes[0].source}; kept as {entity.category}", node.id, node.origin)
            entity.nodes.insert(0, node) if node.source == CURATED_SOURCE else entity.nodes.append(node)
            entity.keys |= self._keys(node)
        return list(entities.values())

    def _groups(self, entities: list[_Entity], report: Report) -> list[list[_Entity]]:
        """Attach entities to the one curated entity they match, then cluster the rest."""
        anchor_of: dict[tuple[str, str], set[str]] = {}
        for entity in entities:
            if entity.curated:
                for key in entity.keys:
                    anchor_of.setdefault((entity.category, key), set()).add(entity.id)
        groups: dict[str, list[_Entity]] = {e.id: [e] for e in entities if e.curated}
        rest: list[_Entity] = []
        for entity in entities:
            if entity.curated:
                continue
            hits = set().union(*(anchor_of.get((entity.category, k), set()) for k in entity.keys))
            if len(hits) == 1:
                groups[hits.pop()].append(entity)
            elif hits:
                report.add("warning", "normalize-conflict", f"matches several curated records "
                           f"({', '.join(sorted(hits))}) through its ids/xrefs; left unmerged",
                           entity.id, entity.nodes[0].origin)
                groups[entity.id] = [entity]
            else:
                rest.append(entity)
        return list(groups.values()) + self._clusters(rest, report)

    def _clusters(self, entities: list[_Entity], report: Report) -> list[list[_Entity]]:
        sets = _UnionFind()
        for entity in entities:
            for key in entity.keys:
                sets.union(f"{entity.category}|{key}", f"{entity.category}|{entity.id}")
        clusters: dict[str, list[_Entity]] = {}
        for entity in entities:
            clusters.setdefault(sets.find(f"{entity.category}|{entity.id}"), []).append(entity)
        out: list[list[_Entity]] = []
        for members in clusters.values():
            best = self._preferred(members)
            if best is None:
                ids = ", ".join(e.id for e in members)
                report.add("warning", "normalize-conflict", f"records {ids} are linked by xrefs or mappings but "
                           "no single id is preferred (same prefix); left unmerged", members[0].id,
                           members[0].nodes[0].origin)
                out += [[e] for e in members]
            else:
                out.append([best, *(e for e in members if e is not best)])
        return out

    def _preferred(self, members: list[_Entity]) -> _Entity | None:
        if len(members) == 1:
            return members[0]
        order = self.orders.get(members[0].category, [])

        def rank(entity: _Entity) -> int:
            prefix = entity.id.partition(":")[0]
            return order.index(prefix) if prefix in order else len(order)

        ranked = sorted(members, key=rank)
        return ranked[0] if rank(ranked[0]) < rank(ranked[1]) else None

    # -- merging --------------------------------------------------------------------------

    def _merge(self, group: list[_Entity]) -> Node:
        primary = group[0]
        nodes = [n for entity in group for n in entity.nodes]
        if len(nodes) == 1 and nodes[0].category == primary.category:
            return nodes[0]
        first = nodes[0]
        ids = {n.id for n in nodes}
        name = next((n.name for n in nodes if n.name not in ids), first.name)
        synonyms = _unique([s for n in nodes for s in (n.name, *n.synonyms)], exclude={name, *ids})
        xrefs = _unique([x for n in nodes for x in (n.id, *n.xrefs)], exclude={primary.id})
        allowed = self.schema.categories[primary.category].properties
        properties: dict[str, object] = {}
        for node in reversed(nodes):
            properties.update({k: v for k, v in node.properties.items() if k in allowed})
        return replace(first, id=primary.id, category=primary.category, name=name, synonyms=tuple(synonyms),
                       xrefs=tuple(xrefs), properties=properties)

    def _rewrite(self, edges: Iterable[Edge], id_map: dict[str, str], recategorised: set[str],
                 categories: dict[str, str], report: Report) -> list[Edge]:
        """Point edges at preferred ids; collapse edges that merging made identical.

        Edges whose ends were merged into another category are dropped (with a warning) when
        they no longer fit the predicate. Edges that were not rewritten pass through untouched,
        so conflicting duplicates among them still reach the validator as errors.
        """
        plain: list[Edge] = []
        moved: list[Edge] = []
        dropped: Counter[str] = Counter()
        for edge in edges:
            subject, obj = id_map.get(edge.subject, edge.subject), id_map.get(edge.object, edge.object)
            if (subject, obj) == (edge.subject, edge.object) and not {subject, obj} & recategorised:
                plain.append(edge)
                continue
            edge = replace(edge, subject=subject, object=obj)
            if self._fits(edge, categories):
                moved.append(edge)
            else:
                dropped[edge.predicate] += 1
        seen: dict[str, Edge] = {}
        for edge in plain:
            seen.setdefault(edge.id, edge)
        for edge in moved:
            previous = seen.setdefault(edge.id, edge)
            if previous is edge:
                plain.append(edge)
            elif previous != edge:
                report.add("warning", "edge-conflict", f"after merging ids, also stated differently at "
                           f"{previous.origin}; the first statement is kept",
                           f"{edge.subject} {edge.predicate} {edge.object}", edge.origin)
        for predicate, count in sorted(dropped.items()):
            report.add("warning", "edge-dropped", f"{count} {predicate} edges no longer fit the predicate's "
                       "domain/range after their ends were merged into records of another category; skipped",
                       predicate, None)
        return plain

    def _fits(self, edge: Edge, categories: dict[str, str]) -> bool:
        predicate = self.schema.predicates.get(edge.predicate)
        if predicate is None:
            return True
        subject, obj = categories.get(edge.subject), categories.get(edge.object)
        return (subject is None or subject in predicate.domain) and (obj is None or obj in predicate.range)


def _unique(values: Iterable[str], exclude: set[str]) -> list[str]:
    return [v for v in dict.fromkeys(values) if v and v not in exclude]


def make_normalizer(sssom: Sequence[Path] = (), biolink_prefixes: Path | None = None,
                    schema: Schema | None = None) -> Normalizer:
    """A :class:`Normalizer` reading SSSOM files and Biolink's preferred prefixes from the given paths."""
    schema = schema or load_schema()
    prefixes = read_preferred_prefixes(biolink_prefixes) if biolink_prefixes else None
    return Normalizer(read_sssom(sssom, schema) if sssom else None, prefixes, schema)

"""Loader for KGX TSV (``*nodes.tsv``, ``*edges.tsv``): our own export, or another Biolink KG.

Our files (written by :mod:`kg.export.kgx`) carry ``ketkg_category``/``ketkg_predicate`` and load
back to exactly the records written. For other KGX files the Biolink category or predicate is
mapped back through the schema when exactly one of our terms maps to it; rows that do not map,
and columns our schema has no property for, are counted and reported, never guessed.
Identifiers written in Biolink's spelling (``CLINICALTRIALS:``, ``doi:``, ``DrugCentral:``) or
with a percent-encoded local id (``doi:10.1176%2Fappi...``) are read as ours
(:func:`kg.export.kgx.from_kgx_curie`), so another Biolink KG's trial ids join ours.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from kg.errors import SourceError
from kg.export.kgx import LIST_DELIMITER, decode_value, from_kgx_curie, kgx_prefixes_in_reverse
from kg.model import Edge, Node, Origin, Provenance
from loaders import Batch
from loaders.tabular import Row, SourceReader, file_version, find_files
from ontology import Schema, load_schema

__all__ = ["KgxLoader"]

SOURCE = "kgx"
_NODE_FIELDS = {"id", "category", "name", "description", "synonym", "xref", "iri", "provided_by", "license",
                "ketkg_category", "ketkg_non_commercial"}
_EDGE_FIELDS = {"id", "subject", "predicate", "object", "primary_knowledge_source", "knowledge_level", "agent_type",
                "publications", "has_evidence", "license", "ketkg_predicate", "ketkg_qualifier",
                "ketkg_source_version", "ketkg_non_commercial", "knowledge_source", "category", "relation"}


def _split(text: str) -> tuple[str, ...]:
    return tuple(item for item in text.split(LIST_DELIMITER) if item) if text else ()


def _reverse(mapping: dict[str, str]) -> dict[str, str]:
    """Biolink term -> our term, for the Biolink terms exactly one of ours maps to."""
    counts = Counter(mapping.values())
    return {biolink: ours for ours, biolink in mapping.items() if counts[biolink] == 1}


class KgxLoader:
    """Read KGX node and edge TSVs.

    Parameters
    ----------
    nodes, edges
        The TSV files (``.gz`` is fine); either may be absent.
    """

    name = SOURCE
    license = "as stated in each row"

    def __init__(self, nodes: Sequence[Path], edges: Sequence[Path], schema: Schema | None = None,
                 progress: bool = False) -> None:
        self.nodes = [Path(p) for p in nodes]
        self.edges = [Path(p) for p in edges]
        self.schema = schema or load_schema()
        self.progress = progress
        self.categories = _reverse({n: c.biolink for n, c in self.schema.categories.items()})
        self.predicates = _reverse({n: p.biolink for n, p in self.schema.predicates.items()})
        self.prefixes = kgx_prefixes_in_reverse(self.schema)

    def _curie(self, text: str) -> str:
        return from_kgx_curie(text.strip(), self.prefixes)

    def _curies(self, text: str) -> tuple[str, ...]:
        return tuple(self._curie(item) for item in _split(text))

    @classmethod
    def from_paths(cls, paths: Sequence[Path], progress: bool = False) -> KgxLoader:
        nodes = find_files(paths, ["*nodes.tsv", "*nodes.tsv.gz"])
        edges = find_files(paths, ["*edges.tsv", "*edges.tsv.gz"])
        if not nodes and not edges:
            raise SourceError(f"kgx: no *nodes.tsv or *edges.tsv among {[str(p) for p in paths]}")
        return cls(nodes, edges, progress=progress)

    def load(self) -> Batch:
        batch = Batch(self.name, license=self.license)
        reader = SourceReader(batch.report, self.progress)
        version = file_version([*self.nodes, *self.edges])
        for path in self.nodes:
            unmapped: Counter[str] = Counter()
            for row in reader.rows(path, required=("id", "category", "name")):
                node = self._node(row, path, reader, unmapped)
                if node is not None:
                    batch.nodes.append(node)
            reader.warn_counts("unmapped-kgx", unmapped, "node values", path)
        for path in self.edges:
            unmapped = Counter()
            for row in reader.rows(path, required=("subject", "predicate", "object")):
                edge = self._edge(row, path, reader, unmapped, version)
                if edge is not None:
                    batch.edges.append(edge)
            reader.warn_counts("unmapped-kgx", unmapped, "edge values", path)
        return batch

    def _node(self, row: Row, path: Path, reader: SourceReader, unmapped: Counter[str]) -> Node | None:
        f = row.fields
        curie = self._curie(f["id"])
        category = f.get("ketkg_category") or self.categories.get(next(iter(_split(f["category"])), ""))
        if category is None or category not in self.schema.categories:
            unmapped[f"category {f['category']}"] += 1
            return None
        allowed = self.schema.categories[category].properties
        props = {}
        for key, text in f.items():
            if key in _NODE_FIELDS - {"description"} or text == "":
                continue
            if key not in allowed:
                unmapped[f"column {key}"] += 1
                continue
            props[key] = decode_value(text)
        provided = _split(f.get("provided_by", ""))
        return Node(curie, category, f["name"], _split(f.get("synonym", "")), self._curies(f.get("xref", "")), props,
                    provided[0] if provided else None, Origin(str(path), row.line, curie))

    def _edge(self, row: Row, path: Path, reader: SourceReader, unmapped: Counter[str],
              version: str) -> Edge | None:
        f = row.fields
        predicate = f.get("ketkg_predicate") or self.predicates.get(f["predicate"])
        if predicate is None or predicate not in self.schema.predicates:
            unmapped[f"predicate {f['predicate']}"] += 1
            return None
        allowed = self.schema.predicates[predicate].properties
        props = {}
        for key, text in f.items():
            if key in _EDGE_FIELDS or text == "":
                continue
            if key not in allowed:
                unmapped[f"column {key}"] += 1
                continue
            props[key] = decode_value(text)
        qualifier = decode_value(f["ketkg_qualifier"]) if f.get("ketkg_qualifier") else ""
        prov = Provenance(f.get("primary_knowledge_source") or "infores:unknown",
                          f.get("ketkg_source_version") or version, f.get("knowledge_level") or "not_provided",
                          f.get("agent_type") or "not_provided", self._curies(f.get("publications", "")),
                          f.get("has_evidence") or None, f.get("license") or None)
        edge = Edge(self._curie(f["subject"]), predicate, self._curie(f["object"]), prov, props, str(qualifier),
                    Origin(str(path), row.line, f.get("id") or None))
        if f.get("ketkg_predicate") and f.get("id") and f["id"] != edge.id:
            reader.error("edge-id-mismatch", f"edge id {f['id']} does not match its subject, predicate, object "
                         f"and qualifier (expected {edge.id})", path, row.line, f["id"])
            return None
        return edge

"""Loader for Hetionet v1.0: the nodes TSV and edge files (SIF, or TSV with properties).

Metanodes map onto our categories (Compound -> Drug ``DRUGBANK:``, Gene -> Target
``NCBIGene:``, Disease -> Condition ``DOID:``, Side Effect -> AdverseEffect ``UMLS:``, Symptom ->
Condition ``MESH:``, ...); metaedges onto our predicates (CbG -> BINDS, CcSE ->
CAUSES_ADVERSE_EFFECT, ...). Kinds, ids and metaedges with no mapping are counted and reported as
warnings. Edge files may be the official SIF (``source metaedge target``) or a TSV with extra
columns (``actions``, ``pubmed_ids``, ``license``, ``affinity_nM``) whose values are kept.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from kg.errors import SourceError
from kg.model import Edge, Node, Origin, Provenance
from loaders import Batch
from loaders.tabular import CurieMaker, Row, SourceReader, find_files
from ontology import Schema, load_schema

__all__ = ["HetionetLoader", "NODE_KINDS", "METAEDGES"]

SOURCE = "infores:hetionet"
VERSION = "v1.0"
LICENSE = "CC0-1.0"

# Hetionet metanode -> (our category, CURIE prefix of its identifiers)
NODE_KINDS: dict[str, tuple[str, str]] = {
    "Compound": ("Drug", "DRUGBANK"),
    "Gene": ("Target", "NCBIGene"),
    "Disease": ("Condition", "DOID"),
    "Side Effect": ("AdverseEffect", "UMLS"),
    "Symptom": ("Condition", "MESH"),
    "Anatomy": ("Anatomy", "UBERON"),
    "Biological Process": ("BiologicalProcess", "GO"),
    "Cellular Component": ("CellularComponent", "GO"),
    "Molecular Function": ("MolecularActivity", "GO"),
    "Pathway": ("Pathway", "WIKIPATHWAYS"),
    "Pharmacologic Class": ("PharmacologicClass", "NDFRT"),
}

# Hetionet metaedge abbreviation -> our predicate (same direction)
METAEDGES: dict[str, str] = {
    "CbG": "BINDS", "CcSE": "CAUSES_ADVERSE_EFFECT", "CtD": "TREATS", "CpD": "PALLIATES",
    "DaG": "ASSOCIATED_WITH_GENE", "DlA": "LOCALIZES_TO", "DpS": "HAS_SYMPTOM", "DrD": "RESEMBLES",
    "PCiC": "INCLUDES", "GpBP": "PARTICIPATES_IN", "GpCC": "PARTICIPATES_IN", "GpMF": "PARTICIPATES_IN",
    "GpPW": "PARTICIPATES_IN", "GiG": "INTERACTS_WITH",
}

# The most restrictive upstream licence of each metaedge, used when a row states none.
EDGE_LICENSES = {"CbG": "CC-BY-NC-4.0", "CcSE": "CC-BY-NC-SA-4.0", "DaG": "ODbL-1.0", "PCiC": "CC-BY-4.0",
                 "GpBP": "CC-BY-4.0", "GpCC": "CC-BY-4.0", "GpMF": "CC-BY-4.0"}

_REVISION = re.compile(r"_r\d+$")
_IDENTIFIER = re.compile(r"[A-Za-z0-9_.:\-]+", re.ASCII)  # any Hetionet identifier; others are malformed


class HetionetLoader:
    """Read Hetionet nodes and edges.

    Parameters
    ----------
    nodes
        ``hetionet-v1.0-nodes.tsv`` (``id``, ``name``, ``kind``; CRLF line endings are fine).
    edges
        Edge files: ``*.sif.gz``/``*.sif`` or TSVs with ``source``, ``metaedge``, ``target`` columns.
        An edge in several files is kept once, with the richest properties.
    progress
        Show a progress bar per file on stderr.
    """

    name = SOURCE
    license = LICENSE

    def __init__(self, nodes: Path, edges: Sequence[Path] = (), schema: Schema | None = None,
                 progress: bool = False) -> None:
        self.nodes_path = Path(nodes)
        self.edge_paths = [Path(p) for p in edges]
        self.schema = schema or load_schema()
        self.progress = progress

    @classmethod
    def from_paths(cls, paths: Sequence[Path], progress: bool = False) -> HetionetLoader:
        """Find the nodes file and edge files among ``paths`` (files or directories)."""
        nodes = find_files(paths, ["*-nodes.tsv"])
        if len(nodes) != 1:
            raise SourceError(f"hetionet: expected one *-nodes.tsv among {[str(p) for p in paths]}, found {nodes}")
        edges = find_files(paths, ["*.sif.gz", "*.sif", "*-edges.tsv"])
        return cls(nodes[0], edges, progress=progress)

    def load(self) -> Batch:
        batch = Batch(self.name, license=self.license)
        reader = SourceReader(batch.report, self.progress)
        ids = _read_nodes(self.nodes_path, reader, CurieMaker(self.schema), batch)
        edges: dict[tuple[str, str, str], Edge] = {}
        richer: set[tuple[str, str, str]] = set()
        for path in self.edge_paths:
            _read_edges(path, reader, ids, edges, richer)
        batch.edges.extend(edges.values())
        return batch


def _node_curie(kind: str, identifier: str, curies: CurieMaker) -> str | None:
    prefix = NODE_KINDS[kind][1]
    local = identifier.split(":", 1)[1] if identifier.upper().startswith(f"{prefix.upper()}:") else identifier
    return curies(prefix, _REVISION.sub("", local))


def _read_nodes(path: Path, reader: SourceReader, curies: CurieMaker, batch: Batch) -> dict[str, str | None]:
    """Map every Hetionet node id to our CURIE (None when its kind or id is unmapped)."""
    ids: dict[str, str | None] = {}
    unmapped: Counter[str] = Counter()
    for row in reader.rows(path, required=("id", "name", "kind")):
        hid, name, kind = row.fields["id"], row.fields["name"].strip(), row.fields["kind"]
        declared, sep, identifier = hid.partition("::")
        if not sep or declared != kind or not _IDENTIFIER.fullmatch(identifier):
            reader.error("bad-id", f"id {hid!r} is not '<kind>::<identifier>' for kind {kind!r}", path, row.line)
            continue
        if hid in ids:
            reader.error("duplicate-id", f"Hetionet id {hid!r} appears twice", path, row.line, hid)
            continue
        curie = _node_curie(kind, identifier, curies) if kind in NODE_KINDS else None
        ids[hid] = curie
        if curie is None:
            unmapped[kind if kind in NODE_KINDS else f"unknown kind {kind}"] += 1
            continue
        batch.nodes.append(Node(curie, NODE_KINDS[kind][0], name or curie, source=SOURCE,
                                origin=Origin(str(path), row.line, hid)))
    reader.warn_counts("unmapped-node", unmapped, "nodes of kind", path)
    return ids


def _provenance(metaedge: str, row: Row) -> Provenance:
    licence = row.fields.get("license", "").strip().replace(" ", "-") or EDGE_LICENSES.get(metaedge, LICENSE)
    pmids = [p.strip() for p in row.fields.get("pubmed_ids", "").split("|") if p.strip().isdigit()]
    return Provenance(SOURCE, VERSION, "knowledge_assertion", "manual_agent",
                      tuple(f"PMID:{p}" for p in pmids), None, licence)


def _properties(predicate: str, row: Row) -> dict[str, object]:
    props: dict[str, object] = {}
    if predicate != "BINDS":
        return props
    actions = [a.strip() for a in row.fields.get("actions", "").split("|") if a.strip()]
    if actions:
        props["actions"] = actions
    affinity = row.fields.get("affinity_nM", "").strip()
    if affinity.replace(".", "", 1).isdigit():
        props["affinity_nm"] = float(affinity)
    return props


def _read_edges(path: Path, reader: SourceReader, ids: dict[str, str | None],
                edges: dict[tuple[str, str, str], Edge], richer: set[tuple[str, str, str]]) -> None:
    """Add the edges of one file to ``edges`` (keyed by Hetionet ends and metaedge)."""
    skipped: Counter[str] = Counter()
    provenances: dict[str, Provenance] = {}
    for row in reader.rows(path, required=("source", "metaedge", "target")):
        src, metaedge, dst = row.fields["source"], row.fields["metaedge"], row.fields["target"]
        missing = [end for end in (src, dst) if end not in ids]
        if missing:
            reader.error("unknown-node", f"edge end {missing[0]!r} is not in the nodes file", path, row.line)
            continue
        predicate = METAEDGES.get(metaedge)
        subject, obj = ids[src], ids[dst]
        if predicate is None or subject is None or obj is None:
            skipped[metaedge if predicate is None else f"{metaedge} (an end is unmapped)"] += 1
            continue
        rich = "license" in row.fields  # a TSV row with properties beats a bare SIF row
        key = (src, metaedge, dst)
        if key in edges and (not rich or key in richer):
            continue
        prov = _provenance(metaedge, row) if rich else provenances.setdefault(metaedge, _provenance(metaedge, row))
        edges[key] = Edge(subject, predicate, obj, prov, _properties(predicate, row), qualifier=SOURCE,
                          origin=Origin(str(path), row.line))
        if rich:
            richer.add(key)
    reader.warn_counts("unmapped-edge", skipped, "edges of metaedge", path)

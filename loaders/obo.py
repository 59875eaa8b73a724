"""Loader for OBO ontologies (Mondo's ChEBI/HP/GO import extracts, ECO, ...) through ``obonet``.

Each term becomes a node with its label, synonyms, definition and the xrefs our schema can
hold; ``is_a`` becomes ``SUBCLASS_OF`` and ChEBI's ``has role`` (RO:0000087) becomes ``HAS_ROLE``.
The category follows the term's prefix (GO by namespace; ChEBI roles, i.e. terms under
CHEBI:50906, are ChemicalRole). Terms, xrefs and relations with no mapping are counted and
reported as warnings (ontology extracts routinely point above their own top terms); a term
defined twice, and an id or ``is_a`` parent whose prefix the schema knows but whose local id is
malformed (as a file cut off mid-line leaves it), are errors naming the file and line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO, cast

import networkx as nx

from kg.errors import SourceError
from kg.model import Edge, Node, Origin, Provenance
from loaders import Batch
from loaders.tabular import CurieMaker, SourceReader, file_version, find_files
from ontology import Schema, load_schema

__all__ = ["OboLoader", "PREFIX_CATEGORIES"]

PREFIX_CATEGORIES = {"CHEBI": "Drug", "HP": "Condition", "MONDO": "Condition", "DOID": "Condition",
                     "ECO": "EvidenceType", "UBERON": "Anatomy"}
GO_NAMESPACES = {"biological_process": "BiologicalProcess", "molecular_function": "MolecularActivity",
                 "cellular_component": "CellularComponent"}
GO_ROOTS = {"GO:0008150": "biological_process", "GO:0003674": "molecular_function", "GO:0005575": "cellular_component"}
CHEBI_ROLE = "CHEBI:50906"
HAS_ROLE = "RO:0000087"
INFORES = {"CHEBI": ("infores:chebi", "CC-BY-4.0"), "GO": ("infores:go", "CC-BY-4.0"),
           "HP": ("infores:hpo", "HPO (custom licence: free use with attribution)"),
           "ECO": ("infores:eco", "CC0-1.0"), "MONDO": ("infores:mondo", "CC-BY-4.0"),
           "DOID": ("infores:disease-ontology", "CC0-1.0"), "UBERON": ("infores:uberon", "CC-BY-3.0")}
SOURCE_LICENSES = dict(INFORES.values())  # infores -> licence, for kg.licenses
_SYNONYM = re.compile(r'^"((?:[^"\\]|\\.)*)"')


class _LineFeed:
    """Feeds obonet the lines of a file while remembering the line of each stanza's ``id:``."""

    def __init__(self, lines: Iterator[tuple[int, str]]) -> None:
        self.source = lines
        self.id_lines: dict[str, int] = {}
        self.duplicates: list[tuple[str, int]] = []
        self.last = 0
        self.stanza: list[tuple[int, str]] = []
        self.kind = ""

    def __enter__(self) -> _LineFeed:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        return None

    def line_of(self, message: str) -> int:
        """The line of the current stanza that ``message`` quotes, else the last line read."""
        return next((n for n, text in self.stanza if text.strip() and text.strip() in message), self.last)

    def __iter__(self) -> Iterator[str]:
        for number, text in self.source:
            self.last = number
            if text.startswith("["):
                self.stanza, self.kind = [], text.strip()
            self.stanza.append((number, text))
            if text.startswith("id:"):
                term = text[3:].strip()
                if self.kind == "[Term]" and term in self.id_lines:
                    self.duplicates.append((term, number))
                self.id_lines.setdefault(term, number)
            yield text + "\n"


@dataclass
class _Counts:
    terms: Counter[str] = field(default_factory=Counter)
    xrefs: Counter[str] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)


class OboLoader:
    """Read one or more ``.obo`` files (the source name follows the first file's main prefix)."""

    license = "see each file's ontology licence"

    def __init__(self, files: Sequence[Path], schema: Schema | None = None, progress: bool = False) -> None:
        self.files = [Path(p) for p in files]
        self.schema = schema or load_schema()
        self.progress = progress
        self.name = "infores:obo"

    @classmethod
    def from_paths(cls, paths: Sequence[Path], progress: bool = False) -> OboLoader:
        files = find_files(paths, ["*.obo"])
        if not files:
            raise SourceError(f"obo: no .obo files among {[str(p) for p in paths]}")
        return cls(files, progress=progress)

    def load(self) -> Batch:
        batch = Batch(self.name, license=self.license)
        reader = SourceReader(batch.report, self.progress)
        for path in self.files:
            _load_file(path, reader, CurieMaker(self.schema), batch)
        return batch


def _parse(path: Path, reader: SourceReader) -> tuple[nx.MultiDiGraph, dict[str, int]] | None:
    import obonet

    feed = _LineFeed(reader.lines(path))
    try:
        graph = obonet.read_obo(cast(TextIO, feed))
    except (ValueError, KeyError, IndexError) as err:
        reader.error("bad-obo", f"cannot parse OBO: {' '.join(str(err).split())}", path, feed.line_of(str(err)))
        return None
    for term, line in feed.duplicates:
        reader.error("duplicate-id", f"term {term} is defined again (first at line {feed.id_lines[term]})",
                     path, line, term)
    return graph, feed.id_lines


def _malformed(term: str, curies: CurieMaker) -> bool:
    """True for ``PREFIX:local`` whose prefix the schema knows but whose local id does not fit it."""
    prefix, _, local = term.partition(":")
    return prefix.upper() in curies.table and curies(prefix, local) is None


def _load_file(path: Path, reader: SourceReader, curies: CurieMaker, batch: Batch) -> None:
    parsed = _parse(path, reader)
    if parsed is None:
        return
    graph, lines = parsed
    roles = _descendants(graph, CHEBI_ROLE)
    go_namespaces = {term: space for root, space in GO_ROOTS.items() for term in _descendants(graph, root)}
    counts = _Counts()
    terms: dict[str, tuple[str, str]] = {}
    for term, data in graph.nodes(data=True):
        if str(data.get("is_obsolete", "")).strip("[]'") == "true":
            counts.terms["obsolete"] += 1
            continue
        category = _category(term, data.get("namespace") or go_namespaces.get(term), roles)
        curie = curies.parse(term)
        if curie is None and term in lines and _malformed(term, curies):
            reader.error("bad-id", f"term id {term!r} is not a valid CURIE", path, lines.get(term), term)
            continue
        if category is None or curie is None:
            counts.terms[term.partition(":")[0]] += 1
            continue
        terms[term] = (curie, category)
        batch.nodes.append(_node(curie, category, data, curies, counts, Origin(str(path), lines.get(term), term)))
    version = str(graph.graph.get("data-version") or file_version([path]))
    _add_edges(graph, terms, _provenances(terms, version), path, lines, batch, counts)
    for child, parent, relation in graph.edges(keys=True):
        if relation == "is_a" and child in terms and _malformed(parent, curies):
            reader.error("bad-id", f"is_a parent {parent!r} of {child} is not a valid CURIE", path,
                         lines.get(child), child)
    reader.warn_counts("unmapped-term", counts.terms, "terms with prefix", path)
    reader.warn_counts("unmapped-xref", counts.xrefs, "xrefs with prefix", path)
    reader.warn_counts("unmapped-relation", counts.relations, "relations", path)


def _descendants(graph: nx.MultiDiGraph, term: str) -> set[str]:
    """``term`` and every term below it through ``is_a`` (edges point from child to parent)."""
    if term not in graph:
        return set()
    is_a = nx.DiGraph((u, v) for u, v, k in graph.edges(keys=True) if k == "is_a")
    return (nx.ancestors(is_a, term) if term in is_a else set()) | {term}


def _category(term: str, namespace: str | None, roles: set[str]) -> str | None:
    """Category by prefix; GO by namespace (stated, or found from the root above the term)."""
    prefix = term.partition(":")[0]
    if prefix == "GO":
        return GO_NAMESPACES.get(namespace or "")
    if prefix == "CHEBI" and term in roles:
        return "ChemicalRole"
    return PREFIX_CATEGORIES.get(prefix)


def _node(curie: str, category: str, data: dict[str, Any], curies: CurieMaker, counts: _Counts,
          origin: Origin) -> Node:
    synonyms = [m.group(1) for s in data.get("synonym", []) if (m := _SYNONYM.match(s))]
    xrefs = []
    for raw in data.get("xref", []):
        xref = curies.parse(raw.split()[0]) if raw.strip() else None
        if xref is None:
            counts.xrefs[raw.partition(":")[0]] += 1
        elif xref != curie:
            xrefs.append(xref)
    name = str(data.get("name") or curie)
    definition = _SYNONYM.match(str(data.get("def", "")))
    props = {"description": definition.group(1)} if definition else {}
    source = INFORES.get(curie.partition(":")[0], ("infores:obo", None))[0]
    return Node(curie, category, name, tuple(s for s in dict.fromkeys(synonyms) if s != name),
                tuple(dict.fromkeys(xrefs)), props, source, origin)


def _provenances(terms: dict[str, tuple[str, str]], version: str) -> dict[str, Provenance]:
    out: dict[str, Provenance] = {}
    for prefix in {curie.partition(":")[0] for curie, _ in terms.values()}:
        infores, licence = INFORES.get(prefix, ("infores:obo", None))
        out[prefix] = Provenance(infores, version, "knowledge_assertion", "manual_agent", license=licence)
    return out


def _add_edges(graph: nx.MultiDiGraph, terms: dict[str, tuple[str, str]], provenances: dict[str, Provenance],
               path: Path, lines: dict[str, int], batch: Batch, counts: _Counts) -> None:
    """``is_a`` -> SUBCLASS_OF and ChEBI ``has role`` -> HAS_ROLE, between terms of this file."""
    for child, parent, relation in graph.edges(keys=True):
        if child not in terms:
            continue
        predicate = "SUBCLASS_OF" if relation == "is_a" else "HAS_ROLE" if relation == HAS_ROLE else None
        if predicate is None or parent not in terms:
            counts.relations[relation if predicate is None else f"{relation} to a term outside this file"] += 1
            continue
        (subject, subject_cat), (obj, obj_cat) = terms[child], terms[parent]
        if predicate == "HAS_ROLE" and (subject_cat, obj_cat) != ("Drug", "ChemicalRole"):
            counts.relations[f"{relation} between {subject_cat} and {obj_cat}"] += 1
            continue
        prov = provenances[subject.partition(":")[0]]
        batch.edges.append(Edge(subject, predicate, obj, prov, qualifier=prov.primary_knowledge_source,
                                origin=Origin(str(path), lines.get(child), child)))

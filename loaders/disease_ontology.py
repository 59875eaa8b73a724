"""Loader for the Human Disease Ontology reports (``HumanDO.tsv``, ``allXREFinDO.tsv``; quoted TSV).

Every class becomes a Condition ``DOID:`` node; ``subClassOf`` (given as the parent's *label*)
becomes ``SUBCLASS_OF`` when the label names exactly one class, and is reported otherwise; xrefs
whose prefix our schema knows (MESH, UMLS_CUI, EFO, MIM, ORDO, NCI, ...) are kept, the others
are counted and reported.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from kg.errors import SourceError
from kg.model import Edge, Node, Origin, Provenance
from loaders import Batch
from loaders.tabular import CurieMaker, SourceReader, file_version, find_files
from ontology import Schema, load_schema

__all__ = ["DiseaseOntologyLoader"]

SOURCE = "infores:disease-ontology"
LICENSE = "CC0-1.0"


class DiseaseOntologyLoader:
    """Read ``HumanDO.tsv`` and, when given, ``allXREFinDO.tsv``."""

    name = SOURCE
    license = LICENSE

    def __init__(self, classes: Path, xrefs: Path | None = None, schema: Schema | None = None,
                 progress: bool = False) -> None:
        self.classes = Path(classes)
        self.xrefs = Path(xrefs) if xrefs else None
        self.schema = schema or load_schema()
        self.progress = progress

    @classmethod
    def from_paths(cls, paths: Sequence[Path], progress: bool = False) -> DiseaseOntologyLoader:
        classes = find_files(paths, ["HumanDO.tsv"])
        if len(classes) != 1:
            raise SourceError(f"disease-ontology: expected one HumanDO.tsv among {[str(p) for p in paths]}")
        xrefs = find_files(paths, ["allXREFinDO.tsv"])
        return cls(classes[0], xrefs[0] if xrefs else None, progress=progress)

    def load(self) -> Batch:
        batch = Batch(self.name, license=self.license)
        reader = SourceReader(batch.report, self.progress)
        curies = CurieMaker(self.schema)
        files = [self.classes, *([self.xrefs] if self.xrefs else [])]
        prov = Provenance(SOURCE, file_version(files), "knowledge_assertion", "manual_agent", license=LICENSE)
        labels, parents, origins = self._classes(reader, curies)
        xrefs = self._xrefs(reader, curies, set(labels))
        for curie, label in labels.items():
            batch.nodes.append(Node(curie, "Condition", label, xrefs=tuple(xrefs.get(curie, ())), source=SOURCE,
                                    origin=origins[curie]))
        by_label: dict[str, set[str]] = defaultdict(set)
        for curie, label in labels.items():
            by_label[label].add(curie)
        unresolved: Counter[str] = Counter()
        for curie, parent_labels in parents.items():
            for label in dict.fromkeys(parent_labels):
                targets = by_label.get(label, set())
                if len(targets) == 1:
                    batch.edges.append(Edge(curie, "SUBCLASS_OF", next(iter(targets)), prov, qualifier=SOURCE,
                                            origin=origins[curie]))
                else:
                    unresolved["ambiguous parent label" if targets else "unknown parent label"] += 1
        reader.warn_counts("unresolved-parent", unresolved, "subClassOf values with", self.classes)
        return batch

    def _classes(self, reader: SourceReader, curies: CurieMaker) -> tuple[
            dict[str, str], dict[str, list[str]], dict[str, Origin]]:
        labels: dict[str, str] = {}
        parents: dict[str, list[str]] = defaultdict(list)
        origins: dict[str, Origin] = {}
        for row in reader.rows(self.classes, quoted=True, required=("id", "label", "subClassOf")):
            curie, label = curies.parse(row.fields["id"]), row.fields["label"].strip()
            if curie is None or not curie.startswith("DOID:") or not label:
                reader.error("bad-line", f"not a DOID class with a label: {row.fields}", self.classes, row.line)
                continue
            if labels.setdefault(curie, label) != label:
                reader.error("conflicting-label", f"{curie} is also labelled {labels[curie]!r}", self.classes,
                             row.line, curie)
            origins.setdefault(curie, Origin(str(self.classes), row.line, curie))
            if row.fields["subClassOf"].strip():
                parents[curie].append(row.fields["subClassOf"].strip())
        return labels, parents, origins

    def _xrefs(self, reader: SourceReader, curies: CurieMaker, known: set[str]) -> dict[str, list[str]]:
        if self.xrefs is None:
            return {}
        xrefs: dict[str, list[str]] = defaultdict(list)
        unmapped: Counter[str] = Counter()
        for row in reader.rows(self.xrefs, quoted=True, required=("id", "xref")):
            curie, xref = curies.parse(row.fields["id"]), curies.parse(row.fields["xref"])
            if curie is None:
                reader.error("bad-line", f"not a DOID: {row.fields['id']!r}", self.xrefs, row.line)
            elif curie not in known:
                unmapped[f"(on {curie}, not a class of {self.classes.name})"] += 1
            elif xref is None:
                unmapped[row.fields["xref"].partition(":")[0]] += 1
            else:
                xrefs[curie].append(xref)
        reader.warn_counts("unmapped-xref", unmapped, "xrefs with prefix", self.xrefs)
        return xrefs

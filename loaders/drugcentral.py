"""Loader for the DrugCentral export (olegursu/drugtarget, 2016): drugs, targets, classes, indications.

Drugs are ``DRUGCENTRAL:<id>`` with the identifier crosswalk (``identifiers.tsv``) as xrefs, so
normalisation can merge them with ChEBI/DrugBank/PubChem records. ``drug_target.tsv`` gives
``BINDS`` edges to ``UniProtKB:`` targets (a complex row gives one edge per component),
``pharm_class.tsv`` gives ``INCLUDES`` edges from FDA (``NDFRT:``) and MeSH (``MESH:``) classes and
``HAS_ROLE`` edges to ChEBI roles, and ``drug_indication.tsv`` gives ``TREATS`` edges (DOID, else
UMLS). Identifier types our schema has no prefix for are counted and reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import SourceError
from kg.model import Edge, Node, Origin, Provenance
from loaders import Batch
from loaders.tabular import CurieMaker, Row, SourceReader, file_version, find_files
from ontology import Schema, load_schema

__all__ = ["DrugCentralLoader", "FILES"]

SOURCE = "infores:drugcentral"
LICENSE = "CC-BY-4.0"
FILES = ("identifiers.tsv", "drug_target.tsv", "pharm_class.tsv", "drug_indication.tsv")
_CLASS_PREFIX = {"FDA": "NDFRT", "MeSH": "MESH", "CHEBI": "CHEBI"}


@dataclass
class _State:
    batch: Batch
    reader: SourceReader
    curies: CurieMaker
    prov: Provenance
    drugs: dict[str, tuple[str, Origin]] = field(default_factory=dict)
    xrefs: dict[str, list[str]] = field(default_factory=dict)
    others: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], Edge] = field(default_factory=dict)
    unmapped: dict[Path, Counter[str]] = field(default_factory=dict)

    def skip(self, path: Path, kind: str) -> None:
        self.unmapped.setdefault(path, Counter())[kind] += 1

    def drug(self, row: Row, path: Path) -> str | None:
        drug_id, name = row.fields["DRUG_ID"].strip(), row.fields["DRUG_NAME"].strip().strip('"')
        if not drug_id.isdigit() or not name:
            self.reader.error("bad-line", f"no DrugCentral id or name in {row.fields}", path, row.line)
            return None
        known = self.drugs.setdefault(drug_id, (name, Origin(str(path), row.line, f"DrugCentral {drug_id}")))
        if known[0].casefold() != name.casefold():
            self.reader.error("duplicate-id", f"DrugCentral {drug_id} is also named {known[0]!r} at {known[1]}",
                              path, row.line, f"DrugCentral {drug_id}")
            return None
        return f"DRUGCENTRAL:{drug_id}"

    def node(self, curie: str, category: str, name: str, origin: Origin) -> None:
        self.others.setdefault(curie, Node(curie, category, name or curie, source=SOURCE, origin=origin))

    def edge(self, subject: str, predicate: str, obj: str, origin: Origin, actions: Sequence[str] = ()) -> None:
        key = (subject, predicate, obj)
        previous = self.edges.get(key)
        known = list(previous.properties.get("actions", [])) if previous else []
        merged = [*known, *(a for a in actions if a not in known)]
        props: dict[str, object] = {"actions": merged} if merged else {}
        self.edges[key] = Edge(subject, predicate, obj, self.prov, props, qualifier=SOURCE,
                               origin=previous.origin if previous else origin)


class DrugCentralLoader:
    """Read DrugCentral TSVs from one directory (any of :data:`FILES` that are present)."""

    name = SOURCE
    license = LICENSE

    def __init__(self, files: Sequence[Path], schema: Schema | None = None, progress: bool = False) -> None:
        self.files = {Path(p).name: Path(p) for p in files}
        self.schema = schema or load_schema()
        self.progress = progress

    @classmethod
    def from_paths(cls, paths: Sequence[Path], progress: bool = False) -> DrugCentralLoader:
        files = find_files(paths, list(FILES))
        if not files:
            raise SourceError(f"drugcentral: none of {FILES} among {[str(p) for p in paths]}")
        return cls(files, progress=progress)

    def load(self) -> Batch:
        batch = Batch(self.name, license=self.license)
        prov = Provenance(SOURCE, file_version(self.files.values()), "knowledge_assertion", "manual_agent",
                          license=LICENSE)
        state = _State(batch, SourceReader(batch.report, self.progress), CurieMaker(self.schema), prov)
        readers = {"identifiers.tsv": _identifiers, "drug_target.tsv": _targets, "pharm_class.tsv": _classes,
                   "drug_indication.tsv": _indications}
        for name, read in readers.items():
            if name in self.files:
                read(self.files[name], state)
        for drug_id, (name, origin) in state.drugs.items():
            xrefs = tuple(dict.fromkeys(state.xrefs.get(drug_id, [])))
            batch.nodes.append(Node(f"DRUGCENTRAL:{drug_id}", "Drug", name, xrefs=xrefs, source=SOURCE, origin=origin))
        batch.nodes.extend(state.others.values())
        batch.edges.extend(state.edges.values())
        for path, counts in state.unmapped.items():
            state.reader.warn_counts("unmapped-id", counts, "rows of kind", path)
        return batch


def _identifiers(path: Path, state: _State) -> None:
    for row in state.reader.rows(path, required=("DRUG_ID", "DRUG_NAME", "ID_TYPE", "IDENTIFIER")):
        if state.drug(row, path) is None:
            continue
        kind, value = row.fields["ID_TYPE"].strip('"'), row.fields["IDENTIFIER"].strip('"')
        local = value.split(":", 1)[1] if kind == "CHEBI" and ":" in value else value
        curie = state.curies(kind, local)
        if curie is None:
            state.skip(path, kind)
            continue
        state.xrefs.setdefault(row.fields["DRUG_ID"].strip(), []).append(curie)


def _targets(path: Path, state: _State) -> None:
    for row in state.reader.rows(path, required=("DRUG_ID", "DRUG_NAME", "UNIPROT", "GENE", "ACTION_TYPE")):
        drug = state.drug(row, path)
        accessions = [a.strip() for a in row.fields["UNIPROT"].split("|") if a.strip()]
        if drug is None or not accessions:
            continue
        genes = row.fields["GENE"].split("|")
        action = row.fields["ACTION_TYPE"].strip().lower()
        origin = Origin(str(path), row.line)
        for accession in accessions:
            curie = state.curies("UniProtKB", accession)
            if curie is None:
                state.reader.error("bad-id", f"UniProt accession {accession!r} is not valid", path, row.line)
                continue
            name = genes[0].strip() if len(accessions) == 1 and len(genes) == 1 else curie
            state.node(curie, "Target", name, origin)
            state.edge(drug, "BINDS", curie, origin, [action] if action else [])


def _classes(path: Path, state: _State) -> None:
    for row in state.reader.rows(path, required=("DRUG_ID", "DRUG_NAME", "TYPE", "CLASS_SOURCE_ID", "CLASS")):
        drug = state.drug(row, path)
        source = row.fields.get("SOURCE", "").strip()
        class_id = row.fields["CLASS_SOURCE_ID"].strip()
        curie = state.curies(_CLASS_PREFIX.get(source, source), class_id.split(":")[-1])
        if drug is None:
            continue
        if curie is None:
            state.skip(path, f"class {source}:{class_id}")
            continue
        origin = Origin(str(path), row.line)
        if source == "CHEBI":
            state.node(curie, "ChemicalRole", row.fields["CLASS"].strip(), origin)
            state.edge(drug, "HAS_ROLE", curie, origin)
            continue
        state.others.setdefault(curie, Node(curie, "PharmacologicClass", row.fields["CLASS"].strip() or curie,
                                            properties={"class_type": row.fields["TYPE"].strip()},
                                            source=SOURCE, origin=origin))
        state.edge(curie, "INCLUDES", drug, origin)


def _indications(path: Path, state: _State) -> None:
    for row in state.reader.rows(path, required=("DRUG_ID", "DRUG_NAME", "INDICATION_FDB", "UMLS_CUI", "DOID")):
        drug = state.drug(row, path)
        doid, cui = row.fields["DOID"].strip(), row.fields["UMLS_CUI"].strip()
        curie = state.curies.parse(doid) if doid else state.curies("UMLS", cui) if cui else None
        if drug is None:
            continue
        if curie is None:
            state.skip(path, "indication without DOID or UMLS CUI")
            continue
        origin = Origin(str(path), row.line)
        state.node(curie, "Condition", row.fields["INDICATION_FDB"].strip(), origin)
        state.edge(drug, "TREATS", curie, origin)

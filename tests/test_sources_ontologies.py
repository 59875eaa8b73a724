"""OBO, Disease Ontology and MeSH loaders: counts match the files; malformed input names file and line."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

from loaders.disease_ontology import DiseaseOntologyLoader
from loaders.mesh import MeshLoader, tree_category
from loaders.obo import OboLoader
from tests.conftest import DATA, shared_data

SOURCES = DATA / "sources"


def _stanzas(path: Path) -> dict[str, list[str]]:
    """Term id -> its lines, for non-obsolete [Term] stanzas (a plain re-reading of the OBO text)."""
    terms: dict[str, list[str]] = {}
    for block in path.read_text().split("\n\n"):
        lines = block.strip().splitlines()
        if lines and lines[0] == "[Term]" and "is_obsolete: true" not in lines:
            terms[lines[1].removeprefix("id: ")] = lines
    return terms


def test_obo_counts_match_the_chebi_import():
    path = shared_data("mondo", "mondo-chebi_import.obo")
    batch = OboLoader([path]).load()
    terms = _stanzas(path)
    assert len(batch.nodes) == len(terms) == 1084
    is_a = {(t, line.split()[1]) for t, lines in terms.items() for line in lines
            if line.startswith("is_a:") and line.split()[1] in terms}
    assert {(e.subject, e.object) for e in batch.edges if e.predicate == "SUBCLASS_OF"} == is_a
    ketamine = next(n for n in batch.nodes if n.id == "CHEBI:6121")
    assert ketamine.category == "Drug" and "Ketamine" in ketamine.synonyms
    roles = {e.object for e in batch.edges if e.subject == "CHEBI:6121" and e.predicate == "HAS_ROLE"}
    assert {"CHEBI:35480", "CHEBI:60643", "CHEBI:38877"} <= roles
    assert {n.category for n in batch.nodes if n.id in roles} == {"ChemicalRole"}
    assert batch.report.ok


def test_obo_go_terms_get_categories_from_their_roots():
    batch = OboLoader([shared_data("mondo", "mondo-go_import.obo")]).load()
    categories = {n.id: n.category for n in batch.nodes}
    assert categories["GO:0004972"] == "MolecularActivity" and categories["GO:0007268"] == "BiologicalProcess"
    assert len(batch.nodes) == len(_stanzas(shared_data("mondo", "mondo-go_import.obo")))


def test_obo_small_fixture_and_malformed_stanza():
    batch = OboLoader([SOURCES / "small.obo"]).load()
    assert {(e.subject, e.predicate, e.object) for e in batch.edges} == {
        ("CHEBI:6121", "SUBCLASS_OF", "CHEBI:1"), ("CHEBI:6121", "HAS_ROLE", "CHEBI:35480"),
        ("CHEBI:35480", "SUBCLASS_OF", "CHEBI:50906")}
    ketamine = next(n for n in batch.nodes if n.id == "CHEBI:6121")
    assert ketamine.xrefs == ("MESH:D007649",) and ketamine.origin.line == 6
    assert batch.edges[0].provenance.source_version == "test/2024-01-01"
    assert [p.code for p in batch.report.warnings] == ["unmapped-xref"]
    bad = OboLoader([SOURCES / "bad.obo"]).load()
    [error] = bad.report.errors
    assert (Path(error.origin.file).name, error.origin.line, error.code) == ("bad.obo", 28, "bad-obo")


def _quoted(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_disease_ontology_counts_match_the_reports():
    classes, xrefs = shared_data("disease-ontology", "HumanDO.tsv"), shared_data("disease-ontology", "allXREFinDO.tsv")
    batch = DiseaseOntologyLoader(classes, xrefs).load()
    rows = _quoted(classes)
    assert len(batch.nodes) == len({r["id"] for r in rows}) == 12246
    label_ids: dict[str, set[str]] = {}
    for r in rows:
        label_ids.setdefault(r["label"], set()).add(r["id"])
    expected = {(r["id"], next(iter(label_ids[r["subClassOf"]]))) for r in rows
                if len(label_ids.get(r["subClassOf"], ())) == 1}
    assert {(e.subject, e.object) for e in batch.edges} == expected
    mdd = next(n for n in batch.nodes if n.id == "DOID:1470")
    assert mdd.name == "major depressive disorder" and "UMLS:C0024517" in mdd.xrefs
    assert batch.report.ok


def test_disease_ontology_malformed_lines():
    batch = DiseaseOntologyLoader(SOURCES / "HumanDO-bad.tsv").load()
    errors = [(Path(p.origin.file).name, p.origin.line, p.code) for p in batch.report.errors]
    assert errors == [("HumanDO-bad.tsv", 4, "bad-line"), ("HumanDO-bad.tsv", 5, "bad-line")]
    assert [(e.subject, e.object) for e in batch.edges] == [("DOID:1470", "DOID:3324")]


def test_mesh_counts_match_the_files():
    terms, trees = shared_data("mesh", "mesh2015-terms.tsv"), shared_data("mesh", "mesh2015-tree-numbers.tsv")
    batch = MeshLoader(terms, trees).load()
    numbers: dict[str, set] = {}
    for row in _quoted(trees):
        numbers.setdefault(row["mesh_id"], set()).add(tree_category(row["mesh_tree_number"]))
    expected = Counter(next(iter(c)) for c in numbers.values() if len(c) == 1 and None not in c)
    assert Counter(n.category for n in batch.nodes) == expected
    ketamine = next(n for n in batch.nodes if n.id == "MESH:D007649")
    assert (ketamine.category, ketamine.name) == ("Drug", "Ketamine")
    assert all(re.fullmatch(r"MESH:D\d{6}", e.object) for e in batch.edges) and batch.report.ok

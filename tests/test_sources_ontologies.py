"""OBO, Disease Ontology and MeSH loaders: counts match the files; malformed input names file and line."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from kg.cli import main
from kg.pipeline import collect
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


def _eco_terms(path):
    """The real ECO file read plainly: (id, obsolete, is_a parents) per [Term] stanza."""
    stanzas = path.read_text(encoding="utf-8").split("\n[")
    for stanza in (s for s in stanzas if s.startswith("Term]")):
        lines = stanza.splitlines()
        term = next(line[4:].strip() for line in lines if line.startswith("id: "))
        obsolete = any(line.strip() == "is_obsolete: true" for line in lines)
        parents = [line[6:].split()[0] for line in lines if line.startswith("is_a: ")]  # no {qualifiers} or ! name
        yield term, obsolete, parents


def test_real_eco_loads_with_its_two_malformed_ids_skipped(tmp_path):
    """The real ECO release has two terms whose ids lack a digit (ECO:000156, ECO:000157): a build
    refuses them, naming file and line; --skip-invalid leaves exactly them out, with warnings."""
    path = shared_data("eco", "eco-basic.obo")
    valid = re.compile(r"ECO:\d{7}")
    terms = list(_eco_terms(path))
    kept = {t for t, obsolete, _ in terms if not obsolete and valid.fullmatch(t)}
    bad = sorted(t for t, obsolete, _ in terms if not obsolete and not valid.fullmatch(t))
    assert bad == ["ECO:000156", "ECO:000157"]
    is_a = {(t, p) for t, obsolete, parents in terms if t in kept for p in parents if p in kept}

    _, _, _, strict = collect([OboLoader.from_paths([path])])
    assert sorted(p.record_id for p in strict.errors) == bad and {p.code for p in strict.errors} == {"bad-id"}
    assert all(p.origin and p.origin.line for p in strict.errors)

    _, nodes, edges, report = collect([OboLoader.from_paths([path])], skip_invalid=True)
    assert report.ok
    assert {n.id for n in nodes} == kept and {n.category for n in nodes} == {"EvidenceType"}
    assert {(e.subject, e.object) for e in edges if e.predicate == "SUBCLASS_OF"} == is_a
    skipped = [p for p in report.warnings if p.code == "bad-id"]
    assert sorted(p.record_id for p in skipped) == bad and all("skipped" in p.message for p in skipped)

    snapshot = tmp_path / "g.jsonl"
    empty = tmp_path / "empty"
    empty.mkdir()
    args = ["--snapshot", str(snapshot), "build", "--curated-dir", str(empty), "--source", f"obo={path}"]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code != 0 and "ECO:000156" in refused.output and not snapshot.exists()
    done = CliRunner().invoke(main, [*args, "--skip-invalid"])
    assert done.exit_code == 0, done.output
    assert f"built {len(kept)} nodes" in done.output

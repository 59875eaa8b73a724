"""KGX TSV: export then load gives the same records; Biolink terms and provenance columns; KGX's
own validator accepts the files (run from the separate .venv-kgx, see scripts/setup-kgx.sh)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import KGError
from kg.export.kgx import decode_value, encode_value, write_kgx
from kg.model import Node
from loaders.kgx import KgxLoader

HELPER = Path(__file__).parent / "helpers" / "kgx_validate.py"
ROOT = Path(__file__).resolve().parents[1]


def _rows(path: Path) -> list[dict[str, str]]:
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    return [dict(zip(header.split("\t"), line.split("\t"), strict=True)) for line in lines]


@pytest.fixture(scope="module")
def corpus_kgx(corpus_records, tmp_path_factory):
    out = tmp_path_factory.mktemp("kgx")
    write_kgx(*corpus_records, out)
    return out


def test_round_trip_gives_the_same_records(corpus_records, corpus_kgx):
    nodes, edges = corpus_records
    batch = KgxLoader.from_paths([corpus_kgx]).load()
    assert batch.report.problems == []
    assert sorted(batch.nodes, key=lambda n: n.id) == sorted(nodes, key=lambda n: n.id)
    assert sorted(batch.edges, key=lambda e: e.id) == sorted(edges, key=lambda e: e.id)
    assert {n.id: n.properties for n in batch.nodes} == {n.id: n.properties for n in nodes}  # types kept


def test_biolink_terms_and_provenance_columns(corpus_records, corpus_kgx, schema):
    nodes = {r["id"]: r for r in _rows(corpus_kgx / "nodes.tsv")}
    ketamine = nodes["CHEBI:6121"]
    assert ketamine["category"] == "biolink:SmallMolecule" and ketamine["ketkg_category"] == "Drug"
    assert "DRUGBANK:DB01221" in ketamine["xref"].split("|") and ketamine["license"] == "CC-BY-4.0"
    assert ketamine["iri"] == "http://purl.obolibrary.org/obo/CHEBI_6121"
    edges = _rows(corpus_kgx / "edges.tsv")
    assert len(edges) == len(corpus_records[1])
    for row in edges:
        assert row["predicate"] == schema.predicate(row["ketkg_predicate"]).biolink
        assert row["primary_knowledge_source"] == "infores:ketamine-kg-curated"
        assert row["knowledge_level"] == "knowledge_assertion" and row["agent_type"] == "manual_agent"
        assert row["ketkg_non_commercial"] == "false"
    cited = [r for r in edges if r["publications"] and r["has_evidence"]]
    assert cited and all(r["has_evidence"].startswith("ECO:") for r in cited)


@pytest.mark.parametrize("value", ["PTSD", "2019", "", " padded", "tab\there", "[not json", 2019, 1.5, True,
                                   ["a", "b|c"], {"k": 1}, "null"])
def test_cells_keep_their_types(value):
    cell = encode_value(value)
    assert "\t" not in cell and "\n" not in cell
    assert decode_value(cell) == value and type(decode_value(cell)) is type(value)


def test_list_values_that_would_break_kgx_are_refused(tmp_path):
    with pytest.raises(KGError, match="cannot be written as KGX"):
        write_kgx([Node("CHEBI:6121", "Drug", "ketamine", synonyms=("a|b",))], [], tmp_path)


def test_foreign_kgx_maps_biolink_terms_and_reports_the_rest(tmp_path):
    (tmp_path / "other_nodes.tsv").write_text(
        "id\tcategory\tname\tcolour\n"
        "CHEBI:6121\tbiolink:SmallMolecule\tketamine\tblue\n"
        "GO:0008150\tbiolink:OrganismTaxon\tmystery\t\n", encoding="utf-8")
    (tmp_path / "other_edges.tsv").write_text(
        "id\tsubject\tpredicate\tobject\tprimary_knowledge_source\tknowledge_level\tagent_type\n"
        "x1\tCHEBI:6121\tbiolink:has_adverse_event\tHP:0000001\tinfores:other\tknowledge_assertion\tmanual_agent\n"
        "x2\tCHEBI:6121\tbiolink:related_to\tHP:0000001\tinfores:other\tknowledge_assertion\tmanual_agent\n",
        encoding="utf-8")
    batch = KgxLoader.from_paths([tmp_path]).load()
    assert [(n.id, n.category, n.properties) for n in batch.nodes] == [("CHEBI:6121", "Drug", {})]
    assert [(e.predicate, e.provenance.primary_knowledge_source) for e in batch.edges] == \
        [("CAUSES_ADVERSE_EFFECT", "infores:other")]
    warnings = " ".join(p.message for p in batch.report.warnings)
    assert "biolink:OrganismTaxon" in warnings and "column colour" in warnings and "biolink:related_to" in warnings


def test_cli_export_kgx_and_load_it_back(tmp_path, small_dir):
    snap, again, out = tmp_path / "g.jsonl", tmp_path / "again.jsonl", tmp_path / "kgx"
    assert CliRunner().invoke(main, ["--snapshot", str(snap), "build", "--curated-dir", str(small_dir)]).exit_code == 0
    result = CliRunner().invoke(main, ["--snapshot", str(snap), "export", "kgx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    args = ["--snapshot", str(again), "build", "--curated-dir", str(empty), "--source", f"kgx={out}"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    from kg.store.memory import MemoryStore

    first, second = MemoryStore(snap), MemoryStore(again)
    assert list(first.iter_nodes()) == list(second.iter_nodes())
    assert list(first.iter_edges()) == list(second.iter_edges())


def _kgx_python() -> str:
    """The interpreter with KGX: KGX_PYTHON, else .venv-kgx (scripts/setup-kgx.sh), else skip."""
    candidates = [os.environ.get("KGX_PYTHON"), str(ROOT / ".venv-kgx" / "bin" / "python")]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    if subprocess.run([sys.executable, "-m", "pip", "show", "kgx"], capture_output=True).returncode == 0:
        return sys.executable
    pytest.skip("KGX is not installed: run scripts/setup-kgx.sh (scripts/test.sh does) or set KGX_PYTHON")


def test_kgx_validator_accepts_the_export(corpus_kgx, tmp_path):
    report_path = tmp_path / "kgx-report.json"
    files = [str(corpus_kgx / "nodes.tsv"), str(corpus_kgx / "edges.tsv")]
    run = subprocess.run([_kgx_python(), str(HELPER), str(report_path), *files], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(report_path.read_text(encoding="utf-8"))
    problems = [(message, set(ids)) for kinds in report["errors"].values() for messages in kinds.values()
                for message, ids in messages.items()]
    assert problems, "the validator ran and reported the known messages below"
    other = [(m, sorted(ids)[:3]) for m, ids in problems if not _known_kgx_message(m, ids)]
    assert other == [], other[:10]
    assert report["biolink_version"].startswith("4.")


def _known_kgx_message(message: str, ids: set[str]) -> bool:
    """The validator's messages we accept, each a limit of KGX or Biolink rather than of the export:
    our project prefix ``ketkg`` and the ``NCT`` prefix are not in Biolink's prefix map (Biolink spells
    trial ids ``CLINICALTRIALS:``), and KGX's CURIE pattern refuses '/' in a local id, which every DOI has."""
    if "CURIE prefix 'ketkg'" in message or "CURIE prefix 'NCT'" in message:
        return True
    if "not a proper CURIE" in message:
        return "'DOI:10." in message
    if message == "Node property 'id' is expected to be of type 'CURIE'":
        return all(i.startswith("DOI:10.") and "/" in i for i in ids)
    return False

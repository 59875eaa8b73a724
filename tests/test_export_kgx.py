"""KGX TSV: export then load gives the same records; Biolink terms and provenance columns; KGX's
own validator accepts the files (run from the separate .venv-kgx, see scripts/setup-kgx.sh)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import KGError
from kg.export.kgx import decode_value, encode_value, from_kgx_curie, kgx_prefixes_in_reverse, to_kgx_curie, write_kgx
from kg.model import Node
from loaders.kgx import KgxLoader
from ontology import load_schema

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


def _validate(tmp_path: Path, files: list[Path], context: Path | None = None) -> dict:
    """KGX's validator's report on ``files`` (with the dataset's JSON-LD ``context`` added to Biolink's)."""
    report_path = tmp_path / f"kgx-report-{len(list(tmp_path.glob('kgx-report-*')))}.json"
    args = [*(["--context", str(context)] if context else []), *map(str, files)]
    run = subprocess.run([_kgx_python(), str(HELPER), str(report_path), *args], capture_output=True, text=True,
                         timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["biolink_version"].startswith("4.")
    return report


def _problems(report: dict) -> list[tuple[str, list[str]]]:
    return [(message, sorted(ids)[:3]) for kinds in report["errors"].values() for messages in kinds.values()
            for message, ids in messages.items()]


def _row_count(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for _ in handle) - 1


def test_kgx_validator_accepts_the_export(corpus_kgx, tmp_path):
    files = [corpus_kgx / "nodes.tsv", corpus_kgx / "edges.tsv"]
    report = _validate(tmp_path, files, corpus_kgx / "context.jsonld")
    assert (report["nodes"], report["edges"]) == (_row_count(files[0]), _row_count(files[1])) != (0, 0)
    declared = json.loads((corpus_kgx / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert report["prefixes_added"] == sorted(declared) and "ketkg" in declared  # ATC too (an xref)
    assert _problems(report) == []


def test_without_the_context_only_the_declared_prefixes_are_unknown_to_biolink(corpus_kgx, tmp_path):
    """Biolink's context alone: the validator objects to our ``ketkg`` ids and to nothing else, so
    every other id (trial ids, DOIs, DrugCentral...) is written as Biolink and KGX expect it."""
    report = _validate(tmp_path, [corpus_kgx / "nodes.tsv", corpus_kgx / "edges.tsv"])
    problems = _problems(report)
    declared = json.loads((corpus_kgx / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert problems and declared["ketkg"] == "https://w3id.org/ketamine-kg/"
    unknown = {re.search(r"CURIE prefix '([^']+)'", m).group(1) for m, _ in problems if "CURIE prefix" in m}
    assert unknown == {"ketkg"}  # ids, subjects and objects are checked; xrefs (ATC) are not
    assert all("not represented in Biolink Model JSON-LD context" in m for m, _ in problems), problems[:5]


def test_the_validator_refuses_ids_written_our_way(tmp_path):
    """Why the export rewrites ids: written raw, a trial id and a DOI are errors for KGX."""
    (tmp_path / "nodes.tsv").write_text(
        "id\tcategory\tname\n"
        "NCT:NCT02497287\tbiolink:ClinicalTrial\ta trial\n"
        "DOI:10.1176/appi.ajp.2017.17060647\tbiolink:Article\ta paper\n", encoding="utf-8")
    problems = dict(_problems(_validate(tmp_path, [tmp_path / "nodes.tsv"])))
    assert any("CURIE prefix 'NCT'" in m for m in problems)
    assert set(problems["Node property 'id' is expected to be of type 'CURIE'"]) == {
        "DOI:10.1176/appi.ajp.2017.17060647"}


def test_kgx_export_of_curated_and_public_sources_passes_the_validator(tmp_path):
    """Curated corpus + all Hetionet nodes and ketamine's Hetionet edges + DrugCentral, merged as
    `kg build` merges them: the export (NDFRT pharmacologic classes, DrugCentral ids, ...) passes."""
    from kg.normalize import make_normalizer
    from kg.pipeline import collect
    from loaders.curated import CuratedLoader
    from loaders.drugcentral import DrugCentralLoader
    from loaders.hetionet import HetionetLoader
    from tests.conftest import shared_data

    nodes_tsv = shared_data("hetionet", "hetionet-v1.0-nodes.tsv")
    edges = shared_data("derived", "hetionet-v1.0-ketamine-DB01221-edges.tsv")
    loaders = [CuratedLoader(), HetionetLoader(nodes_tsv, [edges]),
               DrugCentralLoader.from_paths([shared_data("drugcentral")])]
    normalizer = make_normalizer(sorted(shared_data("mondo").glob("*.sssom.tsv")),
                                 shared_data("biolink", "preferred_prefixes_per_class.json"))
    _, nodes, merged_edges, report = collect(loaders, normalize=normalizer)
    assert report.ok, [str(p) for p in report.errors[:5]]
    out = tmp_path / "kgx"
    write_kgx(nodes, merged_edges, out)
    context = json.loads((out / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert {"ketkg", "NDFRT"} <= set(context)
    files = [out / "nodes.tsv", out / "edges.tsv"]
    result = _validate(tmp_path, files, out / "context.jsonld")
    assert (result["nodes"], result["edges"]) == (_row_count(files[0]), _row_count(files[1]))
    assert result["nodes"] > 40_000 and result["edges"] > 1_000
    assert _problems(result) == []
    assert any(line.startswith("DrugCentral:") for line in files[0].read_text(encoding="utf-8").splitlines())


def test_schema_biolink_prefix_spellings_match_the_biolink_prefix_map(schema):
    from tests.conftest import shared_data

    biolink = json.loads(shared_data("biolink", "biolink-model-prefix-map.json").read_text(encoding="utf-8"))
    for ours, spelling in schema.biolink_prefixes.items():
        if spelling is None:
            assert ours not in biolink and ours.lower() not in {p.lower() for p in biolink}, ours
        else:
            assert spelling in biolink, (ours, spelling)


def test_trial_ids_and_dois_round_trip_through_their_biolink_spelling(corpus_kgx, corpus_records):
    nodes = {r["id"] for r in _rows(corpus_kgx / "nodes.tsv")}
    ours = {n.id for n in corpus_records[0]}
    assert "CLINICALTRIALS:NCT02497287" in nodes and "NCT:NCT02497287" in ours
    dois = sorted(i for i in ours if i.startswith("DOI:"))
    assert dois and all(to_kgx_curie(i, load_schema()) in nodes for i in dois)
    assert not any(i.startswith(("NCT:", "DOI:", "DRUGCENTRAL:")) or "/" in i for i in nodes)
    reverse = kgx_prefixes_in_reverse(load_schema())
    assert {from_kgx_curie(i, reverse) for i in nodes} == ours

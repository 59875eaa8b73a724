"""SSSOM export: one mapping per xref, manual-curation justification, a curie_map for every prefix."""

from __future__ import annotations

import io

import sssom_pydantic
import yaml
from click.testing import CliRunner

from kg.cli import main
from kg.export.sssom import write_sssom
from kg.iri import expand


def _header(text: str) -> dict:
    return yaml.safe_load("\n".join(line[1:] for line in text.splitlines() if line.startswith("#")))


def test_sssom_of_the_corpus_reads_back(corpus_records, tmp_path):
    nodes, _ = corpus_records
    path = tmp_path / "xrefs.sssom.tsv"
    with path.open("w", encoding="utf-8") as out:
        count = write_sssom(nodes, out)
    assert count == sum(len(n.xrefs) for n in nodes)
    pack = sssom_pydantic.read(path)
    assert len(pack.mappings) == count
    by_pair = {(m.subject.curie, m.object.curie): m for m in pack.mappings}
    ketamine = by_pair[("CHEBI:6121", "DRUGBANK:DB01221")]
    assert ketamine.predicate.curie == "skos:exactMatch" and ketamine.subject.name == "ketamine"
    assert {m.justification.curie for m in pack.mappings} == {"semapv:ManualMappingCuration"}
    trial = [m for (s, o), m in by_pair.items() if s.startswith("PMID:") and o.startswith("NCT:")]
    assert trial and {m.predicate.curie for m in trial} == {"skos:closeMatch"}


def test_curie_map_declares_every_prefix_with_our_iris(corpus_records):
    nodes, _ = corpus_records
    buffer = io.StringIO()
    write_sssom(nodes, buffer)
    header = _header(buffer.getvalue())
    used = {c.partition(":")[0] for n in nodes for c in (n.id, *n.xrefs) if n.xrefs}
    assert used <= set(header["curie_map"])
    for prefix in used:
        assert expand(f"{prefix}:x") == header["curie_map"][prefix] + "x"
    assert header["mapping_set_id"].startswith("https://w3id.org/ketamine-kg/")
    assert header["license"] == "https://spdx.org/licenses/CC-BY-4.0"


def test_cli_export_sssom(tmp_path, small_dir):
    snap = str(tmp_path / "g.jsonl")
    assert CliRunner().invoke(main, ["--snapshot", snap, "build", "--curated-dir", str(small_dir)]).exit_code == 0
    result = CliRunner().invoke(main, ["--snapshot", snap, "export", "sssom", "-o", str(tmp_path / "m.sssom.tsv")])
    assert result.exit_code == 0, result.output
    assert sssom_pydantic.read(tmp_path / "m.sssom.tsv").mappings

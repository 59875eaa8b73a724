"""``kg build --source NAME=PATH``: public sources are loaded, normalised and written; bad options refused."""

from __future__ import annotations

from click.testing import CliRunner

from kg.cli import main
from kg.store.memory import MemoryStore
from tests.conftest import shared_data


def test_build_with_sources_merges_ketamine(tmp_path, small_dir):
    snap = tmp_path / "g.jsonl"
    args = ["--snapshot", str(snap), "build", "--curated-dir", str(small_dir),
            "--source", f"sider={shared_data('sider', 'meddra_all_se.tsv.gz')}",
            "--source", f"obo={shared_data('mondo', 'mondo-chebi_import.obo')}",
            "--biolink-prefixes", str(shared_data("biolink", "preferred_prefixes_per_class.json"))]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    store = MemoryStore(snap)
    ketamine = store.get_node("CHEBI:6121")
    assert ketamine is not None and "PUBCHEM.COMPOUND:3821" in ketamine.xrefs
    assert ketamine.source == "infores:ketamine-kg-curated"
    caused = [e for e in store.iter_edges("CAUSES_ADVERSE_EFFECT") if e.subject == "CHEBI:6121"]
    assert caused and {e.provenance.primary_knowledge_source for e in caused} >= {"infores:sider"}


def test_unknown_source_is_refused(tmp_path, small_dir):
    args = ["--snapshot", str(tmp_path / "g.jsonl"), "build", "--curated-dir", str(small_dir),
            "--source", "nosuch=/tmp"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0 and "unknown source" in result.output
    result = CliRunner().invoke(main, args[:-1] + ["hetionet"])
    assert result.exit_code != 0 and "NAME=PATH" in result.output

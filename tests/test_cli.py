import json

from click.testing import CliRunner
from rdflib import Graph

from kg.cli import main


def _run(*args, env=None):
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result


def test_build_stats_export(tmp_path, small_dir):
    snap = str(tmp_path / "g.jsonl")
    built = _run("--snapshot", snap, "build", "--curated-dir", str(small_dir))
    assert built.exit_code == 0, built.output
    assert "built 13 nodes" in built.output
    stats = _run("--snapshot", snap, "stats")
    assert "Study           2" in stats.output and "PMID 2/2 (100%)" in stats.output
    ttl = _run("--snapshot", snap, "export", "rdf")
    g = Graph().parse(data=ttl.output, format="turtle")
    assert len(g) > 50
    onto = _run("export", "ontology", "-o", str(tmp_path / "o.ttl"))
    assert onto.exit_code == 0 and (tmp_path / "o.ttl").exists()


def test_settings_from_environment(tmp_path, small_dir):
    snap = tmp_path / "env.jsonl"
    result = _run("build", "--curated-dir", str(small_dir), env={"KG_SNAPSHOT": str(snap)})
    assert result.exit_code == 0 and snap.exists()


def test_build_refuses_bad_data_and_says_where(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.yaml").write_text("drugs:\n  - id: CHEBI:6121\n    name: ketamine\n    parents: [x]\n")
    snap = tmp_path / "g.jsonl"
    result = _run("--snapshot", str(snap), "build", "--curated-dir", str(bad))
    assert result.exit_code == 1
    assert "x.yaml:2" in result.output and "nothing was written" in result.output
    assert not snap.exists()


def test_check_json(tmp_path, small_dir):
    result = _run("check", "--curated-dir", str(small_dir), "--json")
    body = json.loads(result.output[result.output.index("{"):])
    assert body["problems"] == [] and body["coverage"]["nodes"]["Study"] == 2


def test_bad_settings_are_clear(tmp_path):
    result = _run("stats", env={"KG_PORT": "eighty"})
    assert result.exit_code == 1 and "port" in result.output


def test_stats_on_empty_graph(tmp_path):
    result = _run("--snapshot", str(tmp_path / "none.jsonl"), "stats")
    assert result.exit_code == 1 and "kg build" in result.output

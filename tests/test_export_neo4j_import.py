"""``kg export neo4j-import``: CSVs for ``neo4j-admin database import full`` whose headers, rows and
types match the store, and that the real Neo4j 5.26 import tool loads into a database the Neo4j
store then reads exactly as the embedded store."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from neo4j_support import free_port, require_java_and_maven

from kg import neo4j_local
from kg.cli import main
from kg.errors import KGError, SchemaError
from kg.export.neo4j_import import IMPORT_BUILD, ImportFiles, write_neo4j_import
from kg.model import Edge, Node
from kg.neo4j_local.admin import admin_import
from kg.store.memory import MemoryStore

KET, PTSD, STUDY = "CHEBI:6121", "MONDO:0005146", "PMID:1"


def read(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def as_dicts(path: Path) -> dict[str, dict[str, str]]:
    header, rows = read(path)
    return {row[0] if header[0] == "id:ID" else f"{row[0]}>{row[1]}": dict(zip(header, row, strict=True))
            for row in rows}


@pytest.fixture(scope="module")
def exported(corpus_store, tmp_path_factory) -> ImportFiles:
    return write_neo4j_import(corpus_store.iter_nodes(), corpus_store.iter_edges(),
                              tmp_path_factory.mktemp("neo4j-import"))


def test_one_file_per_label_and_type_with_the_store_counts(exported, corpus_store):
    counts = corpus_store.counts()
    assert [p.name for p in exported.nodes] == [f"nodes_{c}.csv" for c in sorted(counts.nodes)]
    assert [p.name for p in exported.relationships] == [f"relationships_{p}.csv" for p in sorted(counts.edges)]
    for category, count in counts.nodes.items():
        header, rows = read(exported.directory / f"nodes_{category}.csv")
        assert header[:4] == ["id:ID", "name", "synonyms:string[]", "xrefs:string[]"] and header[-1] == ":LABEL"
        assert [r[0] for r in rows] == [n.id for n in corpus_store.iter_nodes(category)]
        assert {r[-1] for r in rows} == {f"Entity;{category}"} and len(rows) == count
    for predicate, count in counts.edges.items():
        header, rows = read(exported.directory / f"relationships_{predicate}.csv")
        assert header[:3] == [":START_ID", ":END_ID", ":TYPE"] and "id" in header
        assert len(rows) == count and {r[2] for r in rows} == {predicate}
        ends = sorted((e.subject, e.object) for e in corpus_store.iter_edges(predicate))
        assert sorted((r[0], r[1]) for r in rows) == ends


def test_properties_are_typed_as_the_neo4j_store_stores_them(exported, corpus_store):
    study_header, _ = read(exported.directory / "nodes_Study.csv")
    assert {"year:long", "n:long", "design"} <= set(study_header)
    studies_header, _ = read(exported.directory / "relationships_STUDIES.csv")
    assert "n:long" in studies_header and "publications:string[]" in studies_header
    investigates, _ = read(exported.directory / "relationships_INVESTIGATES.csv")
    assert "off_label:boolean" in investigates
    ketamine = as_dicts(exported.directory / "nodes_Drug.csv")[KET]
    node = corpus_store.get_node(KET)
    assert ketamine["name"] == node.name and ketamine["xrefs:string[]"].split(";") == list(node.xrefs)
    assert json.loads(ketamine["_kg_properties"]) == node.properties and ketamine["_kg_build"] == IMPORT_BUILD


def test_import_script_and_manifest(exported):
    script = exported.script.read_text()
    assert os.access(exported.script, os.X_OK) and 'cd "$(dirname "$0")"' in script
    assert "database import full --nodes=nodes_AdverseEffect.csv" in script and "'--array-delimiter=;'" in script
    assert exported.command_line().startswith("neo4j-admin database import full --nodes=")
    assert exported.command_line().endswith("'--array-delimiter=;' neo4j")
    assert ImportFiles.load(exported.directory) == exported


def small_graph(**properties) -> tuple[list[Node], list[Edge]]:
    nodes = [Node(KET, "Drug", 'ket "amine"', ("Ketalar",), (), properties),
             Node(PTSD, "Condition", "PTSD"), Node(STUDY, "Study", "s", properties={"year": 2014})]
    return nodes, [Edge(STUDY, "STUDIES", PTSD, None, {"n": 41, "ratio": 0.5, "ok": True, "ids": [1, 2]})]


def test_values_quotes_and_arrays(tmp_path):
    nodes, edges = small_graph(nested={"a": [1, None]}, tags=["x", "y"], empty=[], blank="")
    files = write_neo4j_import(nodes, edges, tmp_path)
    drug = as_dicts(tmp_path / "nodes_Drug.csv")[KET]
    assert drug["name"] == 'ket "amine"' and drug["nested"] == '{"a": [1, null]}'
    assert drug["tags:string[]"] == "x;y" and drug["empty:string[]"] == "" and drug["blank"] == ""
    raw = (tmp_path / "nodes_Drug.csv").read_text()
    assert '"ket ""amine"""' in raw and ',"",' in raw  # an empty string is quoted, unlike a missing value
    header, [row] = read(tmp_path / "relationships_STUDIES.csv")
    typed = dict(zip(header, row, strict=True))
    assert (typed["n:long"], typed["ratio:double"], typed["ok:boolean"], typed["ids:long[]"]) == ("41", "0.5",
                                                                                                 "true", "1;2")
    assert not files.multiline


def test_conflicting_types_split_a_label(tmp_path):
    nodes = [Node("PMID:1", "Study", "a", properties={"year": 2014}),
             Node("PMID:2", "Study", "b", properties={"year": "2015 (in press)"}),
             Node("PMID:3", "Study", "c", properties={"year": 2016})]
    files = write_neo4j_import(nodes, [], tmp_path)
    assert [p.name for p in files.nodes] == ["nodes_Study.csv", "nodes_Study_2.csv"]
    assert "year:long" in read(files.nodes[0])[0] and [r[0] for r in read(files.nodes[0])[1]] == ["PMID:1", "PMID:3"]
    assert "year" in read(files.nodes[1])[0] and [r[0] for r in read(files.nodes[1])[1]] == ["PMID:2"]


def test_line_breaks_ask_for_multiline_fields(tmp_path):
    files = write_neo4j_import([Node(KET, "Drug", "ketamine", properties={"note": "a\nb"})], [], tmp_path)
    assert files.multiline and "--multiline-fields=true" in files.command()


@pytest.mark.parametrize(("nodes", "edges", "error", "message"), [
    ([Node(KET, "Drug", "k", ("a;b",))], [], KGError, "holds the array delimiter ';'"),
    ([Node(KET, "Drug", "k", properties={"bad key": 1})], [], KGError, "cannot be a CSV header column"),
    ([Node(KET, "Unicorn", "k")], [], SchemaError, "unknown category"),
    ([Node(KET, "Drug", "k")], [Edge(KET, "ENANTIOMER_OF", "CHEBI:404", None)], KGError, "CHEBI:404"),
])
def test_unwritable_records_are_refused(tmp_path, nodes, edges, error, message):
    with pytest.raises(error, match=message):
        write_neo4j_import(nodes, edges, tmp_path)


def test_another_array_delimiter(tmp_path):
    files = write_neo4j_import([Node(KET, "Drug", "k", ("a;b", "c"))], [], tmp_path, array_delimiter="|")
    assert as_dicts(files.nodes[0])[KET]["synonyms:string[]"] == "a;b|c"
    assert "--array-delimiter=|" in files.command()
    with pytest.raises(KGError, match="array delimiter must be one character"):
        write_neo4j_import([], [], tmp_path, array_delimiter=",")


def test_cli_export(tmp_path, small_dir):
    snapshot = str(tmp_path / "g.jsonl")
    runner = CliRunner()
    assert runner.invoke(main, ["--snapshot", snapshot, "build", "--curated-dir", str(small_dir)]).exit_code == 0
    result = runner.invoke(main, ["--snapshot", snapshot, "export", "neo4j-import", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "neo4j-admin database import full --nodes=nodes_" in result.output
    assert (tmp_path / "out" / "import.sh").is_file()


def test_the_real_import_tool_loads_what_the_store_reads(exported, corpus_store, tmp_path):
    """neo4j-admin 5.26.30 (from the launcher's Maven classpath) imports the files; the local
    server started on that database answers as the embedded store does."""
    require_java_and_maven()
    from kg.store.neo4j_store import Neo4jStore

    command = exported.command()
    output = admin_import(command[1:], exported.directory, tmp_path / "data")
    assert f"{corpus_store.counts().total_nodes} nodes" in output
    port, password = free_port(), "import-test-password"
    status = neo4j_local.start(port, tmp_path / "data", password, state_dir=tmp_path / "state", quiet=True)
    try:
        with Neo4jStore(status.uri, neo4j_local.USER, password) as store:
            assert store.counts() == corpus_store.counts()
            assert list(store.iter_nodes()) == list(corpus_store.iter_nodes())
            assert list(store.iter_edges()) == list(corpus_store.iter_edges())
            conditions = [n.id for n in corpus_store.iter_nodes("Condition")]
            for start in (KET, "CHEBI:60799", "ketkg:nmda-receptor-antagonism"):
                assert store.evidence_chains([start], conditions) == corpus_store.evidence_chains([start], conditions)
            for text in ("ketamine", "ptsd", "depresion"):
                assert store.search(text) == corpus_store.search(text)
            query = "MATCH (s:Study)-[r:STUDIES]->(c:Condition) RETURN s.year, r.n, c.name ORDER BY s.year, r.n, c.name"
            assert store.cypher(query).rows == corpus_store.cypher(query).rows
            store.replace_all(list(corpus_store.iter_nodes()), list(corpus_store.iter_edges()))  # adds constraints
            assert store.counts() == corpus_store.counts()
    finally:
        neo4j_local.stop(port, state_dir=tmp_path / "state")


def test_memory_store_is_a_valid_source(tmp_path):
    store = MemoryStore()
    store.replace_all(*small_graph())
    files = write_neo4j_import(store.iter_nodes(), store.iter_edges(), tmp_path)
    assert len(files.nodes) == 3 and len(files.relationships) == 1

"""Hetionet loader: counts per type match the source files; malformed input is reported with file and line."""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from pathlib import Path

import pytest

from loaders.hetionet import METAEDGES, NODE_KINDS, HetionetLoader
from tests.conftest import DATA, shared_data

SOURCES = DATA / "sources"


@pytest.fixture(scope="module")
def batch():
    nodes = shared_data("hetionet", "hetionet-v1.0-nodes.tsv")
    edges = shared_data("derived", "hetionet-v1.0-edges-partial-9-metaedges.sif.gz")
    return HetionetLoader(nodes, [edges]).load()


def _tsv(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="") as handle:
        yield from csv.DictReader(handle, delimiter="\t")


def test_node_counts_per_kind_match_the_nodes_file(batch):
    rows = list(_tsv(shared_data("hetionet", "hetionet-v1.0-nodes.tsv")))
    assert len(rows) == 47031
    expected = Counter(NODE_KINDS[r["kind"]][0] for r in rows if not r["id"].startswith("Pathway::PC7_"))
    assert Counter(n.category for n in batch.nodes) == expected
    unmapped = [p for p in batch.report.warnings if p.code == "unmapped-node"]
    assert len(unmapped) == 1 and "1528 nodes of kind 'Pathway'" in unmapped[0].message


def test_edge_counts_per_metaedge_match_the_sif(batch):
    rows = list(_tsv(shared_data("derived", "hetionet-v1.0-edges-partial-9-metaedges.sif.gz")))
    assert len(rows) == 172814
    expected = Counter(METAEDGES[r["metaedge"]] for r in rows)
    assert Counter(e.predicate for e in batch.edges) == expected
    assert expected["BINDS"] == 11571 and expected["CAUSES_ADVERSE_EFFECT"] == 138944
    assert batch.report.ok


def test_ids_map_onto_our_prefixes(batch):
    ids = {n.id for n in batch.nodes}
    assert {"DRUGBANK:DB01221", "NCBIGene:2902", "DOID:0050741", "UMLS:C0027497", "MESH:D009437",
            "UBERON:0000002", "GO:0004972", "WIKIPATHWAYS:WP98", "NDFRT:N0000175975"} <= ids
    ketamine = next(n for n in batch.nodes if n.id == "DRUGBANK:DB01221")
    assert (ketamine.category, ketamine.name) == ("Drug", "Ketamine")


def test_tsv_edges_keep_properties_and_win_over_bare_sif_rows():
    nodes = shared_data("hetionet", "hetionet-v1.0-nodes.tsv")
    sif = shared_data("derived", "hetionet-v1.0-edges-partial-9-metaedges.sif.gz")
    tsv = shared_data("derived", "hetionet-v1.0-ketamine-DB01221-edges.tsv")
    batch = HetionetLoader(nodes, [sif, tsv]).load()
    assert len(batch.edges) == 172814
    grin3a = next(e for e in batch.edges if e.subject == "DRUGBANK:DB01221" and e.object == "NCBIGene:116443")
    assert grin3a.properties == {"actions": ["antagonist", "blocker"]}
    assert grin3a.provenance.publications == ("PMID:14740534", "PMID:17502428", "PMID:18175098", "PMID:2858237")
    assert grin3a.provenance.license == "CC-BY-NC-4.0"


def test_malformed_hetionet_files_report_file_and_line():
    batch = HetionetLoader(SOURCES / "hetionet-bad-nodes.tsv", [SOURCES / "hetionet-bad-edges.sif"]).load()
    errors = {(Path(p.origin.file).name, p.origin.line, p.code) for p in batch.report.errors}
    assert errors == {("hetionet-bad-nodes.tsv", 4, "bad-id"), ("hetionet-bad-nodes.tsv", 7, "bad-line"),
                      ("hetionet-bad-edges.sif", 3, "unknown-node")}
    assert [(e.subject, e.predicate, e.object) for e in batch.edges] == [
        ("DRUGBANK:DB01221", "BINDS", "NCBIGene:2902"), ("DRUGBANK:DB01221", "CAUSES_ADVERSE_EFFECT", "UMLS:C0027497")]
    warnings = sorted(p.message for p in batch.report.warnings)
    assert any("1 edges of metaedge 'CrC'" in w for w in warnings)
    assert any("1 edges of metaedge 'GpPW (an end is unmapped)'" in w for w in warnings)
    assert any("1 nodes of kind 'Pathway'" in w for w in warnings)


def test_from_paths_finds_the_files():
    loader = HetionetLoader.from_paths([shared_data("hetionet"), shared_data("derived")])
    assert loader.nodes_path.name == "hetionet-v1.0-nodes.tsv"
    assert sorted(p.name for p in loader.edge_paths) == ["hetionet-v1.0-edges-partial-9-metaedges.sif.gz",
                                                        "hetionet-v1.0-ketamine-DB01221-edges.tsv"]

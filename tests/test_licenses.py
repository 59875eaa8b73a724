"""Licences: classified, declared by every loader, shown by kg stats and /api/sources, and
`kg build --open-only` leaves out non-commercial and custom-licence records."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.licenses import OpenOnly, declared_licenses, license_class, open_subset, source_licenses
from kg.model import Edge, Node, Provenance
from kg.store.memory import MemoryStore
from loaders import Batch
from loaders.sources import SOURCES
from tests.conftest import shared_data


@pytest.mark.parametrize(("licence", "kind"), [
    ("CC0-1.0", "open"), ("CC-BY-4.0", "open"), ("CC BY-SA 4.0", "open"), ("ODbL-1.0", "open"),
    ("CC-BY-NC-4.0", "non-commercial"), ("CC-BY-NC-SA-4.0", "non-commercial"),
    ("NLM terms and conditions (public data)", "custom"), (None, "unknown")])
def test_license_classes(licence, kind):
    assert license_class(licence) == kind


def test_every_loader_declares_its_licence():
    declared = declared_licenses()
    assert declared["infores:sider"] == "CC-BY-NC-SA-4.0" and declared["infores:hetionet"] == "CC0-1.0"
    assert declared["infores:ketamine-kg-curated"] == "CC-BY-4.0" and "infores:chebi" in declared
    from importlib import import_module

    for module, cls in SOURCES.values():
        assert getattr(import_module(module), cls).license


def _batch() -> Batch:
    a, b = Node("DRUGBANK:DB01221", "Drug", "Ketamine", source="infores:hetionet"), \
        Node("NCBIGene:2902", "Target", "GRIN1", source="infores:hetionet")
    side = Node("UMLS:C0012746", "AdverseEffect", "dissociation", source="infores:sider")
    edges = [Edge(a.id, "BINDS", b.id, Provenance("infores:hetionet", "v1.0", license="CC-BY-NC-4.0")),
             Edge(b.id, "INTERACTS_WITH", b.id, Provenance("infores:hetionet", "v1.0", license="CC0-1.0")),
             Edge(a.id, "CAUSES_ADVERSE_EFFECT", side.id, Provenance("infores:sider", "4.1", license="CC0-1.0"))]
    return Batch("infores:hetionet", [a, b, side], edges, license="CC0-1.0")


def test_open_subset_drops_non_open_records_and_says_so():
    kept = open_subset(_batch())
    assert [n.id for n in kept.nodes] == ["DRUGBANK:DB01221", "NCBIGene:2902"]
    assert [e.predicate for e in kept.edges] == ["INTERACTS_WITH"]
    messages = sorted(p.message for p in kept.report.warnings)
    assert any("CC-BY-NC-4.0" in m for m in messages) and any("CC-BY-NC-SA-4.0" in m for m in messages)
    assert any("edges to records left out" in m for m in messages)


def test_source_summary_marks_non_commercial():
    batch = _batch()
    found = {s.source: s for s in source_licenses(batch.nodes, batch.edges)}
    assert found["infores:sider"].non_commercial and found["infores:hetionet"].non_commercial
    assert found["infores:hetionet"].licenses == ("CC-BY-NC-4.0", "CC0-1.0")


class _Fixed:
    name, license = "infores:hetionet", "CC0-1.0"

    def load(self) -> Batch:
        return _batch()


def test_open_only_wrapper_keeps_the_loader_name():
    wrapped = OpenOnly(_Fixed())
    assert wrapped.name == "infores:hetionet" and len(wrapped.load().edges) == 1


def test_build_open_only_and_stats(tmp_path, small_dir):
    sider = f"sider={shared_data('sider', 'meddra_all_se.tsv.gz')}"
    full, open_snap = tmp_path / "full.jsonl", tmp_path / "open.jsonl"
    for snap, extra in ((full, []), (open_snap, ["--open-only"])):
        args = ["--snapshot", str(snap), "build", "--curated-dir", str(small_dir), "--source", sider, *extra]
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    assert any(e.provenance.primary_knowledge_source == "infores:sider" for e in MemoryStore(full).iter_edges())
    assert all(e.provenance.primary_knowledge_source != "infores:sider" for e in MemoryStore(open_snap).iter_edges())
    stats = CliRunner().invoke(main, ["--snapshot", str(full), "stats"]).output
    assert "infores:sider" in stats and "CC-BY-NC-SA-4.0" in stats and "[NON-COMMERCIAL]" in stats
    stats = CliRunner().invoke(main, ["--snapshot", str(open_snap), "stats"]).output
    assert "infores:sider" not in stats and "infores:ketamine-kg-curated" in stats


def test_api_sources(client):
    body = client.get("/api/sources").get_json()
    assert body["sources"][0]["source"] == "infores:ketamine-kg-curated"
    assert body["sources"][0]["licenses"] == ["CC-BY-4.0"] and body["sources"][0]["open"] is True
    assert body["non_commercial"] == []

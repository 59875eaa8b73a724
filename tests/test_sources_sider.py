"""SIDER loader: counts match the file; truncated gzip and bad lines are reported with file and line."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from loaders.sider import SiderLoader, stitch_to_pubchem
from tests.conftest import DATA, shared_data

SOURCES = DATA / "sources"


@pytest.fixture(scope="module")
def batch():
    return SiderLoader(shared_data("sider", "meddra_all_se.tsv.gz")).load()


def test_counts_match_meddra_all_se(batch):
    with gzip.open(shared_data("sider", "meddra_all_se.tsv.gz"), "rt") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle]
    mapped = [r for r in rows if r[4]]
    drugs = {int(r[1][3:]) for r in mapped}
    effects = {r[4] for r in mapped}
    pairs = {(int(r[1][3:]), r[4]) for r in mapped}
    assert sum(1 for n in batch.nodes if n.category == "Drug") == len(drugs)
    assert sum(1 for n in batch.nodes if n.category == "AdverseEffect") == len(effects)
    assert len(batch.edges) == len(pairs)
    skipped = next(p for p in batch.report.warnings if p.code == "no-meddra-term")
    assert skipped.message.startswith(f"{len(rows) - len(mapped)} rows")
    assert batch.report.ok


def test_ketamine_has_its_32_distinct_meddra_terms(batch):
    ketamine = [e for e in batch.edges if e.subject == "PUBCHEM.COMPOUND:3821"]
    assert len(ketamine) == 32
    assert all(e.predicate == "CAUSES_ADVERSE_EFFECT" and e.object.startswith("UMLS:C") for e in ketamine)
    assert ketamine[0].provenance.primary_knowledge_source == "infores:sider"


def test_stitch_ids():
    assert stitch_to_pubchem("CID000003821") == stitch_to_pubchem("CID100003821") == 3821
    assert stitch_to_pubchem("CID0123") is None


def test_drugbank_mapping_adds_unambiguous_xrefs():
    batch = SiderLoader(SOURCES / "sider-bad-lines.tsv", shared_data("drugbank", "unichem-mapping-pubchem.tsv")).load()
    ketamine = next(n for n in batch.nodes if n.id == "PUBCHEM.COMPOUND:3821")
    assert ketamine.xrefs == ("DRUGBANK:DB01221",)


def test_truncated_gzip_is_an_error_with_file_and_line():
    batch = SiderLoader(SOURCES / "sider-truncated.tsv.gz").load()
    [error] = batch.report.errors
    assert error.code == "truncated-file" and Path(error.origin.file).name == "sider-truncated.tsv.gz"
    assert error.origin.line == len(batch.edges) + 1  # reading stopped after the last complete line
    assert 0 < len(batch.edges) < 399


def test_bad_lines_are_errors_with_file_and_line():
    batch = SiderLoader(SOURCES / "sider-bad-lines.tsv").load()
    errors = [(Path(p.origin.file).name, p.origin.line, p.code) for p in batch.report.errors]
    assert errors == [("sider-bad-lines.tsv", 3, "bad-line"), ("sider-bad-lines.tsv", 5, "bad-line")]
    assert {(e.subject, e.object) for e in batch.edges} == {
        ("PUBCHEM.COMPOUND:3821", "UMLS:C0027497"), ("PUBCHEM.COMPOUND:10917", "UMLS:C0042963")}

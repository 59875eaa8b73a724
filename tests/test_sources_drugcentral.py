"""DrugCentral loader: counts match the TSVs; ketamine's crosswalk and NMDA targets; bad lines reported."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kg.normalize import Normalizer
from loaders.curated import CuratedLoader
from loaders.drugcentral import FILES, DrugCentralLoader
from tests.conftest import shared_data


@pytest.fixture(scope="module")
def batch():
    return DrugCentralLoader([shared_data("drugcentral", name) for name in FILES]).load()


def _rows(name: str) -> list[dict[str, str]]:
    with shared_data("drugcentral", name).open(newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_counts_match_the_files(batch):
    drugs = {r["DRUG_ID"] for name in FILES for r in _rows(name)}
    targets = _rows("drug_target.tsv")
    binds = {(r["DRUG_ID"], a) for r in targets for a in r["UNIPROT"].split("|") if a}
    classes = _rows("pharm_class.tsv")
    includes = {(r["CLASS_SOURCE_ID"], r["DRUG_ID"]) for r in classes if r["SOURCE"] in ("FDA", "MeSH")}
    roles = {(r["DRUG_ID"], r["CLASS_SOURCE_ID"]) for r in classes if r["SOURCE"] == "CHEBI"}
    treats = {(r["DRUG_ID"], r["DOID"] or r["UMLS_CUI"]) for r in _rows("drug_indication.tsv")
              if r["DOID"] or r["UMLS_CUI"]}
    by_category: dict[str, int] = {}
    for node in batch.nodes:
        by_category[node.category] = by_category.get(node.category, 0) + 1
    assert by_category["Drug"] == len(drugs)
    assert by_category["Target"] == len({a for _, a in binds})
    counts = {p: sum(1 for e in batch.edges if e.predicate == p) for p in ("BINDS", "INCLUDES", "HAS_ROLE", "TREATS")}
    assert counts == {"BINDS": len(binds), "INCLUDES": len(includes), "HAS_ROLE": len(roles), "TREATS": len(treats)}
    assert batch.report.ok


def test_ketamine_crosswalk_and_targets(batch):
    ketamine = next(n for n in batch.nodes if n.id == "DRUGCENTRAL:1523")
    assert {"CHEBI:6121", "DRUGBANK:DB01221", "PUBCHEM.COMPOUND:3821", "MESH:D007649", "UNII:690G0D6V8H"} <= set(
        ketamine.xrefs)
    binds = [e for e in batch.edges if e.subject == "DRUGCENTRAL:1523" and e.predicate == "BINDS"]
    assert len(binds) == 7 and all(e.properties == {"actions": ["blocker"]} for e in binds)
    assert binds[0].provenance.primary_knowledge_source == "infores:drugcentral"
    assert binds[0].provenance.license == "CC-BY-4.0"
    merged, _, _ = Normalizer()([*CuratedLoader().load().nodes, *batch.nodes], [])
    assert not any(n.id == "DRUGCENTRAL:1523" for n in merged)


def test_bad_lines_name_file_and_line(tmp_path):
    path = tmp_path / "drug_target.tsv"
    header = "\t".join(["DRUG_ID", "CHEMBL_ID", "DRUG_NAME", "TARGET_NAME", "TARGET_FAMILY", "UNIPROT", "GENE",
                        "SWISSPROT", "ACTION_TYPE", "SOURCE"]) + "\n"
    good = "1523\tCHEMBL742\tketamine\tNMDA\tIon channel\tQ05586\tGRIN1\tNMDZ1_HUMAN\tBLOCKER\tCHEMBL\n"
    path.write_text(header + good + "x\t\tnothing\t\t\tQ05586\tGRIN1\t\t\t\n1523\tonly three\tfields\n"
                    "1523\tCHEMBL742\tketamine\tNMDA\tIon channel\tnot-an-accession\tGRIN1\t\tBLOCKER\tCHEMBL\n")
    batch = DrugCentralLoader([path]).load()
    errors = [(Path(p.origin.file).name, p.origin.line, p.code) for p in batch.report.errors]
    assert errors == [("drug_target.tsv", 3, "bad-line"), ("drug_target.tsv", 4, "bad-line"),
                      ("drug_target.tsv", 5, "bad-id")]
    assert [(e.subject, e.object) for e in batch.edges] == [("DRUGCENTRAL:1523", "UniProtKB:Q05586")]

"""Checks on the curated corpus itself (data/curated): validity, uniqueness, links, coverage."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from kg.pipeline import collect
from kg.query.evidence import EvidenceQuery, evidence
from kg.store.memory import MemoryStore
from loaders.curated import CuratedLoader

# condition area -> (condition ids whose subclasses count, minimum number of primary studies)
AREAS = {
    "depression": (["MONDO:0002009", "MESH:D061218"], 12),
    "suicidal ideation": (["MESH:D059020"], 4),
    "bipolar depression": (["MONDO:0004985"], 2),
    "PTSD": (["MONDO:0005146"], 4),
    "OCD": (["MONDO:0008114"], 3),
    "anxiety disorders": (["MONDO:0005618"], 4),
    "substance use disorders": (["MONDO:0002494"], 5),
    "CRPS": (["MONDO:0019369"], 4),
    "fibromyalgia": (["MONDO:0005546"], 3),
    "neuropathic pain": (["MESH:D009437"], 5),
    "other chronic pain": (["MESH:D010148", "MONDO:0021146"], 3),
}
MINIMUM = {"Study": 60, "Drug": 8, "Mechanism": 10, "Target": 12, "Condition": 18, "AdverseEffect": 15}
REVIEWS = {"meta_analysis", "systematic_review"}


@pytest.fixture(scope="module")
def corpus():
    batches, nodes, edges, report = collect([CuratedLoader()])
    store = MemoryStore()
    store.replace_all(nodes, edges)
    return nodes, edges, report, store


def test_corpus_is_schema_valid(corpus):
    _, _, report, _ = corpus
    assert report.ok, str(report)


def test_minimum_counts(corpus):
    nodes, *_ = corpus
    counts = Counter(n.category for n in nodes)
    short = {c: (counts[c], m) for c, m in MINIMUM.items() if counts[c] < m}
    assert not short, f"categories below their minimum (have, need): {short}"


def test_no_duplicate_studies(corpus):
    nodes, *_ = corpus
    seen: dict[str, str] = {}
    for study in (n for n in nodes if n.category == "Study"):
        for key in ("pmid", "doi", "nct"):
            value = study.properties.get(key)
            if value is None:
                continue
            ident = f"{key}:{str(value).lower()}"
            assert ident not in seen, f"{study.id} and {seen[ident]} share {ident}"
            seen[ident] = study.id


def test_every_study_links_a_drug_and_a_condition(corpus):
    nodes, edges, _, _ = corpus
    drugs = {e.subject for e in edges if e.predicate == "INVESTIGATES"}
    conds = {e.subject for e in edges if e.predicate == "STUDIES"}
    for study in (n for n in nodes if n.category == "Study"):
        assert study.id in drugs, f"{study.id} investigates no drug"
        assert study.id in conds, f"{study.id} studies no condition"


def test_every_study_has_a_verified_identifier(corpus):
    nodes, *_ = corpus
    patterns = {"pmid": r"\d{1,9}", "doi": r"10\.\d{4,9}/\S+", "nct": r"NCT\d{8}"}
    for study in (n for n in nodes if n.category == "Study"):
        props = study.properties
        ids = {k: props[k] for k in patterns if props.get(k)}
        if props["design"] != "regulatory":
            assert ids, f"{study.id} has no PMID, DOI or NCT"
        for key, value in ids.items():
            assert re.fullmatch(patterns[key], value), f"{study.id}: malformed {key} {value!r}"
        assert props.get("verified_at"), f"{study.id} does not say where it was verified"


def test_targets_carry_gene_and_protein_ids(corpus):
    nodes, *_ = corpus
    complete = [n for n in nodes if n.category == "Target"
                and {x.partition(":")[0] for x in (n.id, *n.xrefs)} >= {"HGNC", "NCBIGene", "UniProtKB"}]
    assert len(complete) >= 12, f"only {len(complete)} targets have HGNC, NCBIGene and UniProtKB ids"


def test_reviews_and_regulatory_decisions(corpus):
    nodes, *_ = corpus
    designs = Counter(n.properties.get("design") for n in nodes if n.category == "Study")
    assert designs["meta_analysis"] + designs["systematic_review"] >= 8
    regulatory = [n for n in nodes if n.properties.get("design") == "regulatory"]
    decisions = {("EMA" if "EMA" in n.properties["agency"] else n.properties["agency"], n.properties["date"][:4])
                 for n in regulatory}
    assert decisions >= {("FDA", "2019"), ("FDA", "2020"), ("FDA", "2025"), ("EMA", "2019")}
    for decision in regulatory:
        assert decision.properties.get("indication") and decision.properties.get("jurisdiction")


@pytest.mark.parametrize("area", sorted(AREAS))
def test_evidence_query_returns_each_areas_studies(corpus, area):
    nodes, edges, _, store = corpus
    condition_ids, minimum = AREAS[area]
    expected_conditions = store.descendants(condition_ids)
    primary = {e.subject for e in edges if e.predicate == "STUDIES" and e.object in expected_conditions}
    by_id = {n.id: n for n in nodes}
    primary_studies = {s for s in primary if by_id[s].properties["design"] not in REVIEWS | {"regulatory"}}
    assert len(primary_studies) >= minimum, f"{area}: {len(primary_studies)} primary studies, need {minimum}"
    found: set[str] = set()
    for cond in condition_ids:
        answer = evidence(store, EvidenceQuery("NMDA receptor antagonism", cond))
        found |= {s["id"] for s in answer.studies}
        for drug in ("ketamine", "esketamine"):
            found |= {s["id"] for s in evidence(store, EvidenceQuery(drug, cond)).studies}
    ketamine_family = {e.subject for e in edges if e.predicate == "INVESTIGATES" and e.object in
                       {"CHEBI:6121", "CHEBI:60799"} and e.properties.get("role") == "intervention"}
    assert (primary & ketamine_family) <= found

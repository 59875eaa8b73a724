import pytest

from kg.errors import NotFound
from kg.query.evidence import EvidenceQuery, evidence, size_class


def test_mechanism_to_ptsd_chains(small_store):
    answer = evidence(small_store, EvidenceQuery("NMDA receptor antagonism", "PTSD"))
    assert [n.id for n in answer.source] == ["ketkg:nmda-receptor-antagonism"]
    assert answer.conditions == ["MONDO:0005146"]
    # Abdallah 2022 gave ketamine at two doses: two INVESTIGATES edges, so two chains
    assert [c.nodes for c in answer.chains] == [
        ("ketkg:nmda-receptor-antagonism", "CHEBI:6121", "PMID:24740528", "MONDO:0005146"),
        ("ketkg:nmda-receptor-antagonism", "CHEBI:6121", "PMID:35046508", "MONDO:0005146"),
        ("ketkg:nmda-receptor-antagonism", "CHEBI:6121", "PMID:35046508", "MONDO:0005146"),
    ]
    doses = sorted(c.edges[1].properties["dose"] for c in answer.chains if c.nodes[2] == "PMID:35046508")
    assert len(set(doses)) == 2
    assert [e.predicate for e in answer.chains[0].edges] == ["HAS_MECHANISM", "INVESTIGATES", "STUDIES"]
    # both RCTs are level 2; newest first within a level
    assert [(s["id"], s["year"], s["evidence_level"]) for s in answer.studies] == [
        ("PMID:35046508", 2022, 2), ("PMID:24740528", 2014, 2)]
    assert answer.studies[1]["pmid"] == "24740528" and answer.studies[1]["n"] == 41


def test_parent_condition_includes_subclasses(small_store):
    answer = evidence(small_store, EvidenceQuery("ketamine", "anxiety disorder"))
    assert answer.conditions == ["MONDO:0005146", "MONDO:0005618"]
    assert {s["id"] for s in answer.studies} == {"PMID:24740528", "PMID:35046508"}
    assert all(s["matched_conditions"] == ["MONDO:0005146"] for s in answer.studies)


def test_target_reaches_studies_through_mechanism(small_store):
    answer = evidence(small_store, EvidenceQuery("HGNC:4586", "MONDO:0005146"))
    assert {c.nodes[:3] for c in answer.chains} == {("HGNC:4586", "ketkg:nmda-receptor-antagonism", "CHEBI:6121")}


def test_filters(small_store):
    q = EvidenceQuery("ketamine", "PTSD", min_n=100)
    assert [s["id"] for s in evidence(small_store, q).studies] == ["PMID:35046508"]
    q = EvidenceQuery("ketamine", "PTSD", as_of="2020-01-01")
    assert [s["id"] for s in evidence(small_store, q).studies] == ["PMID:24740528"]
    q = EvidenceQuery("ketamine", "PTSD", designs=("meta_analysis",))
    assert evidence(small_store, q).studies == []


def test_unknown_names_suggest(small_store):
    with pytest.raises(NotFound, match="no Condition matches target 'influenza'"):
        evidence(small_store, EvidenceQuery("ketamine", "influenza"))
    with pytest.raises(NotFound, match="did you mean"):
        evidence(small_store, EvidenceQuery("ketamnie", "PTSD"))


def test_size_class():
    assert [size_class(n) for n in (None, 10, 50, 200)] == ["unknown", "small", "medium", "large"]

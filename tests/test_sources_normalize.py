"""kg.normalize: merging through xrefs and SSSOM, preferred ids, conflicts reported, edges rewritten."""

from __future__ import annotations

from kg.mappings import prefix_orders, read_preferred_prefixes, read_sssom
from kg.model import CURATED_SOURCE, Edge, Node, Provenance
from kg.normalize import Normalizer
from tests.conftest import shared_data

PROV = Provenance("infores:hetionet", "v1.0", license="CC0-1.0")


def _curated(curie, category, name, xrefs=()):
    return Node(curie, category, name, xrefs=tuple(xrefs), source=CURATED_SOURCE)


def _node(curie, category, name, xrefs=(), source="infores:hetionet"):
    return Node(curie, category, name, xrefs=tuple(xrefs), source=source)


def test_curated_id_wins_and_edges_are_rewritten():
    nodes = [_curated("CHEBI:6121", "Drug", "ketamine", ["DRUGBANK:DB01221"]),
             _node("DRUGBANK:DB01221", "Drug", "Ketamine"), _node("NCBIGene:2902", "Target", "GRIN1"),
             _curated("HGNC:4584", "Target", "GRIN1", ["NCBIGene:2902"])]
    edges = [Edge("DRUGBANK:DB01221", "BINDS", "NCBIGene:2902", PROV, qualifier="infores:hetionet")]
    merged, rewritten, report = Normalizer()(nodes, edges)
    assert [n.id for n in merged] == ["CHEBI:6121", "HGNC:4584"]
    assert [(e.subject, e.object) for e in rewritten] == [("CHEBI:6121", "HGNC:4584")]
    assert merged[0].synonyms == ("Ketamine",) and merged[0].xrefs == ("DRUGBANK:DB01221",)
    assert report.problems == []


def test_curated_only_records_are_returned_unchanged():
    nodes = [_curated("CHEBI:6121", "Drug", "ketamine", ["MESH:D007649"]),
             _curated("CHEBI:60799", "Drug", "esketamine", ["MESH:D007649"])]
    merged, _, report = Normalizer()(nodes, [])
    assert merged == nodes and all(a is b for a, b in zip(merged, nodes, strict=True))
    assert report.problems == []


def test_a_record_matching_two_curated_records_is_a_conflict_not_a_guess():
    nodes = [_curated("CHEBI:6121", "Drug", "ketamine", ["PUBCHEM.COMPOUND:3821"]),
             _curated("CHEBI:60799", "Drug", "esketamine", ["PUBCHEM.COMPOUND:182137"]),
             _node("DRUGCENTRAL:1", "Drug", "mix", ["PUBCHEM.COMPOUND:3821", "PUBCHEM.COMPOUND:182137"])]
    merged, _, report = Normalizer()(nodes, [])
    assert {n.id for n in merged} == {"CHEBI:6121", "CHEBI:60799", "DRUGCENTRAL:1"}
    [problem] = report.problems
    assert problem.code == "normalize-conflict" and "CHEBI:60799, CHEBI:6121" in problem.message


def test_biolink_prefix_order_picks_the_id_and_ties_are_conflicts():
    biolink = read_preferred_prefixes(shared_data("biolink", "preferred_prefixes_per_class.json"))
    orders = prefix_orders(Normalizer().schema, biolink)
    assert orders["Condition"][0] == "MONDO" and orders["Target"][0] == "NCBIGene"
    normalizer = Normalizer(biolink_prefixes=biolink)
    merged, _, report = normalizer([_node("MESH:D003865", "Condition", "Depressive Disorder, Major"),
                                    _node("DOID:1470", "Condition", "major depressive disorder", ["MESH:D003865"])], [])
    assert [(n.id, n.xrefs) for n in merged] == [("DOID:1470", ("MESH:D003865",))] and report.ok
    _, _, tie = normalizer([_node("DOID:1", "Condition", "a", ["MESH:D000001"]),
                            _node("DOID:2", "Condition", "b", ["MESH:D000001"])], [])
    assert [p.code for p in tie.problems] == ["normalize-conflict"]


def test_sssom_exact_matches_merge_doid_into_curated_mondo():
    schema = Normalizer().schema
    mappings = read_sssom([shared_data("mondo", "mondo_exactmatch_doid.sssom.tsv"),
                           shared_data("mondo", "mondo_exactmatch_mesh.sssom.tsv")], schema)
    assert "DOID:0050741" in mappings["MONDO:0007079"] and "MESH:D004194" in mappings["MONDO:0000001"]
    nodes = [_curated("MONDO:0007079", "Condition", "alcohol dependence"),
             _node("DOID:0050741", "Condition", "alcohol dependence")]
    merged, _, report = Normalizer(mappings)(nodes, [])
    assert [(n.id, n.xrefs) for n in merged] == [("MONDO:0007079", ("DOID:0050741",))] and report.ok


def test_same_id_in_two_categories_takes_the_curated_category_and_drops_misfit_edges():
    nodes = [_curated("MESH:D009325", "AdverseEffect", "nausea"), _node("MESH:D009325", "Condition", "Nausea"),
             _node("DOID:1", "Condition", "d"), _node("NCBIGene:1", "Target", "g")]
    edges = [Edge("DOID:1", "HAS_SYMPTOM", "MESH:D009325", PROV, qualifier="x"),
             Edge("MESH:D009325", "ASSOCIATED_WITH_GENE", "NCBIGene:1", PROV, qualifier="x")]
    merged, kept, report = Normalizer()(nodes, edges)
    assert next(n for n in merged if n.id == "MESH:D009325").category == "AdverseEffect"
    assert [e.predicate for e in kept] == ["HAS_SYMPTOM"]
    assert sorted(p.code for p in report.problems) == ["category-conflict", "edge-dropped"]


def test_edges_made_identical_by_merging_collapse():
    nodes = [_curated("MESH:D003556", "AdverseEffect", "cystitis", ["UMLS:C0010692", "UMLS:C0232849"]),
             _node("UMLS:C0010692", "AdverseEffect", "Cystitis"),
             _node("UMLS:C0232849", "AdverseEffect", "Bladder pain"),
             _node("DRUGBANK:DB01221", "Drug", "Ketamine")]
    edges = [Edge("DRUGBANK:DB01221", "CAUSES_ADVERSE_EFFECT", f"UMLS:{c}", PROV, qualifier="infores:hetionet")
             for c in ("C0010692", "C0232849")]
    merged, kept, report = Normalizer()(nodes, edges)
    assert [(e.subject, e.object) for e in kept] == [("DRUGBANK:DB01221", "MESH:D003556")]
    cystitis = next(n for n in merged if n.id == "MESH:D003556")
    assert cystitis.synonyms == ("Cystitis", "Bladder pain") and report.ok

from kg.model import CURATED_SOURCE, Edge, Node, Origin, Provenance
from kg.validate import validate

PROV = Provenance(CURATED_SOURCE, "v1", publications=("PMID:24740528",), evidence_type="ECO:0007121")
HERE = Origin("data/curated/x.yaml", 7, "drugs[1]")


def _nodes():
    return [Node("CHEBI:6121", "Drug", "ketamine", origin=HERE),
            Node("MONDO:0005146", "Condition", "post-traumatic stress disorder"),
            Node("PMID:24740528", "Study", "Feder 2014", properties={"year": 2014})]


def _codes(nodes, edges):
    return validate(nodes, edges).codes()


def test_valid_records_pass():
    edges = [Edge("PMID:24740528", "INVESTIGATES", "CHEBI:6121", PROV, {"dose": "0.5 mg/kg"}),
             Edge("PMID:24740528", "STUDIES", "MONDO:0005146", PROV)]
    report = validate(_nodes(), edges)
    assert report.ok, str(report)
    assert (report.nodes_checked, report.edges_checked) == (3, 2)


def test_unknown_category_and_predicate():
    assert "unknown-category" in _codes([Node("CHEBI:1", "Durg", "x")], [])
    assert "unknown-predicate" in _codes(_nodes(), [Edge("CHEBI:6121", "CURES", "MONDO:0005146", PROV)])


def test_domain_and_range_violations():
    codes = _codes(_nodes(), [Edge("CHEBI:6121", "STUDIES", "PMID:24740528", PROV)])
    assert {"domain", "range"} <= codes


def test_malformed_curies_name_the_origin():
    report = validate([Node("MONDO:5146", "Condition", "ptsd", origin=HERE)], [])
    (problem,) = report.errors
    assert problem.code == "bad-curie"
    assert "data/curated/x.yaml:7" in str(problem) and "MONDO:5146" in str(problem)
    assert "bad-curie" in _codes([Node("CHEBI:6121", "Drug", "k", xrefs=("DRUGBANK:1221",))], [])


def test_id_prefix_must_suit_the_category():
    assert "id-prefix" in _codes([Node("PMID:1", "Drug", "k")], [])


def test_dangling_edges():
    report = validate(_nodes(), [Edge("PMID:24740528", "INVESTIGATES", "CHEBI:999", PROV, origin=HERE)])
    assert [p.code for p in report.errors] == ["dangling-edge"]
    assert "CHEBI:999" in report.errors[0].message


def test_missing_and_bad_provenance():
    assert "missing-provenance" in _codes(_nodes(), [Edge("PMID:24740528", "STUDIES", "MONDO:0005146", None)])
    bad = Provenance("curated", "", "guess", "robot", ("ISBN:1",), "GO:1")
    report = validate(_nodes(), [Edge("PMID:24740528", "STUDIES", "MONDO:0005146", bad)])
    assert {"bad-provenance", "bad-publication"} <= report.codes()
    assert len([p for p in report.errors if p.code == "bad-provenance"]) == 5


def test_unknown_properties_and_missing_names():
    codes = _codes([Node("CHEBI:6121", "Drug", " ", properties={"colour": "blue"})], [])
    assert {"unknown-property", "missing-name"} <= codes


def test_conflicting_duplicates_but_identical_ones_pass():
    a = Node("CHEBI:6121", "Drug", "ketamine")
    assert validate([a, Node("CHEBI:6121", "Drug", "ketamine")], []).ok
    assert "duplicate-id" in _codes([a, Node("CHEBI:6121", "Drug", "esketamine")], [])


def test_conflicting_duplicate_edges_are_refused_through_the_pipeline_and_alone():
    """Two statements of one edge (same id) that differ are an error; identical ones collapse.
    The pipeline skips the validator's own duplicate check only when its merge saw no conflict."""
    from kg.pipeline import collect
    from loaders import Batch

    nodes = _nodes()
    edge = Edge("PMID:24740528", "STUDIES", "MONDO:0005146", PROV)
    other = Edge("PMID:24740528", "STUDIES", "MONDO:0005146", Provenance(CURATED_SOURCE, "v2"))

    class Source:
        name, license = "infores:test", "CC0-1.0"

        def __init__(self, edges):
            self.edges = edges

        def load(self):
            batch = Batch(self.name, license=self.license)
            batch.nodes.extend(nodes)
            batch.edges.extend(self.edges)
            return batch

    assert "duplicate-edge" in _codes(nodes, [edge, other])
    assert validate(nodes, [edge, edge]).ok
    _, _, edges, report = collect([Source([edge]), Source([edge])])
    assert report.ok and edges == [edge]
    _, _, edges, report = collect([Source([edge]), Source([other])])
    assert "duplicate-edge" in report.codes() and len(edges) == 2

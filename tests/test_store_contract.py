"""The GraphStore contract, run against every backend (``empty_store`` is parametrised).

Each test writes a small hand-made graph and asserts exact answers, so a backend that
answers differently from the others fails here.
"""

from __future__ import annotations

import pytest

from kg.model import CURATED_SOURCE, Edge, Node, Provenance
from kg.store.base import Chain, GraphStore

KET, ESK, NOR = "CHEBI:6121", "CHEBI:60799", "CHEBI:7567"
NMDA, MTOR = "ketkg:nmda-receptor-antagonism", "ketkg:mtorc1-activation"
GRIN1, GRIN2B = "HGNC:4584", "HGNC:4586"
ANX, PTSD, TRD = "MONDO:0005618", "MONDO:0005146", "MONDO:0100285"
S2014, S2022 = "PMID:24740528", "PMID:35046508"

PROV = Provenance(CURATED_SOURCE, "v1", publications=("PMID:1", "PMID:2"), evidence_type="ECO:0007121")
RICH = {"description": "NMDA antagonist", "nested": {"a": [1, {"b": None}]}, "none": None, "ints": [1, 2],
        "mixed": [1, "x"], "empty": [], "flag": True, "ratio": 0.5, "big": 2**70, "unicode": "ß—😀",
        "name": "a property called name", "_hidden": 1}

NODES = [
    Node(KET, "Drug", "ketamine", ("Ketalar", "(RS)-ketamine"), ("DRUGBANK:DB01221", "MESH:D007649"), RICH),
    Node(ESK, "Drug", "esketamine", ("Spravato", "S-ketamine"), ("DRUGBANK:DB11823",), source="infores:test"),
    Node(NOR, "Drug", "norketamine"),
    Node(NMDA, "Mechanism", "NMDA receptor antagonism", ("NMDA blockade",)),
    Node(MTOR, "Mechanism", "mTORC1 activation"),
    Node(GRIN1, "Target", "GRIN1", ("NR1",)),
    Node(GRIN2B, "Target", "GRIN2B"),
    Node(ANX, "Condition", "anxiety disorder"),
    Node(PTSD, "Condition", "post-traumatic stress disorder", ("PTSD",)),
    Node(TRD, "Condition", "treatment-resistant depression", ("TRD",)),
    Node(S2014, "Study", "Feder 2014", properties={"year": 2014, "n": 41, "design": "crossover_rct"}),
    Node(S2022, "Study", "Abdallah 2022", properties={"year": 2022, "n": 158, "design": "rct"}),
]
EDGES = [
    Edge(KET, "HAS_MECHANISM", NMDA, PROV),
    Edge(ESK, "HAS_MECHANISM", NMDA, PROV),
    Edge(NMDA, "LEADS_TO", MTOR, PROV),
    Edge(NMDA, "ACTS_ON", GRIN1, PROV),
    Edge(NMDA, "ACTS_ON", GRIN2B, PROV),
    Edge(KET, "BINDS", GRIN2B, PROV, {"affinity_nm": 530.0, "actions": ["antagonist"]}),
    Edge(MTOR, "IMPLICATED_IN", TRD, PROV),
    Edge(S2014, "INVESTIGATES", KET, PROV, {"dose": "0.5 mg/kg"}),
    Edge(S2022, "INVESTIGATES", KET, PROV, {"dose": "0.5 mg/kg"}, qualifier="0.5"),
    Edge(S2022, "INVESTIGATES", KET, PROV, {"dose": "0.2 mg/kg"}, qualifier="0.2"),
    Edge(S2014, "STUDIES", PTSD, PROV, {"population": "adults", "n": 41}),
    Edge(S2022, "STUDIES", PTSD, PROV, {"n": 158, "ci": {"low": -1.5, "high": None}}),
    Edge(ESK, "APPROVED_FOR", TRD, PROV, {"agency": "FDA", "date": "2019-03-05"}),
    Edge(ESK, "ENANTIOMER_OF", KET, None),
    Edge(NOR, "METABOLITE_OF", KET, None),
    Edge(PTSD, "SUBCLASS_OF", ANX, PROV),
]


def key(edge: Edge) -> tuple[str, str, str, str]:
    return (edge.subject, edge.predicate, edge.object, edge.qualifier)


def find(subject: str, predicate: str, obj: str, qualifier: str = "") -> Edge:
    return next(e for e in EDGES if key(e) == (subject, predicate, obj, qualifier))


@pytest.fixture
def store(empty_store) -> GraphStore:
    empty_store.replace_all(NODES, EDGES)
    return empty_store


def test_is_a_graph_store(empty_store):
    assert isinstance(empty_store, GraphStore)


def test_round_trip_is_exact(store):
    assert list(store.iter_nodes()) == sorted(NODES, key=lambda n: n.id)
    assert list(store.iter_edges()) == sorted(EDGES, key=key)
    ketamine = store.get_node(KET)
    assert ketamine == NODES[0] and ketamine.properties == RICH
    assert list(ketamine.properties) == list(RICH)
    assert store.get_node(ESK).source == "infores:test"
    assert store.get_node("CHEBI:0") is None
    assert store.get_nodes([KET, "CHEBI:0", TRD]) == {KET: NODES[0], TRD: NODES[9]}
    assert [e.provenance for e in store.iter_edges("ENANTIOMER_OF")] == [None]
    assert [e.properties["ci"] for e in store.iter_edges("STUDIES") if e.subject == S2022] == [
        {"low": -1.5, "high": None}]


def test_filtered_iteration(store):
    assert [n.id for n in store.iter_nodes("Target")] == [GRIN1, GRIN2B]
    assert [n.id for n in store.iter_nodes("AdverseEffect")] == []
    assert [e.qualifier for e in store.iter_edges("INVESTIGATES")] == ["", "0.2", "0.5"]


def test_counts_and_write_summary(empty_store):
    summary = empty_store.replace_all(NODES, EDGES)
    assert (summary.nodes, summary.edges) == (12, 16)
    counts = empty_store.counts()
    assert counts.nodes == {"Condition": 3, "Drug": 3, "Mechanism": 2, "Study": 2, "Target": 2}
    assert counts.edges == {"ACTS_ON": 2, "APPROVED_FOR": 1, "BINDS": 1, "ENANTIOMER_OF": 1, "HAS_MECHANISM": 2,
                            "IMPLICATED_IN": 1, "INVESTIGATES": 3, "LEADS_TO": 1, "METABOLITE_OF": 1,
                            "STUDIES": 2, "SUBCLASS_OF": 1}
    assert (counts.total_nodes, counts.total_edges) == (12, 16)


def test_rewrite_is_idempotent_and_replaces(empty_store):
    empty_store.replace_all(NODES, EDGES)
    first = (empty_store.counts(), list(empty_store.iter_nodes()), list(empty_store.iter_edges()))
    empty_store.replace_all(NODES, EDGES)
    assert (empty_store.counts(), list(empty_store.iter_nodes()), list(empty_store.iter_edges())) == first
    recategorised = Node(GRIN1, "Mechanism", "GRIN1 as a mechanism")
    smaller = [n for n in NODES if n.id not in (NOR, GRIN1)] + [recategorised]
    kept = [e for e in EDGES if NOR not in (e.subject, e.object) and e.predicate != "ACTS_ON"]
    empty_store.replace_all(smaller, kept)
    assert list(empty_store.iter_nodes()) == sorted(smaller, key=lambda n: n.id)
    assert list(empty_store.iter_edges()) == sorted(kept, key=key)
    assert empty_store.counts().nodes == {"Condition": 3, "Drug": 2, "Mechanism": 3, "Study": 2, "Target": 1}
    empty_store.replace_all([], [])
    assert empty_store.counts().total_nodes == 0 and list(empty_store.iter_edges()) == []


def test_search_sees_the_graph_after_a_rebuild(empty_store):
    empty_store.replace_all(NODES, EDGES)
    assert [h.node.id for h in empty_store.search("ketamine", "Drug", 1)] == [KET]
    assert empty_store.search("zorblatamine") == []
    renamed = Node(KET, "Drug", "zorblatamine", ("Ketalar",), NODES[0].xrefs, NODES[0].properties)
    empty_store.replace_all([renamed, *NODES[1:]], EDGES)  # as many nodes as before: only the names differ
    [hit] = empty_store.search("zorblatamine")
    assert hit.node == renamed and hit.matched == "name"
    assert "ketamine" not in {h.node.name for h in empty_store.search("ketamine")}


def test_duplicate_records_last_wins(empty_store):
    renamed = Node(KET, "Drug", "ketamine (renamed)")
    summary = empty_store.replace_all([NODES[0], renamed], [])
    assert summary.nodes == 1
    assert empty_store.get_node(KET) == renamed


def test_duplicate_edges_last_wins_in_both_directions(empty_store):
    first = Edge(S2014, "STUDIES", PTSD, PROV, {"n": 1})
    other = Edge(S2022, "STUDIES", PTSD, PROV, {"n": 158})
    last = Edge(S2014, "STUDIES", PTSD, PROV, {"n": 41})
    summary = empty_store.replace_all(NODES, [first, other, last])
    assert summary.edges == 2
    for direction, ids in (("out", [S2014]), ("in", [PTSD]), ("both", [S2014, PTSD])):
        found = [e for e in empty_store.edges_of(ids, direction) if e.subject == S2014]
        assert [e.properties for e in found] == [{"n": 41}], direction


@pytest.mark.parametrize(("ids", "direction", "predicates", "expected"), [
    ([KET], "out", None, [(KET, "BINDS", GRIN2B, ""), (KET, "HAS_MECHANISM", NMDA, "")]),
    ([KET], "in", ["INVESTIGATES"], [(S2014, "INVESTIGATES", KET, ""), (S2022, "INVESTIGATES", KET, "0.2"),
                                     (S2022, "INVESTIGATES", KET, "0.5")]),
    ([NMDA, MTOR], "both", ["LEADS_TO", "IMPLICATED_IN"], [(MTOR, "IMPLICATED_IN", TRD, ""),
                                                          (NMDA, "LEADS_TO", MTOR, "")]),
    ([NOR], "both", None, [(NOR, "METABOLITE_OF", KET, "")]),
    ([NOR, "CHEBI:0"], "in", None, []),
    ([KET], "both", [], []),
    ([KET], "sideways", None, []),
])
def test_edges_of(store, ids, direction, predicates, expected):
    assert [key(e) for e in store.edges_of(ids, direction, predicates)] == expected


def test_edges_of_both_directions_returns_each_edge_once(store):
    assert [key(e) for e in store.edges_of([ESK, KET], "both", ["ENANTIOMER_OF"])] == [(ESK, "ENANTIOMER_OF", KET, "")]


def test_descendants(store):
    assert store.descendants([ANX]) == {ANX, PTSD}
    assert store.descendants([PTSD, "MONDO:0000000"]) == {PTSD}
    assert store.descendants([KET], "METABOLITE_OF") == {KET, NOR}
    assert store.descendants([]) == set()


def test_evidence_from_a_drug(store):
    chains = store.evidence_chains([ESK], [TRD, PTSD])
    assert chains == [Chain((ESK, TRD), (find(ESK, "APPROVED_FOR", TRD),))]
    chains = store.evidence_chains([KET], [PTSD])
    assert [c.nodes for c in chains] == [(KET, S2014, PTSD), (KET, S2022, PTSD), (KET, S2022, PTSD)]
    assert {chains[1].edges[0], chains[2].edges[0]} == {find(S2022, "INVESTIGATES", KET, q) for q in ("0.2", "0.5")}
    assert chains[1].edges[1] == chains[2].edges[1] == find(S2022, "STUDIES", PTSD)


def test_evidence_from_a_mechanism_walks_upstream(store):
    chains = store.evidence_chains([MTOR], [TRD])
    assert [c.nodes for c in chains] == [(MTOR, TRD), (MTOR, NMDA, ESK, TRD)]
    assert chains[1].edges == (find(NMDA, "LEADS_TO", MTOR), find(ESK, "HAS_MECHANISM", NMDA),
                               find(ESK, "APPROVED_FOR", TRD))
    assert [c.nodes for c in store.evidence_chains([NMDA], [TRD])] == [(NMDA, ESK, TRD)]


def test_evidence_from_a_target(store):
    chains = store.evidence_chains([GRIN2B], [PTSD, TRD])
    assert [c.nodes for c in chains] == [
        (GRIN2B, KET, S2014, PTSD), (GRIN2B, KET, S2022, PTSD), (GRIN2B, KET, S2022, PTSD),
        (GRIN2B, NMDA, ESK, TRD),
        (GRIN2B, NMDA, KET, S2014, PTSD), (GRIN2B, NMDA, KET, S2022, PTSD), (GRIN2B, NMDA, KET, S2022, PTSD)]
    assert [e.predicate for e in chains[3].edges] == ["ACTS_ON", "HAS_MECHANISM", "APPROVED_FOR"]


def test_evidence_with_nothing_to_find(store):
    assert store.evidence_chains([ANX, "CHEBI:0"], [PTSD]) == []
    assert store.evidence_chains([KET], []) == []


def test_neighbourhood(store):
    sub = store.neighbourhood(NOR)
    assert [n.id for n in sub.nodes] == [KET, NOR]
    assert [key(e) for e in sub.edges] == [(NOR, "METABOLITE_OF", KET, "")]
    sub = store.neighbourhood(NOR, depth=2, categories=["Drug", "Mechanism"])
    assert [n.id for n in sub.nodes] == [ESK, KET, NOR, NMDA]
    assert len(sub.edges) == 4
    sub = store.neighbourhood(KET, depth=3, predicates=["INVESTIGATES", "STUDIES"])
    assert [n.id for n in sub.nodes] == [KET, PTSD, S2014, S2022]
    assert [e.predicate for e in sub.edges] == ["INVESTIGATES", "STUDIES", "INVESTIGATES", "INVESTIGATES", "STUDIES"]
    assert store.neighbourhood(KET, depth=0).nodes == [NODES[0]]
    assert store.neighbourhood("CHEBI:0").nodes == []


def test_paths(store):
    paths = store.paths(NOR, ESK)
    assert [c.nodes for c in paths] == [(NOR, KET, ESK), (NOR, KET, NMDA, ESK)]
    assert [e.predicate for e in paths[1].edges] == ["METABOLITE_OF", "HAS_MECHANISM", "HAS_MECHANISM"]
    assert [c.nodes for c in store.paths(NOR, ESK, max_hops=2)] == [(NOR, KET, ESK)]
    assert [c.nodes for c in store.paths(S2022, KET, limit=1)] == [(S2022, KET)]
    assert len(store.paths(S2022, KET, max_hops=1)) == 2
    assert store.paths(KET, KET) == [] and store.paths(KET, "CHEBI:0") == []


@pytest.mark.parametrize(("text", "category", "expected"), [
    ("chebi:6121", None, [(KET, 100.0, "id")]),
    ("MESH:D007649", None, [(KET, 95.0, "xref")]),
    ("  Ketamine ", None, [(KET, 90.0, "name"), (ESK, 55.0, "word prefix"), (NOR, 50.0, "substring")]),
    ("spravato", None, [(ESK, 80.0, "synonym")]),
    ("ptsd", "Condition", [(PTSD, 80.0, "synonym")]),
    ("ptsd", "Drug", []),
    ("s-ket", None, [(ESK, 60.0, "synonym prefix"), (KET, 30.769, "fuzzy")]),
    ("stress", None, [(PTSD, 55.0, "word prefix")]),
    ("ketamnie", "Drug", [(KET, 35.0, "fuzzy"), (ESK, 31.111, "fuzzy")]),
    ("xyzzy", None, []),
    ("", None, []),
])
def test_search(store, text, category, expected):
    assert [(h.node.id, h.score, h.matched) for h in store.search(text, category)] == expected


def test_search_limit(store):
    assert [h.node.id for h in store.search("disorder", limit=1)] == [ANX]


def test_cypher_sees_the_same_flat_properties(store):
    """The projection of kg.store.projection, identical on every store: values Neo4j cannot hold as
    they are (nested maps, mixed-type lists, integers beyond 64 bits) are JSON text on all of them."""
    node = store.cypher("MATCH (d:Drug {id: $id}) RETURN d", {"id": KET}).rows[0][0]
    assert node == {"labels": ["Drug"], "properties": {
        "_hidden": 1, "big": str(2**70), "category": "Drug", "description": "NMDA antagonist", "empty": [],
        "flag": True, "id": KET, "ints": [1, 2], "mixed": '[1, "x"]', "name": "ketamine",
        "nested": '{"a": [1, {"b": null}]}', "ratio": 0.5, "synonyms": ["Ketalar", "(RS)-ketamine"],
        "unicode": "ß—😀", "xrefs": ["DRUGBANK:DB01221", "MESH:D007649"]}}
    rel = store.cypher("MATCH (:Study)-[r:STUDIES]->(:Condition) RETURN r.ci AS ci, r.n AS n ORDER BY n").rows
    assert rel == [[None, 41], ['{"high": null, "low": -1.5}', 158]]
    bare = store.cypher("MATCH (:Drug)-[r:ENANTIOMER_OF]->(:Drug) RETURN r").rows[0][0]
    assert bare == {"type": "ENANTIOMER_OF", "properties": {
        "id": find(ESK, "ENANTIOMER_OF", KET).id, "object": KET, "qualifier": "", "subject": ESK}}
    assert store.cypher("CALL db.labels()").rows == [["Condition"], ["Drug"], ["Mechanism"], ["Study"], ["Target"]]

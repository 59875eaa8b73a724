"""What only the Neo4j store does: schema objects, labels, plain properties, clear errors, analyst
Cypher on a real server, and the same answers as the embedded store on the curated corpus."""

from __future__ import annotations

import json
import random
import socket
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from test_store_contract import EDGES, ESK, GRIN1, GRIN2B, KET, NODES, PTSD, S2014

from kg.errors import ConfigError, CypherRefused, CypherTimeout, KGError, QueryError, SchemaError, StoreUnavailable
from kg.model import Edge, Node
from kg.pipeline import collect
from kg.settings import Settings
from kg.store.memory import MemoryStore
from kg.store.neo4j_store import FULLTEXT_INDEX, Neo4jStore
from loaders.curated import CuratedLoader
from ontology import load_schema

CORPUS = Path(__file__).resolve().parents[1] / "data" / "curated"


def raw(neo4j_server, query: str, **params):
    uri, user, password = neo4j_server
    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        return [record.data() for record in driver.execute_query(query, params).records]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_constraints_and_fulltext_index_exist(neo4j_store, neo4j_server):
    neo4j_store.replace_all(NODES, EDGES)
    constraints = {r["name"] for r in raw(neo4j_server, "SHOW CONSTRAINTS YIELD name RETURN name")}
    schema = load_schema()
    assert {f"kg_node_{c.lower()}_id" for c in ["Entity", *schema.categories]} <= constraints
    assert {f"kg_rel_{p.lower()}_id" for p in schema.predicates} <= constraints
    hits = raw(neo4j_server, "CALL db.index.fulltext.queryNodes($index, 'spravato') YIELD node RETURN node.id AS id",
               index=FULLTEXT_INDEX)
    assert hits == [{"id": "CHEBI:60799"}]


def test_labels_types_and_plain_properties(neo4j_store, neo4j_server):
    neo4j_store.replace_all(NODES, EDGES)
    [node] = raw(neo4j_server, "MATCH (n:Entity:Drug {id: $id}) RETURN labels(n) AS labels, n.description AS d, "
                               "n.nested AS nested, n.big AS big", id=KET)
    assert sorted(node["labels"]) == ["Drug", "Entity"]
    assert node["d"] == "NMDA antagonist" and node["nested"] == '{"a": [1, {"b": null}]}'
    assert node["big"] == str(2**70)
    rows = raw(neo4j_server, "MATCH (s:Study {id: $id})-[r:STUDIES]->(c:Condition) "
                             "RETURN r.n AS n, r.population AS population, r.publications AS pubs, c.id AS c", id=S2014)
    assert rows == [{"n": 41, "population": "adults", "pubs": ["PMID:1", "PMID:2"], "c": PTSD}]


def test_relationships_store_provenance_once_as_plain_fields(neo4j_store, neo4j_server):
    """No JSON copy of the provenance and no empty-properties JSON: the storage engine writes
    every property of every relationship, so bookkeeping is kept to what cannot be rebuilt."""
    prov = EDGES[0].provenance
    lookalike = Edge(KET, "BINDS", GRIN1, None, {"license": "not a provenance", "n": 1})
    neo4j_store.replace_all(NODES, [*EDGES, lookalike])
    stored = {(r["s"], r["type"], r["o"]): r["keys"] for r in raw(
        neo4j_server, "MATCH (s)-[r]->(o) RETURN s.id AS s, type(r) AS type, o.id AS o, keys(r) AS keys")}
    plain = stored[(KET, "HAS_MECHANISM", EDGES[0].object)]
    fields = ["id", "subject", "object", "qualifier", "primary_knowledge_source", "source_version",
              "knowledge_level", "agent_type", "publications", "evidence_type"]
    assert sorted(plain) == sorted(fields)  # a first build: no write mark, nothing can be stale yet
    assert "_kg_properties" in stored[(KET, "BINDS", GRIN2B)]  # an edge with properties keeps their exact JSON
    assert "_kg_provenance" in stored[(KET, "BINDS", GRIN1)]  # "license" here is a property, not provenance
    edges = {(e.subject, e.predicate, e.object): e for e in neo4j_store.iter_edges()}
    assert edges[(KET, "HAS_MECHANISM", EDGES[0].object)].provenance == prov
    assert edges[(KET, "BINDS", GRIN1)] == lookalike and edges[(KET, "BINDS", GRIN1)].provenance is None
    assert edges[(ESK, "ENANTIOMER_OF", KET)].provenance is None
    neo4j_store.replace_all(NODES, EDGES)  # a rebuild marks what it writes and deletes the unmarked rest
    [keys] = [r["keys"] for r in raw(neo4j_server, "MATCH (:Entity {id: $id})-[r:HAS_MECHANISM]->() "
                                                   "RETURN keys(r) AS keys", id=KET)]
    assert sorted(keys) == sorted([*fields, "_kg_build"])
    assert (KET, "BINDS", GRIN1) not in {(e.subject, e.predicate, e.object) for e in neo4j_store.iter_edges()}


def test_provenance_written_as_json_by_an_older_layout_is_still_read(neo4j_store, neo4j_server):
    neo4j_store.replace_all(NODES, EDGES)
    raw(neo4j_server, "MATCH (:Entity {id: $id})-[r:HAS_MECHANISM]->() SET r._kg_provenance = $json, "
                      "r.primary_knowledge_source = null", id=KET, json=json.dumps(EDGES[0].provenance.to_dict()))
    [edge] = neo4j_store.edges_of([KET], "out", ["HAS_MECHANISM"])
    assert edge.provenance == EDGES[0].provenance


@pytest.mark.parametrize("category", ["Unicorn", "Drug`) DETACH DELETE n //"])
def test_unknown_category_is_refused_before_writing(neo4j_store, category):
    neo4j_store.replace_all(NODES, EDGES)
    with pytest.raises(SchemaError, match="unknown category"):
        neo4j_store.replace_all([*NODES, Node("CHEBI:1", category, "x")], EDGES)
    assert neo4j_store.counts().total_nodes == len(NODES)


def test_unknown_predicate_and_dangling_edge_are_refused(neo4j_store):
    with pytest.raises(SchemaError, match="unknown predicate"):
        neo4j_store.replace_all(NODES, [Edge(KET, "CURES]->() DELETE r //", PTSD, None)])
    with pytest.raises(KGError, match="CHEBI:404"):
        neo4j_store.replace_all(NODES, [Edge(KET, "ENANTIOMER_OF", "CHEBI:404", None)])
    assert neo4j_store.counts().total_nodes == 0


def test_unreachable_server_is_a_clear_error():
    with pytest.raises(StoreUnavailable, match="cannot reach Neo4j at bolt://127.0.0.1"):
        Neo4jStore(f"bolt://127.0.0.1:{free_port()}", password="whatever-password")


def test_bad_credentials_are_a_clear_error(neo4j_server):
    uri, user, _ = neo4j_server
    with pytest.raises(StoreUnavailable, match="refused the credentials of user 'neo4j'"):
        Neo4jStore(uri, user, "not-the-password")


def test_bad_uri_is_a_config_error():
    with pytest.raises(ConfigError, match="bad Neo4j URI"):
        Neo4jStore("ftp://127.0.0.1:7687")


def test_from_settings_uses_the_configured_server(neo4j_server):
    uri, user, password = neo4j_server
    settings = Settings(store="neo4j", neo4j_uri=uri, neo4j_user=user, neo4j_password=password)
    with Neo4jStore.from_settings(settings) as store:
        assert store.backend == "neo4j" and store.uri == uri



class _FailingFirstRun:
    """Fault injection around a real session: its first auto-commit ``run`` raises ``error``
    (the server is real; only the failure is made up)."""

    def __init__(self, driver, error, failures):
        self._driver, self._error, self.failures = driver, error, failures

    def session(self, **config):
        real = self._driver.session(**config)
        outer = self

        class Session:
            def __enter__(self):
                real.__enter__()
                return self

            def __exit__(self, *exc):
                return real.__exit__(*exc)

            def run(self, *args, **kwargs):
                outer.failures.append(args[0])
                raise outer._error

            def __getattr__(self, name):
                return getattr(real, name)

        return Session()


def test_a_read_that_fails_transiently_is_retried_and_others_are_not(neo4j_store):
    from neo4j.exceptions import ClientError, ServiceUnavailable

    neo4j_store.replace_all(NODES, EDGES)
    real = neo4j_store.driver
    failures: list[str] = []
    try:  # a lost connection: the driver would retry it, so the read runs again as a managed transaction
        neo4j_store.driver = _FailingFirstRun(real, ServiceUnavailable("connection lost"), failures)
        assert neo4j_store.get_node(KET).name == "ketamine" and len(failures) == 1
        neo4j_store.driver = _FailingFirstRun(real, ClientError("a syntax error"), failures)
        with pytest.raises(ClientError, match="a syntax error"):  # not retryable: raised at once
            neo4j_store.get_node(KET)
        assert len(failures) == 2
    finally:
        neo4j_store.driver = real
def test_cypher_answers_like_the_embedded_store(neo4j_store, small_dir):
    _, nodes, edges, _ = collect([CuratedLoader(small_dir)])
    memory = MemoryStore()
    for store in (memory, neo4j_store):
        store.replace_all(nodes, edges)
    queries = [
        ("MATCH (d:Drug) RETURN d.name ORDER BY d.name", None),
        ("MATCH (s:Study)-[r:INVESTIGATES]->(d:Drug) WHERE d.id = $id RETURN s.id, s.year AS year, r.dose "
         "ORDER BY year, r.dose", {"id": KET}),
        ("MATCH (n:Drug) WHERE n.id = 'CHEBI:6121' RETURN n", None),
        ("MATCH (s:Study)-[r:STUDIES]->(c:Condition) RETURN r ORDER BY r.id", None),
        ("MATCH (n:Condition) RETURN count(n) AS conditions", None),
    ]
    for query, params in queries:
        expected, got = memory.cypher(query, params), neo4j_store.cypher(query, params)
        assert (got.columns, got.rows, got.truncated) == (expected.columns, expected.rows, expected.truncated), query


def test_cypher_limits_and_errors(neo4j_store):
    capped = neo4j_store.cypher("UNWIND range(1, 50) AS x RETURN x", row_cap=10)
    assert capped.rows == [[x] for x in range(1, 11)] and capped.truncated
    with pytest.raises(CypherRefused):
        neo4j_store.cypher("CREATE (n:Drug {id: 'CHEBI:1'})")
    with pytest.raises(QueryError, match="could not run"):
        neo4j_store.cypher("MATCH (n RETURN n")
    with pytest.raises(CypherTimeout):
        neo4j_store.cypher("UNWIND range(1, 1000000000) AS x WITH x WHERE x % 7 = 0 RETURN count(x)", timeout=0.5)


@pytest.fixture(scope="module")
def corpus():
    if not CORPUS.is_dir():
        pytest.skip(f"the curated corpus {CORPUS} is absent")
    _, nodes, edges, report = collect([CuratedLoader(CORPUS)])
    memory = MemoryStore()
    memory.replace_all(nodes, edges)
    return nodes, edges, memory


def test_rebuilding_the_corpus_is_idempotent(neo4j_store, corpus):
    nodes, edges, memory = corpus
    first = neo4j_store.replace_all(nodes, edges)
    counts = neo4j_store.counts()
    second = neo4j_store.replace_all(nodes, edges)
    assert (second.nodes, second.edges) == (first.nodes, first.edges)
    assert neo4j_store.counts() == counts == memory.counts()
    assert list(neo4j_store.iter_nodes()) == list(memory.iter_nodes())
    assert list(neo4j_store.iter_edges()) == list(memory.iter_edges())


@pytest.mark.parametrize("writers", [1, 3])
def test_concurrent_writers_write_the_same_graph(neo4j_store, neo4j_server, corpus, writers):
    """Small batches, so the corpus's relationships are many transactions run side by side."""
    nodes, edges, memory = corpus
    uri, user, password = neo4j_server
    with Neo4jStore(uri, user, password, batch_size=25, writers=writers) as store:
        assert store.replace_all(nodes, edges).edges == memory.counts().total_edges
        assert list(store.iter_edges()) == list(memory.iter_edges())
        half = MemoryStore()
        half.replace_all(nodes, edges[: len(edges) // 2])
        store.replace_all(nodes, edges[: len(edges) // 2])  # a rebuild (MERGE and sweep) with half the edges
        assert list(store.iter_edges()) == list(half.iter_edges())


def test_every_query_answers_as_the_embedded_store_on_the_corpus(neo4j_store, corpus):
    nodes, edges, memory = corpus
    neo4j_store.replace_all(nodes, edges)
    ids = sorted(n.id for n in nodes)
    conditions = [n.id for n in memory.iter_nodes("Condition")]
    starts = [n.id for n in nodes if n.category in ("Drug", "Product", "Mechanism", "Target")]
    for start in starts:
        assert neo4j_store.evidence_chains([start], conditions) == memory.evidence_chains([start], conditions), start
    assert neo4j_store.descendants(conditions) == memory.descendants(conditions)
    sample = random.Random(7).sample(ids, 12)
    for node_id in sample:
        assert neo4j_store.edges_of([node_id]) == memory.edges_of([node_id])
        for depth, categories in ((1, None), (2, ["Study", "Drug"])):
            assert neo4j_store.neighbourhood(node_id, depth, categories) == memory.neighbourhood(
                node_id, depth, categories), node_id
    for source, target in zip(sample[:6], sample[6:], strict=True):
        assert neo4j_store.paths(source, target) == memory.paths(source, target), (source, target)
    for text in ["ketamine", "ptsd", "ketamin", "depresion", "NMDA", "MESH:D007649", "disorder", "s-ket", "xyzzy"]:
        assert neo4j_store.search(text) == memory.search(text), text
        assert neo4j_store.search(text, "Condition", 3) == memory.search(text, "Condition", 3), text

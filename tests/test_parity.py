"""Both stores answer every API query identically on the full curated corpus.

The corpus (``data/curated``) is built with :func:`kg.pipeline.build` into the embedded store
and into a real Neo4j; two Flask apps (one per store) then answer the same requests, and the
parsed JSON must be equal: evidence, search, entity pages, neighbourhoods and paths.
"""

from __future__ import annotations

import random
from urllib.parse import quote, urlencode

import pytest
from neo4j import GraphDatabase

from kg.pipeline import build
from kg.settings import Settings
from kg.store.memory import MemoryStore
from loaders.curated import DEFAULT_DIR, CuratedLoader
from service import create_app

SOURCES = ("ketamine", "esketamine", "NMDA receptor antagonism")
SEARCHES = ("ketamine", "esketamine", "ptsd", "post-traumatic", "depression", "depresion", "ketamin", "NMDA",
            "nmda receptor", "MESH:D007649", "CHEBI:6121", "disorder", "pain", "s-ket", "spravato", "bdnf",
            "mTOR", "GRIN2B", "dissociation", "meta-analysis", "xyzzy")
SAMPLE = 12


@pytest.fixture(scope="module")
def stores(neo4j_server, tmp_path_factory):
    """The full curated corpus, built by the pipeline into both stores."""
    from kg.store.neo4j_store import Neo4jStore

    if not DEFAULT_DIR.is_dir():
        pytest.skip(f"the curated corpus {DEFAULT_DIR} is absent")
    memory = MemoryStore(tmp_path_factory.mktemp("parity") / "graph.jsonl")
    uri, user, password = neo4j_server
    neo4j = Neo4jStore(uri, user, password)
    for store in (memory, neo4j):
        build([CuratedLoader(DEFAULT_DIR)], store)
    yield memory, neo4j
    neo4j.close()


@pytest.fixture(scope="module")
def clients(stores, tmp_path_factory):
    memory, neo4j = stores
    settings = Settings(snapshot=tmp_path_factory.mktemp("parity-settings") / "graph.jsonl")
    return tuple(create_app(settings, store=s, test_config={"TESTING": True}).test_client() for s in (memory, neo4j))


def same_answer(clients, url: str) -> dict:
    """GET ``url`` from both apps; assert equal status and JSON; return the JSON."""
    memory, neo4j = (client.get(url) for client in clients)
    assert neo4j.status_code == memory.status_code, url
    assert neo4j.get_json() == memory.get_json(), url
    return memory.get_json()


def test_both_stores_hold_the_same_graph(stores):
    memory, neo4j = stores
    assert neo4j.counts() == memory.counts() and memory.counts().total_nodes > 100
    assert list(neo4j.iter_nodes()) == list(memory.iter_nodes())
    assert list(neo4j.iter_edges()) == list(memory.iter_edges())


def test_evidence_for_every_condition(clients, stores):
    memory, _ = stores
    conditions = [n.id for n in memory.iter_nodes("Condition")]
    answered = 0
    for source in SOURCES:
        for condition in conditions:
            body = same_answer(clients, f"/api/evidence?{urlencode({'source': source, 'target': condition})}")
            answered += bool(body.get("chains"))
    assert answered > len(conditions)  # most pairs have evidence: the comparison is not of empty answers


def test_evidence_with_filters(clients):
    for query in ("source=ketamine&target=depression&design=rct&design=meta_analysis",
                  "source=esketamine&target=TRD&year_from=2019&min_n=50",
                  "source=NMDA%20receptor%20antagonism&target=PTSD&as_of=2020-01-01"):
        same_answer(clients, f"/api/evidence?{query}")


def test_search(clients):
    for text in SEARCHES:
        same_answer(clients, f"/api/search?{urlencode({'q': text})}")
        same_answer(clients, f"/api/search?{urlencode({'q': text, 'category': 'Condition', 'limit': 3})}")


def test_every_entity(clients, stores):
    memory, _ = stores
    for node in memory.iter_nodes():
        same_answer(clients, f"/api/entities/{quote(node.id, safe=':')}")
    same_answer(clients, "/api/entities/CHEBI:0")


def test_neighbourhoods_and_paths(clients, stores):
    memory, _ = stores
    sample = random.Random(11).sample(sorted(n.id for n in memory.iter_nodes()), SAMPLE)
    pairs = list(zip(sample[: SAMPLE // 2], sample[SAMPLE // 2:], strict=True))
    answered = 0
    for node_id in sample:
        for depth in (1, 2):
            body = same_answer(clients, f"/api/neighbourhood?{urlencode({'id': node_id, 'depth': depth})}")
            answered += len(body["nodes"]) > 1
        same_answer(clients, f"/api/neighbourhood?{urlencode({'id': node_id, 'category': 'Study'})}")
        same_answer(clients, f"/api/neighbourhood?{urlencode({'id': node_id, 'predicate': 'INVESTIGATES'})}")
    found = 0
    for source, target in [*pairs, ("CHEBI:6121", "MONDO:0005146"), ("HGNC:4586", "MONDO:0002050")]:
        body = same_answer(clients, f"/api/paths?{urlencode({'source': source, 'target': target})}")
        found += bool(body["paths"])
        same_answer(clients, f"/api/paths?{urlencode({'source': source, 'target': target, 'max_hops': 4})}")
    assert answered > SAMPLE and found >= 2  # the comparison is not of empty answers


def test_rebuilding_into_neo4j_keeps_the_counts(stores, neo4j_server):
    memory, neo4j = stores
    before = neo4j.counts()
    rebuilt = build([CuratedLoader(DEFAULT_DIR)], neo4j)
    assert neo4j.counts() == before == memory.counts()
    assert (len(rebuilt.nodes), len(rebuilt.edges)) == (before.total_nodes, before.total_edges)
    uri, user, password = neo4j_server
    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        records = driver.execute_query("MATCH (n:Entity) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS n, "
                                       "count(r) AS r").records
    assert (records[0]["n"], records[0]["r"]) == (before.total_nodes, before.total_edges)  # nothing left over

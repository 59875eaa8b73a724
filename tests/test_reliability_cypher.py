"""Hostile analyst Cypher through ``POST /api/cypher`` on both stores: every query is refused
(400) or stopped at the time limit or row cap, the graph is unchanged (content checksum), and
the service answers an ordinary query right after each one."""

from __future__ import annotations

import pytest
from hostile_cypher import BOUNDED, HOSTILE_CYPHER, REFUSED
from reliability_support import fingerprint

from kg.pipeline import build
from kg.settings import Settings
from loaders.curated import CuratedLoader
from service import create_app

TIMEOUT = 2.0
ROW_CAP = 1000
NORMAL = {"query": "MATCH (d:Drug) RETURN d.id AS id ORDER BY id"}


@pytest.fixture(scope="module", params=["memory", "neo4j"])
def served(request, tmp_path_factory):
    """(test client, store, fingerprint before) over the small curated corpus, one per backend."""
    from conftest import SMALL

    if request.param == "memory":
        from kg.store.memory import MemoryStore

        store = MemoryStore(tmp_path_factory.mktemp("cypher") / "graph.jsonl")
    else:
        from kg.store.neo4j_store import Neo4jStore

        store = Neo4jStore(*request.getfixturevalue("neo4j_server"))
    build([CuratedLoader(SMALL)], store)
    app = create_app(Settings(cypher_timeout=TIMEOUT, cypher_row_cap=ROW_CAP, rate_limit_per_minute=0), store=store,
                     test_config={"TESTING": True})
    client = app.test_client()
    expected = client.post("/api/cypher", json=NORMAL).get_json()["rows"]
    yield client, store, fingerprint(store), expected
    if request.param == "neo4j":
        store.close()


@pytest.mark.parametrize(("name", "query", "outcome"), HOSTILE_CYPHER, ids=[n for n, _, _ in HOSTILE_CYPHER])
def test_hostile_query_is_refused_or_bounded_and_graph_unchanged(served, name, query, outcome):
    client, store, before, expected = served
    response = client.post("/api/cypher", json={"query": query})
    body = response.get_json()
    assert response.status_code in (200, 400), body
    if outcome == REFUSED or response.status_code == 400:
        assert response.status_code == 400, f"{name} was run: {body}"
        message = body["error"]["message"]
        assert "Traceback" not in message and "/work/" not in message
    if outcome == BOUNDED and response.status_code == 200:
        assert len(body["rows"]) <= ROW_CAP and body["elapsed_ms"] < (TIMEOUT + 5) * 1000
    assert fingerprint(store) == before, f"{name} changed the graph"
    after = client.post("/api/cypher", json=NORMAL)
    assert after.status_code == 200 and after.get_json()["rows"] == expected


def test_the_corpus_is_large_and_covers_every_attack():
    names = {name for name, _, _ in HOSTILE_CYPHER}
    assert len(HOSTILE_CYPHER) >= 40
    for word in ("create", "merge", "set", "delete", "remove-property", "detach-delete", "load-csv-file",
                 "load-csv-http", "dbms-create-user", "db-create-label", "apoc-run-write", "two-statements",
                 "cyrillic-homoglyph", "zero-width-space", "fullwidth-letters", "backticked-procedure",
                 "block-comment-split", "unbounded-var-length", "cartesian-5", "deep-list-nesting"):
        assert word in names

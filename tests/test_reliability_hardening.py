"""Service hardening (service/hardening.py): limits, security headers, no internal paths or
tracebacks in any answer, the rate limit on the query endpoints, CORS only when configured, and
Neo4j's read transactions refusing writes even with the guard bypassed."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from kg.errors import CypherRefused, KGError, QueryError
from kg.query.cypher_guard import GuardedQuery, tokenize
from kg.settings import Settings
from service import create_app
from service.hardening import API_CSP, TokenBuckets
from service.web import CSP

REPO = str(Path(__file__).resolve().parents[1])
CYPHER = {"query": "MATCH (d:Drug) RETURN d.id AS id"}


def _client(store, tmp_path, **settings):
    app = create_app(Settings(snapshot=tmp_path / "g.jsonl", **settings), store=store, test_config={"TESTING": True})
    return app.test_client()


@pytest.mark.parametrize("path", ["/api/health", "/api/search?q=ketamine", "/api/entities/NOPE:1", "/nowhere"])
def test_api_answers_carry_security_headers(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Content-Security-Policy"] == API_CSP


def test_pages_keep_their_own_content_security_policy(client):
    page = client.get("/")
    assert page.headers["Content-Security-Policy"] == CSP and "frame-ancestors 'none'" in CSP
    assert page.headers["X-Frame-Options"] == "DENY"


def test_deeply_nested_json_is_a_400_not_a_crash(client):
    response = client.post("/api/cypher", data="[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]["status"] == 400


def test_oversized_body_and_query_string_are_refused(client):
    big = client.post("/api/cypher", json={"query": "RETURN 1 // " + "x" * 300_000})
    assert big.status_code == 413 and big.get_json()["error"]["status"] == 413
    long = client.get("/api/search?q=" + "k" * 20_000)
    assert long.status_code == 414 and "query string" in long.get_json()["error"]["message"]


@pytest.mark.parametrize("error", [
    RuntimeError(f'boom\nTraceback (most recent call last):\n  File "{REPO}/kg/store/memory.py", line 1'),
    OSError(2, "No such file or directory", f"{REPO}/data/graph.jsonl"),
    KGError(f"{REPO}/data/curated/drugs.yaml: cannot read"),
    QueryError(f"bad query near {Path.home()}/.local/share/ketamine-kg/graph.jsonl"),
    RecursionError("maximum recursion depth exceeded"),
    MemoryError(),
])
def test_forced_errors_show_no_traceback_or_internal_path(small_store, tmp_path, monkeypatch, error):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(small_store, "search", fail)
    response = _client(small_store, tmp_path).get("/api/search?q=ketamine")
    text = response.get_data(as_text=True)
    assert response.status_code in (400, 500) and response.get_json()["error"]["status"] == response.status_code
    for leak in ("Traceback", 'File "', REPO, str(Path.home()), "/work/", ".py"):
        assert leak not in text, f"{leak!r} leaked: {text}"


def test_rate_limit_on_the_query_endpoints(small_store, tmp_path):
    client = _client(small_store, tmp_path, rate_limit_per_minute=6, rate_limit_burst=3)
    statuses = [client.post("/api/cypher", json=CYPHER).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/sparql?query=ASK%20%7B%7D")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert "too many queries" in limited.get_json()["error"]["message"]
    assert client.get("/api/health").status_code == 200  # other endpoints are not limited
    other = client.post("/api/cypher", json=CYPHER, environ_base={"REMOTE_ADDR": "127.0.0.2"})
    assert other.status_code == 200  # buckets are per client address
    assert "429" in client.get("/api/openapi.json").get_json()["paths"]["/api/cypher"]["post"]["responses"]


def test_token_bucket_refills_and_stays_bounded():
    buckets = TokenBuckets(per_minute=60, burst=2, max_clients=3)
    assert [buckets.take("a", now=0.0) for _ in range(3)] == [0.0, 0.0, pytest.approx(1.0)]
    assert buckets.take("a", now=1.0) == 0.0
    for i in range(10):
        buckets.take(f"client-{i}", now=2.0)
    assert buckets.clients() == 3  # the table holds 3; the idlest buckets made way for new clients
    assert [buckets.take("client-9", now=2.0) for _ in range(2)] == [0.0, pytest.approx(1.0)]  # it kept its count


@pytest.mark.skipif(not hasattr(os, "fork"), reason="processes share the buckets by forking")
def test_token_buckets_are_shared_by_forked_processes():
    global _FORKED
    _FORKED = buckets = TokenBuckets(per_minute=60, burst=3)
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_take_one) for _ in range(3)]  # forked after the buckets were made
    for process in processes:
        process.start()
        process.join(timeout=30)
    assert [p.exitcode for p in processes] == [0, 0, 0]  # each was allowed its token
    assert buckets.take("10.0.0.1") > 0  # the burst of 3 is spent, by the three processes together
    assert buckets.take("10.0.0.2") == 0.0


def test_a_lock_left_held_does_not_stop_every_query():
    buckets = TokenBuckets(per_minute=60, burst=1)
    buckets.LOCK_TIMEOUT_S = 0.05
    assert buckets.take("a") == 0.0 and buckets.take("a") > 0
    buckets._lock.acquire()  # as by a worker killed inside take()
    assert buckets.take("a") == 0.0  # allowed after the timeout rather than waiting forever


_FORKED: TokenBuckets | None = None


def _take_one() -> None:
    assert _FORKED is not None
    os._exit(0 if _FORKED.take("10.0.0.1") == 0.0 else 1)


def test_cors_is_off_unless_configured(small_store, tmp_path):
    plain = _client(small_store, tmp_path).get("/api/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in plain.headers
    client = _client(small_store, tmp_path, cors_origins=("https://lab.example",))
    allowed = client.get("/api/health", headers={"Origin": "https://lab.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://lab.example"
    assert "Origin" in allowed.headers["Vary"]
    refused = client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in refused.headers
    preflight = client.options("/api/cypher", headers={"Origin": "https://lab.example",
                                                      "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204 and "POST" in preflight.headers["Access-Control-Allow-Methods"]


@pytest.mark.parametrize("query", ["CREATE (:Evil {id: 'x'})", "MATCH (n:Entity) DETACH DELETE n",
                                   "MATCH (n:Entity) SET n.name = 'pwned'", "CALL db.createLabel('Evil')",
                                   "CREATE CONSTRAINT evil FOR (n:Evil) REQUIRE n.id IS UNIQUE"])
def test_neo4j_analyst_path_cannot_write_even_without_the_guard(neo4j_store, small_dir, monkeypatch, query):
    from reliability_support import fingerprint

    from kg.pipeline import build
    from loaders.curated import CuratedLoader

    build([CuratedLoader(small_dir)], neo4j_store)
    before = fingerprint(neo4j_store)
    monkeypatch.setattr("kg.store.neo4j_cypher.check_read_only", lambda q: GuardedQuery(q, tuple(tokenize(q))))
    monkeypatch.setattr("kg.store.neo4j_cypher.check_visible", lambda tokens: None)
    monkeypatch.setattr("kg.store.neo4j_cypher.procedure_call", lambda tokens: None)
    with pytest.raises(QueryError) as caught:
        neo4j_store.cypher(query)
    assert isinstance(caught.value, CypherRefused) or "read" in str(caught.value).lower()
    assert fingerprint(neo4j_store) == before
    labels = neo4j_store._read("CALL db.labels() YIELD label RETURN collect(label) AS labels")[0]["labels"]
    assert "Evil" not in labels

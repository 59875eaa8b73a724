"""Shared fixtures: the schema, a small real sample of the corpus, stores, the app and clients."""

from __future__ import annotations

from pathlib import Path

import pytest
from neo4j_support import free_port, neo4j_missing

from kg.pipeline import build
from kg.settings import Settings
from kg.store.memory import MemoryStore
from loaders.curated import CuratedLoader
from ontology import load_schema
from service import create_app

DATA = Path(__file__).parent / "data"
SMALL = DATA / "curated_small"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def schema():
    return load_schema()


@pytest.fixture
def small_dir() -> Path:
    return SMALL


@pytest.fixture
def small_store(tmp_path) -> MemoryStore:
    store = MemoryStore(tmp_path / "graph.jsonl")
    build([CuratedLoader(SMALL)], store)
    return store


@pytest.fixture
def app(small_store, tmp_path):
    settings = Settings(snapshot=tmp_path / "graph.jsonl")
    return create_app(settings, store=small_store, test_config={"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def shared_data(*parts: str) -> Path:
    """A file of ../shared/data, or skip the test with the reason."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data file {path} is absent (tests read it from ../shared/data)")
    return path


# -- Neo4j: one real server per test session ------------------------------------------------
@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """(uri, user, password) of a real Neo4j for the session.

    ``NEO4J_URI`` (with ``NEO4J_USER``/``NEO4J_PASSWORD``) names an existing server, whose
    ketamine-kg graph (its ``Entity`` nodes) the tests overwrite; otherwise a local Neo4j is
    started with :mod:`kg.neo4j_local` on a free port with a temporary data directory, and
    stopped at the end. Skips if neither is possible for want of Java or Maven, except in CI
    (``CI=true``), where it fails: CI must test against a real Neo4j. A server that cannot
    start is an error, never a skip.
    """
    import os
    import shutil

    from kg import neo4j_local

    if os.environ.get("NEO4J_URI"):
        yield (os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"),
               os.environ.get("NEO4J_PASSWORD", neo4j_local.DEFAULT_PASSWORD))
        return
    if shutil.which("java") is None or shutil.which("mvn") is None:
        neo4j_missing("no NEO4J_URI, and the local Neo4j needs Java 17+ and Maven on PATH")
    port = free_port()
    state = tmp_path_factory.mktemp("neo4j-state")
    password = "kg-test-password"
    status = neo4j_local.start(port, state / "data", password, state_dir=state)
    try:
        yield status.uri, neo4j_local.USER, password
    finally:
        neo4j_local.stop(port, state_dir=state)


@pytest.fixture
def neo4j_store(neo4j_server):
    """A :class:`~kg.store.neo4j_store.Neo4jStore` on the session's server, emptied first."""
    from kg.store.neo4j_store import Neo4jStore

    uri, user, password = neo4j_server
    store = Neo4jStore(uri, user, password)
    store.replace_all([], [])
    yield store
    store.close()


@pytest.fixture(params=["memory", "neo4j"])
def empty_store(request):
    """An empty store of each backend: contract tests that use it run against both."""
    if request.param == "memory":
        return MemoryStore()
    return request.getfixturevalue("neo4j_store")


# -- the full curated corpus (being curated in parallel: built without refusing on errors) ---------
@pytest.fixture(scope="session")
def corpus_records():
    """Nodes and edges of data/curated, validated but kept even when the report has errors."""
    from kg.pipeline import collect

    _, nodes, edges, _ = collect([CuratedLoader()])
    return nodes, edges


@pytest.fixture(scope="session")
def corpus_store(corpus_records) -> MemoryStore:
    """An in-memory store of the whole curated corpus, shared by read-only tests."""
    store = MemoryStore()
    store.replace_all(*corpus_records)
    return store


@pytest.fixture
def corpus_client(corpus_store, tmp_path):
    settings = Settings(snapshot=tmp_path / "graph.jsonl")
    return create_app(settings, store=corpus_store, test_config={"TESTING": True}).test_client()


@pytest.fixture(scope="session")
def _neo4j_corpus(neo4j_server):
    """One connection to the session's Neo4j, and the generation of the corpus last written into it."""
    from kg.store.neo4j_store import Neo4jStore

    store = Neo4jStore(*neo4j_server)
    yield store, {}
    store.close()


@pytest.fixture
def neo4j_corpus_store(_neo4j_corpus, corpus_records):
    """The whole curated corpus in the session's Neo4j, for read-only tests.

    Written once and reused for as long as nothing else writes to the server (other tests empty
    it or write their own graphs); the store's generation token says when to write it again.
    """
    store, written = _neo4j_corpus
    if written.get("generation") is None or store.generation() != written["generation"]:
        store.replace_all(*corpus_records)
        written["generation"] = store.generation()
    return store


@pytest.fixture(params=["memory", "neo4j"])
def each_corpus_store(request):
    """The whole curated corpus on each backend (read-only): tests using it run against both."""
    if request.param == "memory":
        return request.getfixturevalue("corpus_store")
    return request.getfixturevalue("neo4j_corpus_store")


@pytest.fixture
def each_corpus_client(each_corpus_store, tmp_path):
    """A test client of the API over :func:`each_corpus_store`."""
    settings = Settings(snapshot=tmp_path / "graph.jsonl")
    return create_app(settings, store=each_corpus_store, test_config={"TESTING": True}).test_client()

"""Property-based tests (hypothesis): CURIE checking and expansion, the validator and the search
endpoint never crash on any input, and say yes exactly to what they should."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kg.iri import expand
from kg.model import Edge, Node, Provenance
from kg.pipeline import build
from kg.settings import Settings
from kg.validate import validate
from loaders.curated import CuratedLoader
from ontology import load_schema
from service import create_app

SCHEMA = load_schema()
PREFIXES = sorted(SCHEMA.prefixes)
TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


@st.composite
def valid_curies(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(PREFIXES))
    local = draw(st.from_regex(SCHEMA.prefixes[prefix], fullmatch=True))
    assume(all(c.isprintable() and not c.isspace() for c in local))
    return f"{prefix}:{local}"


@given(valid_curies())
@FAST
def test_curies_drawn_from_the_schema_patterns_are_valid_and_expand(curie):
    assert SCHEMA.curie_problem(curie) is None
    iri = expand(curie)
    assert iri is None or (iri.startswith(("http://", "https://")) and " " not in iri)


@given(st.one_of(TEXT, st.builds(lambda p, t: f"{p}:{t}", st.sampled_from(PREFIXES), TEXT)))
@FAST
def test_curie_problem_never_raises_and_accepts_only_matching_ascii_text(text):
    problem = SCHEMA.curie_problem(text)
    if problem is None:
        prefix, _, local = text.partition(":")
        assert SCHEMA.prefixes[prefix].fullmatch(local)
        assert not any(c.isspace() or not c.isprintable() for c in text)
        assert not re.search(r"[^\x00-\x7f]", local) or prefix == "DOI"
    expand(text)  # never raises either


@given(st.sampled_from(["PMID", "CHEBI", "NCBIGene", "DOID"]),
       st.text(st.characters(categories=["Nd"]), min_size=1, max_size=6))
@FAST
def test_digits_of_other_scripts_are_not_ids(prefix, digits):
    curie = f"{prefix}:{digits}"
    assert (SCHEMA.curie_problem(curie) is None) == digits.isascii()


NODES = st.builds(Node, st.one_of(valid_curies(), TEXT), st.one_of(st.sampled_from(sorted(SCHEMA.categories)), TEXT),
                  TEXT, st.lists(TEXT, max_size=2).map(tuple), st.lists(st.one_of(valid_curies(), TEXT),
                                                                          max_size=2).map(tuple))


@given(st.lists(NODES, max_size=6), st.data())
@FAST
def test_the_validator_never_raises_and_passes_only_schema_conformant_records(nodes, data):
    ids = [n.id for n in nodes] or ["CHEBI:1"]
    prov = Provenance("infores:test", "1")
    predicates = st.one_of(st.sampled_from(sorted(SCHEMA.predicates)), TEXT)
    edges = data.draw(st.lists(st.builds(Edge, st.sampled_from(ids), predicates, st.sampled_from(ids), st.just(prov)),
                               max_size=4))
    report = validate(nodes, edges, SCHEMA)
    assert report.nodes_checked == len(nodes) and report.edges_checked == len(edges)
    if report.ok:
        for node in nodes:
            assert SCHEMA.curie_problem(node.id) is None and node.category in SCHEMA.categories
        for edge in edges:
            assert edge.predicate in SCHEMA.predicates


@pytest.fixture(scope="module", params=["memory", "neo4j"])
def search_client(request):
    from conftest import SMALL

    if request.param == "memory":
        from kg.store.memory import MemoryStore

        store = MemoryStore()
    else:
        from kg.store.neo4j_store import Neo4jStore

        store = Neo4jStore(*request.getfixturevalue("neo4j_server"))
    build([CuratedLoader(SMALL)], store)
    yield create_app(Settings(rate_limit_per_minute=0), store=store, test_config={"TESTING": True}).test_client()
    if request.param == "neo4j":
        store.close()


@given(q=st.text(max_size=60), category=st.one_of(st.none(), st.sampled_from(sorted(SCHEMA.categories)), TEXT),
       limit=st.one_of(st.none(), st.integers(-5, 150), TEXT))
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_search_answers_every_input_with_200_or_400(search_client, q, category, limit):
    params = {"q": q}
    if category is not None:
        params["category"] = category
    if limit is not None:
        params["limit"] = str(limit)
    response = search_client.get("/api/search", query_string=params)
    assert response.status_code in (200, 400), response.get_data(as_text=True)
    body = response.get_json()
    if response.status_code == 200:
        wanted = int(limit) if limit not in (None, "") else 10
        assert len(body["results"]) <= wanted
        if category:
            assert all(r["category"] == category for r in body["results"])
    else:
        assert set(body) == {"error"} and body["error"]["status"] == 400

"""SPARQL: the README's examples return the rows the store's records say they should; hostile
queries are refused; time limit, row cap and the per-generation cache hold."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from kg.errors import QueryError
from kg.export.rdf import node_iri
from kg.query.sparql import SparqlEngine, SparqlRefused, SparqlTimeout
from kg.settings import Settings
from kg.store.memory import MemoryStore
from ontology import load_schema
from service import create_app

README = Path(__file__).resolve().parents[1] / "README.md"
MONDO = "http://purl.obolibrary.org/obo/MONDO_"
CHEBI = "http://purl.obolibrary.org/obo/CHEBI_"


def readme_examples() -> dict[str, str]:
    blocks = re.findall(r"```sparql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    return {re.match(r"# example: (\S+)", b).group(1): b for b in blocks}


@pytest.fixture(scope="module")
def sparql_client(corpus_store):
    app = create_app(Settings(), store=corpus_store, test_config={"TESTING": True})
    return app.test_client()


def _rows(client, query: str) -> list[tuple[str, ...]]:
    response = client.get("/api/sparql", query_string={"query": query})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/sparql-results+json"
    body = response.get_json()
    names = body["head"]["vars"]
    return [tuple(row[n]["value"] for n in names) for row in body["results"]["bindings"]]


def _expected(name: str, nodes, edges) -> list[tuple[str, ...]]:
    by_id = {n.id: n for n in nodes}
    if name == "studies-mondo":
        rows = set()
        for e in edges:
            if e.predicate != "STUDIES" or "title" not in by_id[e.subject].properties:
                continue
            condition = by_id[e.object]
            for mondo in {str(node_iri(c)) for c in (condition.id, *condition.xrefs)}:
                if mondo.startswith(MONDO):
                    rows.add((str(node_iri(e.subject)), by_id[e.subject].properties["title"],
                              str(node_iri(e.object)), mondo))
        return sorted(rows, key=lambda r: (r[0], r[3]))
    if name == "chebi-mechanisms":
        rows = {(str(node_iri(e.subject)), by_id[e.subject].name, str(node_iri(e.object)), by_id[e.object].name)
                for e in edges if e.predicate == "HAS_MECHANISM" and by_id[e.subject].category == "Drug"
                and str(node_iri(e.subject)).startswith(CHEBI)}
        return sorted(rows, key=lambda r: (r[0], r[2]))
    if name == "biolink-classes":
        schema = load_schema()
        counts = Counter("https://w3id.org/biolink/vocab/" + schema.category(n.category).biolink.partition(":")[2]
                         for n in nodes)
        return sorted((cls, str(count)) for cls, count in counts.items())
    raise AssertionError(f"no expected rows for README example {name}")


@pytest.mark.parametrize("name", ["studies-mondo", "chebi-mechanisms", "biolink-classes"])
def test_readme_examples_return_the_expected_rows(sparql_client, corpus_records, name):
    query = readme_examples()[name]
    got = _rows(sparql_client, query)
    expected = _expected(name, *corpus_records)
    assert got and len(got) == len(set(got))
    if name == "studies-mondo":  # ORDER BY ?study ?mondo leaves ties in any order
        assert sorted(got) == sorted(expected)
        assert [(r[0], r[3]) for r in got] == [(r[0], r[3]) for r in expected]
    else:
        assert got == expected


def test_readme_has_exactly_the_tested_examples():
    assert set(readme_examples()) == {"studies-mondo", "chebi-mechanisms", "biolink-classes"}


HOSTILE = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <urn:g>",
    "PREFIX x: <urn:x#> WITH <urn:g> DELETE { ?s ?p ?o } INSERT { ?s x:q ?o } WHERE { ?s ?p ?o }",
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o . SERVICE SILENT <http://example.org/sparql> { ?s ?q ?r } }",
    "SELECT * FROM <http://example.org/graph.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://example.org/graph.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    'SELECT * WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "(a+)+$")) }',
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_refused(sparql_client, query):
    for response in (sparql_client.get("/api/sparql", query_string={"query": query}),
                     sparql_client.post("/api/sparql", data=query, content_type="application/sparql-query")):
        assert response.status_code == 400
        assert "not allowed" in response.get_json()["error"]["message"]


def test_update_form_field_and_bad_requests(sparql_client):
    assert sparql_client.post("/api/sparql", data={"update": "CLEAR ALL"}).status_code == 400
    assert sparql_client.get("/api/sparql").status_code == 400
    response = sparql_client.get("/api/sparql", query_string={"query": "SELEKT *"})
    assert response.status_code == 400 and "syntax" in response.get_json()["error"]["message"]
    assert sparql_client.post("/api/sparql", data={"query": "ASK { ?s ?p ?o }"}).get_json() == \
        {"head": {}, "boolean": True}


def test_construct_answers_turtle(sparql_client):
    query = "CONSTRUCT { ?d ?p ?o } WHERE { ?d ?p ?o FILTER(?d = <http://purl.obolibrary.org/obo/CHEBI_6121>) }"
    response = sparql_client.get("/api/sparql", query_string={"query": query})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    assert "ketamine" in response.get_data(as_text=True)


def test_time_limit_stops_a_runaway_query(corpus_store):
    engine = SparqlEngine(timeout=0.5)
    with pytest.raises(SparqlTimeout):
        engine.run(corpus_store, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert engine.run(corpus_store, "ASK { ?s ?p ?o }").results == {"head": {}, "boolean": True}


def test_row_cap_truncates(corpus_store):
    answer = SparqlEngine(row_cap=7).run(corpus_store, "SELECT ?s WHERE { ?s ?p ?o }")
    assert answer.truncated and len(answer.results["results"]["bindings"]) == 7


def test_view_is_built_once_per_generation(small_store, corpus_records):
    engine = SparqlEngine()
    first, generation = engine.view(small_store)
    assert engine.view(small_store)[0] is first
    small_store.replace_all(*corpus_records)
    second, newer = engine.view(small_store)
    assert second is not first and newer != generation and len(second) > len(first)


def test_errors_are_query_errors():
    assert issubclass(SparqlRefused, QueryError) and issubclass(SparqlTimeout, QueryError)
    assert MemoryStore().generation() != MemoryStore().generation()

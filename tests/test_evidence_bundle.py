"""The evidence answer as an RDF bundle with PROV-O provenance (format=turtle or Accept: text/turtle)."""

from __future__ import annotations

import json

import pyoxigraph
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, RDF

from kg.export.rdf import node_iri, schema_ns

QUERY = {"source": "NMDA receptor antagonism", "target": "PTSD"}


@pytest.fixture(scope="module")
def answer_and_bundle(corpus_store):
    from kg.settings import Settings
    from service import create_app

    client = create_app(Settings(), store=corpus_store, test_config={"TESTING": True}).test_client()
    as_json = client.get("/api/evidence", query_string=QUERY).get_json()
    response = client.get("/api/evidence", query_string={**QUERY, "format": "turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    return as_json, response.get_data(as_text=True), client


def test_bundle_holds_the_chains_nodes_and_edges(answer_and_bundle):
    answer, text, _ = answer_and_bundle
    g = Graph().parse(data=text, format="turtle")
    ns = schema_ns()
    assert answer["chains"]
    for chain in answer["chains"]:
        for node in chain["nodes"]:
            assert (node_iri(node["id"]), RDF.type, ns[node["category"]]) in g
        for edge in chain["edges"]:
            assert (node_iri(edge["subject"]), ns[edge["predicate"]], node_iri(edge["object"])) in g
            stmt = URIRef("https://w3id.org/ketamine-kg/edge/" + edge["id"].partition(":")[2])
            assert (stmt, DCTERMS.license, URIRef("https://spdx.org/licenses/CC-BY-4.0")) in g


def test_studies_are_prov_entities_with_citations(answer_and_bundle):
    answer, text, _ = answer_and_bundle
    g = Graph().parse(data=text, format="turtle")
    (result,) = g.subjects(PROV.wasGeneratedBy, None)
    for study in answer["studies"]:
        s = node_iri(study["id"])
        assert (s, RDF.type, PROV.Entity) in g and (result, PROV.wasDerivedFrom, s) in g
        for key, prefix in (("pmid", "PMID"), ("doi", "DOI"), ("nct", "NCT")):
            if study.get(key):
                assert (s, DCTERMS.references, node_iri(f"{prefix}:{study[key]}")) in g


def test_query_is_a_prov_activity_with_time_and_parameters(answer_and_bundle):
    _, text, _ = answer_and_bundle
    g = Graph().parse(data=text, format="turtle")
    (activity,) = g.subjects(RDF.type, PROV.Activity)
    assert g.value(activity, PROV.startedAtTime) is not None and g.value(activity, PROV.endedAtTime) is not None
    assert json.loads(str(g.value(activity, schema_ns()["parameters"]))) == QUERY
    assert "format=turtle" in str(g.value(activity, PROV.atLocation))
    used = g.value(activity, PROV.used)
    assert any(str(v).startswith("infores:ketamine-kg-curated sha256:") for v in g.objects(used, DCTERMS.hasVersion))


def test_accept_header_and_other_formats(answer_and_bundle):
    _, text, client = answer_and_bundle
    by_accept = client.get("/api/evidence", query_string=QUERY, headers={"Accept": "text/turtle"})
    assert by_accept.mimetype == "text/turtle"
    as_nt = client.get("/api/evidence", query_string={**QUERY, "format": "nt"})
    oxi = pyoxigraph.parse(as_nt.get_data(), pyoxigraph.RdfFormat.N_TRIPLES)
    assert len(list(oxi)) == len(Graph().parse(data=text, format="turtle"))
    as_jsonld = client.get("/api/evidence", query_string={**QUERY, "format": "json-ld"})
    assert as_jsonld.mimetype == "application/ld+json"
    assert client.get("/api/evidence", query_string=QUERY).mimetype == "application/json"


def test_bundle_round_trips(answer_and_bundle):
    _, text, _ = answer_and_bundle
    g = Graph().parse(data=text, format="turtle")
    assert isomorphic(g, Graph().parse(data=g.serialize(format="nt"), format="nt"))

"""RDF export: every CURIE becomes its IRI; Turtle, N-Triples and JSON-LD parse back to the same
triples with rdflib and with a second implementation (pyoxigraph); licences are stated."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from kg.export.rdf import BIOLINK, graph_to_rdf, node_iri, records_to_rdf, schema_ns, statement_iri
from kg.iri import converter, expand, schema_prefix_map
from kg.model import Edge, Node, Provenance

FORMATS = [("turtle", "text/turtle"), ("nt", "application/n-triples"), ("json-ld", "application/ld+json")]


def _curies(nodes, edges):
    found = {c for n in nodes for c in (n.id, *n.xrefs)}
    for e in edges:
        if e.provenance:
            found |= {*e.provenance.publications, e.provenance.primary_knowledge_source}
            found |= {e.provenance.evidence_type} if e.provenance.evidence_type else set()
    return found


def test_every_curie_of_the_corpus_expands_to_its_iri(corpus_records, schema):
    nodes, edges = corpus_records
    curies = _curies(nodes, edges)
    unknown = sorted(c for c in curies if expand(c) is None)
    assert unknown == []
    for curie in curies:
        iri = expand(curie)
        assert iri == converter().expand(curie, strict=False)  # the fast path agrees with bioregistry
        assert node_iri(curie) == URIRef(iri) and " " not in iri
        prefix, _, local = curie.partition(":")
        assert iri == schema_prefix_map()[prefix] + local  # the prefix's own URI prefix, nothing guessed
    assert set(schema_prefix_map()) == set(schema.prefixes)


def test_examples_expand_to_the_ontologies_iris():
    assert expand("CHEBI:6121") == "http://purl.obolibrary.org/obo/CHEBI_6121"
    assert expand("MONDO:0005146") == "http://purl.obolibrary.org/obo/MONDO_0005146"
    assert expand("NCT:NCT00749203").endswith("/NCT00749203")
    assert expand("ketkg:nmda-receptor-antagonism") == "https://w3id.org/ketamine-kg/nmda-receptor-antagonism"


def _nt_lines(text: str) -> set[str]:
    return {line for line in text.splitlines() if line.strip()}


@pytest.mark.parametrize(("fmt", "media"), FORMATS)
def test_rdf_round_trip_with_rdflib_and_oxigraph(corpus_store, fmt, media):
    graph = graph_to_rdf(corpus_store)
    options = {"auto_compact": True} if fmt == "json-ld" else {}
    text = graph.serialize(format=fmt, **options)
    again = Graph().parse(data=text, format=fmt)
    assert isomorphic(graph, again)
    expected = _nt_lines(graph.serialize(format="nt"))
    oxi = pyoxigraph.parse(text.encode(), pyoxigraph.RdfFormat.from_media_type(media))
    assert {f"{t} ." for t in oxi} == expected  # same N-Triples from an independent parser


def test_nodes_edges_and_provenance(corpus_store):
    g = graph_to_rdf(corpus_store)
    ns = schema_ns()
    ketamine = URIRef("http://purl.obolibrary.org/obo/CHEBI_6121")
    assert (ketamine, RDF.type, ns["Drug"]) in g and (ketamine, RDFS.label, Literal("ketamine")) in g
    assert (ketamine, SKOS.exactMatch, URIRef(expand("DRUGBANK:DB01221"))) in g
    edge = next(e for e in corpus_store.iter_edges("REPORTS_OUTCOME") if e.provenance.publications)
    stmt = statement_iri(edge)
    assert (stmt, RDF.subject, node_iri(edge.subject)) in g and (node_iri(edge.subject), ns[edge.predicate],
                                                                 node_iri(edge.object)) in g
    assert (stmt, BIOLINK.primary_knowledge_source, node_iri("infores:ketamine-kg-curated")) in g
    assert (stmt, BIOLINK.publications, node_iri(edge.provenance.publications[0])) in g
    assert (stmt, DCTERMS.license, URIRef("https://spdx.org/licenses/CC-BY-4.0")) in g


def test_with_ontology_links_classes_to_biolink(small_store):
    plain, linked = graph_to_rdf(small_store), graph_to_rdf(small_store, with_ontology=True)
    assert (schema_ns()["Drug"], RDFS.subClassOf, BIOLINK.SmallMolecule) in linked
    assert (schema_ns()["Drug"], RDFS.subClassOf, BIOLINK.SmallMolecule) not in plain
    assert len(linked) > len(plain)


def test_non_commercial_edges_and_sources_are_marked():
    drug = Node("PUBCHEM.COMPOUND:3821", "Drug", "ketamine", source="infores:sider")
    effect = Node("UMLS:C0012746", "AdverseEffect", "dissociation", source="infores:sider")
    edge = Edge(drug.id, "CAUSES_ADVERSE_EFFECT", effect.id,
                Provenance("infores:sider", "4.1", license="CC-BY-NC-SA-4.0"))
    g = records_to_rdf([drug, effect], [edge])
    nc = schema_ns()["nonCommercial"]
    assert (statement_iri(edge), DCTERMS.license, URIRef("https://spdx.org/licenses/CC-BY-NC-SA-4.0")) in g
    assert (statement_iri(edge), nc, Literal(True)) in g
    assert (node_iri("infores:sider"), nc, Literal(True)) in g
    assert (node_iri(drug.id), DCTERMS.source, node_iri("infores:sider")) in g

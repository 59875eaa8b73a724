"""The graph as RDF: nodes and edges with external IRIs, edges reified with their provenance."""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.iri import expand
from kg.store.base import GraphStore
from ontology import load_schema

__all__ = ["graph_to_rdf", "node_iri"]

BIOLINK = Namespace("https://w3id.org/biolink/vocab/")


def node_iri(curie: str) -> URIRef:
    """The IRI of a CURIE; unknown prefixes fall back to our own namespace (never dropped)."""
    iri = expand(curie)
    if iri is None:
        iri = load_schema().base_iri + "id/" + curie.replace(":", "_")
    return URIRef(iri)


def _literal(value: object) -> Literal:
    if isinstance(value, bool):
        return Literal(value, datatype=XSD.boolean)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    return Literal(str(value))


def graph_to_rdf(store: GraphStore) -> Graph:
    """Every node (typed by our schema class, labelled, with xrefs) and every edge (reified)."""
    schema = load_schema()
    ns = Namespace(schema.base_iri + "schema/")
    g = Graph()
    for prefix, namespace in (("ketkg", ns), ("biolink", BIOLINK), ("skos", SKOS), ("dcterms", DCTERMS)):
        g.bind(prefix, namespace)
    for node in store.iter_nodes():
        s = node_iri(node.id)
        g.add((s, RDF.type, ns[node.category]))
        g.add((s, RDFS.label, Literal(node.name)))
        g.add((s, DCTERMS.identifier, Literal(node.id)))
        for syn in node.synonyms:
            g.add((s, SKOS.altLabel, Literal(syn)))
        for xref in node.xrefs:
            g.add((s, SKOS.exactMatch if node.category != "Study" else SKOS.closeMatch, node_iri(xref)))
        for key, value in sorted(node.properties.items()):
            for item in value if isinstance(value, list) else [value]:
                g.add((s, ns[key], _literal(item)))
    for edge in store.iter_edges():
        s, p, o = node_iri(edge.subject), ns[edge.predicate], node_iri(edge.object)
        g.add((s, p, o))
        stmt = URIRef(schema.base_iri + "edge/" + edge.id.partition(":")[2])
        g.add((stmt, RDF.type, RDF.Statement))
        g.add((stmt, RDF.subject, s))
        g.add((stmt, RDF.predicate, p))
        g.add((stmt, RDF.object, o))
        for key, value in sorted(edge.properties.items()):
            g.add((stmt, ns[key], _literal(value)))
        prov = edge.provenance
        if prov is not None:
            g.add((stmt, BIOLINK.primary_knowledge_source, Literal(prov.primary_knowledge_source)))
            g.add((stmt, BIOLINK.knowledge_level, Literal(prov.knowledge_level)))
            g.add((stmt, BIOLINK.agent_type, Literal(prov.agent_type)))
            for pub in prov.publications:
                g.add((stmt, BIOLINK.publications, node_iri(pub)))
            if prov.evidence_type:
                g.add((stmt, BIOLINK.has_evidence, node_iri(prov.evidence_type)))
    return g

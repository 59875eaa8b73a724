"""The graph as RDF: nodes and edges with external IRIs, edges reified with their provenance.

Every CURIE becomes its IRI through the bioregistry converter (:mod:`kg.iri`); a node is typed
by its schema class (linked to Biolink by the ontology export, added with ``with_ontology``).
Each edge is a direct triple plus an ``rdf:Statement`` carrying its properties, Biolink
provenance and licence (``dcterms:license``); each source is described once with its licence,
and non-commercial ones are marked ``ketkg:nonCommercial true``.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.iri import expand
from kg.licenses import NON_COMMERCIAL, edge_license, license_class, license_iri, source_licenses
from kg.model import Edge, Node
from kg.store.base import GraphStore
from ontology import load_schema

__all__ = ["graph_to_rdf", "records_to_rdf", "node_iri", "add_node", "add_edge", "add_sources", "schema_ns",
           "statement_iri", "new_graph", "xref_predicate", "BIOLINK"]

BIOLINK = Namespace("https://w3id.org/biolink/vocab/")
_PUBLICATION_PREFIXES = ("PMID", "DOI", "PMC")


def schema_ns() -> Namespace:
    """Our schema's namespace: classes (``Drug``), predicates (``STUDIES``) and properties (``year``)."""
    return Namespace(load_schema().base_iri + "schema/")


def node_iri(curie: str) -> URIRef:
    """The IRI of a CURIE; unknown prefixes fall back to our own namespace (never dropped)."""
    iri = expand(curie)
    if iri is None:
        iri = load_schema().base_iri + "id/" + curie.replace(":", "_")
    return URIRef(iri)


def statement_iri(edge: Edge) -> URIRef:
    """The IRI of an edge's reified statement (stable: edge ids are deterministic)."""
    return URIRef(load_schema().base_iri + "edge/" + edge.id.partition(":")[2])


def xref_predicate(node: Node, xref: str) -> URIRef:
    """``skos:exactMatch``, except a study's registry record vs its publication (``skos:closeMatch``)."""
    if node.category == "Study":
        kinds = {c.partition(":")[0] in _PUBLICATION_PREFIXES for c in (node.id, xref)}
        if len(kinds) > 1:
            return SKOS.closeMatch
    return SKOS.exactMatch


def new_graph() -> Graph:
    """An empty graph with our prefixes bound."""
    g = Graph()
    for prefix, namespace in (("ketkg", schema_ns()), ("biolink", BIOLINK), ("skos", SKOS), ("dcterms", DCTERMS),
                              ("prov", PROV), ("owl", OWL)):
        g.bind(prefix, namespace)
    return g


def _literal(value: object) -> Literal:
    if isinstance(value, bool):
        return Literal(value, datatype=XSD.boolean)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        return Literal(value, datatype=XSD.double)
    return Literal(str(value))


def _values(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else [value]


def add_node(g: Graph, node: Node) -> URIRef:
    """A node's triples: type, label, CURIE, synonyms, xrefs, properties and source."""
    ns = schema_ns()
    s = node_iri(node.id)
    g.add((s, RDF.type, ns[node.category]))
    g.add((s, RDFS.label, Literal(node.name)))
    g.add((s, DCTERMS.identifier, Literal(node.id)))
    for syn in node.synonyms:
        g.add((s, SKOS.altLabel, Literal(syn)))
    for xref in node.xrefs:
        g.add((s, xref_predicate(node, xref), node_iri(xref)))
    for key, value in sorted(node.properties.items()):
        for item in _values(value):
            g.add((s, ns[key], _literal(item)))
    if node.source:
        g.add((s, DCTERMS.source, node_iri(node.source)))
    return s


def _license_object(licence: str) -> URIRef | Literal:
    iri = license_iri(licence)
    return URIRef(iri) if iri else Literal(licence)


def add_edge(g: Graph, edge: Edge) -> URIRef:
    """An edge as a direct triple and a reified statement with properties, provenance and licence."""
    ns = schema_ns()
    s, p, o = node_iri(edge.subject), ns[edge.predicate], node_iri(edge.object)
    g.add((s, p, o))
    stmt = statement_iri(edge)
    g.add((stmt, RDF.type, RDF.Statement))
    g.add((stmt, RDF.subject, s))
    g.add((stmt, RDF.predicate, p))
    g.add((stmt, RDF.object, o))
    g.add((stmt, DCTERMS.identifier, Literal(edge.id)))
    if edge.qualifier:
        g.add((stmt, ns["qualifier"], Literal(edge.qualifier)))
    for key, value in sorted(edge.properties.items()):
        for item in _values(value):
            g.add((stmt, ns[key], _literal(item)))
    prov = edge.provenance
    if prov is not None:
        g.add((stmt, BIOLINK.primary_knowledge_source, node_iri(prov.primary_knowledge_source)))
        g.add((stmt, BIOLINK.knowledge_level, Literal(prov.knowledge_level)))
        g.add((stmt, BIOLINK.agent_type, Literal(prov.agent_type)))
        g.add((stmt, ns["source_version"], Literal(prov.source_version)))
        for pub in prov.publications:
            g.add((stmt, BIOLINK.publications, node_iri(pub)))
        if prov.evidence_type:
            g.add((stmt, BIOLINK.has_evidence, node_iri(prov.evidence_type)))
    licence = edge_license(edge)
    if licence:
        g.add((stmt, DCTERMS.license, _license_object(licence)))
        if license_class(licence) == NON_COMMERCIAL:
            g.add((stmt, ns["nonCommercial"], Literal(True)))
    return stmt


def add_sources(g: Graph, nodes: Iterable[Node], edges: Iterable[Edge]) -> None:
    """Describe each source once: a ``prov:Entity`` with its licences, non-commercial ones marked."""
    ns = schema_ns()
    for source in source_licenses(nodes, edges):
        iri = node_iri(source.source)
        g.add((iri, RDF.type, PROV.Entity))
        g.add((iri, DCTERMS.identifier, Literal(source.source)))
        for licence in source.licenses:
            g.add((iri, DCTERMS.license, _license_object(licence)))
        if source.non_commercial:
            g.add((iri, ns["nonCommercial"], Literal(True)))


def records_to_rdf(nodes: Iterable[Node], edges: Iterable[Edge], with_ontology: bool = False) -> Graph:
    """RDF of these records (and, with ``with_ontology``, the schema's OWL linking it to Biolink)."""
    node_list, edge_list = list(nodes), list(edges)
    g = new_graph()
    for node in node_list:
        add_node(g, node)
    for edge in edge_list:
        add_edge(g, edge)
    add_sources(g, node_list, edge_list)
    if with_ontology:
        from kg.export.ontology import ontology_graph

        g += ontology_graph()
    return g


def graph_to_rdf(store: GraphStore, with_ontology: bool = False) -> Graph:
    """Every node and every edge of the store as RDF (see :func:`records_to_rdf`)."""
    return records_to_rdf(store.iter_nodes(), store.iter_edges(), with_ontology)

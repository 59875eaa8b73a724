"""Render the schema as OWL (Turtle) with rdflib, linked to Biolink by subClassOf/exactMatch."""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ontology import Schema, load_schema

__all__ = ["ontology_graph", "BIOLINK"]

BIOLINK = Namespace("https://w3id.org/biolink/vocab/")


def _biolink_iri(term: str) -> URIRef:
    prefix, _, local = term.partition(":")
    if prefix != "biolink":
        raise ValueError(f"{term!r} is not a biolink: term")
    return BIOLINK[local]


def ontology_graph(schema: Schema | None = None) -> Graph:
    """An rdflib graph: one owl:Class per category, one owl:ObjectProperty per predicate."""
    schema = schema or load_schema()
    ns = Namespace(schema.base_iri + "schema/")
    g = Graph()
    g.bind("ketkg", ns)
    g.bind("biolink", BIOLINK)
    g.bind("skos", SKOS)
    g.bind("owl", OWL)
    onto = URIRef(schema.base_iri + "schema")
    g.add((onto, RDF.type, OWL.Ontology))
    g.add((onto, OWL.versionInfo, Literal(schema.version)))
    g.add((onto, RDFS.label, Literal(f"{schema.name} schema")))
    for cat in schema.categories.values():
        iri = ns[cat.name]
        g.add((iri, RDF.type, OWL.Class))
        g.add((iri, RDFS.label, Literal(cat.name)))
        g.add((iri, RDFS.comment, Literal(cat.description)))
        g.add((iri, RDFS.subClassOf, _biolink_iri(cat.biolink)))
        g.add((iri, SKOS[cat.match.partition(":")[2]], _biolink_iri(cat.biolink)))
    for pred in schema.predicates.values():
        iri = ns[pred.name]
        g.add((iri, RDF.type, OWL.ObjectProperty))
        g.add((iri, RDFS.label, Literal(pred.name)))
        g.add((iri, RDFS.subPropertyOf, _biolink_iri(pred.biolink)))
        g.add((iri, SKOS[pred.match.partition(":")[2]], _biolink_iri(pred.biolink)))
        for dom in sorted(pred.domain):
            g.add((iri, RDFS.domain, ns[dom]))
        for rng in sorted(pred.range):
            g.add((iri, RDFS.range, ns[rng]))
    return g

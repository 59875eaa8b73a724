import re

import pytest
import yaml
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.errors import SchemaError
from kg.export.ontology import BIOLINK, ontology_graph
from ontology import parse_schema
from tests.conftest import shared_data


def test_categories_and_predicates_follow_neo4j_naming(schema):
    assert {"Drug", "Mechanism", "Target", "Condition", "Study", "AdverseEffect", "Product"} <= set(schema.categories)
    assert all(re.fullmatch(r"[A-Z][A-Za-z0-9]*", c) for c in schema.categories)
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", p) for p in schema.predicates)
    assert schema.predicate("INVESTIGATES").domain == {"Study"}
    assert schema.predicate("ACTS_ON").range == {"Target"}


def test_unknown_terms_fail_loudly(schema):
    with pytest.raises(SchemaError, match="unknown category 'Durg'"):
        schema.category("Durg")
    with pytest.raises(SchemaError, match="unknown predicate"):
        schema.predicate("TREATS_MAYBE")


def test_curie_patterns(schema):
    assert schema.curie_problem("CHEBI:6121") is None
    assert schema.curie_problem("NCT:NCT00749203") is None
    assert schema.curie_problem("DOI:10.1001/jamapsychiatry.2014.62") is None
    assert "pattern" in schema.curie_problem("MONDO:5146")
    assert "unknown prefix" in schema.curie_problem("FOO:1")
    assert "not a CURIE" in schema.curie_problem("ketamine")


def test_malformed_schema_is_refused(schema):
    raw = dict(schema.raw)
    raw["predicates"] = {**raw["predicates"], "BAD": {"biolink": "biolink:related_to", "match": "skos:closeMatch",
                                                      "domain": ["Nope"], "range": ["Drug"]}}
    with pytest.raises(SchemaError, match="unknown categories"):
        parse_schema(raw)
    raw2 = dict(schema.raw)
    raw2["categories"] = {**raw2["categories"], "bad_name": raw2["categories"]["Drug"]}
    with pytest.raises(SchemaError, match="PascalCase"):
        parse_schema(raw2)


def test_biolink_mappings_exist_in_the_biolink_model(schema):
    model = yaml.safe_load(shared_data("biolink", "biolink-model.yaml").read_text())
    classes = {name.replace(" ", "").lower() for name in model["classes"]}
    slots = {name.replace(" ", "_") for name in model["slots"]}
    for cat in schema.categories.values():
        assert cat.biolink.partition(":")[2].lower() in classes, cat.name
    for pred in schema.predicates.values():
        assert pred.biolink.partition(":")[2] in slots, pred.name


def test_design_eco_terms_exist_in_eco(schema):
    eco = shared_data("eco", "eco-basic.obo").read_text()
    for design in schema.designs.values():
        assert f"id: {design.eco}\n" in eco, design.name


def test_owl_export_round_trips_with_biolink_links(schema):
    text = ontology_graph(schema).serialize(format="turtle")
    g = Graph().parse(data=text, format="turtle")
    drug = next(s for s in g.subjects(RDFS.label, None) if str(s).endswith("schema/Drug"))
    assert (drug, RDF.type, OWL.Class) in g
    assert (drug, RDFS.subClassOf, BIOLINK.SmallMolecule) in g
    assert (drug, SKOS.exactMatch, BIOLINK.SmallMolecule) in g
    classes = set(g.subjects(RDF.type, OWL.Class))
    props = set(g.subjects(RDF.type, OWL.ObjectProperty))
    assert len(classes) == len(schema.categories)
    assert len(props) == len(schema.predicates)

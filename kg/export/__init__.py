"""Exporters: one module per format (ontology OWL, RDF, KGX, ...)."""

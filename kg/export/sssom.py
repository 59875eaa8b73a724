"""Our cross-references as an SSSOM mapping set (TSV with a YAML header), written with ``sssom-pydantic``.

One mapping per node xref: ``skos:exactMatch`` (a study's registry record vs its publication is
``skos:closeMatch``, as in the RDF export), justified ``semapv:ManualMappingCuration`` for the
curated corpus and ``semapv:UnspecifiedMatching`` for xrefs taken from public sources. The
``curie_map`` declares every prefix used, spelt as in our schema, with the IRIs of :mod:`kg.iri`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import curies
import sssom_pydantic
from curies import NamableReference, Reference
from pydantic import AnyUrl
from sssom_pydantic import MappingSet, SemanticMapping

from kg.export.rdf import xref_predicate
from kg.iri import schema_prefix_map
from kg.licenses import license_iri, node_license
from kg.model import CURATED_SOURCE, Node
from ontology import load_schema

__all__ = ["xref_mappings", "write_sssom", "sssom_converter", "MANUAL", "UNSPECIFIED"]

MANUAL: Any = Reference.from_curie("semapv:ManualMappingCuration")
UNSPECIFIED: Any = Reference.from_curie("semapv:UnspecifiedMatching")
_EXTRA_PREFIXES = {"skos": "http://www.w3.org/2004/02/skos/core#", "semapv": "https://w3id.org/semapv/vocab/",
                   "biolink": "https://w3id.org/biolink/vocab/"}


def sssom_converter() -> curies.Converter:
    """Our schema prefixes (in our spelling) plus the SSSOM vocabulary prefixes."""
    return curies.Converter.from_prefix_map({**schema_prefix_map(), **_EXTRA_PREFIXES})


def _ref(curie: str, name: str | None = None) -> Any:
    prefix, _, local = curie.partition(":")
    return NamableReference(prefix=prefix, identifier=local, name=name)  # type: ignore[arg-type]


def xref_mappings(nodes: Iterable[Node]) -> list[SemanticMapping]:
    """One mapping per (node, xref), in node order then xref order."""
    schema = load_schema()
    mappings = []
    for node in nodes:
        category = _ref(schema.category(node.category).biolink)
        for xref in node.xrefs:
            predicate = xref_predicate(node, xref).fragment
            licence = node_license(node)
            mappings.append(SemanticMapping(
                subject=_ref(node.id, node.name), predicate=_ref(f"skos:{predicate}"), object=_ref(xref),
                justification=MANUAL if node.source == CURATED_SOURCE else UNSPECIFIED,
                subject_category=category, object_category=category,
                license=(license_iri(licence) or licence) if licence and node.source != CURATED_SOURCE else None))
    return mappings


def write_sssom(nodes: Iterable[Node], out: str | Path | IO[str]) -> int:
    """Write the mapping set to ``out`` (a path or an open text file); return the number of mappings."""
    schema = load_schema()
    mappings = xref_mappings(nodes)
    metadata = MappingSet(
        id=AnyUrl(f"{schema.base_iri}mappings/{schema.name}.sssom.tsv"), title=f"{schema.name} cross-references",
        description="Cross-references of the graph's entities: curated ones and those of the public sources.",
        license=AnyUrl(license_iri("CC-BY-4.0") or ""), version=schema.version)
    sssom_pydantic.write(mappings, out, metadata=metadata, converter=sssom_converter())
    return len(mappings)

"""CURIE <-> IRI conversion through the bioregistry prefix map (plus our own prefix)."""

from __future__ import annotations

from functools import lru_cache

import curies

from ontology import load_schema

__all__ = ["converter", "expand", "compress"]


@lru_cache(maxsize=1)
def converter() -> curies.Converter:
    """Bioregistry's converter, with the schema's own ``ketkg`` prefix chained in front."""
    import bioregistry

    schema = load_schema()
    ours = curies.Converter.from_prefix_map({schema.project_prefix: schema.base_iri})
    return curies.chain([ours, bioregistry.get_converter()])


def expand(curie: str) -> str | None:
    """The IRI of ``curie``, or None when its prefix is unknown."""
    return converter().expand(curie, strict=False)


def compress(iri: str) -> str | None:
    """The CURIE of ``iri``, or None when no prefix covers it."""
    return converter().compress(iri, strict=False)

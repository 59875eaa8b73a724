"""CURIE <-> IRI conversion through the bioregistry prefix map (plus our own prefix)."""

from __future__ import annotations

from functools import lru_cache

import curies

from ontology import load_schema

__all__ = ["converter", "expand", "compress", "schema_prefix_map"]


@lru_cache(maxsize=1)
def converter() -> curies.Converter:
    """Bioregistry's converter, with the schema's own ``ketkg`` prefix chained in front."""
    import bioregistry

    schema = load_schema()
    ours = curies.Converter.from_prefix_map({schema.project_prefix: schema.base_iri})
    return curies.chain([ours, bioregistry.get_converter()])


def expand(curie: str) -> str | None:
    """The IRI of ``curie``, or None when its prefix is unknown."""
    prefix, sep, local = curie.partition(":")
    uri_prefix = schema_prefix_map().get(prefix) if sep else None
    if uri_prefix is not None:  # the schema's prefixes, looked up once (the chained converter is slow)
        return uri_prefix + local
    if not sep:
        return None
    try:
        return converter().expand(curie, strict=False)
    except ValueError:  # curies' own errors for text it cannot split or parse
        return None


def compress(iri: str) -> str | None:
    """The CURIE of ``iri``, or None when no prefix covers it."""
    return converter().compress(iri, strict=False)


@lru_cache(maxsize=1)
def schema_prefix_map() -> dict[str, str]:
    """Our schema's prefixes, spelt as in the schema (``PMID``, ``CHEBI``), to their URI prefixes.

    The URI prefixes come from the same converter as :func:`expand`; prefixes it does not know
    are left out. Used where a file must declare the prefixes of the CURIEs it holds (SSSOM).
    """
    found = {}
    for prefix in load_schema().prefixes:
        try:
            found[prefix] = converter().expand_pair(prefix, "", strict=True)
        except (KeyError, ValueError):
            continue
    return found

"""Identifier equivalences and preferred prefixes for :mod:`kg.normalize`.

Equivalences come from SSSOM mapping sets (read with ``sssom-pydantic``; only
``skos:exactMatch`` rows count); the preferred prefix order per category comes from Biolink's
``preferred_prefixes_per_class.json``, restricted to the prefixes our schema allows, with the
schema's own ``id_prefixes`` order as the fallback.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from kg.errors import SourceError
from ontology import Schema

__all__ = ["read_sssom", "read_preferred_prefixes", "prefix_orders"]

EXACT = "skos:exactMatch"


def _schema_prefix(schema: Schema, prefix: str) -> str | None:
    upper = {p.upper(): p for p in schema.prefixes}
    return upper.get(prefix.upper())


def read_sssom(paths: Iterable[Path], schema: Schema) -> dict[str, set[str]]:
    """Symmetric ``curie -> {equivalent curies}`` from the exactMatch rows of SSSOM files.

    Prefixes are re-spelt as in our schema (``mesh:D004194`` -> ``MESH:D004194``); rows whose
    ids our schema cannot hold are left out.
    """
    import sssom_pydantic

    table: dict[str, set[str]] = defaultdict(set)
    for path in paths:
        try:
            pack = sssom_pydantic.read(Path(path))
        except Exception as err:  # the library raises many kinds; name the file either way
            raise SourceError(f"{path}: cannot read SSSOM mappings: {err}") from err
        for mapping in pack.mappings:
            if mapping.predicate.curie != EXACT:
                continue
            ends = []
            for ref in (mapping.subject, mapping.object):
                prefix = _schema_prefix(schema, ref.prefix)
                curie = f"{prefix}:{ref.identifier}" if prefix else None
                if curie is None or schema.curie_problem(curie):
                    break
                ends.append(curie)
            if len(ends) == 2:
                table[ends[0]].add(ends[1])
                table[ends[1]].add(ends[0])
    return dict(table)


def read_preferred_prefixes(path: Path) -> dict[str, list[str]]:
    """Biolink class CURIE (``biolink:Disease``) -> its prefixes, most preferred first."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        classes = data["biolink_class_prefixes"]
        return {c["class_name"]: [p["prefix"] for p in sorted(c["prefix_map"], key=lambda p: p["order"])]
                for c in classes}
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise SourceError(f"{path}: cannot read Biolink preferred prefixes: {err}") from err


def prefix_orders(schema: Schema, biolink: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Category -> allowed prefixes, most preferred first (Biolink's order, then the schema's)."""
    orders: dict[str, list[str]] = {}
    for name, category in schema.categories.items():
        preferred = [p for p in (biolink or {}).get(category.biolink, []) if p in category.id_prefixes]
        rest = [p for p in category.id_prefixes if p not in preferred]
        orders[name] = preferred + rest
    return orders

"""Source licences: what each source allows, and a build restricted to openly licensed data.

A licence is classed ``open`` (CC0, CC BY, CC BY-SA, ODbL, PDDL, ...), ``non-commercial``
(CC BY-NC, CC BY-NC-SA, CC BY-NC-ND), ``custom`` (any other stated terms, e.g. NLM's or
HPO's) or ``unknown`` (none stated). Nodes take the licence of their source; edges that carry
their own licence in their provenance (Hetionet's per-metaedge licences) keep it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from typing import Any

from kg.model import Edge, Node
from loaders import Batch, Loader

__all__ = ["license_class", "license_iri", "is_open", "declared_licenses", "node_license", "edge_license",
           "SourceLicense", "source_licenses", "OpenOnly", "open_subset", "NON_COMMERCIAL"]

NON_COMMERCIAL = "non-commercial"
_OPEN = re.compile(r"CC0-1\.0|CC-BY(-SA)?-\d\.\d|ODBL-1\.0|PDDL-1\.0|ODC-BY-1\.0|MIT|APACHE-2\.0|BSD-[23]-CLAUSE")
_NC = re.compile(r"CC-BY-NC(-SA|-ND)?-\d\.\d")
_SPDX = re.compile(r"[A-Za-z0-9.\-+]+")


def _spelling(licence: str) -> str:
    return licence.strip().upper().replace(" ", "-")


def license_class(licence: str | None) -> str:
    """``open``, ``non-commercial``, ``custom`` or ``unknown``.

    Examples
    --------
    >>> [license_class(x) for x in ("CC0-1.0", "CC BY-NC-SA 4.0", "NLM terms and conditions", None)]
    ['open', 'non-commercial', 'custom', 'unknown']
    """
    if licence is None or not licence.strip():
        return "unknown"
    spelt = _spelling(licence)
    if _NC.fullmatch(spelt):
        return NON_COMMERCIAL
    return "open" if _OPEN.fullmatch(spelt) else "custom"


def is_open(licence: str | None) -> bool:
    return license_class(licence) == "open"


def license_iri(licence: str) -> str | None:
    """The SPDX IRI of an SPDX licence id (``CC-BY-4.0``), or None for other wording."""
    if license_class(licence) in ("open", NON_COMMERCIAL) and _SPDX.fullmatch(licence.strip()):
        return f"https://spdx.org/licenses/{licence.strip()}"
    return None


@lru_cache(maxsize=1)
def declared_licenses() -> dict[str, str]:
    """``infores id -> licence`` as declared by every loader (the curated corpus and public sources).

    Loaders state one ``license``; a loader reading several sources (OBO ontologies) lists them
    in a module-level ``SOURCE_LICENSES``.
    """
    from loaders.curated import CuratedLoader
    from loaders.sources import SOURCES

    declared = {CuratedLoader.name: CuratedLoader.license}
    for module_name, class_name in SOURCES.values():
        module = import_module(module_name)
        declared.update(getattr(module, "SOURCE_LICENSES", {}))
        loader = getattr(module, class_name)
        name, licence = getattr(loader, "name", None), getattr(loader, "license", None)
        if isinstance(name, str) and isinstance(licence, str) and not licence.startswith(("see ", "as stated")):
            declared.setdefault(name, licence)
    return declared


def node_license(node: Node, fallback: str | None = None) -> str | None:
    """The licence of the source a node came from (``fallback`` when the source declares none)."""
    return declared_licenses().get(node.source or "", fallback)


def edge_license(edge: Edge, fallback: str | None = None) -> str | None:
    """The edge's own licence, else its source's, else ``fallback``."""
    prov = edge.provenance
    if prov is None:
        return fallback
    return prov.license or declared_licenses().get(prov.primary_knowledge_source, fallback)


@dataclass(frozen=True)
class SourceLicense:
    """One source of the graph: its licences and how many records it contributed."""

    source: str
    licenses: tuple[str, ...]
    nodes: int
    edges: int

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(sorted({license_class(x) for x in self.licenses} or {"unknown"}))

    @property
    def non_commercial(self) -> bool:
        return NON_COMMERCIAL in self.classes

    @property
    def open(self) -> bool:
        return self.classes == ("open",)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "licenses": list(self.licenses), "license_classes": list(self.classes),
                "open": self.open, "non_commercial": self.non_commercial, "nodes": self.nodes, "edges": self.edges}


def source_licenses(nodes: Iterable[Node], edges: Iterable[Edge]) -> list[SourceLicense]:
    """Every source of these records with its licences (edge-level licences included), sorted by name."""
    licences: dict[str, set[str]] = defaultdict(set)
    node_counts: Counter[str] = Counter()
    edge_counts: Counter[str] = Counter()
    for node in nodes:
        source = node.source or "unknown"
        node_counts[source] += 1
        declared = node_license(node)
        if declared:
            licences[source].add(declared)
    for edge in edges:
        source = edge.provenance.primary_knowledge_source if edge.provenance else "unknown"
        edge_counts[source] += 1
        licence = edge_license(edge)
        if licence:
            licences[source].add(licence)
    names = sorted(set(node_counts) | set(edge_counts))
    return [SourceLicense(s, tuple(sorted(licences[s])), node_counts[s], edge_counts[s]) for s in names]


def open_subset(batch: Batch) -> Batch:
    """The openly licensed part of a batch; what was left out is reported as warnings.

    Nodes whose source is not openly licensed are dropped with every edge touching them; edges
    whose own licence is not open are dropped.
    """
    kept = Batch(batch.source, license=batch.license, report=batch.report)
    dropped_nodes: set[str] = set()
    left_out: Counter[str] = Counter()
    for node in batch.nodes:
        licence = node_license(node, batch.license)
        if is_open(licence):
            kept.nodes.append(node)
        else:
            dropped_nodes.add(node.id)
            left_out[f"nodes under {licence or 'no stated licence'}"] += 1
    for edge in batch.edges:
        licence = edge_license(edge, batch.license)
        if not is_open(licence):
            left_out[f"edges under {licence or 'no stated licence'}"] += 1
        elif edge.subject in dropped_nodes or edge.object in dropped_nodes:
            left_out["edges to records left out"] += 1
        else:
            kept.edges.append(edge)
    for what, count in sorted(left_out.items()):
        kept.report.add("warning", "not-open-licence", f"--open-only left out {count} {what}", batch.source, None)
    return kept


class OpenOnly:
    """Wrap a loader so that it yields only openly licensed records (``kg build --open-only``)."""

    def __init__(self, loader: Loader) -> None:
        self.inner = loader
        self.name = loader.name
        self.license = loader.license

    def load(self) -> Batch:
        return open_subset(self.inner.load())

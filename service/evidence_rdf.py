"""Evidence answers as RDF bundles with PROV-O provenance (``format=turtle|nt|json-ld`` or ``Accept``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, request

from kg.export.bundle import evidence_bundle
from kg.query.evidence import EvidenceQuery, evidence
from kg.store.base import GraphStore
from kg.store.generation import store_generation

__all__ = ["rdf_format", "evidence_rdf", "RDF_FORMATS"]

# ?format= value -> (rdflib format, media type)
RDF_FORMATS = {"turtle": ("turtle", "text/turtle"), "nt": ("nt", "application/n-triples"),
               "json-ld": ("json-ld", "application/ld+json")}
_BY_MEDIA_TYPE = {media: name for name, (_, media) in RDF_FORMATS.items()}


def rdf_format() -> str | None:
    """The RDF format the client asked for (by ``format=`` or ``Accept``), or None for JSON/CSV."""
    fmt = (request.args.get("format") or "").strip().lower()
    if fmt:
        return fmt if fmt in RDF_FORMATS else None
    best = request.accept_mimetypes.best_match(["application/json", *_BY_MEDIA_TYPE])
    return _BY_MEDIA_TYPE.get(best or "")


def evidence_rdf(store: GraphStore, query: EvidenceQuery, fmt: str) -> Response:
    """Answer ``query`` and return the answer's bundle in ``fmt``."""
    started = datetime.now(UTC)
    answer = evidence(store, query)
    ended = datetime.now(UTC)
    graph = evidence_bundle(answer, query, started, ended, request.url, store_generation(store))
    rdflib_format, media = RDF_FORMATS[fmt]
    options: dict[str, Any] = {"auto_compact": True} if rdflib_format == "json-ld" else {}
    return Response(graph.serialize(format=rdflib_format, **options), mimetype=media,
                    headers={"Content-Disposition": f'inline; filename="evidence.{"ttl" if fmt == "turtle" else fmt}"'})

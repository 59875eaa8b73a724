"""``GET /api/sources``: every source in the graph with its licences; non-commercial ones marked."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from kg.licenses import SourceLicense, source_licenses
from kg.store.base import GraphStore
from kg.store.generation import GenerationCache
from service.api import store

__all__ = ["bp"]

bp = Blueprint("sources", __name__, url_prefix="/api")


def _summarise(graph_store: GraphStore) -> list[SourceLicense]:
    return source_licenses(graph_store.iter_nodes(), graph_store.iter_edges())


def _cache() -> GenerationCache[list[SourceLicense]]:
    return current_app.extensions.setdefault("kg.sources", GenerationCache(_summarise))  # type: ignore[no-any-return]


@bp.get("/sources")
def sources() -> Response:
    found, _ = _cache().get(store())
    return jsonify({"sources": [s.to_dict() for s in found],
                    "non_commercial": [s.source for s in found if s.non_commercial],
                    "note": "Records of non-commercial sources may not be used commercially; "
                            "`kg build --open-only` builds a graph without them."})

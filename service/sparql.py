"""``GET/POST /api/sparql``: read-only SPARQL over the RDF view of the graph (SPARQL 1.1 protocol).

The query comes as ``?query=`` (GET), a form field ``query`` or an ``application/sparql-query``
body (POST). SELECT and ASK answer SPARQL 1.1 Query Results JSON; CONSTRUCT and DESCRIBE answer
Turtle (or N-Triples when asked). Updates, federation and remote graphs are refused with 400;
queries stop at the server's time limit, and answers keep at most the row cap (the
``X-Result-Truncated`` header says when they were cut).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from kg.errors import QueryError
from kg.query.sparql import SparqlEngine, SparqlRefused
from kg.settings import Settings
from service.api import store

__all__ = ["bp", "RESULTS_JSON"]

bp = Blueprint("sparql", __name__, url_prefix="/api")

RESULTS_JSON = "application/sparql-results+json"
_GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt"}


def engine() -> SparqlEngine:
    """The app's engine (one per app: it caches the RDF view per store generation)."""
    found = current_app.extensions.get("kg.sparql")
    if found is None:
        settings: Settings = current_app.extensions["kg.settings"]
        found = current_app.extensions.setdefault(
            "kg.sparql", SparqlEngine(settings.cypher_timeout, settings.cypher_row_cap))
    return found  # type: ignore[no-any-return]


def _query_text() -> str:
    if request.method == "GET":
        text = request.args.get("query")
    elif request.mimetype == "application/sparql-query":
        text = request.get_data(as_text=True)
    elif "update" in request.form:
        raise SparqlRefused("SPARQL Update is not allowed: this endpoint is read-only")
    else:
        text = request.form.get("query")
    if not text:
        raise QueryError("send a SPARQL query: ?query=... (GET), a form field query, or an "
                         "application/sparql-query body (POST)")
    return text


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    answer = engine().run(store(), _query_text())
    headers = {"X-Result-Truncated": "true" if answer.truncated else "false",
               "X-Elapsed-Ms": f"{answer.elapsed_ms:.1f}", "Cache-Control": "no-store"}
    if answer.graph is not None:
        mimetype = request.accept_mimetypes.best_match(list(_GRAPH_TYPES)) or "text/turtle"
        body = answer.graph.serialize(format=_GRAPH_TYPES[mimetype])
        return Response(body, mimetype=mimetype, headers=headers)
    return Response(current_app.json.dumps(answer.results), mimetype=RESULTS_JSON, headers=headers)

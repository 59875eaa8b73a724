"""OpenAPI operations: the helpers views use to describe themselves, and the core views' operations.

A view carries its operation (:func:`documented`, next to the view); the views of
:mod:`service.api` are described in :data:`API_OPERATIONS` by endpoint name. Schemas and
examples live in :mod:`service.openapi_schemas`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from service.openapi_schemas import EXAMPLES

__all__ = ["ref", "param", "operation", "documented", "API_OPERATIONS", "ERROR_TEXT"]

F = TypeVar("F", bound=Callable[..., Any])
ERROR_TEXT = {400: "Bad request: the message says what to change", 404: "Not found",
              500: "Internal error", 503: "The graph store or a server resource is unavailable"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def param(name: str, description: str, *, where: str = "query", kind: str = "string", required: bool = False,
          example: Any = None, **schema: Any) -> dict[str, Any]:
    """An OpenAPI parameter object (``schema`` adds keywords such as minimum, maximum, enum, default)."""
    out: dict[str, Any] = {"name": name, "in": where, "description": description, "required": required,
                           "schema": {"type": kind, **schema}}
    if example is not None:
        out["example"] = example
    return out


def operation(summary: str, description: str = "", *, ok: str, params: Sequence[dict[str, Any]] = (),
              body: tuple[str, Any] | None = None, errors: Sequence[int] = (400,), csv: bool = False,
              tag: str = "analyst") -> dict[str, Any]:
    """An OpenAPI operation: a 200 answer of schema ``ok`` (with its example) plus error answers."""
    content: dict[str, Any] = {"application/json": {"schema": ref(ok), "example": EXAMPLES[ok]}}
    if csv:
        content["text/csv"] = {"schema": {"type": "string"}, "example": "column,column\r\nvalue,value\r\n"}
    responses: dict[str, Any] = {"200": {"description": "OK", "content": content}}
    for status in sorted({*errors, 500}):
        example = {"error": {"status": status, "message": ERROR_TEXT[status]}}
        responses[str(status)] = {"description": ERROR_TEXT[status], "content": {
            "application/json": {"schema": ref("Error"), "example": example}}}
    op: dict[str, Any] = {"tags": [tag], "summary": summary, "parameters": list(params), "responses": responses}
    if description:
        op["description"] = description
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(body[0]),
                                                                                 "example": body[1]}}}
    return op


def documented(op: dict[str, Any]) -> Callable[[F], F]:
    """Attach the OpenAPI operation ``op`` to a view function."""
    def attach(view: F) -> F:
        view.__dict__["openapi"] = op
        return view
    return attach




def _core_operations() -> dict[str, dict[str, Any]]:
    designs = ["meta_analysis", "systematic_review", "regulatory", "rct", "crossover_rct", "open_label",
               "observational", "case_series", "preclinical"]
    return {
        "api.health": operation("Service health and graph size", ok="Health", errors=(503,), tag="core"),
        "api.search": operation(
            "Search entities by id, xref, name or synonym",
            "Ranked: exact id > exact xref > exact name > exact synonym > name prefix > synonym prefix > "
            "word prefix > substring > fuzzy.", ok="SearchAnswer", tag="core",
            params=[param("q", "what to look for", required=True, example="esketamine"),
                    param("category", "only this category", example="Drug"),
                    param("limit", "most results, 1 to 100", kind="integer", minimum=1, maximum=100, default=10)]),
        "api.entity": operation(
            "One entity with its properties, cross-references (with IRIs) and neighbours by predicate",
            ok="Entity", errors=(404,), tag="core",
            params=[param("curie", "the entity's CURIE", where="path", required=True, example="CHEBI:6121")]),
        "api.evidence_endpoint": operation(
            "Evidence linking a mechanism, drug or target to a condition",
            "Chains through drugs and studies to the condition and its ontology subclasses; studies graded by "
            "design, size and year; a consensus per drug and condition (studies by design, participants, "
            "whether the directions of effect agree). CSV of the studies (or of the consensus with "
            "table=consensus) with format=csv or Accept: text/csv.",
            ok="Evidence", errors=(400, 404), csv=True, tag="core",
            params=[param("source", "mechanism, drug, product or target (CURIE or name)", required=True,
                          example="NMDA receptor antagonism"),
                    param("target", "condition (CURIE or name)", required=True, example="PTSD"),
                    {"name": "design", "in": "query", "required": False, "description": "study design (repeatable)",
                     "schema": {"type": "array", "items": {"type": "string", "enum": designs}},
                     "style": "form", "explode": True},
                    param("year_from", "earliest publication year", kind="integer", minimum=1900, maximum=2100),
                    param("year_to", "latest publication year", kind="integer", minimum=1900, maximum=2100),
                    param("min_n", "smallest sample size", kind="integer", minimum=0),
                    param("as_of", "only evidence published by this date", format="date", example="2020-01-01"),
                    param("format", "json, csv, or an RDF format (turtle, nt, json-ld ...)"),
                    param("table", "the CSV table: studies or consensus", enum=["studies", "consensus"])]),
        "sources.sources": operation("Every source in the graph with its licence", ok="Sources", errors=(),
                                     tag="core"),
        "sparql.sparql": _sparql_operation(),
    }


def _sparql_operation() -> dict[str, Any]:
    op = operation(
        "Read-only SPARQL over the RDF view of the graph",
        "SPARQL 1.1 protocol: ?query= (GET), a form field query or an application/sparql-query body (POST). "
        "SELECT and ASK answer SPARQL results JSON; CONSTRUCT and DESCRIBE answer Turtle or N-Triples.",
        ok="SparqlResults", tag="core",
        params=[param("query", "the SPARQL query (GET)", example="SELECT ?s WHERE { ?s ?p ?o } LIMIT 5")])
    ok = op["responses"]["200"]["content"].pop("application/json")
    op["responses"]["200"]["content"].update({
        "application/sparql-results+json": ok,
        "text/turtle": {"schema": {"type": "string"}}, "application/n-triples": {"schema": {"type": "string"}}})
    return op


API_OPERATIONS = _core_operations()

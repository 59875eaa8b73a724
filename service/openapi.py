"""OpenAPI 3.1 description of the JSON API, generated from the registered routes.

Every ``/api`` route of the app becomes a path; its operation is the one attached to the view
with :func:`documented` (kept next to the view), or, for the core views of :mod:`service.api`,
the one :mod:`service.openapi_schemas` keeps by endpoint name. Schemas are JSON Schema 2020-12
and every error uses the one ``Error`` shape. ``/api/docs`` shows the description in Swagger
UI when the ``swagger-ui-py`` package (its static assets) is installed, else in a plain page.
"""

from __future__ import annotations

import html
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request, send_from_directory
from werkzeug.exceptions import NotFound as HTTPNotFound

from service.apidoc import API_OPERATIONS, documented, operation, param, ref
from service.openapi_schemas import COMPONENTS

__all__ = ["bp", "build_spec", "swagger_ui_dir"]

_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; frame-ancestors 'none'")
_INIT_JS = """window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({url: root.dataset.specUrl, dom_id: "#swagger-ui", deepLinking: true});
});
"""

bp = Blueprint("openapi", __name__, url_prefix="/api")


def _path(rule: str) -> str:
    """``/api/entities/<path:curie>`` -> ``/api/entities/{curie}``."""
    out, i = [], 0
    while i < len(rule):
        if rule[i] == "<":
            end = rule.index(">", i)
            out.append("{" + rule[i + 1:end].split(":")[-1] + "}")
            i = end + 1
        else:
            out.append(rule[i])
            i += 1
    return "".join(out)


def _operation_for(app: Flask, endpoint: str, arguments: Sequence[str]) -> dict[str, Any]:
    view = app.view_functions[endpoint]
    op = dict(getattr(view, "openapi", None) or API_OPERATIONS.get(endpoint)
              or {"summary": f"{endpoint} (not yet described)", "x-undocumented": True,
                  "responses": {"200": {"description": "OK"}}})
    named = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
    extra = [param(a, f"the {a}", where="path", required=True) for a in sorted(arguments) if a not in named]
    op["parameters"] = [*extra, *op.get("parameters", [])]
    op["operationId"] = endpoint.replace(".", "_")
    return op


def build_spec(app: Flask) -> dict[str, Any]:
    """The OpenAPI document of every ``/api`` route registered on ``app``."""
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if not (rule.rule == "/api" or rule.rule.startswith("/api/")):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op = _operation_for(app, rule.endpoint, list(rule.arguments))
            if len((rule.methods or set()) - {"HEAD", "OPTIONS"}) > 1:
                op["operationId"] += f"_{method.lower()}"
            paths.setdefault(_path(rule.rule), {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "ketamine-kg API", "version": _version(),
                 "description": "Evidence for ketamine and esketamine in chronic pain and psychiatric disorders, "
                                "as a knowledge graph: search, entities, graded evidence, paths, adverse effects "
                                "and read-only Cypher. Errors are always {\"error\": {\"status\", \"message\"}}."},
        "servers": [{"url": request.script_root or "/"}],
        "tags": [{"name": "core", "description": "Search, entities and evidence"},
                 {"name": "analyst", "description": "Cypher, library, neighbourhoods, paths, adverse effects"},
                 {"name": "docs", "description": "This description and its viewer"}],
        "paths": paths,
        "components": {"schemas": COMPONENTS},
    }


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ketamine-kg")
    except PackageNotFoundError:
        return "0.0.0"


def swagger_ui_dir() -> Path | None:
    """The static assets of the installed ``swagger-ui-py`` package, or None (found without importing it)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        return None
    static = Path(next(iter(spec.submodule_search_locations))) / "static"
    return static if (static / "swagger-ui-bundle.js").is_file() else None


@bp.get("/openapi.json")
@documented(operation("This OpenAPI description", ok="OpenAPI", errors=(), tag="docs"))
def openapi_json() -> Response:
    return jsonify(build_spec(current_app))


@bp.get("/docs")
@documented({"tags": ["docs"], "summary": "The API documentation page (Swagger UI)",
             "responses": {"200": {"description": "HTML page", "content": {"text/html": {
                 "schema": {"type": "string"}, "example": "<!doctype html>..."}}}}})
def docs() -> Response:
    spec_url = request.script_root + "/api/openapi.json"
    if swagger_ui_dir() is None:
        page = _plain_page(build_spec(current_app))
    else:
        assets = request.script_root + "/api/docs/assets"
        page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ketamine-kg API</title>'
                f'<link rel="stylesheet" href="{assets}/swagger-ui.css"></head><body>'
                f'<div id="swagger-ui" data-spec-url="{html.escape(spec_url)}"></div>'
                f'<script src="{assets}/swagger-ui-bundle.js"></script>'
                f'<script src="{assets}/kg-init.js"></script></body></html>')
    return Response(page, mimetype="text/html", headers={"Content-Security-Policy": _CSP})


@bp.get("/docs/assets/<path:asset>")
@documented({"tags": ["docs"], "summary": "Static assets of the documentation page",
             "responses": {"200": {"description": "a script, style sheet or image"},
                           "404": {"description": "Not found", "content": {"application/json": {
                               "schema": ref("Error")}}}}})
def docs_asset(asset: str) -> Response:
    if asset == "kg-init.js":
        return Response(_INIT_JS, mimetype="text/javascript")
    static = swagger_ui_dir()
    if static is None:
        raise HTTPNotFound("Swagger UI is not installed here")
    return send_from_directory(static, asset)


def _plain_page(spec: dict[str, Any]) -> str:
    """A readable page of the description, for servers without Swagger UI's assets."""
    rows = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            params = ", ".join(p["name"] for p in op.get("parameters", []))
            rows.append(f"<tr><td><code>{method.upper()}</code></td><td><code>{html.escape(path)}</code></td>"
                        f"<td>{html.escape(op.get('summary', ''))}</td><td>{html.escape(params)}</td></tr>")
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ketamine-kg API</title></head>'
            f'<body><h1>ketamine-kg API</h1><p>The full description: <a href="openapi.json">openapi.json</a>.</p>'
            f'<table><tr><th>method</th><th>path</th><th>what</th><th>parameters</th></tr>{"".join(rows)}'
            '</table></body></html>')

"""The web form: HTML pages over the JSON API (query form, entity pages, Cypher console).

The pages are thin: the server renders the frame and what only it knows (schema terms,
limits, the example library); the browser fetches answers from ``/api/*`` and renders them,
so the page and the API can never disagree. No inline scripts: data reaches the scripts
through ``data-*`` attributes and JSON blocks, which lets a strict CSP forbid inline code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for

from kg.errors import ConfigError
from kg.query.evidence import SOURCE_CATEGORIES
from kg.query.library import DEFAULT_PATH, load_library
from kg.settings import Settings
from ontology import load_schema

__all__ = ["bp", "CSP", "example_title"]

bp = Blueprint("web", __name__)

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

ACRONYMS = {"rct": "RCT", "rcts": "RCTs", "nct": "NCT", "pmid": "PMID", "doi": "DOI", "nmda": "NMDA", "ptsd": "PTSD",
            "ocd": "OCD", "trd": "TRD", "id": "ID", "ids": "IDs", "pubmed": "PubMed"}

# Starting points shown under the form; free text is resolved by the API like typed input.
SAMPLE_QUERIES = (
    ("NMDA receptor antagonism", "post-traumatic stress disorder"),
    ("esketamine", "treatment-resistant depression"),
    ("ketamine", "complex regional pain syndrome"),
    ("GRIN2B", "major depressive disorder"),
)


def _settings() -> Settings:
    return current_app.extensions["kg.settings"]  # type: ignore[no-any-return]


def _has_endpoint(rule: str, method: str) -> bool:
    return any(r.rule == rule and method in (r.methods or ()) for r in current_app.url_map.iter_rules())


@bp.after_request
def _headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


@bp.app_context_processor
def _api_link() -> dict[str, Any]:
    """The header's API link: the OpenAPI description when the server has one, else health."""
    has_docs = _has_endpoint("/api/openapi.json", "GET")
    return {"api_href": url_for("api.health") if not has_docs else request.script_root + "/api/openapi.json"}


@bp.get("/")
def query_page() -> str:
    schema = load_schema()
    designs = sorted(schema.designs.items(), key=lambda kv: (kv[1].level, kv[1].label))
    return render_template("query.html", designs=designs, source_categories=SOURCE_CATEGORIES,
                           samples=SAMPLE_QUERIES)


@bp.get("/entity/<path:curie>")
def entity_page(curie: str) -> str:
    return render_template("entity.html", curie=curie, source_categories=SOURCE_CATEGORIES)


@bp.get("/cypher")
def cypher_page() -> str:
    configured = current_app.config.get("CYPHER_EXAMPLES")
    library = Path(configured) if configured else DEFAULT_PATH
    examples: list[dict[str, Any]] | None = None
    problem = None
    if library.is_file():
        try:
            examples = [dict(q.to_dict(), title=example_title(q.name)) for q in load_library(library)]
        except ConfigError as err:
            problem = str(err).replace(str(library.parent) + "/", "")
    settings = _settings()
    return render_template("cypher.html", examples=examples, problem=problem, library=library.name,
                           row_cap=f"{settings.cypher_row_cap:,}", timeout=f"{settings.cypher_timeout:g}",
                           console_available=_has_endpoint("/api/cypher", "POST"))


def example_title(name: str) -> str:
    """A library query's snake_case name as a title: ``conditions_by_rct_count`` -> ``Conditions by RCT count``."""
    words = [ACRONYMS.get(w, w) for w in name.split("_") if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:]

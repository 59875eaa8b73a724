"""The OpenAPI description: complete (every /api route), valid, and true (answers match their schemas)."""

import re

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from service.openapi import swagger_ui_dir

SPEC_URI = "urn:ketamine-kg:openapi"
CYPHER = {"query": "MATCH (d:Drug)-[:HAS_MECHANISM]->(m:Mechanism) RETURN d.name AS drug, m.name AS mechanism "
                   "ORDER BY drug, mechanism LIMIT 3"}

# (method, url, keyword arguments, expected status): at least one call for every operation in the spec
CALLS = [
    ("get", "/api/health", {}, 200),
    ("get", "/api/search?q=esketamine", {}, 200),
    ("get", "/api/search", {}, 400),
    ("get", "/api/entities/CHEBI:6121", {}, 200),
    ("get", "/api/entities/CHEBI:0", {}, 404),
    ("get", "/api/evidence?source=ketamine&target=PTSD", {}, 200),
    ("get", "/api/evidence?source=ketamine&target=PTSD&format=csv", {}, 200),
    ("get", "/api/evidence?source=ketamine", {}, 400),
    ("get", "/api/evidence?source=ketamine&target=influenza", {}, 404),
    ("get", "/api/sources", {}, 200),
    ("get", "/api/sparql?query=SELECT%20%3Fs%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%202", {}, 200),
    ("post", "/api/sparql", {"data": {"query": "ASK { ?s ?p ?o }"}}, 200),
    ("get", "/api/sparql", {}, 400),
    ("post", "/api/cypher", {"json": CYPHER}, 200),
    ("post", "/api/cypher", {"json": {"query": "MATCH (n) DETACH DELETE n"}}, 400),
    ("get", "/api/cypher/library", {}, 200),
    ("get", "/api/neighbourhood?id=CHEBI:60799", {}, 200),
    ("get", "/api/neighbourhood?id=CHEBI:60799&depth=9", {}, 400),
    ("get", "/api/neighbourhood?id=CHEBI:0", {}, 404),
    ("get", "/api/paths?source=HGNC:4586&target=MONDO:0005146&max_hops=4&limit=3", {}, 200),
    ("get", "/api/paths?source=HGNC:4586&target=MONDO:0005146&max_hops=9", {}, 400),
    ("get", "/api/paths?source=HGNC:4586&target=no-such-thing", {}, 404),
    ("get", "/api/adverse-effects?drug=esketamine", {}, 200),
    ("get", "/api/adverse-effects", {}, 400),
    ("get", "/api/adverse-effects?drug=influenza", {}, 404),
    ("get", "/api/openapi.json", {}, 200),
    ("get", "/api/docs", {}, 200),
    ("get", "/api/docs/assets/kg-init.js", {}, 200),
    ("get", "/api/docs/assets/no-such-file.js", {}, 404),
]


@pytest.fixture(scope="module")
def spec(corpus_store, tmp_path_factory):
    from kg.settings import Settings
    from service import create_app

    settings = Settings(snapshot=tmp_path_factory.mktemp("spec") / "g.jsonl")
    client = create_app(settings, store=corpus_store, test_config={"TESTING": True}).test_client()
    return client.get("/api/openapi.json").get_json()


def _pointer(*parts):
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _template(path):
    return re.compile("^" + re.sub(r"\{[^}]+\}", "[^?]+", path) + "$")


def test_spec_is_valid_openapi(spec):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(spec)
    assert spec["openapi"].startswith("3.1")


def test_every_api_route_is_described(app, spec):
    routes = {(re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", r.rule), m.lower())
              for r in app.url_map.iter_rules() if r.rule.startswith("/api")
              for m in (r.methods or set()) - {"HEAD", "OPTIONS"}}
    described = {(p, m) for p, ops in spec["paths"].items() for m in ops}
    assert routes == described
    undocumented = sorted(f"{m.upper()} {p}" for p, ops in spec["paths"].items() for m, op in ops.items()
                          if op.get("x-undocumented"))
    assert undocumented == [], "add an OpenAPI operation for these (service/apidoc.py or @documented)"
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert op["summary"] and "200" in op["responses"], (method, path)
            if path.startswith("/api/docs"):
                continue
            json_types = [t for t in op["responses"]["200"].get("content", {}) if "json" in t]
            assert json_types and all("example" in op["responses"]["200"]["content"][t] for t in json_types)
            for status, response in op["responses"].items():
                if status != "200":
                    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_every_operation_is_exercised_here(spec):
    called = {(m, u.split("?")[0]) for m, u, _, _ in CALLS}
    for path, ops in spec["paths"].items():
        for method in ops:
            assert any(m == method and _template(path).match(u) for m, u in called), f"no call for {method} {path}"


def test_examples_match_their_schemas(spec):
    registry = Registry().with_resource(SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT202012))
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for status, response in op["responses"].items():
                for media, content in response.get("content", {}).items():
                    if "example" in content and "json" in media:
                        pointer = _pointer("paths", path, method, "responses", status, "content", media, "schema")
                        validator = Draft202012Validator({"$ref": SPEC_URI + "#" + pointer}, registry=registry)
                        validator.validate(content["example"])


@pytest.mark.parametrize(("method", "url", "kwargs", "status"), CALLS, ids=[f"{c[0]} {c[1]}" for c in CALLS])
def test_answers_match_their_schemas(corpus_client, spec, method, url, kwargs, status):
    if "assets" in url and status == 200 and url.endswith(".css") and swagger_ui_dir() is None:
        pytest.skip("Swagger UI assets are not installed")
    response = getattr(corpus_client, method)(url, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    path = next(p for p in spec["paths"] if _template(p).match(url.split("?")[0]))
    declared = spec["paths"][path][method]["responses"][str(status)]
    assert response.mimetype in declared.get("content", {response.mimetype: None}), response.mimetype
    if "json" not in response.mimetype:
        return
    registry = Registry().with_resource(SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT202012))
    pointer = _pointer("paths", path, method, "responses", status, "content", response.mimetype, "schema")
    Draft202012Validator({"$ref": SPEC_URI + "#" + pointer}, registry=registry).validate(response.get_json())


def test_docs_page(corpus_client):
    page = corpus_client.get("/api/docs")
    assert page.mimetype == "text/html" and "script-src 'self'" in page.headers["Content-Security-Policy"]
    text = page.get_data(as_text=True)
    assert "<script>" not in text  # no inline code: the start-up script is a file
    if swagger_ui_dir() is not None:
        assert 'data-spec-url="/api/openapi.json"' in text and "swagger-ui-bundle.js" in text
        asset = corpus_client.get("/api/docs/assets/swagger-ui-bundle.js")
        assert asset.status_code == 200 and len(asset.get_data()) > 100_000
    else:
        assert "/api/cypher" in text and 'href="openapi.json"' in text


def test_docs_page_without_swagger_ui(corpus_client, monkeypatch):
    monkeypatch.setattr("service.openapi.swagger_ui_dir", lambda: None)
    text = corpus_client.get("/api/docs").get_data(as_text=True)
    assert "<code>/api/paths</code>" in text and "openapi.json" in text
    assert corpus_client.get("/api/docs/assets/swagger-ui.css").status_code == 404

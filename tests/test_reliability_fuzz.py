"""API fuzzing: schemathesis generates requests from /api/openapi.json and runs them in-process
against the Flask app on both stores; no answer may be a 5xx or break its documented schema,
status code or content type. (Driven through hypothesis directly: schemathesis' pytest plugin
does not run under this pytest.)"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from kg.pipeline import build
from kg.settings import Settings
from kg.store.memory import MemoryStore
from loaders.curated import CuratedLoader
from service import create_app

EXAMPLES = 60  # per operation and store: about half a minute per store on two cores
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


def _operations() -> list[str]:
    app = create_app(Settings(), store=MemoryStore(), test_config={"TESTING": True})
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    return sorted(result.ok().label for result in schema.get_all_operations())


OPERATIONS = _operations()


@pytest.fixture(scope="module", params=["memory", "neo4j"])
def api_schema(request):
    """The OpenAPI description of an app over the small corpus, served in-process, per store."""
    from conftest import SMALL

    if request.param == "memory":
        store = MemoryStore()
    else:
        from kg.store.neo4j_store import Neo4jStore

        store = Neo4jStore(*request.getfixturevalue("neo4j_server"))
    build([CuratedLoader(SMALL)], store)
    app = create_app(Settings(cypher_timeout=2.0, cypher_row_cap=500, rate_limit_per_minute=0), store=store,
                     test_config={"TESTING": True})
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    if request.param == "neo4j":
        store.close()


def test_the_spec_describes_every_api_route():
    assert len(OPERATIONS) >= 12 and "POST /api/cypher" in OPERATIONS


@pytest.mark.parametrize("label", OPERATIONS)
def test_api_answers_no_5xx_and_keeps_its_schema(api_schema, label):
    [operation] = [r.ok() for r in api_schema.get_all_operations() if r.ok().label == label]
    strategy = operation.as_strategy()

    @given(data=st.data())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(data: st.DataObject) -> None:
        case = data.draw(strategy)
        case.call_and_validate(checks=CHECKS)

    fuzz()

"""Analyst Cypher on the embedded store, through POST /api/cypher and through `kg cypher`."""

import json
import time

import pytest

from kg.errors import CypherRefused, CypherTimeout, CypherUnsupported, QueryError
from kg.settings import Settings
from kg.store import memory_cypher
from service import create_app

RUNAWAY = "MATCH (a) MATCH (b) MATCH (c) MATCH (d) RETURN a.id, b.id, c.id, d.id"


def test_properties_are_flat_and_labels_are_categories(small_store):
    result = small_store.cypher("MATCH (d:Drug) WHERE d.id = $id RETURN d.name, d.id, d.xrefs", {"id": "CHEBI:6121"})
    node = small_store.get_node("CHEBI:6121")
    assert result.columns == ["d.name", "d.id", "d.xrefs"]
    assert result.rows == [["ketamine", "CHEBI:6121", list(node.xrefs)]]
    assert result.truncated is False and result.elapsed_ms > 0


def test_relationship_types_are_predicates_with_flat_properties(small_store):
    edges = [e for e in small_store.iter_edges("INVESTIGATES")]
    result = small_store.cypher("MATCH (s:Study)-[r:INVESTIGATES]->(d:Drug) "
                                "RETURN s.id AS study, r.route AS route, r.publications AS pubs, type(r) AS t "
                                "ORDER BY study, route")
    expected = sorted([[e.subject, e.properties.get("route"), list(e.provenance.publications), "INVESTIGATES"]
                       for e in edges], key=lambda r: (r[0], r[1] is None, r[1] or ""))
    assert result.rows == expected


def test_whole_nodes_and_relationships_come_back_in_one_shape(small_store):
    row = small_store.cypher("MATCH (d:Drug {id: 'CHEBI:6121'})<-[r:INVESTIGATES]-(s:Study) "
                             "RETURN d, r ORDER BY s.id LIMIT 1").rows[0]
    assert row[0]["labels"] == ["Drug"] and row[0]["properties"]["name"] == "ketamine"
    assert row[1]["type"] == "INVESTIGATES" and row[1]["properties"]["object"] == "CHEBI:6121"


def test_cypher_semantics_kept_where_the_engine_differs(small_store):
    count = small_store.counts().nodes["Study"]
    # aggregation with LIMIT still counts every match; DISTINCT with aliases; count(*)
    rows = small_store.cypher("MATCH (s:Study) RETURN count(*) AS n LIMIT 1").rows
    assert rows == [[count]]
    designs = small_store.cypher("MATCH (s:Study) RETURN DISTINCT s.design AS d ORDER BY d").rows
    assert designs == [[d] for d in sorted({n.properties["design"] for n in small_store.iter_nodes("Study")})]
    # nulls sort last ascending and first descending, among strings
    asc = small_store.cypher("MATCH (n) RETURN n.journal AS j ORDER BY j").rows
    assert asc[-1] == [None] and asc[0][0] is not None
    desc = small_store.cypher("MATCH (n) RETURN n.journal AS j ORDER BY j DESC").rows
    assert desc[0] == [None]
    # aggregation over nothing answers one row; IS NOT NULL; SKIP
    assert small_store.cypher("MATCH (s:Study) WHERE s.id = 'none' RETURN count(s) AS n, collect(s.id) AS ids"
                              ).rows == [[0, []]]
    with_n = small_store.cypher("MATCH (s:Study) WHERE s.n IS NOT NULL RETURN s.id AS id ORDER BY id").rows
    assert with_n == [[n.id] for n in small_store.iter_nodes("Study") if n.properties.get("n") is not None]
    ids = [r[0] for r in small_store.cypher("MATCH (n) RETURN n.id AS id ORDER BY id SKIP 2 LIMIT 3").rows]
    assert ids == sorted(n.id for n in small_store.iter_nodes())[2:5]


def test_procedures(small_store):
    labels = small_store.cypher("CALL db.labels()")
    assert labels.columns == ["label"] and labels.rows == [[c] for c in sorted(small_store.counts().nodes)]
    types = small_store.cypher("CALL db.relationshipTypes()").rows
    assert types == [[p] for p in sorted(small_store.counts().edges)]
    keys = [r[0] for r in small_store.cypher("CALL db.propertyKeys()").rows]
    assert {"id", "name", "year", "publications"} <= set(keys)
    schema = small_store.cypher("CALL db.schema.visualization()")
    assert schema.columns == ["nodes", "relationships"]
    assert {"type": "INVESTIGATES", "properties": {"end": "Drug", "start": "Study"}} in schema.rows[0][1]


@pytest.mark.parametrize(("query", "feature"), [
    ("MATCH (a)-[:SUBCLASS_OF]-(b) RETURN a.id", "undirected relationship patterns"),
    ("MATCH (a) WITH a RETURN a.id", "WITH"),
    ("OPTIONAL MATCH (a) RETURN a.id", "OPTIONAL MATCH"),
    ("UNWIND [1, 2] AS x RETURN x", "UNWIND"),
    ("MATCH (a) RETURN labels(a)", "the function labels()"),
    ("MATCH (a) RETURN count(DISTINCT a.category)", "count(DISTINCT ...)"),
    ("MATCH (a) WHERE a.x = 1 OR a.y = 2 AND a.z = 3 RETURN a.id", "AND mixed with OR"),
    ("MATCH p = (a)-[:ACTS_ON]->(b) RETURN p", "named paths"),
    ("MATCH (a) RETURN *", "RETURN *"),
    ("MATCH (a) CALL { MATCH (b) RETURN b } RETURN a", "CALL subqueries"),
    ("MATCH (a) RETURN a.name, a..x", "cannot parse this query near"),
])
def test_unsupported_features_are_named(small_store, query, feature):
    with pytest.raises(CypherUnsupported, match="embedded store") as err:
        small_store.cypher(query)
    assert feature in str(err.value)


def test_parameters_and_their_errors(small_store):
    q = "MATCH (d:Drug) WHERE d.name IN $names RETURN d.id AS id ORDER BY id"
    assert small_store.cypher(q, {"names": ["ketamine", 'odd " \\ name']}).rows == [["CHEBI:6121"]]
    with pytest.raises(QueryError, match=r"missing parameter \$names"):
        small_store.cypher(q)
    with pytest.raises(QueryError, match=r"parameter \$names must be"):
        small_store.cypher(q, {"names": {"a": 1}})


def test_row_cap_truncates(small_store):
    result = small_store.cypher("MATCH (n) RETURN n.id AS id ORDER BY id", row_cap=3)
    assert result.truncated and len(result.rows) == 3
    assert result.rows == [[i] for i in sorted(n.id for n in small_store.iter_nodes())[:3]]


def test_runaway_query_is_stopped(corpus_store):
    started = time.perf_counter()
    with pytest.raises(CypherTimeout, match="did not finish within 0.5 s"):
        corpus_store.cypher(RUNAWAY, timeout=0.5)
    assert time.perf_counter() - started < 5
    assert corpus_store.cypher("MATCH (d:Drug {id: 'CHEBI:6121'}) RETURN d.name").rows == [["ketamine"]]


def test_thread_fallback_where_processes_cannot_fork(small_store, monkeypatch):
    monkeypatch.setattr(memory_cypher.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert small_store.cypher("MATCH (d:Drug {id: 'CHEBI:6121'}) RETURN d.name").rows == [["ketamine"]]

    def slow(*args):
        time.sleep(1.0)
        return "ok", []

    monkeypatch.setattr(memory_cypher, "_answer", slow)
    with pytest.raises(CypherTimeout):
        small_store.cypher("MATCH (d) RETURN d.id", timeout=0.2)


# -- the HTTP endpoint ------------------------------------------------------------------------
def test_post_cypher(client, small_store):
    body = {"query": "MATCH (s:Study)-[:STUDIES]->(c:Condition {id: $c}) RETURN s.id AS study ORDER BY study",
            "params": {"c": "MONDO:0005146"}}
    answer = client.post("/api/cypher", json=body).get_json()
    expected = sorted(e.subject for e in small_store.iter_edges("STUDIES") if e.object == "MONDO:0005146")
    assert answer["columns"] == ["study"] and answer["rows"] == [[s] for s in expected]
    assert answer["truncated"] is False and isinstance(answer["elapsed_ms"], float)
    csv = client.post("/api/cypher?format=csv", json=body)
    assert csv.mimetype == "text/csv" and csv.get_data(as_text=True).splitlines()[0] == "study"


@pytest.mark.parametrize("query", ["MATCH (n) DETACH DELETE n", "CREATE (n:Drug {id: 'x', name: 'x'})",
                                   "LOAD CSV FROM 'file:///etc/passwd' AS r RETURN r",
                                   "CALL dbms.killQueries(['1'])", "MATCH (n) RETURN n; MATCH (n) DELETE n",
                                   "MATCH (n) SET n.name = 'pwned' RETURN n"])
def test_hostile_cypher_is_refused_and_the_graph_unchanged(client, small_store, tmp_path, query):
    snapshot = tmp_path / "graph.jsonl"
    before = (snapshot.read_bytes(), small_store.counts(), [n.to_dict() for n in small_store.iter_nodes()])
    response = client.post("/api/cypher", json={"query": query})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["status"] == 400 and error["message"].startswith("Cypher refused")
    assert (snapshot.read_bytes(), small_store.counts(), [n.to_dict() for n in small_store.iter_nodes()]) == before


@pytest.mark.parametrize(("body", "message"), [
    ("not json", "send a JSON object"),
    ({"query": ""}, "non-empty string"),
    ({"query": "MATCH (n) RETURN n", "params": [1]}, "params must be a JSON object"),
    ({"query": "MATCH (n) RETURN n", "limit": 3}, "unknown fields"),
    ({"query": "MATCH (n) RETURN n", "row_cap": 0}, "row_cap must be"),
    ({"query": "MATCH (n) RETURN n " + "x" * 20_000}, "longer than"),
    ({"query": "MATCH (a) WITH a RETURN a"}, "not supported on the embedded store: WITH"),
])
def test_bad_requests(client, body, message):
    kwargs = {"data": body, "content_type": "text/plain"} if isinstance(body, str) else {"json": body}
    response = client.post("/api/cypher", **kwargs)
    assert response.status_code == 400 and message in response.get_json()["error"]["message"]


def test_runaway_query_times_out_and_the_service_keeps_answering(corpus_store, tmp_path):
    settings = Settings(snapshot=tmp_path / "g.jsonl", cypher_timeout=0.5)
    client = create_app(settings, store=corpus_store, test_config={"TESTING": True}).test_client()
    response = client.post("/api/cypher", json={"query": RUNAWAY})
    assert response.status_code == 400 and "did not finish within 0.5 s" in response.get_json()["error"]["message"]
    assert client.get("/api/health").get_json()["status"] == "ok"
    again = client.post("/api/cypher", json={"query": "MATCH (d:Drug {id: 'CHEBI:60799'}) RETURN d.name AS n"})
    assert again.get_json()["rows"] == [["esketamine"]]


def test_library_endpoint(client):
    queries = client.get("/api/cypher/library").get_json()["queries"]
    assert len(queries) >= 12 and {"name", "description", "query", "params"} == set(queries[0])


# -- the command line ----------------------------------------------------------------------------
@pytest.fixture
def cli_env(small_store, tmp_path, monkeypatch):
    monkeypatch.setenv("KG_SNAPSHOT", str(tmp_path / "graph.jsonl"))
    monkeypatch.delenv("KG_STORE", raising=False)
    monkeypatch.delenv("KG_CONFIG", raising=False)


def test_cli_prints_a_table(cli_env):
    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, ["cypher", "MATCH (d:Drug) RETURN d.name AS drug ORDER BY drug"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].rstrip() == "drug" and set(lines[1]) == {"-"} and "ketamine" in lines
    as_json = CliRunner().invoke(main, ["cypher", "--format", "json", "-p", "id=\"CHEBI:6121\"",
                                        "MATCH (d:Drug {id: $id}) RETURN d.name AS n"])
    assert json.loads(as_json.stdout)["rows"] == [["ketamine"]]


def test_cli_library_and_refusal(cli_env):
    from click.testing import CliRunner

    from kg.cli import main

    listed = CliRunner().invoke(main, ["cypher", "--list"])
    assert "targets_of_drug_mechanisms" in listed.output
    named = CliRunner().invoke(main, ["cypher", "-n", "targets_of_drug_mechanisms", "--format", "csv"])
    assert named.exit_code == 0 and named.stdout.startswith("mechanism,target,target_id")
    refused = CliRunner().invoke(main, ["cypher", "MATCH (n) DETACH DELETE n"])
    assert refused.exit_code == 1 and "Cypher refused" in refused.output


def test_refusal_type():
    assert issubclass(CypherRefused, QueryError) and issubclass(CypherTimeout, QueryError)

"""The web pages through Flask's test client: what the server renders, headers and static files.

What the scripts do with the API's answers is tested in a real browser by test_web_browser.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.settings import Settings
from service import create_app
from service.web import CSP, example_title

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = """\
// ketamine-kg query library (header text before the first name is ignored).

// name: conditions_by_name_and_pmid
// description: Every condition, alphabetically.
MATCH (c:Condition)
RETURN c.id AS id, c.name AS name
ORDER BY name;

// name: studies_of_one_drug
// description: Studies investigating a drug.
// params: {"drug": "CHEBI:6121"}
MATCH (s:Study)-[:INVESTIGATES]->(d:Drug) WHERE d.id = $drug RETURN s.id AS study ORDER BY study;
"""


def test_query_page_has_labelled_comboboxes_and_every_design(client, schema):
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for name in ("source", "target"):
        assert f'<label for="{name}-input">' in html
        tag = re.search(rf'<input id="{name}-input"[^>]*>', html, re.S)
        assert tag and 'role="combobox"' in tag.group(0) and f'aria-controls="{name}-listbox"' in tag.group(0)
        assert f'id="{name}-listbox" class="listbox" role="listbox"' in html
    assert re.findall(r'name="design" value="([a-z_]+)"', html) == sorted(
        schema.designs, key=lambda d: (schema.designs[d].level, schema.designs[d].label))
    for field in ("year-from", "year-to", "min-n"):
        assert f'<label for="{field}">' in html
    assert 'method="get"' in html  # works as a plain GET form; the URL carries the query


def test_pages_send_a_strict_csp_and_no_inline_script(client):
    for path in ("/", "/entity/MONDO:0005146", "/cypher"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == CSP
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.get_data(as_text=True), re.S)
        assert all("src=" in attrs or 'type="application/json"' in attrs for attrs, _ in scripts)
    assert client.get("/api/health").headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_query_page_loads_its_scripts_and_vendored_cytoscape(client):
    html = client.get("/").get_data(as_text=True)
    scripts = ("common.js", "combobox.js", "results.js", "graph.js", "query.js")
    for name in (*scripts, "vendor/cytoscape.min.js", "app.css"):
        assert f"/static/{name}" in html
    for name in (*scripts, "entity.js", "cypher.js", "app.css"):
        assert client.get(f"/static/{name}").status_code == 200


@pytest.mark.parametrize("curie", ["CHEBI:6121", "DOI:10.1176/appi.ajp.2020.20050596", "not-in-the-graph"])
def test_entity_page_carries_the_curie(client, curie):
    response = client.get(f"/entity/{curie}")
    assert response.status_code == 200
    assert f'data-curie="{curie}"' in response.get_data(as_text=True)


def test_entity_page_escapes_the_curie(client):
    html = client.get('/entity/x"><script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_cypher_page_states_limits_and_lists_examples(small_store, tmp_path):
    library = tmp_path / "queries.cypher"
    library.write_text(LIBRARY, encoding="utf-8")
    app = create_app(Settings(snapshot=tmp_path / "g.jsonl", cypher_row_cap=500, cypher_timeout=2.5),
                     store=small_store, test_config={"TESTING": True, "CYPHER_EXAMPLES": str(library)})
    html = app.test_client().get("/cypher").get_data(as_text=True)
    assert '<strong id="row-cap">500</strong>' in html and '<strong id="timeout">2.5&nbsp;s</strong>' in html
    assert re.findall(r'<span class="example-title">(.*?)</span>', html) == [
        "Conditions by name and PMID", "Studies of one drug"]
    data = json.loads(re.search(r'<script type="application/json" id="examples-data">(.*?)</script>', html, re.S)[1])
    assert data[1]["params"] == {"drug": "CHEBI:6121"} and data[1]["query"].endswith("ORDER BY study")
    assert '<label for="cypher-query"' in html


def test_cypher_page_says_when_the_library_is_missing(small_store, tmp_path):
    app = create_app(Settings(snapshot=tmp_path / "g.jsonl"), store=small_store,
                     test_config={"TESTING": True, "CYPHER_EXAMPLES": str(tmp_path / "absent.cypher")})
    html = app.test_client().get("/cypher").get_data(as_text=True)
    assert 'id="examples-missing"' in html and "was not found" in html
    assert '<strong id="row-cap">10,000</strong>' in html


def test_cypher_page_reports_a_broken_library_without_server_paths(small_store, tmp_path):
    library = tmp_path / "queries.cypher"
    library.write_text("// name: no_description\nMATCH (n) RETURN n.id AS id;\n", encoding="utf-8")
    app = create_app(Settings(snapshot=tmp_path / "g.jsonl"), store=small_store,
                     test_config={"TESTING": True, "CYPHER_EXAMPLES": str(library)})
    html = app.test_client().get("/cypher").get_data(as_text=True)
    assert "The example library has a problem" in html and "no_description" in html
    assert str(tmp_path) not in html


def test_example_titles():
    assert example_title("conditions_by_rct_count") == "Conditions by RCT count"
    assert example_title("studies_without_pubmed_id") == "Studies without PubMed ID"


def test_evidence_rows_carry_what_the_table_shows(client):
    answer = client.get("/api/evidence?source=ketamine&target=PTSD").get_json()
    assert answer["studies"]
    for row in answer["studies"]:
        for key in ("id", "title", "first_author", "journal", "design_label", "evidence_level", "n", "year",
                    "result", "direction", "pmid", "doi", "nct", "adverse_effects", "adverse_effects_text"):
            assert key in row
        assert all(set(a) == {"id", "name", "incidence", "arm"} for a in row["adverse_effects"])
    texts = {r["id"]: r["adverse_effects_text"] for r in answer["studies"]}
    assert texts["PMID:24740528"].startswith("transient dissociative symptoms")


def test_vendored_graph_library_is_mit_licensed():
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/cytoscape"]["license"] == "MIT"
    assert set(lock["packages"][""]["dependencies"]) == {"cytoscape"}
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "/service/static/vendor/" in ignored and "/node_modules/" in ignored

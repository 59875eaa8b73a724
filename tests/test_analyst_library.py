"""Every library query, run on a store of the real curated corpus, against answers computed in Python.

The expected rows are worked out here from the store's own records (``iter_nodes``/``iter_edges``),
following Cypher's meaning (one row per match, DISTINCT, ORDER BY with nulls last ascending), never
from another Cypher engine. ``store`` runs every check on both backends (Neo4j: the session's real
local server, the corpus written once), and the last tests compare the two stores' answers directly.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from kg.errors import ConfigError, NotFound
from kg.model import canonical_json
from kg.query.cypher_guard import check_read_only
from kg.query.library import get_query, load_library

LIBRARY = load_library()
RCT = ("rct", "crossover_rct")


@pytest.fixture
def store(each_corpus_store):
    """The corpus on each backend under test."""
    return each_corpus_store


class Records:
    """The store's records indexed for hand-written answers."""

    def __init__(self, store):
        self.nodes = {n.id: n for n in store.iter_nodes()}
        self.edges = list(store.iter_edges())

    def of(self, predicate):
        return [e for e in self.edges if e.predicate == predicate]

    def cat(self, node_id):
        return self.nodes[node_id].category

    def prop(self, node_id, key):
        node = self.nodes[node_id]
        return {"id": node.id, "name": node.name}.get(key, node.properties.get(key))

    def within(self, ancestor, hops=5):
        """``{descendant: number of SUBCLASS_OF paths of 0..hops edges to ancestor}``."""
        paths = Counter({ancestor: 1})
        frontier = Counter({ancestor: 1})
        for _ in range(hops):
            step = Counter()
            for e in self.of("SUBCLASS_OF"):
                if e.object in frontier:
                    step[e.subject] += frontier[e.object]
            paths.update(step)
            frontier = step
        return paths


def cypher_order(rows, *keys):
    """Sort like ORDER BY: keys are (column, descending); nulls last ascending, first descending."""
    rows = list(rows)
    for column, descending in reversed(keys):
        rows.sort(key=lambda r, c=column: (r[c] is None, r[c] if r[c] is not None else 0), reverse=descending)
    return [list(r) for r in rows]


def asc(*columns):
    return [(c, False) for c in columns]


def rcts_linking_mechanism_to_condition(g, p):
    drugs = {e.subject for e in g.of("HAS_MECHANISM") if e.object == p["mechanism"] and g.cat(e.subject) == "Drug"}
    conditions = g.within(p["condition"])
    rows = set()
    for inv in g.of("INVESTIGATES"):
        s = inv.subject
        if inv.object not in drugs or g.prop(s, "design") not in RCT:
            continue
        for st in g.of("STUDIES"):
            if st.subject == s and st.object in conditions:
                rows.add((s, g.prop(s, "year"), g.prop(s, "n"), g.prop(inv.object, "name"), g.prop(st.object, "name")))
    return cypher_order(rows, (1, True), *asc(0, 3, 4))


def adverse_effects_by_drug(g, p):
    studies = {e.subject for e in g.of("INVESTIGATES") if e.object == p["drug"]}
    rows = {(g.prop(e.object, "name"), e.subject, g.prop(e.subject, "year"), e.properties.get("incidence"),
             e.properties.get("arm")) for e in g.of("REPORTS_ADVERSE_EFFECT") if e.subject in studies}
    return cypher_order(rows, *asc(0, 1, 3, 4))


def conditions_by_rct_count(g, p):
    counts = Counter(e.object for e in g.of("STUDIES") if g.prop(e.subject, "design") in RCT)
    rows = [(g.prop(c, "name"), c, n) for c, n in counts.items()]
    return cypher_order(rows, (2, True), *asc(0, 1))


def targets_of_drug_mechanisms(g, p):
    mechanisms = {e.object for e in g.of("HAS_MECHANISM") if e.subject == p["drug"]}
    rows = {(g.prop(e.subject, "name"), g.prop(e.object, "name"), e.object)
            for e in g.of("ACTS_ON") if e.subject in mechanisms}
    return cypher_order(rows, *asc(0, 1, 2))


def comorbid_conditions_with_evidence(g, p):
    rows = []
    for co in g.of("COMORBID_WITH"):
        within = g.within(co.object)
        count = sum(within[e.object] for e in g.of("STUDIES") if e.object in within)
        if count:
            rows.append((g.prop(co.subject, "name"), g.prop(co.object, "name"), count))
    return cypher_order(rows, *asc(0, 1))


def studies_by_design(g, p):
    groups = defaultdict(list)
    for node in g.nodes.values():
        if node.category == "Study":
            groups[node.properties.get("design")].append(node.properties)
    rows = []
    for design, props in groups.items():
        years = [x["year"] for x in props if x.get("year") is not None]
        rows.append((design, len(props), sum(x["n"] for x in props if x.get("n") is not None),
                     min(years, default=None), max(years, default=None)))
    return cypher_order(rows, *asc(0))


def regulatory_approvals(g, p):
    rows = [(g.prop(e.subject, "name"), g.prop(e.object, "name"), e.properties.get("agency"),
             e.properties.get("jurisdiction"), e.properties.get("date")) for e in g.of("APPROVED_FOR")]
    return cypher_order(rows, *asc(4, 0, 1, 2, 3))


def outcome_directions_by_condition(g, p):
    counts = Counter((g.prop(e.object, "name"), e.properties.get("direction")) for e in g.of("REPORTS_OUTCOME"))
    return cypher_order([(c, d, n) for (c, d), n in counts.items()], *asc(0, 1))


def drugs_studied_for_condition(g, p):
    within = g.within(p["condition"])
    studied = defaultdict(set)
    for e in g.of("STUDIES"):
        if e.object in within:
            studied[e.subject].add(e.object)
    rows = {(g.prop(inv.object, "name"), inv.subject, g.prop(c, "name"))
            for inv in g.of("INVESTIGATES") if inv.properties.get("role") == "intervention"
            for c in studied.get(inv.subject, ())}
    return cypher_order(rows, *asc(0, 1, 2))


def large_randomised_trials(g, p):
    rows = set()
    for e in g.of("INVESTIGATES"):
        n, design = g.prop(e.subject, "n"), g.prop(e.subject, "design")
        if g.cat(e.object) == "Drug" and n is not None and n >= p["min_n"] and design in RCT:
            rows.add((e.subject, n, g.prop(e.subject, "year"), g.prop(e.object, "name")))
    return cypher_order(rows, (1, True), *asc(0, 3))


def mechanism_cascade(g, p):
    downstream = defaultdict(set)
    for e in g.of("LEADS_TO"):
        downstream[e.subject].add(e.object)
    rows = set()
    for start in downstream:
        frontier, seen = {start}, set()
        for _ in range(4):
            frontier = {n for f in frontier for n in downstream.get(f, ())} - {start}
            seen |= frontier
        rows |= {(g.prop(start, "name"), g.prop(b, "name")) for b in seen}
    return cypher_order(rows, *asc(0, 1))


def mechanisms_implicated_in_condition(g, p):
    within = g.within(p["condition"])
    rows = {(g.prop(e.subject, "name"), g.prop(e.object, "name")) for e in g.of("IMPLICATED_IN") if e.object in within}
    return cypher_order(rows, *asc(0, 1))


def enantiomers_and_metabolites(g, p):
    rows = [(g.prop(e.subject, "name"), e.predicate, g.prop(e.object, "name"))
            for e in g.edges if e.predicate in ("ENANTIOMER_OF", "METABOLITE_OF")]
    return cypher_order(rows, *asc(0, 1, 2))


def recent_outcomes_for_condition(g, p):
    rows = []
    for e in g.of("REPORTS_OUTCOME"):
        year = g.prop(e.subject, "year")
        if e.object == p["condition"] and year is not None and year >= p["since"]:
            rows.append((e.subject, year, g.prop(e.subject, "design"), e.properties.get("measure"),
                         e.properties.get("direction"), e.properties.get("result")))
    return cypher_order(rows, (1, True), *asc(0, 3, 5))


def adverse_effects_by_study_count(g, p):
    counts = Counter(e.object for e in g.of("REPORTS_ADVERSE_EFFECT"))
    return cypher_order([(g.prop(a, "name"), a, n) for a, n in counts.items()], (2, True), *asc(0, 1))


def studies_without_pubmed_id(g, p):
    rows = [(n.id, n.properties.get("doi"), n.properties.get("nct"), n.properties.get("design"))
            for n in g.nodes.values() if n.category == "Study" and n.properties.get("pmid") is None]
    return cypher_order(rows, *asc(0))


def products_and_active_ingredients(g, p):
    rows = [(g.prop(e.subject, "name"), g.prop(e.object, "name"), g.prop(e.subject, "manufacturer"))
            for e in g.of("HAS_ACTIVE_INGREDIENT") if g.cat(e.subject) == "Product" and g.cat(e.object) == "Drug"]
    return cypher_order(rows, *asc(0, 1))


EXPECTED = {f.__name__: f for f in (
    rcts_linking_mechanism_to_condition, adverse_effects_by_drug, conditions_by_rct_count,
    targets_of_drug_mechanisms, comorbid_conditions_with_evidence, studies_by_design, regulatory_approvals,
    outcome_directions_by_condition, drugs_studied_for_condition, large_randomised_trials, mechanism_cascade,
    mechanisms_implicated_in_condition, enantiomers_and_metabolites, recent_outcomes_for_condition,
    adverse_effects_by_study_count, studies_without_pubmed_id, products_and_active_ingredients)}


def test_library_has_at_least_twelve_documented_queries():
    assert len(LIBRARY) >= 12
    assert {q.name for q in LIBRARY} == set(EXPECTED)
    assert all(q.description and q.query.lstrip().upper().startswith("MATCH") for q in LIBRARY)


@pytest.mark.parametrize("query", LIBRARY, ids=[q.name for q in LIBRARY])
def test_library_query_answers(store, query):
    expected = EXPECTED[query.name](Records(store), query.params)
    assert expected, f"{query.name}: the corpus should give this query a non-empty answer"
    result = store.cypher(query.query, query.params)
    assert not result.truncated
    assert result.rows == expected


def test_non_trivial_answers(store):
    """A few answers a reader can check by hand against data/curated."""
    by_name = {q.name: q for q in LIBRARY}
    cascade = store.cypher(by_name["mechanism_cascade"].query).rows
    assert ["BDNF release/synthesis and TrkB signalling", "mTORC1 activation and synaptogenesis"] in cascade
    family = store.cypher(by_name["enantiomers_and_metabolites"].query).rows
    assert ["esketamine", "ENANTIOMER_OF", "ketamine"] in family
    q = by_name["rcts_linking_mechanism_to_condition"]
    rows = store.cypher(q.query, q.params).rows
    assert {"ketamine", "esketamine"} <= {r[3] for r in rows}  # both act through NMDA receptor antagonism
    assert all(r[4] != "depressive disorder" for r in rows)  # found through subclasses only


def test_library_parameters_change_the_answer(store):
    q = get_query("large_randomised_trials")
    everything = store.cypher(q.query, {"min_n": 0}).rows
    large = store.cypher(q.query, {"min_n": 300}).rows
    assert large and len(large) < len(everything)
    assert all(row[1] >= 300 for row in large)


def test_loader_reports_bad_entries(tmp_path: Path):
    bad = tmp_path / "q.cypher"
    bad.write_text("// name: writes\n// description: d\nMATCH (n) DETACH DELETE n\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"q.cypher:1: query writes: Cypher refused"):
        load_library(bad)
    bad.write_text("// name: p\n// description: d\nMATCH (n) WHERE n.id = $id RETURN n\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"without example values: \['id'\]"):
        load_library(bad)
    bad.write_text("// name: a\n// description: d\nMATCH (n) RETURN n\n// name: a\n// description: d\n"
                   "MATCH (m) RETURN m\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="used twice"):
        load_library(bad)
    with pytest.raises(NotFound, match="no library query named 'nope'"):
        get_query("nope")


# -- the two stores side by side ----------------------------------------------------------------
def ordered(query: str) -> bool:
    """Whether the query's answer has an order (an ORDER BY outside brackets)."""
    tokens = check_read_only(query).tokens
    depth = 0
    for token, nxt in zip(tokens, tokens[1:], strict=False):
        depth += (token.text in "([{") - (token.text in ")]}") if token.kind == "punct" else 0
        if depth == 0 and token.upper == "ORDER" and nxt.upper == "BY":
            return True
    return False


def assert_same_answer(query, params, memory, neo4j):
    """Same columns and rows; in the same order where the query orders, as multisets where it does not."""
    a, b = memory.cypher(query, params), neo4j.cypher(query, params)
    assert (b.columns, b.truncated) == (a.columns, a.truncated), query
    if ordered(query):
        assert b.rows == a.rows, query
    else:
        assert Counter(map(canonical_json, b.rows)) == Counter(map(canonical_json, a.rows)), query
    return a.rows


def test_every_library_query_orders_its_answer():
    assert [q.name for q in LIBRARY if not ordered(q.query)] == []


@pytest.mark.parametrize("query", LIBRARY, ids=[q.name for q in LIBRARY])
def test_library_answers_identically_on_both_stores(corpus_store, neo4j_corpus_store, query):
    assert assert_same_answer(query.query, query.params, corpus_store, neo4j_corpus_store)


PROJECTION_QUERIES = [  # whole records, every property kind, nulls in ORDER BY, aggregates, procedures
    "MATCH (d:Drug) RETURN d ORDER BY d.id",
    "MATCH (s:Study)-[r:REPORTS_OUTCOME]->(c:Condition) RETURN r ORDER BY r.id",
    "MATCH (s:Study)-[r:INVESTIGATES]->(d:Drug) RETURN s.id AS s, r.dose AS dose, r.route AS route "
    "ORDER BY dose, s, route",
    "MATCH (s:Study) RETURN s.n AS n, s.id AS id ORDER BY n DESC, id",
    "MATCH (s:Study) RETURN DISTINCT s.journal AS journal ORDER BY journal",
    "MATCH (n) WHERE n.id STARTS WITH 'CHEBI:' RETURN n.id AS id, n.synonyms AS s, n.xrefs AS x, n.source AS src",
    "MATCH (s:Study)-[r]->(c:Condition) RETURN type(r) AS t, count(s) AS n, count(s.pmid) AS pmids, "
    "min(s.n) AS lo, max(s.n) AS hi, sum(s.n) AS total, min(s.pmid) AS first ORDER BY t",
    "MATCH (s:Study) RETURN s.design AS design, collect(s.nct) AS ncts, count(s.doi) AS dois, max(s.doi) AS doi "
    "ORDER BY design",
    "MATCH (d:Drug) RETURN count(d.year) AS n, sum(d.year) AS total, min(d.year) AS lo, max(d.year) AS hi, "
    "avg(d.year) AS mean",
    "MATCH (s:Study) WHERE s.id = 'none' RETURN count(s) AS n, collect(s.id) AS ids, max(s.year) AS y",
    "MATCH (a)-[r:APPROVED_FOR]->(c) RETURN r.id AS id, r.publications AS pubs, r.evidence_type AS eco, "
    "r.off_label AS off ORDER BY id",
    "MATCH (s:Study) WHERE s.design IN ['rct'] AND s.year >= 2020 RETURN s.id AS id ORDER BY id SKIP 1 LIMIT 3",
    "MATCH (s:Study) WHERE s.pmid IS NOT NULL RETURN count(*) AS n",
    "CALL db.labels()", "CALL db.relationshipTypes()", "CALL db.propertyKeys()", "CALL db.schema.visualization()",
]


@pytest.mark.parametrize("query", PROJECTION_QUERIES)
def test_records_and_procedures_look_the_same_on_both_stores(corpus_store, neo4j_corpus_store, query):
    assert assert_same_answer(query, {}, corpus_store, neo4j_corpus_store)


def test_averages_agree_but_for_rounding(corpus_store, neo4j_corpus_store):
    """avg() ignores nulls on both stores; Neo4j averages incrementally, so the last digits may differ."""
    query = "MATCH (s:Study) RETURN s.design AS design, avg(s.n) AS mean, avg(s.year) AS year ORDER BY design"
    memory, neo4j = corpus_store.cypher(query).rows, neo4j_corpus_store.cypher(query).rows
    assert [r[0] for r in neo4j] == [r[0] for r in memory]
    for a, b in zip(memory, neo4j, strict=True):
        for x, y in zip(a[1:], b[1:], strict=True):
            assert (x is None and y is None) or x == pytest.approx(y, rel=1e-12)
    studies = [n.properties for n in corpus_store.iter_nodes("Study")]
    sizes = [p["n"] for p in studies if p.get("n") is not None]
    assert corpus_store.cypher("MATCH (s:Study) RETURN avg(s.n) AS a").rows == [[sum(sizes) / len(sizes)]]

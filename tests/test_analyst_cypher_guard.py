"""The read-only Cypher guard: tokenised, so literals and comments never fool it either way."""

import re

import pytest

from kg.errors import CypherRefused
from kg.query.cypher_guard import check_read_only, tokenize

ALLOWED = [
    "MATCH (n:Drug) RETURN n.name",
    "MATCH (n) RETURN n.name // CREATE (m) in a comment",
    "MATCH (n) /* DETACH DELETE n */ RETURN n.id",
    "MATCH (n) WHERE n.name = 'CREATE (x); DROP INDEX i' RETURN n",
    'MATCH (n) WHERE n.name = "a\\" SET n.x = 1 //" RETURN n',
    "MATCH (`create`:Drug) RETURN `create`.name",
    "MATCH (n) WHERE n.note CONTAINS 'LOAD CSV' RETURN n.id;",
    "CALL db.labels()",
    "CALL db.relationshipTypes()",
    "call DB.propertyKeys() YIELD propertyKey RETURN propertyKey",
    "CALL db.schema.visualization()",
    "MATCH (n) WHERE n.name STARTS WITH 'é' RETURN n // ünïcode in comments and strings is fine",
    "MATCH (a)-[*1..3]->(b) RETURN 1.5e-3, 0x1F, date.truncate('day', date())",
    "MATCH (s:Study) WHERE EXISTS { MATCH (s)-[:REPORTS_ADVERSE_EFFECT]->(a) } RETURN count(s)",
]

REFUSED = [
    ("CREATE (n:Drug {id: 'x'})", "writes are not allowed"),
    ("MATCH (n) DETACH DELETE n", "writes are not allowed"),
    ("match (n) set n.name = 'x'", "writes are not allowed"),
    ("MATCH (n) REMOVE n.name", "writes are not allowed"),
    ("MERGE (n:Drug {id: 'x'})", "writes are not allowed"),
    ("DROP INDEX drug_id", "writes are not allowed"),
    ("FOREACH (x IN [1] | CREATE (n))", "writes are not allowed"),
    ("INSERT (n:Drug)", "writes are not allowed"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row", "LOAD CSV is not allowed"),
    ("USING PERIODIC COMMIT LOAD CSV FROM 'x' AS r RETURN r", "PERIODIC COMMIT"),
    ("CALL { MATCH (n) RETURN n } IN TRANSACTIONS", "IN TRANSACTIONS"),
    ("MATCH (n) RETURN n; MATCH (m) DETACH DELETE m", "one statement"),
    ("MATCH (n) RETURN n; RETURN 1", "one statement"),
    ("RETURN 1;;", "one statement"),
    ("CALL dbms.security.listUsers()", "CALL dbms.security.listUsers is not allowed"),
    ("CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DELETE n', {})", "not allowed"),
    ("CALL `apoc.load.json`('http://example.org')", "CALL apoc.load.json is not allowed"),
    ("RETURN apoc.cypher.runFirstColumn('MATCH (n) RETURN n', {})", "function apoc.cypher.runFirstColumn"),
    ("SHOW USERS", "administration"),
    ("USE system SHOW DATABASES", "administration"),
    ("GRANT ROLE admin TO bob", "administration"),
    ("MATCH (n) RETURN 1CREATE (m)", "writes are not allowed"),  # a number glued to a keyword
    ("RETURN 1e+CREATE (m)", "writes are not allowed"),
    ("ＣＲＥＡＴＥ (n)", "only allowed inside strings"),  # full-width letters
    ("MATCH (ｎ) RETURN 1", "only allowed inside strings"),
    ("CRE\u200bATE (n)", "ZERO WIDTH SPACE"),
    ("MATCH (n)\u00a0CREATE (m)", "NO-BREAK SPACE"),
    ("MATCH (n) // comment\u2028CREATE (m)", "LINE SEPARATOR"),  # some lexers end comments there
    ("MATCH (n) RETURN n\u202e", "RIGHT-TO-LEFT OVERRIDE"),
    ("MATCH (n) RETURN 'x\x00'", "U+0000"),
    ("MATCH (n) WHERE n.name = 'unterminated RETURN n", "unterminated string"),
    ("MATCH (n) /* unterminated", "unterminated /* comment"),
    ("MATCH (`n) RETURN 1", "unterminated `backticked`"),
    ("", "empty"),
    ("   // nothing but a comment", "empty"),
]


@pytest.mark.parametrize("query", ALLOWED)
def test_read_queries_pass(query):
    guarded = check_read_only(query)
    assert guarded.text == query.rstrip().removesuffix(";").rstrip()


@pytest.mark.parametrize(("query", "reason"), REFUSED)
def test_hostile_queries_are_refused(query, reason):
    with pytest.raises(CypherRefused, match=re.escape(reason)):
        check_read_only(query)


def test_keyword_used_as_a_name_gets_a_hint():
    with pytest.raises(CypherRefused, match="to use it as a name write `set`"):
        check_read_only("MATCH (set:Drug) RETURN set.name")


def test_tokens_keep_literals_whole():
    tokens = tokenize("MATCH (n {name: 'a // b', id: $id}) RETURN `odd``name` // tail")
    kinds = [(t.kind, t.value or t.text) for t in tokens]
    assert ("string", "a // b") in kinds
    assert ("param", "id") in kinds
    assert ("name", "odd`name") in kinds
    assert tokens[-1].text == "`odd``name`"

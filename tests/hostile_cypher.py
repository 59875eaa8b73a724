"""Hostile analyst Cypher, as data: ``(name, query, outcome)``.

``outcome`` is ``"refused"`` (the service must answer 400 before running anything) or
``"bounded"`` (read-only but expensive: it must be refused, stopped at the time limit, or cut at
the row cap). Unicode tricks are written as escapes so the file shows what each query hides.
Used by ``test_reliability_cypher``, against both stores, through ``POST /api/cypher``.
"""

from __future__ import annotations

__all__ = ["HOSTILE_CYPHER", "REFUSED", "BOUNDED"]

REFUSED = "refused"
BOUNDED = "bounded"

_WRITES = [
    ("create", "CREATE (n:Drug {id: 'CHEBI:1', name: 'evil'}) RETURN n"),
    ("create-lowercase", "create (n:Evil) return n"),
    ("create-mixed-case", "CrEaTe (n:Evil)"),
    ("merge", "MERGE (n:Drug {id: 'CHEBI:6121'}) RETURN n"),
    ("set", "MATCH (n:Drug) SET n.name = 'pwned' RETURN n"),
    ("set-label", "MATCH (n:Drug) SET n:Evil RETURN n"),
    ("delete", "MATCH (n) DELETE n"),
    ("detach-delete", "MATCH (n) DETACH DELETE n"),
    ("remove-property", "MATCH (n:Drug) REMOVE n.name RETURN n"),
    ("remove-label", "MATCH (n:Drug) REMOVE n:Drug RETURN n"),
    ("foreach-create", "MATCH (n) WITH n LIMIT 1 FOREACH (x IN [1] | CREATE (:Evil))"),
    ("subquery-write", "CALL { CREATE (e:Evil) RETURN e } RETURN e"),
    ("in-transactions", "MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10 ROWS"),
    ("explain-write", "EXPLAIN CREATE (:Evil)"),
    ("profile-delete", "PROFILE MATCH (n) DETACH DELETE n"),
    ("create-index", "CREATE INDEX evil FOR (n:Drug) ON (n.name)"),
    ("drop-constraint", "DROP CONSTRAINT kg_node_drug_id"),
]

_FILES_AND_PROCEDURES = [
    ("load-csv-file", "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row"),
    ("load-csv-http", "LOAD CSV WITH HEADERS FROM 'http://127.0.0.1:9/x.csv' AS row RETURN row"),
    ("periodic-commit", "USING PERIODIC COMMIT LOAD CSV FROM 'https://127.0.0.1:9/x' AS r CREATE (:X {v: r[0]})"),
    ("dbms-create-user", "CALL dbms.security.createUser('evil', 'evil-password', false)"),
    ("dbms-kill-queries", "CALL dbms.killQueries(['query-1'])"),
    ("dbms-set-config", "CALL dbms.setConfigValue('db.logs.query.enabled', 'OFF')"),
    ("dbms-list-config", "CALL dbms.listConfig() YIELD name, value RETURN name, value"),
    ("db-create-label", "CALL db.createLabel('Evil')"),
    ("db-create-property", "CALL db.createProperty('evil')"),
    ("db-create-reltype", "CALL db.createRelationshipType('EVIL')"),
    ("db-fulltext-create", "CALL db.index.fulltext.createNodeIndex('evil', ['Drug'], ['name'])"),
    ("apoc-run-write", "CALL apoc.cypher.runWrite('CREATE (:Evil)', {})"),
    ("apoc-function", "RETURN apoc.cypher.runFirstColumnSingle('MATCH (n) DETACH DELETE n', {}) AS x"),
    ("apoc-load-json", "CALL apoc.load.json('file:///etc/passwd') YIELD value RETURN value"),
    ("backticked-procedure", "CALL `dbms`.`security`.`createUser`('evil', 'evil-password', false)"),
    ("backticked-apoc-function", "RETURN `apoc`.`cypher`.`runFirstColumnSingle`('CREATE (:E)', {}) AS x"),
    ("union-procedure", "MATCH (n) RETURN n.id AS x UNION CALL dbms.procedures() YIELD name RETURN name AS x"),
    ("show-users", "SHOW USERS"),
    ("use-system", "USE system SHOW DATABASES"),
    ("alter-user", "ALTER CURRENT USER SET PASSWORD FROM 'a' TO 'b'"),
    ("grant", "GRANT ROLE admin TO evil"),
    ("stop-database", "STOP DATABASE neo4j"),
    ("terminate", "TERMINATE TRANSACTIONS 'neo4j-transaction-1'"),
]

_STATEMENTS_AND_TRICKS = [
    ("two-statements", "MATCH (n) RETURN count(n); CREATE (:Evil)"),
    ("two-reads", "MATCH (n) RETURN count(n); MATCH (m) RETURN count(m)"),
    ("statement-after-string", "RETURN 'a;b\\'c' AS x; MATCH (n) DETACH DELETE n"),
    ("block-comment-split", "MATCH (n) /* harmless */ DETACH /* really */ DELETE n"),
    ("line-comment-newline", "MATCH (n) RETURN n // only a comment\nCREATE (:Evil)"),
    ("line-comment-cr", "MATCH (n) RETURN n // only a comment\rCREATE (:Evil)"),
    ("line-separator-in-comment", "MATCH (n) RETURN n // comment\u2028CREATE (:Evil)"),
    ("unterminated-comment", "MATCH (n) RETURN n /* CREATE (:Evil)"),
    ("unterminated-string", "MATCH (n) RETURN 'CREATE (:Evil)"),
    ("zero-width-space", "CRE\u200bATE (:Evil)"),
    ("zero-width-joiner", "MATCH (n) DE\u200dLETE n"),
    ("cyrillic-homoglyph", "\u0421REATE (:Evil)"),
    ("greek-homoglyph", "MATCH (n) D\u0395TACH DELETE n"),
    ("fullwidth-letters", "\uff23\uff32\uff25\uff21\uff34\uff25 (:Evil)"),
    ("bidi-override", "MATCH (n) RETURN n \u202e;n ETELED HCATED"),
    ("nbsp", "MATCH\u00a0(n)\u00a0DETACH\u00a0DELETE\u00a0n"),
    ("nul-byte", "MATCH (n) RETURN n\x00; CREATE (:Evil)"),
    ("soft-hyphen", "MATCH (n) SE\u00adT n.name = 'x'"),
    ("backticked-keyword-clause", "MATCH (n) `DETACH` DELETE n"),
    ("too-long", "MATCH (n) RETURN n" + " " * 20_001),
    ("empty", "   // nothing but a comment"),
]

_EXPENSIVE = [
    ("unbounded-var-length", "MATCH p = (a)-[*]-(b) RETURN p"),
    ("long-var-length", "MATCH p = (a)-[*1..40]-(b) RETURN count(p) AS n"),
    ("cartesian-5", "MATCH (a), (b), (c), (d), (e) RETURN count(*) AS n"),
    ("cartesian-7", "MATCH (a), (b), (c), (d), (e), (f), (g) WHERE a.name + b.name + c.name <> g.name "
                    "RETURN count(*) AS n"),
    ("range-in-reduce", "RETURN reduce(n = 0, x IN range(1, 9000) | n + size([y IN range(1, 9000) | y])) AS n"),
    ("range-parameter", "UNWIND range(1, $n) AS x RETURN x"),
    ("cartesian-rows", "MATCH (a), (b), (c) RETURN a.id, b.id, c.id"),
    ("unwind-huge", "UNWIND range(1, 100000000) AS x RETURN x"),
    ("unwind-product", "UNWIND range(1, 20000) AS a UNWIND range(1, 20000) AS b RETURN count(*) AS n"),
    ("reduce-huge-string", "RETURN size(reduce(s = '', x IN range(1, 50000000) | s + 'xxxxxxxx')) AS n"),
    ("deep-list-nesting", "RETURN " + "[" * 3000 + "1" + "]" * 3000 + " AS x"),
    ("deep-parentheses", "RETURN " + "(" * 3000 + "1" + ")" * 3000 + " AS x"),
    ("deep-map-nesting", "RETURN " + "{a: " * 2000 + "1" + "}" * 2000 + " AS x"),
    ("var-length-pairs", "MATCH (a)-[*1..12]->(b) RETURN a.id, b.id"),
    ("var-length-count", "MATCH (a)-[*0..15]->(b)<-[*0..15]-(c) RETURN count(*) AS n"),
    ("match-product", "MATCH (a) MATCH (b) MATCH (c) MATCH (d) MATCH (e) RETURN a.id, b.id, c.id, d.id, e.id"),
    ("match-product-where", "MATCH (a) MATCH (b) MATCH (c) MATCH (d) WHERE a.id <> b.id AND c.id <> d.id "
                            "RETURN a.name, b.name, c.name, d.name ORDER BY a.name"),
    ("many-subqueries", "MATCH (n) " + " ".join(f"CALL {{ WITH n MATCH (n)--(m{i}) RETURN count(m{i}) AS c{i} }}"
                                                  for i in range(60)) + " RETURN count(*) AS n"),
]

HOSTILE_CYPHER: list[tuple[str, str, str]] = [
    *((name, query, REFUSED) for name, query in (*_WRITES, *_FILES_AND_PROCEDURES, *_STATEMENTS_AND_TRICKS)),
    *((name, query, BOUNDED) for name, query in _EXPENSIVE),
]

"""The Cypher text of :class:`~kg.store.neo4j_store.Neo4jStore`'s reads, kept apart from its logic.

Fragments hold only fixed text: labels and types in them are the schema's, and every value
is a ``$parameter``. Nodes come back as ``NODE`` map projections and relationships as ``REL``
maps, which :mod:`kg.store.neo4j_records` turns into records.
"""

from __future__ import annotations

from kg.query.chains import MAX_UPSTREAM_HOPS

__all__ = ["NODE", "REL", "RELS", "DISTINCT_NODES", "EVIDENCE"]

NODE = "n {.id, .category, .name, .synonyms, .xrefs, .source, ._kg_properties}"
REL = "{type: type(r), fields: properties(r)}"  # see kg.store.neo4j_records.edge_from
RELS = f"[r IN rels | {REL}]"
DISTINCT_NODES = "all(i IN range(0, size(ns) - 2) WHERE NOT ns[i] IN ns[i + 1..])"

# Evidence chain shapes of kg.query.chains, which documents them; `pn` is the prefix's ids.
_DRUG_TAIL = """
CALL (d) {
  MATCH (d)-[a:APPROVED_FOR]->(c:Entity) WHERE c.id IN $conditions
  RETURN [c.id] AS dn, [a] AS dr
  UNION ALL
  MATCH (s:Entity)-[i:INVESTIGATES]->(d)
  MATCH (s)-[st:STUDIES]->(c:Entity) WHERE c.id IN $conditions
  RETURN [s.id, c.id] AS dn, [i, st] AS dr
}"""
_MECHANISM_TAIL = f"""
CALL (up, pn) {{
  MATCH (up)-[imp:IMPLICATED_IN]->(c:Entity) WHERE c.id IN $conditions
  RETURN [c.id] AS mn, [imp] AS mr
  UNION ALL
  MATCH (d:Entity)-[hm:HAS_MECHANISM]->(up) WHERE NOT d.id IN pn
  {_DRUG_TAIL}
  RETURN [d.id] + dn AS mn, [hm] + dr AS mr
}}"""
_UPSTREAM = (f"MATCH p = (up:Entity)-[:LEADS_TO*0..{int(MAX_UPSTREAM_HOPS)}]->(m) "
             "WITH *, nodes(p) AS ns, relationships(p) AS ps")
EVIDENCE = {
    "drug": f"MATCH (d:Entity {{id: $start}}) {_DRUG_TAIL} WITH [d.id] + dn AS ids, dr AS rels",
    "Mechanism": f"""
MATCH (m:Entity {{id: $start}})
{_UPSTREAM} WHERE {DISTINCT_NODES}
WITH up, [x IN reverse(ns) | x.id] AS pn, reverse(ps) AS pr
{_MECHANISM_TAIL}
WITH pn + mn AS ids, pr + mr AS rels""",
    "Target": f"""
MATCH (t:Entity {{id: $start}})
CALL (t) {{
  MATCH (t)<-[act:ACTS_ON]-(m:Entity)
  {_UPSTREAM} WHERE {DISTINCT_NODES} AND NOT t IN ns[..-1]
  WITH up, [t.id] + [x IN reverse(ns) | x.id] AS pn, [act] + reverse(ps) AS pr
  {_MECHANISM_TAIL}
  RETURN pn + mn AS ids, pr + mr AS rels
  UNION ALL
  MATCH (t)<-[b:BINDS]-(d:Entity)
  {_DRUG_TAIL}
  RETURN [t.id, d.id] + dn AS ids, [b] + dr AS rels
}}
WITH ids, rels""",
}

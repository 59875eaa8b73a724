"""The Neo4j store: the :class:`~kg.store.base.GraphStore` protocol answered in Cypher.

Every node carries the common label ``Entity`` and its category label; every relationship has
its predicate as type. Labels and types are checked against the ontology schema before they
enter a query string; every value is a parameter. Writes are batched ``UNWIND $rows MERGE``
per label and type, in managed write transactions that the driver retries. Record properties
round-trip exactly through JSON kept beside the plain properties that analysts' Cypher sees
(see :mod:`kg.store.neo4j_records`).
Needs Neo4j 5.23 or newer (``CALL (x) { ... }`` subqueries).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from neo4j import READ_ACCESS, Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import AuthError, ConfigurationError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from kg.errors import ConfigError, KGError, SchemaError, StoreUnavailable
from kg.model import Edge, Node
from kg.query.chains import DRUG_CATEGORIES, chain_sort_key, edge_sort_key
from kg.settings import Settings
from kg.store import neo4j_cypher
from kg.store import neo4j_queries as queries
from kg.store import neo4j_records as records
from kg.store.base import Chain, CypherResult, GraphCounts, SearchHit, Subgraph, WriteSummary
from kg.store.generation import GenerationCache
from kg.store.memory_search import SearchIndex
from ontology import Schema, load_schema

__all__ = ["Neo4jStore", "COMMON_LABEL"]

COMMON_LABEL = records.COMMON_LABEL
FULLTEXT_INDEX = "kg_entity_names"
#: one ``UNWIND $rows`` statement of a write: its Cypher, its records, and how a record becomes a row
_Statement = tuple[str, list[Any], Callable[[Any], dict[str, Any]]]
_LABEL = re.compile(r"[A-Z][A-Za-z0-9]*")
_TYPE = re.compile(r"[A-Z][A-Z0-9_]*")


class Neo4jStore:
    """A :class:`~kg.store.base.GraphStore` on a Neo4j 5 server, through the official driver.

    Raises :class:`~kg.errors.StoreUnavailable` when the server cannot be reached or refuses
    the credentials, and :class:`~kg.errors.ConfigError` for a malformed URI.
    """

    backend = "neo4j"

    def __init__(self, uri: str, user: str = "neo4j", password: str | None = None,
                 database: str = "neo4j", *, schema: Schema | None = None, batch_size: int = 5000,
                 writers: int = 2) -> None:
        self.uri, self.user, self.database = uri, user, database
        self.schema = schema or load_schema()
        self.batch_size = batch_size
        self.writers = max(1, writers)
        self._has_password = bool(password)
        self._search_index: GenerationCache[SearchIndex] = GenerationCache(self._read_search_index)
        self._auth = (user, password or "")
        with self._translated():
            self.driver: Driver = self._driver()
        try:
            with self._translated():
                self.driver.verify_connectivity()
        except BaseException:
            self.driver.close()
            raise

    @classmethod
    def from_settings(cls, settings: Settings) -> Neo4jStore:
        """The server at ``settings.neo4j_uri``, or the local launcher's (started if need be)."""
        if settings.neo4j_uri:
            return cls(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password, settings.neo4j_database)
        from kg import neo4j_local

        password = settings.neo4j_password or neo4j_local.DEFAULT_PASSWORD
        try:
            local = neo4j_local.start(password=password)
        except neo4j_local.Neo4jLocalError as err:
            raise StoreUnavailable(f"no NEO4J_URI is set and the local Neo4j did not start: {err}") from err
        return cls(local.uri, neo4j_local.USER, password, settings.neo4j_database)

    # -- plumbing ------------------------------------------------------------------------
    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except AuthError as err:
            hint = "no password was given: set NEO4J_PASSWORD" if not self._has_password else \
                "check NEO4J_USER / NEO4J_PASSWORD"
            raise StoreUnavailable(
                f"Neo4j at {self.uri} refused the credentials of user {self.user!r} ({hint}): {err.message}") from err
        except (ServiceUnavailable, SessionExpired) as err:
            raise StoreUnavailable(f"cannot reach Neo4j at {self.uri}: {err}") from err
        except (ConfigurationError, ValueError) as err:
            raise ConfigError(f"bad Neo4j URI or driver setting {self.uri!r}: {err}") from err
        except Neo4jError as err:
            if (err.code or "").startswith("Neo.ClientError.Database."):
                raise StoreUnavailable(f"Neo4j at {self.uri}, database {self.database!r}: {err.message}") from err
            raise

    def _run(self, write: bool, work: Callable[[ManagedTransaction], Any], **session: Any) -> Any:
        with self._translated(), self.driver.session(database=self.database, **session) as session_:
            return session_.execute_write(work) if write else session_.execute_read(work)

    def _read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """The records of one read query, as dicts.

        Run as an auto-commit transaction: one round trip (RUN and PULL together), where a
        managed one takes two (its COMMIT waits for the answer). The store's reads are many
        and small (an evidence query makes nine), so this is a sixth of its latency
        (bench/). The driver does not retry an auto-commit transaction, so a failure it would
        retry (a lost connection, a transient server error) runs the read again as a managed
        transaction, which it does retry.
        """
        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            return [r.data() for r in tx.run(query, params)]

        with self._translated():
            try:
                with self.driver.session(database=self.database, default_access_mode=READ_ACCESS) as session:
                    return [r.data() for r in session.run(query, params)]
            except (Neo4jError, DriverError) as err:
                if not err.is_retryable():
                    raise
        return self._run(False, work)

    def _write(self, query: str, **params: Any) -> list[dict[str, Any]]:
        return self._run(True, lambda tx: [r.data() for r in tx.run(query, params)])

    def _label(self, category: str) -> str:
        self.schema.category(category)
        if not _LABEL.fullmatch(category):
            raise SchemaError(f"category {category!r} cannot be a Neo4j label (PascalCase)")
        return category

    def _rel_type(self, predicate: str) -> str:
        self.schema.predicate(predicate)
        if not _TYPE.fullmatch(predicate):
            raise SchemaError(f"predicate {predicate!r} cannot be a relationship type (UPPER_SNAKE)")
        return predicate

    def ensure_schema(self) -> None:
        """Create the uniqueness constraints on ``id`` and the full-text index, if missing."""
        labels = [COMMON_LABEL, *sorted(self._label(c) for c in self.schema.categories)]
        types = sorted(self._rel_type(p) for p in self.schema.predicates)
        wanted = {f"kg_node_{label.lower()}_id": f"FOR (n:{label}) REQUIRE n.id IS UNIQUE" for label in labels}
        wanted.update({f"kg_rel_{rel.lower()}_id": f"FOR ()-[r:{rel}]-() REQUIRE r.id IS UNIQUE" for rel in types})
        existing = {row["name"] for row in self._read("SHOW CONSTRAINTS YIELD name RETURN name")}
        missing = [f"CREATE CONSTRAINT {name} IF NOT EXISTS {spec}"
                   for name, spec in sorted(wanted.items()) if name not in existing]
        if not self._read("SHOW INDEXES YIELD name WHERE name = $name RETURN name", name=FULLTEXT_INDEX):
            missing.append(f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS "
                           f"FOR (n:{COMMON_LABEL}) ON EACH [n.name, n.synonyms]")
        if not missing:
            return
        for statement in missing:
            self._write(statement)
        with self._translated(), self.driver.session(database=self.database) as session:
            session.run("CALL db.awaitIndexes(300)").consume()

    # -- writing -------------------------------------------------------------------------
    def replace_all(self, nodes: Sequence[Node], edges: Sequence[Edge]) -> WriteSummary:
        """Make the graph hold exactly these records: MERGE them, then delete what is left over.

        Nodes are written first, then the relationships between them. Into a database without
        our records (a first build) they are CREATEd instead, with no leftovers to look for: the
        same result without MERGE's lookups or the sweep (the uniqueness constraints, created
        first, still refuse a duplicate id).
        Batched, so not atomic: a failure part-way leaves a mix that the next write repairs.
        Nodes, then relationships, are written by ``writers`` concurrent transactions.
        """
        started = time.perf_counter()
        unique_nodes = {n.id: n for n in nodes}
        unique_edges = {e.id: e for e in edges}
        by_label = _group(unique_nodes.values(), lambda n: self._label(n.category))
        by_type = _group(unique_edges.values(), lambda e: self._rel_type(e.predicate))
        for edge in unique_edges.values():
            for end in (edge.subject, edge.object):
                if end not in unique_nodes:
                    raise KGError(f"edge {edge.subject} {edge.predicate} {edge.object} refers to "
                                  f"node {end}, which is not among the nodes written")
        self.ensure_schema()
        build = uuid.uuid4().hex
        shared: dict[int, Any] = {}
        for edge in unique_edges.values():  # what can fail to encode fails now, before anything is written
            if edge.properties:
                records.edge_row(edge, build)
        node_rows = {n.id: records.node_row(n, build) for n in unique_nodes.values()}
        first = not self._read(f"MATCH (n:{COMMON_LABEL}) RETURN 1 AS found LIMIT 1")
        sweep: list[_Statement] = [] if first else [
            ("UNWIND $rows AS row MATCH (n:Entity {id: row.id}) WHERE n.category <> row.category DETACH DELETE n",
             list(unique_nodes.values()), lambda n: {"id": n.id, "category": n.category})]
        node_write = (f"CREATE (n:{COMMON_LABEL}:{{label}}) SET n = row.props" if first
                      else f"MERGE (n:{COMMON_LABEL} {{{{id: row.id}}}}) SET n = row.props SET n:{{label}}")
        node_statements: list[_Statement] = [
            (f"UNWIND $rows AS row {node_write.format(label=label)} RETURN row.id AS id, elementId(n) AS element",
             group, lambda n: node_rows[n.id]) for label, group in by_label.items()]
        for transaction in self._transactions(sweep):  # a node whose category changed goes first
            self._write_batches(transaction)
        # Each node's element id, as its write returned it: the edges then find their ends by id
        # (a direct record lookup) rather than by a unique-index seek of the id property. Nothing
        # deletes our nodes between the two steps, so the element ids stay valid. Nodes, too, are
        # written by ``writers`` concurrent transactions (distinct ids: they do not contend).
        elements: dict[str, str] = {}
        with ThreadPoolExecutor(self.writers) as pool:
            for rows in pool.map(self._write_batches, self._transactions(node_statements)):
                elements.update((r["id"], r["element"]) for r in rows)

        edge_build = None if first else build  # see kg.store.neo4j_records: unmarked after a first build

        def edge_row(edge: Edge) -> dict[str, Any]:
            return {**records.edge_row(edge, edge_build, shared), "start": elements[edge.subject],
                    "end": elements[edge.object]}

        ends = "UNWIND $rows AS row MATCH (s) WHERE elementId(s) = row.start MATCH (o) WHERE elementId(o) = row.end"
        write = "CREATE (s)-[r:{rel}]->(o)" if first else "MERGE (s)-[r:{rel} {{id: row.id}}]->(o)"
        edge_statements: list[_Statement] = [(f"{ends} {write.format(rel=rel)} SET r = row.props", group, edge_row)
                           for rel, group in by_type.items()]
        # Relationships in ``writers`` concurrent transactions: one writer leaves the server's
        # second core idle (bench/server_profile.py). Two transactions that lock the same nodes in
        # opposite order deadlock now and then; the server aborts one and the driver retries it.
        with _quiet_deadlock_retries(), ThreadPoolExecutor(self.writers) as pool:
            for _ in pool.map(self._write_batches, self._transactions(edge_statements)):
                pass  # re-raises the first failure; the writes still queued are cancelled
        if not first:
            self._delete_stale("MATCH (:Entity)-[r]->(:Entity) WHERE r._kg_build IS NULL OR r._kg_build <> $build "
                               "WITH r LIMIT $limit DELETE r RETURN count(*) AS deleted", build)
            self._delete_stale("MATCH (n:Entity) WHERE n._kg_build IS NULL OR n._kg_build <> $build "
                               "WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted", build)
        return WriteSummary(len(unique_nodes), len(unique_edges), time.perf_counter() - started)

    def _write_batches(self, transaction: list[_Statement]) -> list[dict[str, Any]]:
        """Run one transaction of :meth:`_transactions`: its rows made now, its records returned."""
        return self._run(True, _statements_work([(q, [row(r) for r in batch]) for q, batch, row in transaction]))

    def _transactions(self, statements: list[_Statement]) -> Iterator[list[_Statement]]:
        """Cut the statements' records into batches and pack them, in order, into transactions of
        at most ``batch_size`` rows, so that a small graph's nodes (or edges) are written in one
        transaction. Rows are
        made per transaction (the third item of a statement makes one), so a large graph's rows
        are never all in memory at once."""
        pending: list[_Statement] = []
        size = 0
        for query, rows, make_row in statements:
            for start in range(0, len(rows), self.batch_size):
                batch = rows[start:start + self.batch_size]
                if pending and size + len(batch) > self.batch_size:
                    yield pending
                    pending, size = [], 0
                pending.append((query, batch, make_row))
                size += len(batch)
        if pending:
            yield pending

    def _delete_stale(self, query: str, build: str) -> None:
        while self._write(query, build=build, limit=self.batch_size)[0]["deleted"]:
            pass

    # -- reading -------------------------------------------------------------------------
    def generation(self) -> str:
        """The id of the last write and the graph's size: changes whenever the graph is rebuilt."""
        rows = self._read("MATCH (n:Entity) RETURN min(n._kg_build) AS build, count(n) AS n")
        return f"neo4j:{rows[0]['build']}:{rows[0]['n']}" if rows else "neo4j:empty"

    def get_node(self, node_id: str) -> Node | None:
        return self.get_nodes([node_id]).get(node_id)

    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, Node]:
        rows = self._read(f"UNWIND $ids AS id MATCH (n:Entity {{id: id}}) RETURN DISTINCT {queries.NODE} AS node",
                          ids=list(node_ids))
        return {row["node"]["id"]: records.node_from(row["node"]) for row in rows}

    def iter_nodes(self, category: str | None = None) -> Iterator[Node]:
        rows = self._read(f"MATCH (n:Entity) WHERE $category IS NULL OR n.category = $category "
                          f"RETURN {queries.NODE} AS node", category=category)
        yield from sorted((records.node_from(row["node"]) for row in rows), key=lambda n: n.id)

    def iter_edges(self, predicate: str | None = None) -> Iterator[Edge]:
        rows = self._read(f"MATCH (:Entity)-[r]->(:Entity) WHERE $predicate IS NULL OR type(r) = $predicate "
                          f"RETURN {queries.REL} AS edge", predicate=predicate)
        yield from sorted((records.edge_from(row["edge"]) for row in rows), key=edge_sort_key)

    def edges_of(self, node_ids: Iterable[str], direction: str = "both",
                 predicates: Iterable[str] | None = None) -> list[Edge]:
        ids = list(node_ids)
        wanted = list(predicates) if predicates is not None else None
        patterns = {"out": ["(:Entity {id: id})-[r]->(:Entity)"], "in": ["(:Entity)-[r]->(:Entity {id: id})"]}
        patterns["both"] = patterns["out"] + patterns["in"]
        found: dict[str, Edge] = {}
        for pattern in patterns.get(direction, []):
            rows = self._read(f"UNWIND $ids AS id MATCH {pattern} "
                              f"WHERE $predicates IS NULL OR type(r) IN $predicates RETURN {queries.REL} AS edge",
                              ids=ids, predicates=wanted)
            found.update((e.id, e) for e in (records.edge_from(row["edge"]) for row in rows))
        return sorted(found.values(), key=edge_sort_key)

    def counts(self) -> GraphCounts:
        nodes = self._read("MATCH (n:Entity) RETURN n.category AS key, count(*) AS n")
        edges = self._read("MATCH (:Entity)-[r]->(:Entity) RETURN type(r) AS key, count(*) AS n")
        return GraphCounts(dict(sorted((r["key"], r["n"]) for r in nodes)),
                           dict(sorted((r["key"], r["n"]) for r in edges)))

    def descendants(self, node_ids: Iterable[str], predicate: str = "SUBCLASS_OF") -> set[str]:
        ids = list(node_ids)
        query = "MATCH (root:Entity) WHERE root.id IN $ids RETURN root.id AS id"
        if predicate in self.schema.predicates:  # an unknown predicate has no edges to follow
            query += (f" UNION MATCH (d:Entity)-[:{self._rel_type(predicate)}*]->(root:Entity) "
                      "WHERE root.id IN $ids RETURN DISTINCT d.id AS id")
        return {row["id"] for row in self._read(query, ids=ids)}

    def evidence_chains(self, start_ids: Sequence[str], condition_ids: Sequence[str]) -> list[Chain]:
        conditions = sorted(set(condition_ids))
        chains: dict[Any, Chain] = {}
        for start, node in sorted(self.get_nodes(start_ids).items()):
            shape = "drug" if node.category in DRUG_CATEGORIES else node.category
            if shape not in queries.EVIDENCE:
                continue
            for chain in self._chains(queries.EVIDENCE[shape], start=start, conditions=conditions):
                chains[chain_sort_key(chain)] = chain
        return [chains[key] for key in sorted(chains)]

    def _chains(self, query: str, **params: Any) -> list[Chain]:
        rows = self._read(f"{query} RETURN ids, {queries.RELS} AS rels", **params)
        return [Chain(tuple(row["ids"]), tuple(records.edge_from(e) for e in row["rels"])) for row in rows]

    def neighbourhood(self, node_id: str, depth: int = 1, categories: Iterable[str] | None = None,
                      predicates: Iterable[str] | None = None) -> Subgraph:
        if self.get_node(node_id) is None:
            return Subgraph()
        allowed = sorted(set(categories)) if categories else None
        preds = list(predicates) if predicates else None
        seen, frontier = {node_id}, [node_id]
        for _ in range(depth):
            rows = self._read(
                "UNWIND $frontier AS fid MATCH (:Entity {id: fid})-[r]-(n:Entity) "
                "WHERE ($predicates IS NULL OR type(r) IN $predicates) AND NOT n.id IN $seen "
                "AND ($categories IS NULL OR n.category IN $categories) RETURN DISTINCT n.id AS id",
                frontier=frontier, seen=sorted(seen), predicates=preds, categories=allowed)
            frontier = sorted(row["id"] for row in rows)
            seen.update(frontier)
            if not frontier:
                break
        nodes = self.get_nodes(seen)
        rows = self._read(f"MATCH (a:Entity)-[r]->(b:Entity) WHERE a.id IN $ids AND b.id IN $ids "
                          f"AND ($predicates IS NULL OR type(r) IN $predicates) RETURN {queries.REL} AS edge",
                          ids=sorted(seen), predicates=preds)
        edges = {e.id: e for e in (records.edge_from(row["edge"]) for row in rows)}
        return Subgraph(nodes=[nodes[i] for i in sorted(nodes)], edges=sorted(edges.values(), key=edge_sort_key))

    def paths(self, source: str, target: str, max_hops: int = 3, limit: int = 25) -> list[Chain]:
        found: list[Chain] = []
        for hops in range(1, int(max_hops) + 1):
            found += self._chains(
                f"MATCH p = (:Entity {{id: $source}})-[*{hops}]-(:Entity {{id: $target}}) "
                f"WITH nodes(p) AS ns, relationships(p) AS rels WHERE {queries.DISTINCT_NODES} "
                "WITH [x IN ns | x.id] AS ids, rels",
                source=source, target=target)
            if len(found) >= limit:
                break  # every longer path would rank after the ones already found
        found.sort(key=lambda c: (len(c.edges), *chain_sort_key(c)))
        return found[:limit]

    def search(self, text: str, category: str | None = None, limit: int = 10) -> list[SearchHit]:
        """The hits :func:`kg.query.search.rank` would return over every node, found with the
        embedded store's search index (:mod:`kg.store.memory_search`) and returned as full nodes.

        The index holds each node's id, category, name, synonyms and xrefs; it is read from the
        server once per generation of the graph (:meth:`generation`: a rebuild makes a new one)
        and kept in this process. Ranking in Cypher is not possible (difflib's fuzzy ratio), and
        scoring every node's names fetched per query took a second or more on Hetionet's.
        """
        index, _ = self._search_index.get(self)
        hits = index.search(text, category, limit)
        if not hits:
            return []
        full = self.get_nodes(h.node.id for h in hits)
        return [SearchHit(full[h.node.id], h.score, h.matched) for h in hits if h.node.id in full]

    def _read_search_index(self, _store: object) -> SearchIndex:
        """The search index of every node's names and ids (the nodes' other fields are not needed)."""
        rows = self._read("MATCH (n:Entity) RETURN n.id AS id, n.category AS category, n.name AS name, "
                          "n.synonyms AS synonyms, n.xrefs AS xrefs ORDER BY n.id")
        return SearchIndex([Node(id=r["id"], category=r["category"], name=r["name"],
                                 synonyms=tuple(r["synonyms"] or ()), xrefs=tuple(r["xrefs"] or ())) for r in rows])

    def cypher(self, query: str, params: Mapping[str, Any] | None = None, timeout: float = 10.0,
               row_cap: int = 10_000) -> CypherResult:
        """Run one guarded analyst query in a read transaction that the server stops at ``timeout``
        (:mod:`kg.store.neo4j_cypher`); the server's notifications (a property no node has, a
        deprecated function) are not asked for."""
        return neo4j_cypher.run_cypher(lambda work: self._run(False, work, notifications_min_severity="OFF"),
                                       query, params, timeout, row_cap)

    def close(self) -> None:
        self.driver.close()

    def before_fork(self) -> None:
        """Close the connections before the process forks: a driver's sockets cannot be shared
        between processes (``kg serve --workers``); :meth:`after_fork` opens new ones."""
        self.driver.close()

    def after_fork(self) -> None:
        """A new driver in this (forked) process; connections open on first use."""
        with self._translated():
            self.driver = self._driver()

    def _driver(self) -> Driver:
        # The store's own queries need no notifications (e.g. "property ... does not exist" for a
        # bookkeeping property no record has yet): not asked for, not logged.
        return GraphDatabase.driver(self.uri, auth=self._auth, notifications_min_severity="OFF")

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _statements_work(statements: list[tuple[str, list[dict[str, Any]]]]
                     ) -> Callable[[ManagedTransaction], list[dict[str, Any]]]:
    """A transaction function that runs each ``UNWIND $rows`` statement with its rows and
    returns the records they return, in order."""
    def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
        returned: list[dict[str, Any]] = []
        for query, rows in statements:
            returned += [record.data() for record in tx.run(query, rows=rows)]
        return returned
    return work


@contextmanager
def _quiet_deadlock_retries() -> Iterator[None]:
    """Keep the driver's warning about a deadlock it retries off the console while concurrent
    writers run: an expected, handled event (a failure after the retries still raises)."""
    def keep(record: logging.LogRecord) -> bool:
        return not (record.getMessage().startswith("Transaction failed and will be retried")
                    and "DeadlockDetected" in record.getMessage())

    logger = logging.getLogger("neo4j.session")
    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)


def _group(items: Iterable[Any], key: Callable[[Any], str]) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups

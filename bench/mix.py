"""The fixed, seeded query mix, and how to time it and compare answers across stores.

The mix is drawn from the graph itself so that evidence questions have answers: a study is
picked (alternately a curated and a synthetic one), then one drug it investigates and one
condition it studies; the source is that drug, one of its mechanisms or one of their targets
(in turn), and every other condition is replaced by its parent class, so that subclass
expansion is exercised too. Search texts are the sources' exact names, the conditions' first
words (prefix matches) and misspelt names (fuzzy matches).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kg.model import canonical_json
from kg.query.chains import chain_sort_key
from kg.query.evidence import EvidenceQuery, evidence
from kg.store.base import GraphStore

__all__ = ["Mix", "query_mix", "OPERATIONS", "time_calls", "summary", "answers"]

PATH_HOPS = 2
SEARCH_LIMIT = 10


@dataclass
class Mix:
    evidence: list[tuple[str, str]] = field(default_factory=list)
    search: list[str] = field(default_factory=list)
    neighbourhood: list[str] = field(default_factory=list)
    paths: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"evidence": self.evidence, "search": self.search, "neighbourhood": self.neighbourhood,
                "paths": self.paths}


def _objects(store: GraphStore, node: str, direction: str, predicate: str) -> list[str]:
    edges = store.edges_of([node], direction, [predicate])
    return [e.object if direction == "out" else e.subject for e in edges]


def _misspell(text: str, rng: random.Random) -> str:
    if len(text) < 6:
        return text
    i = rng.randrange(1, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def query_mix(store: GraphStore, size: int = 40, seed: int = 8) -> Mix:
    """``size`` evidence questions (and the search, neighbourhood and path questions derived from them)."""
    rng = random.Random(seed)
    studies = [n.id for n in store.iter_nodes("Study")]
    pools = [[s for s in studies if not s.startswith("ketkg:synthetic-")],
             [s for s in studies if s.startswith("ketkg:synthetic-")]]
    pools = [p for p in pools if p]
    mix = Mix()
    attempts = 0
    while len(mix.evidence) < size and attempts < size * 20 and pools:
        attempts += 1
        i = len(mix.evidence)
        study = rng.choice(pools[i % len(pools)])
        drugs = _objects(store, study, "out", "INVESTIGATES")
        conditions = _objects(store, study, "out", "STUDIES")
        if not drugs or not conditions:
            continue
        source, condition = rng.choice(drugs), rng.choice(conditions)
        kind = (i // len(pools)) % 3
        mechanisms = _objects(store, source, "out", "HAS_MECHANISM") if kind else []
        if mechanisms:
            mechanism = rng.choice(mechanisms)
            targets = _objects(store, mechanism, "out", "ACTS_ON") if kind == 2 else []
            source = rng.choice(targets) if targets else mechanism
        parents = _objects(store, condition, "out", "SUBCLASS_OF") if i % 2 else []
        condition = rng.choice(parents) if parents else condition
        mix.evidence.append((source, condition))
    nodes = store.get_nodes({i for pair in mix.evidence for i in pair})
    for source, condition in mix.evidence:
        mix.search += [nodes[source].name, nodes[condition].name.split()[0], _misspell(nodes[source].name, rng)]
        mix.neighbourhood.append(source)
        mix.paths.append((source, condition))
    mix.search = mix.search[:size]
    return mix


def _evidence(store: GraphStore, pair: tuple[str, str]) -> Any:
    return evidence(store, EvidenceQuery(source=pair[0], target=pair[1])).to_dict()


OPERATIONS: dict[str, Callable[[GraphStore, Any], Any]] = {
    "evidence": _evidence,
    "search": lambda store, text: store.search(text, None, SEARCH_LIMIT),
    "neighbourhood": lambda store, node: store.neighbourhood(node, 1),
    "paths": lambda store, pair: store.paths(pair[0], pair[1], PATH_HOPS, 25),
}


def answers(op: str, result: Any) -> str:
    """A canonical text of an answer, so answers of two stores can be compared."""
    if op == "evidence":
        return canonical_json(result)
    if op == "search":
        return canonical_json([[h.node.id, h.score, h.matched] for h in result])
    if op == "neighbourhood":
        return canonical_json([[n.to_dict() for n in result.nodes], [e.to_dict() for e in result.edges]])
    return canonical_json([list(chain_sort_key(c)) for c in result])


def time_calls(call: Callable[[Any], Any], inputs: Sequence[Any], repeats: int, budget: float) -> list[float]:
    """Milliseconds per call: a few untimed warm-up calls, then ``repeats`` passes over ``inputs``,
    stopping early (after at least one call per input) once ``budget`` seconds are spent."""
    for item in inputs[:3]:
        call(item)
    samples: list[float] = []
    deadline = time.perf_counter() + budget
    for _ in range(repeats):
        for item in inputs:
            started = time.perf_counter()
            call(item)
            samples.append((time.perf_counter() - started) * 1000)
            if len(samples) >= len(inputs) and time.perf_counter() > deadline:
                return samples
    return samples


def summary(samples: Sequence[float]) -> dict[str, float]:
    """p50, p95, p99, mean and count of latencies in milliseconds."""
    if not samples:
        return {"n": 0}
    if len(samples) == 1:
        one = samples[0]
        return {"n": 1, "p50": one, "p95": one, "p99": one, "mean": one}
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"n": len(samples), "p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "mean": statistics.fmean(samples)}

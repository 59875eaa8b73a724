"""A seeded generator of Hetionet-shaped graphs, its shape read from the real Hetionet files.

The full-size ("100x") graph has every Hetionet node of a kind our schema maps, one synthetic
twin per real node (same category, an id from a reserved synthetic range), and for each mapped
metaedge twice its real edge count (``metaedges.tsv``), so it is twice the mapped part of
Hetionet v1.0 (about 2.27 million edges). Each node's chance of being an end of a metaedge is
its real degree in that metaedge: from the complete reconstruction in
``derived/hetionet-v1.0-edges-partial-9-metaedges.sif.gz`` for 9 metaedges, from the
5,000-edge uniform sample in ``edges-5k.sif.gz`` (plus 0.5, so unsampled nodes can be drawn)
for the others; a twin has its real node's degree. Edges of a metaedge are drawn as one seeded
stream (Chung-Lu style, duplicates and self-loops rejected), and a scale ``s`` keeps the first
``s`` per cent of every stream and the nodes those edges touch, so 1x is contained in 10x, which
is contained in 100x: the graph grows as a knowledge graph does, by accumulating edges.
"""

from __future__ import annotations

import gzip
import math
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.model import Edge, Node, Provenance
from loaders.hetionet import METAEDGES, NODE_KINDS

__all__ = ["HetionetShape", "SYNTHETIC_SOURCE", "FULL_SCALE", "synthetic_provenance"]

SYNTHETIC_SOURCE = "infores:ketamine-kg-synthetic"
FULL_SCALE = 100  # the scale whose graph holds every edge of every stream
TWIN_FACTOR = 2  # the full graph has this many times the mapped Hetionet edges (real + twin nodes)
SAMPLE_PSEUDOCOUNT = 0.5
CHUNK = 8192

# Synthetic local ids, one reserved range per prefix (i is a counter per prefix).
_TWIN_IDS = {
    "DRUGBANK": lambda i: f"DB{90000 + i:05d}", "NCBIGene": lambda i: str(900_000_000 + i),
    "DOID": lambda i: str(90_000_000 + i), "UMLS": lambda i: f"C{9_000_000 + i:07d}",
    "MESH": lambda i: f"D{900_000_000 + i}", "UBERON": lambda i: f"{9_000_000 + i:07d}",
    "GO": lambda i: f"{9_000_000 + i:07d}", "WIKIPATHWAYS": lambda i: f"WP{900_000 + i}",
    "NDFRT": lambda i: f"N{9_000_000_000 + i}",
}


def synthetic_provenance() -> Provenance:
    """The provenance every generated edge shares (one object, as a loader shares it per source)."""
    return Provenance(SYNTHETIC_SOURCE, "bench-1", "not_provided", "computational_model", license="CC0-1.0")


@dataclass
class _Kind:
    """The nodes of one Hetionet kind: real ones first, then their twins (index i + len(real))."""

    category: str
    hetionet_ids: list[str]
    nodes: list[Node]


def _local_id(identifier: str, prefix: str) -> str:
    local = identifier.split(":", 1)[1] if identifier.upper().startswith(f"{prefix.upper()}:") else identifier
    return local.rsplit("_r", 1)[0] if "_r" in local else local


def _read_sif(path: Path) -> Iterator[tuple[str, str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as lines:
        next(lines)
        for line in lines:
            source, metaedge, target = line.rstrip("\r\n").split("\t")
            yield source, metaedge, target


class HetionetShape:
    """The node universe and per-metaedge degree weights of the full-size graph.

    Parameters
    ----------
    data
        The ``shared/data`` directory (``hetionet/``, ``hetionet-integrate/``, ``derived/``).
    seed
        Seeds every edge stream; the same seed always gives the same graph.
    """

    def __init__(self, data: Path, seed: int = 8) -> None:
        from ontology import load_schema

        self.seed = seed
        schema = load_schema()
        self.kinds: dict[str, _Kind] = {}
        index: dict[str, tuple[str, int]] = {}
        counters: Counter[str] = Counter()
        with (data / "hetionet" / "hetionet-v1.0-nodes.tsv").open(encoding="utf-8", newline="") as lines:
            next(lines)
            rows = [line.rstrip("\r\n").split("\t") for line in lines]
        for hid, name, kind in rows:
            if kind not in NODE_KINDS:
                continue
            category, prefix = NODE_KINDS[kind]
            curie = f"{prefix}:{_local_id(hid.partition('::')[2], prefix)}"
            if schema.curie_problem(curie):
                continue
            entry = self.kinds.setdefault(kind, _Kind(category, [], []))
            index[hid] = (kind, len(entry.nodes))
            entry.hetionet_ids.append(hid)
            entry.nodes.append(Node(curie, category, name or curie, source="infores:hetionet"))
        for kind, entry in self.kinds.items():
            prefix = NODE_KINDS[kind][1]
            for real in list(entry.nodes):
                twin_id = f"{prefix}:{_TWIN_IDS[prefix](counters[prefix])}"
                counters[prefix] += 1
                entry.nodes.append(Node(twin_id, entry.category, f"{real.name} {counters[prefix]}",
                                        source=SYNTHETIC_SOURCE))
        self.totals = self._edge_totals(data / "hetionet" / "metaedges.tsv")
        self.weights = self._degree_weights(data, index)

    @staticmethod
    def _edge_totals(path: Path) -> dict[str, int]:
        totals = {}
        with path.open(encoding="utf-8") as lines:
            next(lines)
            for line in lines:
                fields = line.rstrip("\n").split("\t")
                if fields[1] in METAEDGES:
                    totals[fields[1]] = int(fields[2]) * TWIN_FACTOR
        return totals

    def _degree_weights(self, data: Path, index: dict[str, tuple[str, int]]
                        ) -> dict[str, tuple[str, list[float], str, list[float]]]:
        """metaedge -> (source kind, weights, target kind, weights), one weight per node of the kind."""
        complete = data / "derived" / "hetionet-v1.0-edges-partial-9-metaedges.sif.gz"
        sample = data / "hetionet-integrate" / "edges-5k.sif.gz"
        degrees: dict[str, tuple[str, Counter[int], str, Counter[int]]] = {}
        sources: dict[str, str] = {}
        for path in (complete, sample):
            for hsrc, metaedge, hdst in _read_sif(path):
                if metaedge not in self.totals or hsrc not in index or hdst not in index:
                    continue
                if sources.setdefault(metaedge, path.name) != path.name:
                    continue  # a complete metaedge: its 5k sample adds nothing
                (skind, si), (dkind, di) = index[hsrc], index[hdst]
                entry = degrees.setdefault(metaedge, (skind, Counter(), dkind, Counter()))
                entry[1][si] += 1
                entry[3][di] += 1
        weights = {}
        for metaedge, (skind, sdeg, dkind, ddeg) in degrees.items():
            extra = SAMPLE_PSEUDOCOUNT if sources[metaedge] == sample.name else 0.0
            weights[metaedge] = (skind, self._twinned(skind, sdeg, extra), dkind, self._twinned(dkind, ddeg, extra))
        return weights

    def _twinned(self, kind: str, degree: Counter[int], extra: float) -> list[float]:
        real = len(self.kinds[kind].hetionet_ids)
        weights = [degree.get(i, 0) + extra for i in range(real)]
        return weights + weights

    # -- generation --------------------------------------------------------------------------
    def edge_count(self, scale: float) -> dict[str, int]:
        """Edges per metaedge at ``scale`` (100 = every edge of every stream)."""
        return {m: int(round(total * scale / FULL_SCALE)) for m, total in self.totals.items() if m in self.weights}

    def stream(self, metaedge: str, count: int) -> list[tuple[int, int]]:
        """The first ``count`` distinct (source index, target index) pairs of the metaedge's stream."""
        skind, sweights, dkind, dweights = self.weights[metaedge]
        rng_s = random.Random(f"{self.seed}:{metaedge}:s")
        rng_d = random.Random(f"{self.seed}:{metaedge}:d")
        scum, dcum = _cumulative(sweights), _cumulative(dweights)
        sidx, didx = range(len(sweights)), range(len(dweights))
        same = skind == dkind
        seen: set[tuple[int, int]] = set()
        pairs: list[tuple[int, int]] = []
        draws, limit = 0, max(count * 20, 1000)
        while len(pairs) < count and draws < limit:
            for pair in zip(rng_s.choices(sidx, cum_weights=scum, k=CHUNK),
                            rng_d.choices(didx, cum_weights=dcum, k=CHUNK), strict=True):
                if (same and pair[0] == pair[1]) or pair in seen:
                    continue
                seen.add(pair)
                pairs.append(pair)
                if len(pairs) == count:
                    break
            draws += CHUNK
        return pairs

    def generate(self, scale: float) -> tuple[list[Node], list[Edge]]:
        """The Hetionet-shaped nodes and edges at ``scale``: edges first drawn, then the nodes they touch."""
        prov = synthetic_provenance()
        used: dict[str, set[int]] = {kind: set() for kind in self.kinds}
        edges: list[Edge] = []
        for metaedge, count in sorted(self.edge_count(scale).items()):
            skind, _, dkind, _ = self.weights[metaedge]
            predicate = METAEDGES[metaedge]
            snodes, dnodes = self.kinds[skind].nodes, self.kinds[dkind].nodes
            for si, di in self.stream(metaedge, count):
                used[skind].add(si)
                used[dkind].add(di)
                edges.append(Edge(snodes[si].id, predicate, dnodes[di].id, prov, {}, SYNTHETIC_SOURCE))
        nodes = [self.kinds[kind].nodes[i] for kind in sorted(used) for i in sorted(used[kind])]
        return nodes, edges

    def twins(self, kind: str) -> list[tuple[str, str]]:
        """(twin id, real id) of every node of ``kind``."""
        entry = self.kinds[kind]
        real = len(entry.hetionet_ids)
        return [(entry.nodes[real + i].id, entry.nodes[i].id) for i in range(real)]


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    if not math.isfinite(total) or total <= 0:
        raise ValueError("a metaedge has no weight on one of its ends")
    return out

"""The graphs the benchmarks run on, as loaders for :func:`kg.pipeline.build`.

* ``real``: the curated corpus plus real public data through the real loaders and normaliser:
  Hetionet nodes with the real edges of ``edges-5k.sif.gz`` and the complete 9-metaedge
  reconstruction in ``derived/``, and SIDER side effects mapped to DrugBank.
* a number ``s`` (``1``, ``10``, ``100``, or fractions for smoke tests): the curated corpus plus
  the Hetionet-shaped graph of :mod:`bench.hetionet_shape` at scale ``s`` plus a synthetic
  clinical layer, so that the evidence query has studies and mechanisms to walk at every scale:
  per 1x, 200 studies (each investigating one or two compounds, weighted by how many genes they
  bind, and studying and reporting outcomes for one or two diseases) and 10 mechanisms (each
  the mechanism of about 8 compounds, acting on about 4 genes, leading to another mechanism and
  implicated in a disease); and each twin disease or symptom is a subclass of its real one.
"""

from __future__ import annotations

import random
from pathlib import Path

from bench.hetionet_shape import SYNTHETIC_SOURCE, HetionetShape, synthetic_provenance
from kg.model import Edge, Node
from loaders import Batch, Loader
from ontology import load_schema

__all__ = ["DATA", "RecordsLoader", "scale_loaders", "scale_label", "STUDIES_PER_UNIT", "MECHANISMS_PER_UNIT"]

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
STUDIES_PER_UNIT = 200
MECHANISMS_PER_UNIT = 10
DESIGNS = ("meta_analysis", "systematic_review", "rct", "crossover_rct", "open_label", "observational",
           "case_series", "preclinical")
LEVELS = {"meta_analysis": 1, "systematic_review": 1, "rct": 2, "crossover_rct": 2, "open_label": 3,
          "observational": 3, "case_series": 4, "preclinical": 5}
DIRECTIONS = ("benefit", "no_benefit", "mixed", "harm")


def scale_label(scale: str) -> str:
    """``real`` or ``10x``."""
    return scale if scale == "real" else f"{float(scale):g}x"


class RecordsLoader:
    """A loader over records already in memory (the generator's), so the pipeline times only the build."""

    name = SYNTHETIC_SOURCE
    license = "CC0-1.0"

    def __init__(self, nodes: list[Node], edges: list[Edge]) -> None:
        self.nodes, self.edges = nodes, edges

    def load(self) -> Batch:
        return Batch(self.name, self.nodes, self.edges, license=self.license)


def _clinical(nodes: list[Node], edges: list[Edge], shape: HetionetShape, scale: float) -> None:
    """Append the synthetic studies, mechanisms and disease hierarchy (seeded by the scale)."""
    rng = random.Random(f"{shape.seed}:clinical:{scale}")
    prov = synthetic_provenance()
    present = {n.id for n in nodes}
    by_cat: dict[str, list[str]] = {}
    for node in nodes:
        by_cat.setdefault(node.category, []).append(node.id)
    binds = {}
    for edge in edges:
        if edge.predicate == "BINDS":
            binds[edge.subject] = binds.get(edge.subject, 0) + 1
    drugs = [n for n in by_cat.get("Drug", []) if n.startswith("DRUGBANK:")]
    drug_w = [binds.get(d, 0) + 1 for d in drugs]
    diseases = [n for n in by_cat.get("Condition", []) if n.startswith("DOID:")]
    genes = [n for n in by_cat.get("Target", []) if n.startswith("NCBIGene:")]
    effects = [n for n in by_cat.get("AdverseEffect", []) if n.startswith("UMLS:")]
    if not (drugs and diseases and genes and effects):
        return
    for i in range(max(1, round(STUDIES_PER_UNIT * scale))):
        design = rng.choice(DESIGNS)
        sid = f"ketkg:synthetic-study-{i}"
        nodes.append(Node(sid, "Study", f"Synthetic study {i}", properties={
            "design": design, "evidence_level": LEVELS[design], "year": rng.randint(1990, 2025),
            "n": rng.randint(8, 2000)}, source=SYNTHETIC_SOURCE))
        for drug in set(rng.choices(drugs, drug_w, k=rng.randint(1, 2))):
            edges.append(Edge(sid, "INVESTIGATES", drug, prov, {"dose": "0.5 mg/kg"}, SYNTHETIC_SOURCE))
        for disease in set(rng.choices(diseases, k=rng.randint(1, 2))):
            edges.append(Edge(sid, "STUDIES", disease, prov, {"n": rng.randint(8, 2000)}, SYNTHETIC_SOURCE))
            edges.append(Edge(sid, "REPORTS_OUTCOME", disease, prov, {"direction": rng.choice(DIRECTIONS)},
                              SYNTHETIC_SOURCE))
        for effect in set(rng.choices(effects, k=rng.randint(0, 3))):
            edges.append(Edge(sid, "REPORTS_ADVERSE_EFFECT", effect, prov, {"incidence": "5%"}, SYNTHETIC_SOURCE))
    count = max(1, round(MECHANISMS_PER_UNIT * scale))
    for i in range(count):
        mid = f"ketkg:synthetic-mechanism-{i}"
        nodes.append(Node(mid, "Mechanism", f"Synthetic mechanism {i}", source=SYNTHETIC_SOURCE))
        for drug in set(rng.choices(drugs, drug_w, k=8)):
            edges.append(Edge(drug, "HAS_MECHANISM", mid, prov, {}, SYNTHETIC_SOURCE))
        for gene in set(rng.choices(genes, k=4)):
            edges.append(Edge(mid, "ACTS_ON", gene, prov, {}, SYNTHETIC_SOURCE))
        if count > 1:
            other = rng.randrange(count - 1)
            other += other >= i
            edges.append(Edge(mid, "LEADS_TO", f"ketkg:synthetic-mechanism-{other}", prov, {}, SYNTHETIC_SOURCE))
        edges.append(Edge(mid, "IMPLICATED_IN", rng.choice(diseases), prov, {}, SYNTHETIC_SOURCE))
    for kind in ("Disease", "Symptom"):
        for twin, real in shape.twins(kind):
            if twin in present and real in present:
                edges.append(Edge(twin, "SUBCLASS_OF", real, prov, {}, SYNTHETIC_SOURCE))


def scale_loaders(scale: str, data: Path = DATA) -> tuple[list[Loader], object | None, dict[str, float]]:
    """The loaders (and normaliser, or None) of a scale, and the seconds spent generating records."""
    import time

    from loaders.curated import CuratedLoader

    if scale == "real":
        from kg.normalize import make_normalizer
        from loaders.hetionet import HetionetLoader
        from loaders.sider import SiderLoader

        hetionet = HetionetLoader(data / "hetionet" / "hetionet-v1.0-nodes.tsv", [
            data / "hetionet-integrate" / "edges-5k.sif.gz",
            data / "derived" / "hetionet-v1.0-edges-partial-9-metaedges.sif.gz"])
        sider = SiderLoader(data / "sider" / "meddra_all_se.tsv.gz", data / "drugbank" / "unichem-mapping-pubchem.tsv")
        normalizer = make_normalizer(biolink_prefixes=data / "biolink" / "preferred_prefixes_per_class.json")
        return [CuratedLoader(), hetionet, sider], normalizer, {}
    started = time.perf_counter()
    curated = CuratedLoader().load()
    shape = HetionetShape(data)
    nodes, edges = shape.generate(float(scale))
    _clinical(nodes, edges, shape, float(scale))
    taken = {n.id: n.category for n in curated.nodes}  # a curated record wins over a generated one
    nodes = [n for n in nodes if n.id not in taken]
    kept = {n.id: n.category for n in nodes} | taken
    schema = load_schema()
    edges = [e for e in edges if kept[e.subject] in schema.predicates[e.predicate].domain
             and kept[e.object] in schema.predicates[e.predicate].range]
    generated = time.perf_counter() - started
    return [_Fixed(curated), RecordsLoader(nodes, edges)], None, {"generate_s": generated}


class _Fixed:
    """A loader that hands back a batch it was given."""

    def __init__(self, batch: Batch) -> None:
        self.batch, self.name, self.license = batch, batch.source, batch.license or ""

    def load(self) -> Batch:
        return self.batch

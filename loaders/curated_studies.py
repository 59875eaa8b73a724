"""Studies of the curated corpus: one Study node each, and its arms, conditions and outcomes as edges."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.model import CURATED_SOURCE, Edge, Node, Origin
from kg.validate import Report
from loaders.curated_fields import ADVERSE_KEYS, INTERVENTION_KEYS, OUTCOME_KEYS, REGULATORY_KEYS, STUDY_IDS
from loaders.yamlfile import LINE_KEY
from ontology import Schema

if TYPE_CHECKING:
    from loaders.curated import _State

__all__ = ["study_node", "study_edges", "study_curies"]


def study_curies(data: dict[str, Any]) -> list[str]:
    """The study's publication/registry CURIEs: PMID, DOI, NCT in that order."""
    curies = []
    for key, prefix in STUDY_IDS.items():
        value = data.get(key)
        if value not in (None, ""):
            local = str(value).strip()
            if prefix == "NCT" and local.upper().startswith("NCT:"):
                local = local[4:]
            curies.append(f"{prefix}:{local}")
    return curies


def _clean(mapping: dict[str, Any], allowed: set[str]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k in allowed and v not in (None, "", [])}


def _check_study(data: dict[str, Any], origin: Origin, schema: Schema, report: Report) -> bool:
    sid, ok = str(data["id"]), True

    def error(code: str, message: str) -> None:
        nonlocal ok
        report.add("error", code, message, sid, origin)
        ok = False

    curies = study_curies(data)
    if data.get("design") != "regulatory" and not curies:
        error("missing-identifier", "a study needs at least one of pmid, doi, nct")
    if curies and sid not in curies and not sid.startswith("ketkg:"):
        error("study-id", f"study id must be one of its identifiers {curies}")
    if data.get("design") not in schema.designs:
        error("bad-design", f"design {data.get('design')!r} is not one of {sorted(schema.designs)}")
    year = data.get("year")
    if not isinstance(year, int) or not 1900 <= year <= 2100:
        error("bad-year", f"year {year!r} is not a four-digit year")
    n = data.get("n")
    if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 1):
        error("bad-n", f"n {n!r} is not a positive whole number")
    direction = (data.get("outcome") or {}).get("direction")
    if direction is not None and direction not in schema.directions:
        error("bad-direction", f"direction {direction!r} is not one of {sorted(schema.directions)}")
    if not data.get("conditions"):
        error("no-condition", "a study must name at least one condition")
    if not data.get("verified_at"):
        error("not-verified", "verified_at is required: where was this study checked?")
    for key, allowed in (("outcome", OUTCOME_KEYS), ("regulatory", REGULATORY_KEYS)):
        extra = set(data.get(key) or {}) - allowed - {LINE_KEY}
        if extra:
            error("unknown-key", f"unknown keys {sorted(extra)} in {key}")
    return ok


def study_node(data: dict[str, Any], origin: Origin, schema: Schema, report: Report) -> Node | None:
    """The Study node, or None (with the problems reported) when the record is unusable."""
    if not _check_study(data, origin, schema, report):
        return None
    design = schema.design(data["design"])
    props: dict[str, Any] = {
        "title": data["title"].strip(), "first_author": data.get("first_author"), "year": data["year"],
        "date": data.get("date"), "journal": data.get("journal"), "design": design.name,
        "evidence_level": design.level, "n": data.get("n"), "population": data.get("population"),
        "pmid": data.get("pmid"), "doi": data.get("doi"), "nct": data.get("nct"),
        "verified_at": [str(u) for u in data.get("verified_at") or []], "note": data.get("note"),
        "adverse_effects_text": data.get("adverse_effects_text"),
    }
    props.update(_clean(data.get("regulatory") or {}, REGULATORY_KEYS))
    for key in ("pmid", "doi", "nct", "date"):
        if props.get(key) is not None:
            props[key] = str(props[key])
    props = {k: v for k, v in props.items() if v not in (None, "", [])}
    xrefs = tuple(c for c in study_curies(data) if c != data["id"])
    return Node(data["id"], "Study", data["title"].strip(), (), xrefs, props, CURATED_SOURCE, origin)


def study_edges(data: dict[str, Any], origin: Origin, state: _State) -> list[Edge]:
    """INVESTIGATES, STUDIES, REPORTS_OUTCOME, REPORTS_ADVERSE_EFFECT and APPROVED_FOR edges."""
    from loaders.curated import _Record

    rec = _Record("studies", data, origin)
    sid = data["id"]
    design = state.schema.design(data["design"])
    prov = state.provenance(study_curies(data) or [sid], design.eco)
    edges: list[Edge] = []
    drugs = []
    for role, key in (("intervention", "interventions"), ("comparator", "comparators")):
        for arm in data.get(key) or []:
            if not isinstance(arm, dict):
                state.error("bad-record", f"{key} entry {arm!r} is not a mapping", sid, origin)
                continue
            extra = set(arm) - INTERVENTION_KEYS - {LINE_KEY}
            if extra:
                state.error("unknown-key", f"unknown keys {sorted(extra)} in {key}", sid, origin)
            if arm.get("drug") is None:
                continue  # placebo or usual care: described, not a node
            drug = state.resolve(arm["drug"], rec, f"{key} drug")
            if drug is None:
                continue
            props = {"role": role, **_clean(arm, INTERVENTION_KEYS - {"drug"})}
            arm_key = "|".join(str(arm.get(k) or "") for k in ("dose", "route", "schedule"))
            edges.append(Edge(sid, "INVESTIGATES", drug, prov, props, qualifier=f"{role}|{arm_key}",
                              origin=origin))
            if role == "intervention":
                drugs.append(drug)
    outcome = _clean(data.get("outcome") or {}, OUTCOME_KEYS)
    conditions = []
    for ref in data.get("conditions") or []:
        cond = state.resolve(ref, rec, "condition")
        if cond is None:
            continue
        conditions.append(cond)
        studies_props = _clean({"population": data.get("population"), "n": data.get("n")}, {"population", "n"})
        edges.append(Edge(sid, "STUDIES", cond, prov, studies_props, origin=origin))
        if outcome:
            edges.append(Edge(sid, "REPORTS_OUTCOME", cond, prov, outcome, origin=origin))
    for effect in data.get("adverse_effects") or []:
        if not isinstance(effect, dict) or set(effect) - ADVERSE_KEYS - {LINE_KEY}:
            state.error("bad-record", f"adverse effect entry {effect!r} must use keys {sorted(ADVERSE_KEYS)}",
                        sid, origin)
            continue
        ae = state.resolve(effect.get("effect"), rec, "adverse effect")
        if ae is not None:
            props = _clean(effect, {"incidence", "arm"})
            edges.append(Edge(sid, "REPORTS_ADVERSE_EFFECT", ae, prov, props,
                              qualifier=str(effect.get("arm") or ""), origin=origin))
    if design.name == "regulatory":
        reg = _clean(data.get("regulatory") or {}, REGULATORY_KEYS)
        reg = {k: str(v) for k, v in reg.items()}
        for drug in drugs:
            for cond in conditions:
                edges.append(Edge(drug, "APPROVED_FOR", cond, prov, reg, qualifier=sid, origin=origin))
    return edges

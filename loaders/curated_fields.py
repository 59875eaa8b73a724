"""The keys each curated section may hold, and which keys become which edges."""

from __future__ import annotations

ENTITY_SECTIONS = {
    "drugs": "Drug",
    "products": "Product",
    "mechanisms": "Mechanism",
    "targets": "Target",
    "conditions": "Condition",
    "adverse_effects": "AdverseEffect",
    "studies": "Study",
}

_COMMON = {"id", "name", "synonyms", "xrefs", "description", "verified_at", "note"}

SECTION_KEYS: dict[str, set[str]] = {
    "drugs": _COMMON | {"enantiomer_of", "metabolite_of", "mechanisms"},
    "products": _COMMON | {"active_ingredient", "manufacturer", "route", "mechanisms"},
    "mechanisms": _COMMON | {"targets", "leads_to", "implicated_in"},
    "targets": _COMMON,
    "conditions": _COMMON | {"parents", "comorbid_with"},
    "adverse_effects": _COMMON,
    "studies": {"id", "title", "first_author", "year", "date", "journal", "design", "n", "population",
                "pmid", "doi", "nct", "conditions", "interventions", "comparators", "outcome",
                "adverse_effects", "adverse_effects_text", "regulatory", "verified_at", "note"},
}

# entity key -> (predicate, key of the referenced entity inside each item)
RELATION_KEYS: dict[str, tuple[str, str]] = {
    "enantiomer_of": ("ENANTIOMER_OF", "drug"),
    "metabolite_of": ("METABOLITE_OF", "drug"),
    "mechanisms": ("HAS_MECHANISM", "mechanism"),
    "active_ingredient": ("HAS_ACTIVE_INGREDIENT", "drug"),
    "targets": ("ACTS_ON", "target"),
    "leads_to": ("LEADS_TO", "mechanism"),
    "implicated_in": ("IMPLICATED_IN", "condition"),
    "parents": ("SUBCLASS_OF", "condition"),
    "comorbid_with": ("COMORBID_WITH", "condition"),
}

# study identifier fields and the CURIE prefix each becomes
STUDY_IDS = {"pmid": "PMID", "doi": "DOI", "nct": "NCT"}

INTERVENTION_KEYS = {"drug", "dose", "route", "schedule", "off_label", "description"}
OUTCOME_KEYS = {"measure", "result", "effect_size", "ci", "direction"}
ADVERSE_KEYS = {"effect", "incidence", "arm"}
REGULATORY_KEYS = {"agency", "jurisdiction", "date", "indication", "restrictions"}

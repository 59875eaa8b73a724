// ketamine-kg analyst query library.
//
// Each query starts with `// name:` (a unique snake_case name), then `// description:` and,
// when it takes parameters, `// params:` with a JSON object of example values. Run one with
// `kg cypher --query-name NAME [--param key=value ...]`, or list them at GET /api/cypher/library.
//
// Every query is written in the Cypher subset both stores run (see docs/analyst.md):
// MATCH clauses with directed (and variable-length) relationships, WHERE, RETURN [DISTINCT] with
// aggregates, ORDER BY, SKIP and LIMIT; double-quoted strings; AND and OR never mixed without
// parentheses. Node labels are categories, relationship types are predicates, and properties are
// flattened (`s.year`, `s.design`, `r.direction`, `r.incidence`, `r.publications`).
// Each ORDER BY is total, so both stores return the same rows in the same order.

// name: rcts_linking_mechanism_to_condition
// description: Randomised trials (parallel or crossover) of drugs acting through a mechanism, in a condition or any of its subclasses.
// params: {"mechanism": "ketkg:nmda-receptor-antagonism", "condition": "MONDO:0002050"}
MATCH (m:Mechanism)<-[:HAS_MECHANISM]-(d:Drug)<-[:INVESTIGATES]-(s:Study)-[:STUDIES]->(c:Condition)-[:SUBCLASS_OF*0..5]->(p:Condition)
WHERE m.id = $mechanism AND p.id = $condition AND s.design IN ["rct", "crossover_rct"]
RETURN DISTINCT s.id AS study, s.year AS year, s.n AS n, d.name AS drug, c.name AS condition
ORDER BY year DESC, study, drug, condition;

// name: adverse_effects_by_drug
// description: Adverse effects reported by the studies of a drug, with the incidence and arm where the study gives them.
// params: {"drug": "CHEBI:60799"}
MATCH (d)<-[:INVESTIGATES]-(s:Study)-[r:REPORTS_ADVERSE_EFFECT]->(a:AdverseEffect)
WHERE d.id = $drug
RETURN DISTINCT a.name AS adverse_effect, s.id AS study, s.year AS year, r.incidence AS incidence, r.arm AS arm
ORDER BY adverse_effect, study, incidence, arm;

// name: conditions_by_rct_count
// description: Conditions ranked by the number of randomised trials (parallel or crossover) that study them.
MATCH (s:Study)-[:STUDIES]->(c:Condition)
WHERE s.design IN ["rct", "crossover_rct"]
RETURN c.name AS condition, c.id AS id, count(s) AS rcts
ORDER BY rcts DESC, condition, id;

// name: targets_of_drug_mechanisms
// description: The genes and proteins acted on by each mechanism of action of a drug.
// params: {"drug": "CHEBI:6121"}
MATCH (d:Drug)-[:HAS_MECHANISM]->(m:Mechanism)-[:ACTS_ON]->(t:Target)
WHERE d.id = $drug
RETURN DISTINCT m.name AS mechanism, t.name AS target, t.id AS target_id
ORDER BY mechanism, target, target_id;

// name: comorbid_conditions_with_evidence
// description: Comorbidities recorded between conditions, with the number of studies on the comorbid condition or its subclasses.
MATCH (a:Condition)-[:COMORBID_WITH]->(b:Condition)<-[:SUBCLASS_OF*0..5]-(c:Condition)<-[:STUDIES]-(s:Study)
RETURN a.name AS condition, b.name AS comorbid_with, count(s) AS studies
ORDER BY condition, comorbid_with;

// name: studies_by_design
// description: Studies per design with their total reported participants and the span of publication years.
MATCH (s:Study)
RETURN s.design AS design, count(s) AS studies, sum(s.n) AS participants, min(s.year) AS first_year, max(s.year) AS last_year
ORDER BY design;

// name: regulatory_approvals
// description: Regulatory approvals of drugs and products, by agency, jurisdiction and date.
MATCH (d)-[a:APPROVED_FOR]->(c:Condition)
RETURN d.name AS drug, c.name AS condition, a.agency AS agency, a.jurisdiction AS jurisdiction, a.date AS date
ORDER BY date, drug, condition, agency, jurisdiction;

// name: outcome_directions_by_condition
// description: How many reported outcomes point to benefit, no benefit, mixed results or harm, per condition.
MATCH (s:Study)-[r:REPORTS_OUTCOME]->(c:Condition)
RETURN c.name AS condition, r.direction AS direction, count(s) AS outcomes
ORDER BY condition, direction;

// name: drugs_studied_for_condition
// description: Drugs given as the intervention in studies of a condition or any of its subclasses.
// params: {"condition": "HP:0012532"}
MATCH (d)<-[i:INVESTIGATES]-(s:Study)-[:STUDIES]->(c:Condition)-[:SUBCLASS_OF*0..5]->(p:Condition)
WHERE p.id = $condition AND i.role = "intervention"
RETURN DISTINCT d.name AS drug, s.id AS study, c.name AS condition
ORDER BY drug, study, condition;

// name: large_randomised_trials
// description: Randomised trials with at least a given number of participants, largest first, with the drugs they investigate.
// params: {"min_n": 100}
MATCH (s:Study)-[:INVESTIGATES]->(d:Drug)
WHERE s.n >= $min_n AND s.design IN ["rct", "crossover_rct"]
RETURN DISTINCT s.id AS study, s.n AS n, s.year AS year, d.name AS drug
ORDER BY n DESC, study, drug;

// name: mechanism_cascade
// description: Every mechanism downstream of another through LEADS_TO (up to four steps).
MATCH (a:Mechanism)-[:LEADS_TO*1..4]->(b:Mechanism)
RETURN DISTINCT a.name AS upstream, b.name AS downstream
ORDER BY upstream, downstream;

// name: mechanisms_implicated_in_condition
// description: Mechanisms implicated in a condition or any of its subclasses.
// params: {"condition": "MONDO:0002050"}
MATCH (m:Mechanism)-[:IMPLICATED_IN]->(c:Condition)-[:SUBCLASS_OF*0..5]->(p:Condition)
WHERE p.id = $condition
RETURN DISTINCT m.name AS mechanism, c.name AS condition
ORDER BY mechanism, condition;

// name: enantiomers_and_metabolites
// description: Drugs related to another as an enantiomer or a metabolite.
MATCH (a:Drug)-[r:ENANTIOMER_OF|METABOLITE_OF]->(b:Drug)
RETURN a.name AS drug, type(r) AS relation, b.name AS parent
ORDER BY drug, relation, parent;

// name: recent_outcomes_for_condition
// description: Outcomes reported for a condition by studies published in or after a year, newest first.
// params: {"condition": "MESH:D061218", "since": 2019}
MATCH (s:Study)-[r:REPORTS_OUTCOME]->(c:Condition)
WHERE c.id = $condition AND s.year >= $since
RETURN s.id AS study, s.year AS year, s.design AS design, r.measure AS measure, r.direction AS direction, r.result AS result
ORDER BY year DESC, study, measure, result;

// name: adverse_effects_by_study_count
// description: Adverse effects ranked by the number of studies reporting them.
MATCH (s:Study)-[:REPORTS_ADVERSE_EFFECT]->(a:AdverseEffect)
RETURN a.name AS adverse_effect, a.id AS id, count(s) AS studies
ORDER BY studies DESC, adverse_effect, id;

// name: studies_without_pubmed_id
// description: Studies with no PubMed id (identified by DOI, registry number or a project id instead).
MATCH (s:Study)
WHERE s.pmid IS NULL
RETURN s.id AS study, s.doi AS doi, s.nct AS nct, s.design AS design
ORDER BY study;

// name: products_and_active_ingredients
// description: Marketed products with their active ingredients and manufacturer.
MATCH (p:Product)-[:HAS_ACTIVE_INGREDIENT]->(d:Drug)
RETURN p.name AS product, d.name AS ingredient, p.manufacturer AS manufacturer
ORDER BY product, ingredient;

/* An entity page: names, synonyms, external ids (the IRIs the API returns) and neighbours,
 * from /api/entities/<curie>. */
"use strict";

(function () {
  const KG = (window.KG = window.KG || {});
  const el = KG.el;
  const PHRASES = {
    "HAS_MECHANISM:out": "Mechanisms", "HAS_MECHANISM:in": "Drugs with this mechanism",
    "ACTS_ON:out": "Acts on", "ACTS_ON:in": "Mechanisms acting on it",
    "LEADS_TO:out": "Leads to", "LEADS_TO:in": "Follows from",
    "IMPLICATED_IN:out": "Implicated in", "IMPLICATED_IN:in": "Implicated mechanisms",
    "INVESTIGATES:out": "Drugs investigated", "INVESTIGATES:in": "Investigated in",
    "STUDIES:out": "Conditions studied", "STUDIES:in": "Studied in",
    "REPORTS_OUTCOME:out": "Outcomes reported for", "REPORTS_OUTCOME:in": "Outcomes reported in",
    "REPORTS_ADVERSE_EFFECT:out": "Adverse effects reported", "REPORTS_ADVERSE_EFFECT:in": "Reported in",
    "APPROVED_FOR:out": "Approved for", "APPROVED_FOR:in": "Approved treatments",
    "CAUSES_ADVERSE_EFFECT:out": "Adverse effects", "CAUSES_ADVERSE_EFFECT:in": "Caused by",
    "BINDS:out": "Binds", "BINDS:in": "Bound by",
    "SUBCLASS_OF:out": "Subclass of", "SUBCLASS_OF:in": "Subclasses",
    "COMORBID_WITH:out": "Comorbid with", "COMORBID_WITH:in": "Comorbid with",
    "ENANTIOMER_OF:out": "Enantiomer of", "ENANTIOMER_OF:in": "Enantiomers",
    "METABOLITE_OF:out": "Metabolite of", "METABOLITE_OF:in": "Metabolites",
    "HAS_ACTIVE_INGREDIENT:out": "Active ingredients", "HAS_ACTIVE_INGREDIENT:in": "Products containing it",
  };
  const HIDDEN_PROPERTIES = new Set(["description", "title"]);
  const SHOWN = 12;

  function humanise(key) {
    const text = key.replace(/_/g, " ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function value(key, v) {
    if (Array.isArray(v)) return el("ul", {class: "plain"}, v.map((x) => el("li", {}, value(key, x))));
    if (v !== null && typeof v === "object") return el("code", {}, JSON.stringify(v));
    const text = String(v);
    if (/^https?:\/\//.test(text)) return KG.external(text, text.replace(/^https?:\/\/(www\.)?/, "").slice(0, 70));
    if (key === "pmid" || key === "doi" || key === "nct") {
      const link = KG.citations({[key]: text})[0];
      return KG.external(link.href, text, `${link.label}: ${link.href}`);
    }
    return text;
  }

  function properties(list, props) {
    list.replaceChildren();
    for (const [key, v] of Object.entries(props)) {
      if (HIDDEN_PROPERTIES.has(key) || v === null || v === "") continue;
      list.append(el("dt", {}, humanise(key)), el("dd", {}, value(key, v)));
    }
    if (!list.children.length) list.append(el("dd", {class: "muted"}, "No further properties recorded."));
  }

  function xrefs(list, entity) {
    const items = entity.xrefs.map((x) => el("li", {},
      x.iri ? KG.external(x.iri, x.id, x.iri) : el("code", {}, x.id)));
    list.replaceChildren(...(items.length ? items : [el("li", {class: "muted"}, "None recorded.")]));
  }

  function neighbours(box, groups) {
    if (!groups.length) {
      box.replaceChildren(el("p", {class: "muted"}, "No neighbours."));
      return;
    }
    box.replaceChildren(...groups.map((g) => {
      const items = g.neighbours.map(neighbour);
      const list = el("ul", {class: "neighbour-list"}, items.slice(0, SHOWN));
      const more = items.length > SHOWN ? el("details", {class: "more"},
        el("summary", {}, `Show ${items.length - SHOWN} more`), el("ul", {class: "neighbour-list"}, items.slice(SHOWN))) : null;
      return el("section", {class: "neighbour-group"},
        el("h3", {class: "small-title"}, PHRASES[`${g.predicate}:${g.direction}`] || humanise(g.predicate.toLowerCase()),
          el("span", {class: "count"}, ` ${g.count}`),
          el("code", {class: "predicate"}, g.direction === "out" ? `→ ${g.predicate}` : `← ${g.predicate}`)),
        list, more);
    }));
  }

  function neighbour(n) {
    return el("li", {},
      el("span", {class: "dot", "aria-hidden": "true", style: {"--cat": KG.CATEGORY_COLOURS[n.category] || "#64748b"}}),
      el("a", {href: KG.entityHref(n.id)}, n.name),
      el("span", {class: "visually-hidden"}, ` (${n.category})`));
  }

  function actions(box, entity, sourceCategories) {
    box.replaceChildren();
    const query = (key) => KG.url(`/?${new URLSearchParams({[key]: entity.id}).toString()}`);
    if (sourceCategories.includes(entity.category)) {
      box.append(el("a", {class: "button small", href: query("source")}, `Find evidence from this ${entity.category.toLowerCase()}`));
    } else if (entity.category === "Condition") {
      box.append(el("a", {class: "button small", href: query("target")}, "Find evidence for this condition"));
    }
    if (entity.category === "Study") {
      const cites = KG.citationList(Object.assign({id: entity.id}, entity.properties));
      if (cites) box.append(cites);
    }
  }

  function render(root, entity) {
    const $ = (id) => document.getElementById(id);
    const name = entity.name || entity.id;
    document.title = `${name} · ketamine-kg`;
    $("entity-name").textContent = name;
    $("entity-category").replaceWith(KG.categoryBadge(entity.category));
    $("entity-id").textContent = entity.id;
    if (entity.iri) {
      const iri = $("entity-iri");
      iri.href = entity.iri;
      iri.textContent = entity.iri;
      iri.target = "_blank";
      iri.rel = "noopener noreferrer";
      iri.hidden = false;
    }
    $("entity-description").textContent = entity.properties.description || entity.properties.title || "";
    properties($("entity-properties"), entity.properties);
    $("entity-synonyms").replaceChildren(...(entity.synonyms.length
      ? entity.synonyms.map((s) => el("li", {class: "chip"}, s)) : [el("li", {class: "muted"}, "None recorded.")]));
    xrefs($("entity-xrefs"), entity);
    $("entity-source").textContent = entity.source || "not recorded";
    neighbours($("entity-neighbours"), entity.neighbours || []);
    actions($("entity-actions"), entity, root.dataset.sourceCategories.split(","));
    $("entity-body").hidden = false;
    $("status").textContent = "";
  }

  async function init() {
    const root = document.getElementById("entity");
    try {
      const entity = await KG.fetchJSON(`/api/entities/${KG.curiePath(root.dataset.curie)}`);
      render(root, entity);
    } catch (err) {
      KG.showError(document.getElementById("message"), err);
      document.getElementById("status").textContent = "";
    } finally {
      document.getElementById("status").classList.remove("loading");
      root.removeAttribute("aria-busy");
    }
  }

  document.addEventListener("DOMContentLoaded", init);
})();

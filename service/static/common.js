/* Shared helpers for the ketamine-kg pages: DOM building, API calls, messages, citations. */
"use strict";

(function () {
  const KG = (window.KG = window.KG || {});

  KG.CATEGORY_COLOURS = {
    Drug: "#2563eb", Product: "#0891b2", Mechanism: "#7c3aed", Target: "#c026d3",
    Study: "#d97706", Condition: "#059669", AdverseEffect: "#dc2626", OutcomeMeasure: "#64748b",
  };
  KG.DIRECTIONS = [
    ["benefit", "Benefit"], ["mixed", "Mixed"], ["no_benefit", "No benefit"], ["harm", "Harm"],
  ];

  /** Build an element: el("a", {href: "/x", class: "y"}, "text", childNode, ...). */
  KG.el = function (tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key === "style") {
        for (const [prop, v] of Object.entries(value)) node.style.setProperty(prop, v);
      }
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  };

  KG.url = function (path) {
    return (document.body.dataset.root || "") + path;
  };

  /** A CURIE as a path: slashes stay readable, everything else is escaped. */
  KG.curiePath = function (id) {
    return String(id).split("/").map((part) => encodeURIComponent(part).replace(/%3A/gi, ":")).join("/");
  };
  KG.entityHref = (id) => KG.url("/entity/" + KG.curiePath(id));

  KG.external = function (href, text, title) {
    return KG.el("a", {href, class: "external", target: "_blank", rel: "noopener noreferrer", title},
      text, KG.el("span", {class: "visually-hidden", text: " (opens in a new tab)"}));
  };

  KG.categoryBadge = function (category) {
    return KG.el("span", {class: "badge cat", dataset: {category},
      style: {"--cat": KG.CATEGORY_COLOURS[category] || "#64748b"}}, category);
  };

  class ServiceError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }
  KG.ServiceError = ServiceError;

  /** Fetch JSON from the API; failures become a ServiceError carrying the API's message. */
  KG.fetchJSON = async function (path, options) {
    let response;
    try {
      response = await fetch(KG.url(path), Object.assign({headers: {Accept: "application/json"}}, options));
    } catch (err) {
      if (err.name === "AbortError") throw err;
      throw new ServiceError(0, "The ketamine-kg service could not be reached. Check that it is running, then try again.");
    }
    let body = null;
    try {
      body = await response.json();
    } catch (err) {
      throw new ServiceError(response.status, `The service answered ${response.status} ${response.statusText} without a JSON body.`);
    }
    if (!response.ok || (body && body.error)) {
      const message = body && body.error && body.error.message ? body.error.message : response.statusText;
      throw new ServiceError(response.status, message);
    }
    return body;
  };

  /** Title and tone of an error, by HTTP status (0: the service is unreachable). */
  KG.describeError = function (err) {
    const status = err.status === undefined ? 500 : err.status;
    if (status === 0) return {kind: "error", title: "Service unreachable"};
    if (status === 503) return {kind: "error", title: "The graph store is unavailable"};
    if (status === 404) return {kind: "warning", title: "Not found"};
    if (status >= 400 && status < 500) return {kind: "warning", title: "The query could not be run"};
    return {kind: "error", title: "The service failed to answer"};
  };

  /** Show a message box (kind: error, warning, empty or info); an empty title hides it. */
  KG.showMessage = function (box, kind, title, detail, extra) {
    box.replaceChildren();
    box.hidden = !title;
    if (!title) return;
    box.className = `message ${kind}`;
    box.setAttribute("role", kind === "error" || kind === "warning" ? "alert" : "status");
    box.append(KG.el("strong", {class: "message-title"}, title));
    if (detail) box.append(KG.el("p", {}, detail));
    if (extra) box.append(extra);
  };

  KG.showError = function (box, err) {
    const {kind, title} = KG.describeError(err);
    KG.showMessage(box, kind, title, err.message);
  };

  /** Citation links of a study row: PubMed, doi.org and ClinicalTrials.gov. */
  KG.citations = function (row) {
    const id = String(row.id || "");
    const pmid = row.pmid || (id.startsWith("PMID:") ? id.slice(5) : null);
    const doi = row.doi || (id.startsWith("DOI:") ? id.slice(4) : null);
    const nct = row.nct || (id.startsWith("NCT:") ? id.slice(4) : null);
    const links = [];
    if (pmid) links.push({label: "PubMed", text: `PMID ${pmid}`, href: `https://pubmed.ncbi.nlm.nih.gov/${encodeURIComponent(pmid)}/`});
    if (doi) links.push({label: "DOI", text: "DOI", href: `https://doi.org/${KG.curiePath(doi)}`});
    if (nct) links.push({label: "ClinicalTrials.gov", text: nct, href: `https://clinicaltrials.gov/study/${encodeURIComponent(nct)}`});
    return links;
  };

  KG.citationList = function (row) {
    const links = KG.citations(row);
    if (!links.length) return null;
    return KG.el("ul", {class: "citations", "aria-label": "Citations"},
      links.map((l) => KG.el("li", {}, KG.external(l.href, l.text, `${l.label}: ${l.href}`))));
  };

  KG.formatNumber = (n) => (n === null || n === undefined ? "—" : Number(n).toLocaleString("en-GB"));

  async function checkHealth() {
    const box = document.getElementById("health");
    if (!box) return;
    const text = box.querySelector(".health-text");
    try {
      const health = await KG.fetchJSON("/api/health");
      box.dataset.state = "ok";
      text.textContent = `${health.store} store · ${KG.formatNumber(health.nodes)} nodes · ${KG.formatNumber(health.edges)} edges`;
    } catch (err) {
      box.dataset.state = "down";
      text.textContent = err.status === 0 ? "Service unreachable" : "Store unavailable";
      box.title = err.message;
    }
  }

  document.addEventListener("DOMContentLoaded", checkHealth);
})();

/* The query page: the form mirrors the URL (shareable; back/forward replay earlier queries),
 * answers come from /api/evidence and are drawn by results.js and graph.js. */
"use strict";

(function () {
  const KG = (window.KG = window.KG || {});
  const el = KG.el;
  const FILTERS = ["year_from", "year_to", "min_n"];
  const page = {};

  function paramsFromForm() {
    const params = new URLSearchParams();
    const source = page.source.value();
    const target = page.target.value();
    if (source) params.set("source", source);
    if (target) params.set("target", target);
    for (const box of page.form.querySelectorAll("input[name=design]:checked")) params.append("design", box.value);
    for (const name of FILTERS) {
      const value = page.form.elements[name].value.trim();
      if (value) params.set(name, value);
    }
    return params;
  }

  function fillForm(params) {
    page.source.setText(params.get("source"));
    page.target.setText(params.get("target"));
    const designs = new Set(params.getAll("design"));
    for (const box of page.form.querySelectorAll("input[name=design]")) box.checked = designs.has(box.value);
    for (const name of FILTERS) page.form.elements[name].value = params.get(name) || "";
    countFilters();
  }

  function countFilters() {
    const params = paramsFromForm();
    const n = params.getAll("design").length + FILTERS.filter((f) => params.get(f)).length;
    document.getElementById("filter-count").textContent = n ? `(${n} active)` : "";
    if (n) document.getElementById("filters").open = true;
  }

  function setStatus(text) {
    page.status.textContent = text;
  }

  function reset() {
    page.results.hidden = true;
    KG.showMessage(page.message, "info", "");
    setStatus("");
    page.samples.hidden = false;
    document.title = "Evidence explorer · ketamine-kg";
  }

  function names(nodes) {
    return nodes.map((n) => n.name).join(", ");
  }

  function resolvedLine(answer) {
    const known = new Map();
    for (const chain of answer.chains) for (const n of chain.nodes) known.set(n.id, n.name);
    const targetIds = new Set(answer.target.map((t) => t.id));
    const extra = answer.conditions.filter((c) => !targetIds.has(c)).map((c) => known.get(c) || c);
    const link = (n) => el("a", {href: KG.entityHref(n.id)}, n.name);
    return [
      "From ", ...answer.source.flatMap((n, i) => (i ? [", ", link(n)] : [link(n)])),
      " to ", ...answer.target.flatMap((n, i) => (i ? [", ", link(n)] : [link(n)])),
      extra.length ? `, including ${extra.length} subclass${extra.length === 1 ? "" : "es"} (${extra.join(", ")})` : "",
      ".",
    ];
  }

  function showEmpty(answer) {
    const tips = el("ul", {},
      el("li", {}, "Loosen the filters (design, years, minimum N)."),
      el("li", {}, "Try a broader condition: its subclasses are searched too."),
      el("li", {}, "Start from a drug rather than a mechanism, or the reverse."));
    KG.showMessage(page.message, "empty", "No evidence found",
      `Nothing in the graph links ${names(answer.source)} to ${names(answer.target)} with these filters.`, tips);
    setStatus("");
  }

  function render(answer) {
    page.answer = answer;
    if (answer.source.length === 1) page.source.choose(answer.source[0]);
    if (answer.target.length === 1) page.target.choose(answer.target[0]);
    document.title = `${names(answer.source)} → ${names(answer.target)} · ketamine-kg`;
    if (!answer.chains.length) {
      showEmpty(answer);
      return;
    }
    document.getElementById("resolved").replaceChildren(...resolvedLine(answer));
    KG.renderSummary(document.getElementById("summary"), answer);
    page.table.render(answer.studies);
    page.results.hidden = false;
    KG.renderGraph(document.getElementById("graph"), document.getElementById("node-details"), answer,
      document.getElementById("graph-layout").value);
    KG.renderLegend(document.getElementById("graph-legend"), KG.graphElements(answer));
    setStatus(`${answer.studies.length} stud${answer.studies.length === 1 ? "y" : "ies"} on ${answer.chains.length} chain${answer.chains.length === 1 ? "" : "s"}.`);
  }

  async function run(params) {
    const token = (page.token = (page.token || 0) + 1);
    page.results.hidden = true;
    page.samples.hidden = true;
    KG.showMessage(page.message, "info", "");
    page.results.setAttribute("aria-busy", "true");
    setStatus("Searching the graph…");
    page.status.classList.add("loading");
    try {
      const answer = await KG.fetchJSON(`/api/evidence?${params.toString()}`);
      if (token !== page.token) return;
      render(answer);
    } catch (err) {
      if (token !== page.token) return;
      const {kind, title} = KG.describeError(err);
      const retry = kind === "error"
        ? el("p", {}, el("button", {type: "button", class: "button small", onclick: () => run(params)}, "Try again")) : null;
      KG.showMessage(page.message, kind, title, err.message, retry);
      setStatus("");
    } finally {
      page.status.classList.remove("loading");
      page.results.removeAttribute("aria-busy");
    }
  }

  function load() {
    const params = new URLSearchParams(window.location.search);
    fillForm(params);
    if (params.get("source") && params.get("target")) run(params);
    else reset();
  }

  function validate() {
    for (const picker of [page.source, page.target]) {
      if (!picker.input.value.trim()) {
        picker.input.setAttribute("aria-invalid", "true");
        picker.input.focus();
        const label = picker.root.querySelector("label").textContent;
        KG.showMessage(page.message, "warning", "Both ends of the query are needed", `Fill in “${label}”.`);
        return false;
      }
    }
    return true;
  }

  function onSubmit(event) {
    event.preventDefault();
    if (!validate()) return;
    const params = paramsFromForm();
    if (params.toString() !== window.location.search.replace(/^\?/, "")) {
      window.history.pushState(null, "", `${window.location.pathname}?${params.toString()}`);
    }
    run(params);
  }

  function init() {
    page.form = document.getElementById("query-form");
    const [source, target] = [...page.form.querySelectorAll("[data-combobox]")].map((r) => new KG.Combobox(r));
    Object.assign(page, {source, target, status: document.getElementById("status"),
      message: document.getElementById("message"), results: document.getElementById("results"),
      samples: document.getElementById("samples"),
      table: new KG.EvidenceTable(document.getElementById("evidence-table"))});
    page.form.addEventListener("submit", onSubmit);
    page.form.addEventListener("change", countFilters);
    window.addEventListener("popstate", load);
    document.getElementById("download-csv").addEventListener("click", () => KG.download(page.answer, "csv"));
    document.getElementById("download-json").addEventListener("click", () => KG.download(page.answer, "json"));
    document.getElementById("graph-layout").addEventListener("change",
      (e) => page.answer && KG.relayout(e.target.value, page.answer));
    load();
  }

  document.addEventListener("DOMContentLoaded", init);
})();

/* The Cypher console: POST /api/cypher, rows in a table, examples one click away, errors plain. */
"use strict";

(function () {
  const KG = (window.KG = window.KG || {});
  const el = KG.el;
  const CURIE = /^[A-Za-z][A-Za-z0-9.]*:[^\s/][^\s]*$/;

  function cell(v) {
    if (v === null || v === undefined) return el("span", {class: "muted"}, "null");
    if (typeof v === "object") return el("code", {class: "json"}, JSON.stringify(v));
    const text = String(v);
    if (typeof v === "string" && CURIE.test(text) && !/^https?:/i.test(text)) {
      return el("a", {href: KG.entityHref(text)}, text);
    }
    return text;
  }

  function draw(table, answer) {
    const columns = answer.columns || [];
    table.tHead.replaceChildren(el("tr", {}, columns.map((c) => el("th", {scope: "col"}, c))));
    const rows = (answer.rows || []).map((row) => el("tr", {}, columns.map((c, i) =>
      el("td", {"data-label": c}, cell(Array.isArray(row) ? row[i] : row[c])))));
    table.tBodies[0].replaceChildren(...rows);
    table.hidden = false;
  }

  function parseParams(text) {
    if (!text.trim()) return {};
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new KG.ServiceError(400, `Parameters are not valid JSON: ${err.message}`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new KG.ServiceError(400, "Parameters must be a JSON object, such as {\"name\": \"ketamine\"}.");
    }
    return parsed;
  }

  async function run(ui) {
    const query = ui.query.value.trim();
    const table = ui.table;
    KG.showMessage(ui.message, "info", "");
    ui.meta.textContent = "";
    if (!query) {
      KG.showMessage(ui.message, "warning", "Nothing to run", "Type a Cypher query or pick an example.");
      return;
    }
    ui.run.disabled = true;
    ui.status.textContent = "Running…";
    ui.status.classList.add("loading");
    try {
      const params = parseParams(ui.params.value);
      const answer = await KG.fetchJSON("/api/cypher", {
        method: "POST", headers: {"Content-Type": "application/json", Accept: "application/json"},
        body: JSON.stringify({query, params}),
      });
      draw(table, answer);
      const n = (answer.rows || []).length;
      ui.status.textContent = n ? `${n.toLocaleString("en-GB")} row${n === 1 ? "" : "s"}.` : "The query returned no rows.";
      ui.meta.textContent = `${n.toLocaleString("en-GB")} rows · ${Math.round(answer.elapsed_ms || 0)} ms`;
      if (answer.truncated) {
        KG.showMessage(ui.message, "warning", "Result truncated",
          `Only the first ${n.toLocaleString("en-GB")} rows are shown (the row cap). Add LIMIT or narrow the query.`);
      }
    } catch (err) {
      table.hidden = true;
      ui.status.textContent = "";
      if (err.status === 404 || err.status === 405) {
        KG.showMessage(ui.message, "error", "The Cypher console is not available on this server",
          `POST /api/cypher answered ${err.status}: ${err.message}`);
      } else {
        const {kind} = KG.describeError(err);
        KG.showMessage(ui.message, kind, err.status === 400 ? "Cypher error" : KG.describeError(err).title, err.message);
      }
    } finally {
      ui.status.classList.remove("loading");
      ui.run.disabled = false;
    }
  }

  function init() {
    const ui = {
      form: document.getElementById("cypher-form"), query: document.getElementById("cypher-query"),
      params: document.getElementById("cypher-params"), run: document.getElementById("cypher-run"),
      table: document.getElementById("cypher-table"), status: document.getElementById("status"),
      message: document.getElementById("message"), meta: document.getElementById("cypher-meta"),
    };
    const examples = JSON.parse(document.getElementById("examples-data").textContent || "[]");
    ui.form.addEventListener("submit", (e) => {
      e.preventDefault();
      run(ui);
    });
    ui.query.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        run(ui);
      }
    });
    for (const button of document.querySelectorAll("button.example")) {
      button.addEventListener("click", () => {
        const example = examples[Number(button.dataset.index)];
        ui.query.value = example.query;
        ui.params.value = example.params && Object.keys(example.params).length ? JSON.stringify(example.params) : "";
        for (const b of document.querySelectorAll("button.example")) b.removeAttribute("aria-current");
        button.setAttribute("aria-current", "true");
        run(ui);
      });
    }
  }

  document.addEventListener("DOMContentLoaded", init);
})();

/* Evidence results: the summary (counts by design, participants, direction of effect as CSS
 * bars), the sortable study table and the CSV/JSON downloads, all from the /api/evidence answer. */
"use strict";

(function () {
  const KG = (window.KG = window.KG || {});
  const el = KG.el;
  const DIRECTION_LABEL = Object.fromEntries(KG.DIRECTIONS);
  const DIRECTION_RANK = Object.fromEntries(KG.DIRECTIONS.map(([d], i) => [d, i]));

  function bars(title, rows, total) {
    const list = el("ul", {class: "bars"});
    for (const row of rows) {
      const pct = total ? Math.max(2, Math.round((100 * row.count) / total)) : 0;
      list.append(el("li", {class: "bar-row"},
        el("span", {class: "bar-label"}, row.label),
        el("span", {class: "bar", "aria-hidden": "true"},
          el("span", {class: `bar-fill ${row.tone || ""}`, style: {width: `${pct}%`}})),
        el("span", {class: "bar-value"}, String(row.count))));
    }
    return el("figure", {class: "card chart"}, el("figcaption", {class: "card-title"}, title), list);
  }

  function stat(label, value, note) {
    return el("div", {class: "card stat"}, el("p", {class: "stat-value"}, value),
      el("p", {class: "stat-label"}, label), note ? el("p", {class: "stat-note"}, note) : null);
  }

  /** The summary cards and charts. */
  KG.renderSummary = function (box, answer) {
    const studies = answer.studies;
    const withN = studies.filter((s) => typeof s.n === "number");
    const participants = withN.reduce((sum, s) => sum + s.n, 0);
    const designs = new Map();
    for (const s of studies) {
      const key = s.design || "unknown";
      const entry = designs.get(key) || {label: s.design_label || "design not given", level: s.evidence_level || 9, count: 0};
      entry.count += 1;
      designs.set(key, entry);
    }
    const designRows = [...designs.values()].sort((a, b) => a.level - b.level || b.count - a.count);
    const directions = new Map();
    for (const s of studies) directions.set(s.direction || "none", (directions.get(s.direction || "none") || 0) + 1);
    const directionRows = [...directions.entries()]
      .sort((a, b) => (DIRECTION_RANK[a[0]] ?? 9) - (DIRECTION_RANK[b[0]] ?? 9))
      .map(([d, count]) => ({label: DIRECTION_LABEL[d] || "Not reported", count, tone: `dir-${d}`}));
    box.replaceChildren(
      el("div", {class: "stats"},
        stat("studies", KG.formatNumber(studies.length), `${answer.chains.length} evidence chain${answer.chains.length === 1 ? "" : "s"}`),
        stat("participants", KG.formatNumber(participants),
          `${withN.length} of ${studies.length} studies report N; reviews may pool participants of trials also listed`)),
      bars("By study design", designRows, studies.length),
      bars("Direction of effect", directionRows, studies.length));
  };

  const COLUMNS = [
    {key: "study", label: "Study", value: (s) => `${s.first_author || ""} ${s.title || ""}`.toLowerCase(), first: "asc"},
    {key: "design", label: "Design", value: (s) => `${s.evidence_level || 9} ${s.design_label || s.design || ""}`, first: "asc"},
    {key: "n", label: "N", value: (s) => s.n, first: "desc", numeric: true},
    {key: "year", label: "Year", value: (s) => s.year, first: "desc", numeric: true},
    {key: "result", label: "Main result", value: (s) => DIRECTION_RANK[s.direction] ?? 9, first: "asc"},
    {key: "adverse", label: "Adverse effects", value: (s) => -(s.adverse_effects || []).length, first: "asc"},
  ];

  function studyCell(s) {
    const byline = [s.first_author, s.journal].filter(Boolean).join(" · ");
    return el("td", {class: "col-study", "data-label": "Study"},
      el("a", {class: "study-title", href: KG.entityHref(s.id)}, s.title || s.id),
      byline ? el("p", {class: "byline"}, byline) : null,
      KG.citationList(s));
  }

  function resultCell(s) {
    const direction = s.direction
      ? el("span", {class: `badge dir dir-${s.direction}`}, DIRECTION_LABEL[s.direction] || s.direction) : null;
    return el("td", {class: "col-result", "data-label": "Main result"}, direction,
      el("p", {class: "result-text"}, s.result || "No outcome recorded."));
  }

  function adverseCell(s) {
    const effects = (s.adverse_effects || []).map((a) => el("li", {},
      el("a", {href: KG.entityHref(a.id)}, a.name),
      a.incidence || a.arm ? el("span", {class: "muted"}, ` (${[a.arm, a.incidence].filter(Boolean).join(": ")})`) : null));
    return el("td", {class: "col-adverse", "data-label": "Adverse effects"},
      effects.length ? el("ul", {class: "plain"}, effects) : null,
      s.adverse_effects_text ? el("p", {class: "muted small"}, s.adverse_effects_text) : null,
      !effects.length && !s.adverse_effects_text ? el("span", {class: "muted"}, "Not recorded") : null);
  }

  function row(s) {
    return el("tr", {dataset: {id: s.id}},
      studyCell(s),
      el("td", {class: "col-design", "data-label": "Design"}, s.design_label || s.design || "—",
        s.evidence_level ? el("span", {class: "level", title: `Evidence level ${s.evidence_level} (1 is strongest)`},
          ` L${s.evidence_level}`) : null),
      el("td", {class: "col-num", "data-label": "N"}, KG.formatNumber(s.n)),
      el("td", {class: "col-num", "data-label": "Year"}, s.year ? String(s.year) : "—"),
      resultCell(s),
      adverseCell(s));
  }

  /** The study table; header buttons sort it (aria-sort says how). */
  class EvidenceTable {
    constructor(table) {
      this.table = table;
      this.rows = [];
      this.sort = null;
    }

    render(studies) {
      this.rows = studies.slice();
      this.sort = null;
      this.draw();
    }

    header() {
      return el("tr", {}, COLUMNS.map((c) => {
        const state = this.sort && this.sort.key === c.key ? (this.sort.dir === "asc" ? "ascending" : "descending") : "none";
        return el("th", {scope: "col", "aria-sort": state, class: c.numeric ? "col-num" : null},
          el("button", {type: "button", class: "sort", onclick: () => this.sortBy(c)}, c.label,
            el("span", {class: "sort-icon", "aria-hidden": "true"}, state === "ascending" ? "▲" : state === "descending" ? "▼" : "↕")));
      }));
    }

    sortBy(column) {
      const dir = this.sort && this.sort.key === column.key ? (this.sort.dir === "asc" ? "desc" : "asc") : column.first;
      this.sort = {key: column.key, dir};
      const sign = dir === "asc" ? 1 : -1;
      this.rows.sort((a, b) => {
        const x = column.value(a);
        const y = column.value(b);
        if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1;
        if (y === null || y === undefined) return -1;
        return (x < y ? -1 : x > y ? 1 : 0) * sign;
      });
      this.draw();
      const button = this.table.querySelector(`th[aria-sort="${dir === "asc" ? "ascending" : "descending"}"] button`);
      if (button) button.focus();
    }

    draw() {
      this.table.tHead.replaceChildren(this.header());
      const body = this.table.tBodies[0];
      if (!this.rows.length) {
        body.replaceChildren(el("tr", {class: "empty-row"}, el("td", {colspan: COLUMNS.length},
          "No studies on these chains; the graph below shows the mechanism links found.")));
        return;
      }
      body.replaceChildren(...this.rows.map(row));
    }
  }
  KG.EvidenceTable = EvidenceTable;

  const CSV_FIELDS = ["id", "title", "first_author", "year", "journal", "design", "design_label", "evidence_level",
    "n", "direction", "result", "adverse_effects", "adverse_effects_text", "pmid", "doi", "nct",
    "pubmed_url", "doi_url", "clinicaltrials_url", "matched_conditions"];

  function csvCell(value) {
    let text = value === null || value === undefined ? "" : String(value);
    if (/^[=+@\t\r]/.test(text)) text = `'${text}`; // keep spreadsheets from running it as a formula
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  /** The evidence table as CSV text (RFC 4180, CRLF line ends). */
  KG.evidenceCsv = function (studies) {
    const lines = [CSV_FIELDS.join(",")];
    for (const s of studies) {
      const links = Object.fromEntries(KG.citations(s).map((l) => [l.label, l.href]));
      const record = Object.assign({}, s, {
        adverse_effects: (s.adverse_effects || []).map((a) => a.name).join("; "),
        matched_conditions: (s.matched_conditions || []).join("; "),
        pubmed_url: links.PubMed, doi_url: links.DOI, clinicaltrials_url: links["ClinicalTrials.gov"],
      });
      lines.push(CSV_FIELDS.map((f) => csvCell(record[f])).join(","));
    }
    return lines.join("\r\n") + "\r\n";
  };

  function save(text, type, filename) {
    const url = URL.createObjectURL(new Blob([text], {type}));
    const link = el("a", {href: url, download: filename, hidden: true});
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  function slug(nodes) {
    const text = (nodes[0] && (nodes[0].name || nodes[0].id)) || "query";
    return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "query";
  }

  KG.download = function (answer, format) {
    const base = `evidence-${slug(answer.source)}-${slug(answer.target)}`;
    if (format === "csv") save(KG.evidenceCsv(answer.studies), "text/csv;charset=utf-8", `${base}.csv`);
    else save(JSON.stringify(answer, null, 2), "application/json", `${base}.json`);
  };
})();

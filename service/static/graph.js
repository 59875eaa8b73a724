/* The graph view of evidence chains, drawn by Cytoscape.js (MIT licence; vendored at set-up time
 * from the npm package into static/vendor/). Nodes are coloured and shaped by category;
 * positions come from Cytoscape's own layouts. Clicking a node shows its details. */
"use strict";

(function () {
  const KG = (window.KG = window.KG || {});
  const el = KG.el;
  const SHAPES = {
    Drug: "ellipse", Product: "ellipse", Mechanism: "round-rectangle", Target: "hexagon",
    Study: "rectangle", Condition: "diamond", AdverseEffect: "triangle",
  };
  const LAYOUTS = {
    breadthfirst: (roots) => ({name: "breadthfirst", roots, directed: false, spacingFactor: 1.05, padding: 24}),
    cose: () => ({name: "cose", animate: false, padding: 24, nodeRepulsion: () => 9000, randomize: false}),
    concentric: (roots) => ({name: "concentric", padding: 24, minNodeSpacing: 24,
      concentric: (n) => (roots.includes(n.id()) ? 10 : n.data("category") === "Condition" ? 0 : 5)}),
  };

  function shorten(text, max) {
    return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
  }

  function label(node, study) {
    if (study) return `${(study.first_author || "").split(" ")[0] || shorten(node.name, 18)} ${study.year || ""}`.trim();
    return shorten(node.name || node.id, 30);
  }

  /** The unique nodes and edges of the chains, as Cytoscape elements. */
  KG.graphElements = function (answer) {
    const studies = Object.fromEntries(answer.studies.map((s) => [s.id, s]));
    const nodes = new Map();
    const edges = new Map();
    for (const chain of answer.chains) {
      for (const n of chain.nodes) {
        if (!nodes.has(n.id)) {
          nodes.set(n.id, {data: {id: n.id, name: n.name, category: n.category, label: label(n, studies[n.id]),
            colour: KG.CATEGORY_COLOURS[n.category] || "#64748b", shape: SHAPES[n.category] || "ellipse"}});
        }
      }
      for (const e of chain.edges) {
        if (!edges.has(e.id)) {
          edges.set(e.id, {data: {id: `edge:${e.id}`, source: e.subject, target: e.object, predicate: e.predicate,
            label: e.predicate.toLowerCase().replace(/_/g, " ")}});
        }
      }
    }
    return {nodes: [...nodes.values()], edges: [...edges.values()]};
  };

  const STYLE = [
    {selector: "node", style: {
      "background-color": "data(colour)", shape: "data(shape)", label: "data(label)", color: "#1d2430",
      "font-size": 11, "font-family": "system-ui, sans-serif", "text-valign": "bottom", "text-margin-y": 5,
      "text-wrap": "wrap", "text-max-width": 120, width: 26, height: 26,
      "border-width": 2, "border-color": "#ffffff", "text-background-color": "#ffffff",
      "text-background-opacity": 0.85, "text-background-padding": 2,
    }},
    {selector: "node[category = 'Condition']", style: {width: 34, height: 34}},
    {selector: "node.root", style: {width: 34, height: 34, "font-weight": "bold"}},
    {selector: "node:selected", style: {"border-color": "#111827", "border-width": 4}},
    {selector: "edge", style: {
      width: 1.6, "line-color": "#b6bfcc", "curve-style": "bezier", "target-arrow-shape": "triangle",
      "target-arrow-color": "#b6bfcc", "arrow-scale": 0.8,
    }},
    {selector: "edge.near", style: {"line-color": "#475569", "target-arrow-color": "#475569", width: 2.4,
      label: "data(label)", "font-size": 9, color: "#334155", "text-rotation": "autorotate",
      "text-background-color": "#ffffff", "text-background-opacity": 0.9}},
    {selector: "node.faded, edge.faded", style: {opacity: 0.25}},
  ];

  function details(box, data, answer, cy) {
    const study = answer.studies.find((s) => s.id === data.id);
    const node = cy.getElementById(data.id);
    const chains = answer.chains.filter((c) => c.nodes.some((n) => n.id === data.id)).length;
    const facts = el("dl", {class: "properties compact"});
    const add = (k, v) => { if (v !== null && v !== undefined && v !== "") facts.append(el("dt", {}, k), el("dd", {}, v)); };
    add("Id", el("code", {}, data.id));
    if (study) {
      add("Design", study.design_label);
      add("N", KG.formatNumber(study.n));
      add("Year", study.year);
      add("Direction", study.direction ? study.direction.replace("_", " ") : null);
    }
    add("Links", `${node.degree()} in this view; on ${chains} chain${chains === 1 ? "" : "s"}`);
    const parts = [
      el("p", {class: "eyebrow"}, KG.categoryBadge(data.category)),
      el("h4", {class: "details-title"}, data.name),
      facts,
      study ? KG.citationList(study) : null,
      el("p", {}, el("a", {href: KG.entityHref(data.id), class: "button small"}, "Open entity page")),
    ];
    box.replaceChildren(...parts.filter(Boolean));
  }

  function highlight(cy, node) {
    cy.elements().removeClass("faded near");
    if (!node) return;
    const near = node.closedNeighborhood();
    cy.elements().not(near).addClass("faded");
    near.edges().addClass("near");
  }

  KG.renderLegend = function (list, elements) {
    const present = [...new Set(elements.nodes.map((n) => n.data.category))];
    list.replaceChildren(...present.map((c) => el("li", {},
      el("span", {class: `swatch shape-${(SHAPES[c] || "ellipse")}`, "aria-hidden": "true", style: {"--cat": KG.CATEGORY_COLOURS[c] || "#64748b"}}),
      c)));
  };

  /** Draw the chains; returns the Cytoscape instance, or null when the library is missing. */
  KG.renderGraph = function (container, box, answer, layoutName) {
    if (KG.graph) KG.graph.destroy();
    KG.graph = null;
    const elements = KG.graphElements(answer);
    container.dataset.nodes = String(elements.nodes.length);
    container.dataset.edges = String(elements.edges.length);
    if (typeof window.cytoscape !== "function") {
      container.replaceChildren(el("p", {class: "message warning"},
        "The graph library (Cytoscape.js) is not installed on this server: run npm ci in the project folder."));
      return null;
    }
    container.replaceChildren();
    const roots = answer.source.map((s) => s.id);
    const cy = window.cytoscape({
      container, elements: [...elements.nodes, ...elements.edges], style: STYLE,
      layout: (LAYOUTS[layoutName] || LAYOUTS.breadthfirst)(roots),
      minZoom: 0.2, maxZoom: 3, boxSelectionEnabled: false,
    });
    cy.nodes().filter((n) => roots.includes(n.id())).addClass("root");
    cy.on("tap", "node", (evt) => {
      highlight(cy, evt.target);
      details(box, evt.target.data(), answer, cy);
    });
    cy.on("tap", (evt) => {
      if (evt.target === cy) {
        highlight(cy, null);
        box.replaceChildren(el("p", {class: "muted"}, "Select a node to see its details."));
      }
    });
    container.dataset.rendered = String(cy.nodes().length);
    KG.graph = cy;
    return cy;
  };

  KG.relayout = function (layoutName, answer) {
    if (!KG.graph) return;
    KG.graph.layout((LAYOUTS[layoutName] || LAYOUTS.breadthfirst)(answer.source.map((s) => s.id))).run();
  };
})();

/* An editable combobox with list autocomplete (WAI-ARIA 1.2 combobox pattern) over /api/search.
 *
 * Markup: an element with data-combobox and data-categories="A,B" holding an <input
 * role="combobox" aria-controls=LISTBOX> and its <ul role="listbox">. The input keeps focus;
 * the active option is announced through aria-activedescendant.
 */
"use strict";

(function () {
  const KG = (window.KG = window.KG || {});
  const MIN_CHARS = 2;
  const DELAY_MS = 150;
  const SHOWN = 10;

  class Combobox {
    constructor(root) {
      this.root = root;
      this.input = root.querySelector("[role=combobox]");
      this.listbox = document.getElementById(this.input.getAttribute("aria-controls"));
      this.categories = (root.dataset.categories || "").split(",").filter(Boolean);
      this.options = [];
      this.active = -1;
      this.selected = null;
      this.timer = null;
      this.controller = null;
      this.live = KG.el("span", {class: "visually-hidden", role: "status", "aria-live": "polite"});
      root.append(this.live);
      this.input.addEventListener("input", () => this.onInput());
      this.input.addEventListener("keydown", (e) => this.onKeydown(e));
      this.input.addEventListener("blur", () => setTimeout(() => this.close(), 120));
      this.listbox.addEventListener("mousedown", (e) => e.preventDefault());
    }

    /** What to send: the picked id while the text still shows its name, else the typed text. */
    value() {
      const text = this.input.value.trim();
      return this.selected && text === this.selected.name ? this.selected.id : text;
    }

    /** Show a node as chosen (used when a shared URL is opened and the API has resolved it). */
    choose(node) {
      this.selected = node;
      this.input.value = node.name;
      this.input.removeAttribute("aria-invalid");
    }

    setText(text) {
      this.selected = null;
      this.input.value = text || "";
    }

    onInput() {
      this.selected = null;
      this.input.removeAttribute("aria-invalid");
      clearTimeout(this.timer);
      const text = this.input.value.trim();
      if (text.length < MIN_CHARS) {
        this.close();
        return;
      }
      this.timer = setTimeout(() => this.search(text), DELAY_MS);
    }

    async search(text) {
      if (this.controller) this.controller.abort();
      this.controller = new AbortController();
      const only = this.categories.length === 1 ? `&category=${encodeURIComponent(this.categories[0])}` : "";
      const limit = only ? SHOWN : 40;
      try {
        const data = await KG.fetchJSON(`/api/search?q=${encodeURIComponent(text)}&limit=${limit}${only}`,
          {signal: this.controller.signal});
        if (text !== this.input.value.trim()) return;
        const wanted = new Set(this.categories);
        this.render(data.results.filter((r) => !wanted.size || wanted.has(r.category)).slice(0, SHOWN));
      } catch (err) {
        if (err.name === "AbortError") return;
        this.renderNotice(`Suggestions unavailable: ${err.message}`);
      }
    }

    render(results) {
      this.options = results;
      this.active = -1;
      this.input.removeAttribute("aria-activedescendant");
      if (!results.length) {
        this.renderNotice("No matches. Try another name or an id.");
        return;
      }
      this.listbox.replaceChildren(...results.map((r, i) => this.optionElement(r, i)));
      this.live.textContent = `${results.length} suggestion${results.length === 1 ? "" : "s"}; use the up and down arrows to choose.`;
      this.open();
    }

    optionElement(result, index) {
      const synonym = result.matched && result.matched.startsWith("synonym") ? "matched a synonym" : null;
      return KG.el("li", {id: `${this.listbox.id}-${index}`, role: "option", "aria-selected": "false",
        class: "option", onclick: () => this.pick(index)},
        KG.el("span", {class: "option-name"}, result.name),
        KG.el("span", {class: "option-meta"}, KG.categoryBadge(result.category),
          KG.el("code", {}, result.id), synonym ? KG.el("span", {class: "muted"}, synonym) : null));
    }

    renderNotice(text) {
      this.options = [];
      this.listbox.replaceChildren(KG.el("li", {class: "option notice", role: "option", "aria-disabled": "true",
        "aria-selected": "false"}, text));
      this.live.textContent = text;
      this.open();
    }

    open() {
      this.listbox.hidden = false;
      this.input.setAttribute("aria-expanded", "true");
    }

    close() {
      this.listbox.hidden = true;
      this.input.setAttribute("aria-expanded", "false");
      this.input.removeAttribute("aria-activedescendant");
      this.active = -1;
    }

    isOpen() {
      return !this.listbox.hidden;
    }

    setActive(index) {
      const items = this.listbox.querySelectorAll("[role=option]:not([aria-disabled])");
      items.forEach((item, i) => item.setAttribute("aria-selected", i === index ? "true" : "false"));
      this.active = index;
      if (index < 0 || !items[index]) {
        this.input.removeAttribute("aria-activedescendant");
        return;
      }
      this.input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({block: "nearest"});
    }

    move(step) {
      if (!this.options.length) return;
      if (!this.isOpen()) this.open();
      const n = this.options.length;
      this.setActive(this.active < 0 ? (step > 0 ? 0 : n - 1) : (this.active + step + n) % n);
    }

    pick(index) {
      const result = this.options[index];
      if (!result) return;
      this.choose(result);
      this.close();
      this.live.textContent = `${result.name} (${result.category}) chosen.`;
      this.root.dispatchEvent(new CustomEvent("kg:pick", {detail: result, bubbles: true}));
    }

    onKeydown(event) {
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!this.isOpen() && this.options.length) this.open();
          else this.move(1);
          break;
        case "ArrowUp":
          event.preventDefault();
          this.move(-1);
          break;
        case "Enter":
          if (this.isOpen() && this.active >= 0) {
            event.preventDefault();
            this.pick(this.active);
          }
          break;
        case "Escape":
          if (this.isOpen()) {
            event.preventDefault();
            this.close();
          } else if (this.input.value) {
            event.preventDefault();
            this.setText("");
          }
          break;
        case "Tab":
          if (this.isOpen() && this.active >= 0) this.pick(this.active);
          break;
        default:
          break;
      }
    }
  }

  KG.Combobox = Combobox;
})();

// The form that links a passage to a board item as evidence: the quote, the item (found by
// typing, grouped by category), and whether the passage supports or contradicts it.
import { h } from "../dom.js";
import { boardItems, evidenceState, linksByTarget } from "../evidence.js";
import { plural, t } from "../messages.js";
import { scrollBehaviour } from "./text.js";

const MAX_QUOTE = 2000;

export function createLinkForm(lib) {
  const { state, toast, sendQuietly, reader } = lib;

  let form = null;
  let parts = null;

  function itemsFor(personaId) {
    const index = linksByTarget(state.evidence);
    const entries = boardItems(state, personaId, index).filter((e) => !e.item.hidden);
    const members = state.assumptions.filter((a) => a.persona_id === personaId && a.group_id && !a.hidden);
    const byCategory = new Map(state.categories.map((c) => [c.key, []]));
    for (const entry of entries.sort((a, b) => a.item.seq - b.item.seq)) {
      const list = byCategory.get(entry.category) ?? [];
      const text = entry.item.decision?.decision === "reworded" ? entry.item.decision.text
        : entry.kind === "group" ? entry.item.title : entry.item.text;
      list.push({ kind: entry.kind, id: entry.item.id, text: entry.kind === "group" ? t("library.group_item", { text }) : text,
        state: evidenceState(entry.links) });
      if (entry.kind === "group") {
        for (const member of members.filter((m) => m.group_id === entry.item.id)) {
          list.push({ kind: "assumption", id: member.id, text: `↳ ${member.text}`,
            state: evidenceState(index.get(member.id) ?? []) });
        }
      }
      byCategory.set(entry.category, list);
    }
    return byCategory;
  }

  /** The chosen item's "kind:id", or "". */
  const chosenItem = () => parts.list.querySelector("input[name=item]:checked")?.value ?? "";

  // A list of radio buttons, not a <select>: an item's whole text wraps instead of being cut.
  function fillOptions() {
    const needle = parts.find.value.trim().toLowerCase();
    const chosen = chosenItem();
    const groups = [];
    let count = 0;
    for (const [category, items] of itemsFor(parts.persona.value)) {
      const shown = items.filter((item) => !needle || item.text.toLowerCase().includes(needle));
      if (!shown.length) continue;
      count += shown.length;
      const heading = `lib-link-cat-${category}`;
      groups.push(h("div", { class: "lib-option-group", role: "group", "aria-labelledby": heading },
        h("p", { class: "lib-option-heading", id: heading, text: lib.categoryLabel(category) }),
        ...shown.map((item) => {
          const value = `${item.kind}:${item.id}`;
          return h("label", { class: "lib-option" },
            h("input", { type: "radio", name: "item", value, checked: value === chosen }),
            h("span", { text: item.text }));
        })));
    }
    parts.list.replaceChildren(...groups);
    const radios = parts.list.querySelectorAll("input[name=item]");
    if (!chosenItem() && count === 1) radios[0].checked = true;
    parts.count.textContent = count ? plural("evidence.items", count)
      : needle ? t("library.link.no_match") : t("library.link.no_notes");
  }

  function build(quote, floating) {
    const personas = state.personas;
    parts = {};
    parts.quote = h("textarea", { id: "lib-link-quote", rows: floating ? "2" : "3", maxlength: String(MAX_QUOTE),
      required: true, placeholder: t("library.link.quote_placeholder") });
    parts.quote.value = quote;
    parts.persona = h("select", { id: "lib-link-persona", class: "lib-select",
      onchange: () => fillOptions() },
    ...personas.map((p) => h("option", { value: p.id, text: p.name })));
    parts.persona.value = lib.store.activePersona() ?? personas[0]?.id ?? "";
    parts.find = h("input", { type: "search", id: "lib-link-find", autocomplete: "off",
      placeholder: t("library.link.find_placeholder"), "aria-controls": "lib-link-item" });
    parts.list = h("div", { id: "lib-link-item", role: "radiogroup", class: "lib-listbox",
      "aria-labelledby": "lib-link-item-label", "aria-describedby": "lib-link-count" });
    parts.count = h("p", { class: "lib-hint", id: "lib-link-count", "aria-live": "polite" });
    parts.error = h("p", { class: "form-error", role: "alert", hidden: true });
    parts.find.addEventListener("input", () => fillOptions());
    parts.find.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        const radios = [...parts.list.querySelectorAll("input[name=item]")];
        const target = radios.find((r) => r.checked) ?? radios[0];
        if (target) { target.checked = true; target.focus(); }
      }
    });
    const relation = (value, label, hint) => h("label", { class: `lib-relation lib-relation-${value}` },
      h("input", { type: "radio", name: "relation", value, checked: value === "supports" }),
      h("span", { class: "lib-relation-label", text: label }),
      h("span", { class: "lib-relation-hint", text: hint }));
    form = h("form", { class: `lib-link-form${floating ? " floating" : ""}`, "aria-labelledby": "lib-link-title" },
      h("div", { class: "lib-link-form-head" },
        h("h4", { id: "lib-link-title", text: t("library.link_as_evidence") }),
        h("button", { class: "icon-button", type: "button", text: t("common.close"), "aria-label": t("library.link.close"),
          onclick: () => close(true) })),
      h("div", { class: "field" },
        h("label", { for: "lib-link-quote", text: t("library.link.passage") }), parts.quote),
      h("div", { class: "field" },
        h("div", { class: "lib-link-item-head" },
          h("label", { for: "lib-link-find", text: t("library.link.item") }),
          personas.length > 1 ? h("span", { class: "lib-inline-field" },
            h("label", { class: "sr-only", for: "lib-link-persona", text: t("library.link.persona") }), parts.persona) : null),
        parts.find,
        h("span", { class: "sr-only", id: "lib-link-item-label", text: t("library.link.choose_item") }),
        parts.list, parts.count),
      h("fieldset", { class: "lib-relations" },
        h("legend", { text: t("library.link.this_passage") }),
        relation("supports", t("library.link.supports"), t("library.link.supports.hint")),
        relation("contradicts", t("library.link.contradicts"), t("library.link.contradicts.hint"))),
      parts.error,
      h("div", { class: "button-row" },
        h("button", { class: "button button-small button-primary", type: "submit", text: t("library.link.submit") }),
        h("button", { class: "button button-small", type: "button", text: t("common.cancel"), onclick: () => close(true) })));
    form.addEventListener("submit", submit);
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); close(true); }
    });
    fillOptions();
  }

  async function submit(event) {
    event.preventDefault();
    const quote = parts.quote.value.replace(/\s+/g, " ").trim();
    const [kind, id] = (chosenItem() || ":").split(":");
    const relation = form.querySelector("input[name=relation]:checked")?.value ?? "supports";
    const problem = !quote ? t("library.link.need_quote")
      : quote.length > MAX_QUOTE ? t("library.link.too_long", { max: MAX_QUOTE })
        : !id ? t("library.link.need_item") : "";
    if (problem) { parts.error.textContent = problem; parts.error.hidden = false; return; }
    parts.error.hidden = true;
    const data = { note_id: reader.noteId, relation, quote };
    data[kind === "group" ? "group_id" : "assumption_id"] = id;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const ack = await sendQuietly("evidence.link", data);
    if (!ack.ok) toast(ack.error.message.charAt(0).toUpperCase() + ack.error.message.slice(1));
    button.disabled = false;
    if (ack.ok) {
      close(false);
      document.getSelection()?.removeAllRanges();
      lib.highlight(quote, { focus: false });
      reader.links.lastElementChild?.classList.add("just-added");
      reader.linkButton?.focus();
    } else {
      parts.error.textContent = ack.error.message.charAt(0).toUpperCase() + ack.error.message.slice(1);
      parts.error.hidden = false;
    }
  }

  function openFor(quote, { floating }) {
    close(false);
    build(quote, floating);
    reader.toolbar.hidden = true;
    if (floating) {
      // Below the passage just selected, never over it: the reader compares the two.
      reader.bodyWrap.append(form);
      form.style.top = `${reader.selectionBottom ?? 0}px`;
    } else {
      reader.linkSlot.append(form);
      reader.linkButton?.setAttribute("aria-expanded", "true");
    }
    form.scrollIntoView({ block: "nearest", behavior: scrollBehaviour() });
    (quote ? parts.find : parts.quote).focus({ preventScroll: true });
  }

  function close(restoreFocus) {
    if (!form) return;
    const wasFloating = form.classList.contains("floating");
    form.remove();
    form = null;
    reader.linkButton?.setAttribute("aria-expanded", "false");
    if (restoreFocus) (wasFloating ? reader.body : reader.linkButton)?.focus?.();
  }

  return { openFor, close, isOpen: () => Boolean(form), refresh: () => { if (form) fillOptions(); } };
}

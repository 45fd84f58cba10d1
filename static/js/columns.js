// The board's category columns of assumptions (the sticky notes; research notes are the
// library's) and groups of them, for the active persona: adding, editing and deleting
// assumptions; voting, reconciling and evidence decorate each one.
import { translatedCategory } from "./categories.js";
import { h } from "./dom.js";
import { errorText, t } from "./messages.js";

// A full board reads as text and team colour; from this many notes on, unless chosen.
const COMPACT_FROM = 30;

/** A per-browser layout choice (localStorage), or `fallback` when none was made or storage fails. */
function remembered(key, fallback) {
  try {
    const value = globalThis.localStorage?.getItem(key);
    return value === null || value === undefined ? fallback : JSON.parse(value);
  } catch {
    return fallback;
  }
}

function remember(key, value) {
  try { globalThis.localStorage?.setItem(key, JSON.stringify(value)); } catch { /* private mode */ }
}

export function createColumns(ui, { voting, reconcile, evidence }) {
  const { store, state, me, send, teamClass } = ui;
  const canWrite = me.role !== "observer";
  const isFacilitator = me.role === "facilitator";
  const root = document.getElementById("columns");
  const assumptionElements = new Map();
  const participant = (id) => state.participants.find((p) => p.id === id);
  const compactKey = "workshop.compact";
  const collapsedKey = `workshop.collapsed.${state.workshop.id}`;
  const collapsed = new Set(remembered(collapsedKey, []));
  const compactToggle = buildCompactToggle();
  const newNote = canWrite ? buildNewNote() : null;

  function buildColumn(serverCategory) {
    const category = translatedCategory(serverCategory);
    const list = h("ul", { class: "notes", id: `notes-${category.key}`,
      "aria-label": t("board.column_notes", { category: category.label }) });
    const toggle = h("button", { class: "icon-button column-toggle", type: "button",
      "aria-controls": `notes-${category.key}`, onclick: () => toggleColumn(column, category) });
    const column = h("section", { class: "column", "data-category": category.key,
      "aria-labelledby": `col-${category.key}` },
    h("header", { class: "column-head" },
      h("h3", { id: `col-${category.key}`, text: category.label, title: category.prompt }),
      h("span", { class: "count" }),
      toggle),
    h("p", { class: "column-prompt", text: category.prompt }),
    list);
    if (canWrite) column.append(buildAddForm(category));
    showCollapsed(column, category);
    return column;
  }

  function showCollapsed(column, category) {
    const closed = collapsed.has(category.key);
    column.classList.toggle("collapsed", closed);
    const toggle = column.querySelector(".column-toggle");
    toggle.setAttribute("aria-expanded", String(!closed));
    toggle.setAttribute("aria-label", closed ? t("board.column.expand", { category: category.label })
      : t("board.column.collapse", { category: category.label }));
    toggle.textContent = closed ? "+" : "−";
  }

  function toggleColumn(column, category) {
    if (collapsed.has(category.key)) collapsed.delete(category.key); else collapsed.add(category.key);
    remember(collapsedKey, [...collapsed]);
    showCollapsed(column, category);
  }

  /** "Compact cards": text and team colour; the rest on hover or focus (Tab reaches each card). */
  function buildCompactToggle() {
    const tools = document.getElementById("board-tools");
    if (!tools) return null;
    const button = h("button", { class: "button button-small compact-toggle", id: "compact-toggle",
      type: "button", "aria-pressed": "false", text: t("board.compact"), title: t("board.compact.hint"),
      onclick: () => {
        remember(compactKey, button.getAttribute("aria-pressed") !== "true");
        store.changed();
      } });
    tools.append(button);
    return button;
  }

  /** On a phone: one "New note" button that asks for the category (the columns' forms hide). */
  function buildNewNote() {
    const tools = document.getElementById("board-tools");
    if (!tools) return null;
    const select = h("select", { id: "new-note-category", name: "category" });
    const textarea = h("textarea", { id: "new-note-text", name: "text", rows: "4", maxlength: "500",
      placeholder: t("board.add.placeholder") });
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    const dialog = h("dialog", { class: "new-note-dialog", id: "new-note-dialog",
      "aria-labelledby": "new-note-heading" });
    const close = () => dialog.close();
    const form = h("form", { class: "form" },
      h("h2", { id: "new-note-heading", text: t("board.new_note") }),
      h("div", { class: "field" }, h("label", { for: "new-note-category", text: t("board.new_note.category") }), select),
      h("div", { class: "field" }, h("label", { for: "new-note-text", text: t("board.new_note.text") }), textarea),
      error,
      h("div", { class: "dialog-actions" },
        h("button", { class: "button", type: "button", text: t("common.cancel"), onclick: close }),
        h("button", { class: "button button-primary", type: "submit", text: t("board.add.submit") })));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = textarea.value.trim();
      if (!text) { textarea.focus(); return; }
      // A refusal is said inside the dialog, where the person is looking (not in a toast below it).
      const ack = await ui.sendQuietly("assumption.add", { persona_id: store.activePersona(), category: select.value, text });
      error.hidden = ack.ok;
      if (ack.ok) { textarea.value = ""; close(); } else error.textContent = errorText(ack.error);
    });
    dialog.append(form);
    document.body.append(dialog);
    const button = h("button", { class: "button button-primary new-note-button", id: "new-note", type: "button",
      "aria-haspopup": "dialog", text: t("board.new_note"),
      onclick: () => {
        select.replaceChildren(...state.categories.map((c) => {
          const category = translatedCategory(c);
          return h("option", { value: category.key, text: category.label });
        }));
        error.hidden = true;
        dialog.showModal();
        select.focus();
      } });
    tools.prepend(button);
    return button;
  }

  function buildAddForm(category) {
    const textarea = h("textarea", { name: "text", rows: "2", maxlength: "500",
      placeholder: t("board.add.placeholder"), "aria-label": t("board.add.label", { category: category.label }) });
    const form = h("form", { class: "add-note", "data-category": category.key },
      textarea,
      h("div", { class: "add-note-actions" },
        h("button", { class: "button button-small button-primary", type: "submit", text: t("board.add.submit") }),
        h("span", { class: "hint", text: t("board.add.hint") })));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = textarea.value.trim();
      if (!text) { textarea.focus(); return; }
      textarea.value = "";
      send("assumption.add", { persona_id: store.activePersona(), category: category.key, text })
        .then((ack) => { if (!ack.ok && !textarea.value) textarea.value = text; });
    });
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    return form;
  }

  function buildAssumption(assumption) {
    const el = h("li", { class: "note", "data-id": assumption.id, tabindex: "-1" },
      h("p", { class: "note-text" }),
      h("footer", { class: "note-meta" },
        h("span", { class: "note-author" }),
        h("span", { class: "note-actions" })));
    assumptionElements.set(assumption.id, el);
    return el;
  }

  function mayChange(assumption) {
    return isFacilitator || (me.role === "participant" && assumption.author_id === me.id);
  }

  function updateAssumption(el, assumption) {
    if (el.classList.contains("editing")) return; // never clobber what someone is typing
    const author = participant(assumption.author_id);
    el.className = `note ${teamClass(author?.team)}${assumption.author_id === me.id ? " mine" : ""}`;
    // A compact card opens its details on focus, so it takes its own place in the Tab order.
    el.tabIndex = root.classList.contains("compact") ? 0 : -1;
    el.querySelector(".note-text").textContent = assumption.text;
    const authorLabel = author ? (author.team ? `${author.name} · ${author.team}` : author.name) : "";
    el.querySelector(".note-author").textContent = authorLabel;
    const actions = el.querySelector(".note-actions");
    const fixed = mayChange(assumption) ? textFixed(assumption) : "";
    if (mayChange(assumption) && (!actions.childElementCount || actions.dataset.fixed !== fixed)) {
      actions.dataset.fixed = fixed;
      el.querySelector(".note-fixed")?.remove();
      actions.replaceChildren(
        h("button", { class: "icon-button", type: "button", text: t("common.edit"),
          "aria-label": t("board.note.edit"), "aria-disabled": fixed ? "true" : false,
          title: fixed ? FIXED_TEXT[fixed] : false,
          onclick: () => (fixed ? explainFixed(el, fixed) : startEdit(el, assumption.id)) }),
        h("button", { class: "icon-button danger", type: "button", text: t("common.delete"),
          "aria-label": t("board.note.delete"), onclick: (event) => confirmDelete(event.currentTarget, assumption.id) }));
    } else if (!mayChange(assumption)) {
      actions.replaceChildren();
    }
    voting.decorate(el, assumption);
    reconcile.decorateAssumption(el, assumption);
    evidence.decorateAssumption(el, assumption);
  }

  const FIXED_TEXT = { voted: t("board.note.fixed.voted"), decided: t("board.note.fixed.decided") };

  /** Why a note's text may no longer be edited ("voted", "decided"), or "" (docs/protocol.md:
   * the text people voted on and the text decided on never change; the facilitator rewords). */
  function textFixed(assumption) {
    const group = assumption.group_id ? state.groups.find((g) => g.id === assumption.group_id) : null;
    if (assumption.decision || group?.decision) return "decided";
    return assumption.votes?.voters ? "voted" : "";
  }

  function explainFixed(el, fixed) {
    el.querySelector(".note-fixed")?.remove();
    el.append(h("p", { class: "note-fixed", role: "status",
      text: `${FIXED_TEXT[fixed]} ${isFacilitator ? t("board.note.fixed.reword") : t("board.note.fixed.ask")}` }));
  }

  function startEdit(el, id) {
    const assumption = state.assumptions.find((a) => a.id === id);
    if (!assumption) return;
    el.classList.add("editing");
    const textarea = h("textarea", { rows: "3", maxlength: "500", "aria-label": t("board.note.text") });
    textarea.value = assumption.text;
    const finish = () => { el.classList.remove("editing"); editor.remove(); store.changed(); };
    const save = async () => {
      const text = textarea.value.trim();
      if (!text || text === assumption.text) { finish(); return; }
      const ack = await send("assumption.edit", { id, text });
      if (ack.ok) finish();
    };
    const editor = h("div", { class: "note-editor" }, textarea,
      h("div", { class: "add-note-actions" },
        h("button", { class: "button button-small button-primary", type: "button", text: t("common.save"), onclick: save }),
        h("button", { class: "button button-small", type: "button", text: t("common.cancel"), onclick: finish })));
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); save(); }
      if (event.key === "Escape") { event.preventDefault(); finish(); el.focus(); }
    });
    el.append(editor);
    textarea.focus();
    textarea.select();
  }

  function confirmDelete(button, id) {
    if (button.dataset.armed) {
      send("assumption.delete", { id });
      return;
    }
    button.dataset.armed = "1";
    button.textContent = t("common.sure");
    setTimeout(() => { delete button.dataset.armed; button.textContent = t("common.delete"); }, 3000);
  }

  function render() {
    if (!root.childElementCount) {
      root.append(...state.categories.map(buildColumn));
    }
    const activePersona = store.activePersona();
    const visible = state.assumptions.filter((a) => a.persona_id === activePersona);
    const compact = Boolean(remembered(compactKey, visible.length >= COMPACT_FROM));
    root.classList.toggle("compact", compact);
    if (compactToggle) {
      compactToggle.setAttribute("aria-pressed", String(compact));
      compactToggle.hidden = root.hidden;
    }
    if (newNote) newNote.hidden = root.hidden;
    const groups = state.groups.filter((g) => g.persona_id === activePersona);
    const seen = new Set();
    const placeAssumption = (list, assumption, index) => {
      const el = assumptionElements.get(assumption.id) ?? buildAssumption(assumption);
      updateAssumption(el, assumption);
      if (list.children[index] !== el) list.insertBefore(el, list.children[index] ?? null);
      seen.add(assumption.id);
    };
    for (const column of root.children) {
      const key = column.dataset.category;
      // A group stands in its column as one card holding its notes, wherever they came from.
      const entries = [
        ...visible.filter((a) => a.category === key && !a.group_id),
        ...groups.filter((g) => g.category === key),
      ].sort((a, b) => a.seq - b.seq);
      const list = column.querySelector(".notes");
      entries.forEach((entry, index) => {
        if (!("group_id" in entry)) {
          const card = reconcile.groupCard(entry);
          evidence.decorateGroup(card, entry);
          if (list.children[index] !== card) list.insertBefore(card, list.children[index] ?? null);
          seen.add(entry.id);
          const members = visible.filter((a) => a.group_id === entry.id);
          members.forEach((assumption, i) => placeAssumption(card.querySelector(".group-notes"), assumption, i));
        } else {
          placeAssumption(list, entry, index);
        }
      });
      while (list.children.length > entries.length) list.lastElementChild.remove();
      column.querySelector(".count").textContent = entries.length ? String(entries.length) : "";
      column.classList.toggle("empty", entries.length === 0);
    }
    for (const [id, el] of assumptionElements) {
      if (!seen.has(id)) { el.remove(); assumptionElements.delete(id); }
    }
    const empty = document.getElementById("board-empty");
    if (empty) empty.hidden = visible.length > 0;
  }

  return { render };
}

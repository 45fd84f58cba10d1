// The research library: a view beside Board and Divergence with the workshop's research
// notes (list, full-text search, filters), a reader that links passages to board items as
// evidence, an editor with a live preview, and the import dialog for Markdown and CSV files.
// This module builds the view's skeleton and wires the parts in library/ together: they share
// `lib` (what the board hands every panel, plus the library's own state below).
//
// Safety: a note's `body_html` is sanitised on the server (workshop/rendering.py) and is the
// only HTML inserted as HTML, besides the preview (same function) and search highlights,
// which are rebuilt here from their text and <mark> elements only. Everything else —
// titles, tags, quotes, names — is set as text.
import { h } from "./dom.js";
import { SOURCE_TYPES } from "./evidence.js";
import { t } from "./messages.js";
import { createEditor } from "./library/editor.js";
import { createImportDialog } from "./library/import-dialog.js";
import { createLinkForm } from "./library/link-form.js";
import { createList } from "./library/list.js";
import { createReader } from "./library/reader.js";

const NOTE_EVENTS = /^(research_note\.|research_notes\.imported|evidence\.)/;

export function createLibrary(ui) {
  const { state, me, send } = ui;
  const canWrite = me.role !== "observer";
  const isFacilitator = me.role === "facilitator";
  const wid = state.workshop.id;
  const els = {};
  const lib = {
    ...ui,
    sendQuietly: ui.sendQuietly ?? send, // an op whose refusal this module reports itself
    canWrite,
    isFacilitator,
    api: (path) => `/api/workshops/${encodeURIComponent(wid)}${path}`,
    isOpen: () => ui.store.view === "research", // view-switch.js shows and hides it
    els, // the skeleton's parts (build)
    filter: { q: "", source: "", tag: "" },
    selectedId: null,
    mode: "read", // read | edit | new
    pendingPassage: null, // a quote to highlight once its note is shown
    listKey: null,
    readerKey: null,
    reader: {}, // the parts of the open note's reader that are updated in place
    editor: {}, // the editor's parts while it is open
    noteById: (id) => state.notes.find((n) => n.id === id),
    personName: (id) => state.participants.find((p) => p.id === id)?.name,
    mayChange: (authorId) => isFacilitator || (me.role === "participant" && authorId === me.id),
  };
  Object.assign(lib, createList(lib), createReader(lib), createEditor(lib));
  lib.linkForm = createLinkForm(lib);
  lib.importDialog = createImportDialog(lib);
  const { filter, isOpen } = lib;
  const root = document.getElementById("research");

  // ---- skeleton ----------------------------------------------------------------------

  function build() {
    els.search = h("input", { type: "search", id: "lib-search", class: "lib-search-input",
      placeholder: t("library.search.placeholder"), autocomplete: "off", maxlength: "200",
      "aria-describedby": "lib-result-status" });
    els.source = h("select", { id: "lib-filter-source", class: "lib-select" },
      h("option", { value: "", text: t("library.filter.all_sources") }),
      ...SOURCE_TYPES.map(([value, label]) => h("option", { value, text: label })));
    els.tag = h("select", { id: "lib-filter-tag", class: "lib-select" });
    els.status = h("p", { class: "lib-result-status", id: "lib-result-status", role: "status" });
    els.list = h("ul", { class: "lib-list", "aria-label": t("library.notes") });
    els.detail = h("div", { class: "lib-detail" });
    const actions = canWrite ? h("div", { class: "lib-head-actions" },
      h("button", { class: "button button-small", type: "button", id: "lib-import-open",
        text: t("library.import_files"), onclick: () => lib.importDialog.open() }),
      h("button", { class: "button button-small button-primary", type: "button", id: "lib-new",
        text: t("library.new_note"), onclick: () => lib.startNew() })) : null;
    root.append(
      h("header", { class: "lib-head" },
        h("div", {},
          h("h2", { id: "research-heading", text: t("library.heading") }),
          els.sub = h("p", { class: "lib-sub" })),
        actions),
      h("div", { class: "lib-layout" },
        h("div", { class: "lib-index" },
          h("form", { class: "lib-toolbar", role: "search", onsubmit: (e) => e.preventDefault() },
            h("label", { class: "sr-only", for: "lib-search", text: t("library.search.label") }),
            els.search,
            h("div", { class: "lib-filters" },
              h("label", { class: "sr-only", for: "lib-filter-source", text: t("library.filter.source") }),
              els.source,
              h("label", { class: "sr-only", for: "lib-filter-tag", text: t("library.filter.tag") }),
              els.tag)),
          els.status,
          els.list),
        els.detail));
    els.search.addEventListener("input", () => { filter.q = els.search.value; lib.scheduleSearch(); });
    els.search.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") { event.preventDefault(); els.list.querySelector(".lib-item")?.focus(); }
    });
    els.source.addEventListener("change", () => { filter.source = els.source.value; lib.scheduleSearch(0); });
    els.tag.addEventListener("change", () => { filter.tag = els.tag.value; lib.scheduleSearch(0); });
    els.list.addEventListener("keydown", listKeys);
  }

  function listKeys(event) {
    const step = { ArrowDown: 1, ArrowUp: -1 }[event.key];
    if (!step) return;
    const items = [...els.list.querySelectorAll(".lib-item")];
    const index = items.indexOf(document.activeElement);
    if (index < 0) return;
    event.preventDefault();
    if (index + step < 0) els.search.focus();
    else items[Math.min(items.length - 1, index + step)].focus();
  }

  // ---- events and rendering ----------------------------------------------------------

  ui.onEvent((event) => {
    if (NOTE_EVENTS.test(event.type)) {
      lib.editorHeard(event);
      if (lib.searching()) lib.scheduleSearch(); // results may have changed: ask again
    }
    if (/^(assumption\.|assumptions\.grouped|assumptions\.ungrouped|group\.|decision\.|persona\.)/.test(event.type)) {
      lib.linkForm.refresh();
    }
  });

  function renderDetail() {
    if (lib.mode === "read") {
      lib.renderReader();
      return;
    }
    if (lib.editor.form && !els.detail.contains(lib.editor.form)) {
      els.detail.replaceChildren(lib.editor.form);
      lib.reader.article = null;
    }
  }

  function render() {
    if (!isOpen()) return;
    if (!els.list) build();
    lib.renderList();
    renderDetail();
  }

  return { render, openPassage: lib.openPassage, isOpen };
}

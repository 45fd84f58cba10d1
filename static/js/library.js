// The research library: a view beside Board and Divergence with the workshop's research
// notes (list, full-text search, filters), a reader that links passages to board items as
// evidence, an editor with a live preview, and the import dialog for Markdown and CSV files.
//
// Safety: a note's `body_html` is sanitised on the server (workshop/rendering.py) and is the
// only HTML inserted as HTML, besides the preview (same function) and search highlights,
// which are rebuilt here from their text and <mark> elements only. Everything else —
// titles, tags, quotes, names — is set as text.
import { newOpId } from "./connection.js";
import {
  SOURCE_LABELS, SOURCE_TYPES, boardItems, evidenceState, linksByTarget, locateQuote,
} from "./evidence.js";
import { postJSON } from "./api.js";
import { locale, plural, t } from "./i18n.js";
import { h } from "./dom.js";

const SEARCH_DELAY_MS = 250;
const PREVIEW_DELAY_MS = 300;
const MAX_QUOTE = 2000;
const MAX_BODY = 20000;
const IMPORT_MAX_BYTES = 8 * 1024 * 1024; // the server's limit for one import request
const NOTE_EVENTS = /^(note\.|notes\.imported|evidence\.)/;
const BLOCKS = new Set(["P", "LI", "UL", "OL", "BLOCKQUOTE", "PRE", "H1", "H2", "H3", "H4", "H5",
  "H6", "TABLE", "TR", "TD", "TH", "DIV", "HR", "BR", "DT", "DD"]);

/** "smooth", unless the reader asked the system for less motion (asked each time: it may change). */
function scrollBehaviour() {
  return window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
}

/** "14 Sep 2026" for "2026-09-14" (read as a calendar date, not a moment). */
export function formatDate(iso) {
  if (!iso) return "";
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(locale,
    { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

/** Tags typed as "a, b, c": trimmed, no empties, no duplicates (case-insensitive). */
export function parseTags(text) {
  const seen = new Set();
  const tags = [];
  for (const raw of text.split(",")) {
    const tag = raw.replace(/\s+/g, " ").trim();
    if (tag && !seen.has(tag.toLowerCase())) { seen.add(tag.toLowerCase()); tags.push(tag); }
  }
  return tags;
}

/** Plain text of Markdown, roughly, for a one-line excerpt (set as text, never as HTML). */
export function excerptOf(markdown, length = 220) {
  const text = markdown
    .replace(/^---\n[\s\S]*?\n---\n/, "")
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]*>/g, " ")
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, "")
    .replace(/[*_`~|]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > length ? `${text.slice(0, length - 1).trimEnd()}…` : text;
}

/** Search highlights as nodes: only their text and <mark> elements survive. */
function markedNodes(html) {
  const template = document.createElement("template");
  template.innerHTML = html; // inert: a template's content never runs or loads anything
  const out = [];
  const walk = (node, into) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) into.push(document.createTextNode(child.data));
      else if (child.nodeType === Node.ELEMENT_NODE) {
        if (child.tagName === "MARK") {
          const mark = document.createElement("mark");
          mark.textContent = child.textContent;
          into.push(mark);
        } else {
          walk(child, into);
        }
      }
    }
  };
  walk(template.content, out);
  return out;
}

/** Links in a note open in a new tab, so the board (and a draft) stays open. */
function linksElsewhere(container) {
  for (const anchor of container.querySelectorAll("a[href]")) {
    anchor.target = "_blank";
    anchor.rel = "noopener noreferrer nofollow";
  }
}

/** Base64 of a file's bytes (for the JSON import request). */
function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] ?? "");
    reader.onerror = () => reject(new Error(t("library.import.unreadable", { name: file.name })));
    reader.readAsDataURL(file);
  });
}

export function createLibrary(ui) {
  const { state, me, send, toast } = ui;
  const sendQuietly = ui.sendQuietly ?? send; // an op whose refusal this module reports itself
  const canWrite = me.role !== "observer";
  const isFacilitator = me.role === "facilitator";
  const wid = state.workshop.id;
  const api = (path) => `/api/workshops/${encodeURIComponent(wid)}${path}`;

  const root = document.getElementById("research");
  const isOpen = () => ui.store.view === "research"; // view-switch.js shows and hides it
  let selectedId = null;
  let mode = "read"; // read | edit | new
  const filter = { q: "", source: "", tag: "" };
  let search = null; // {key, status: loading|ready|error, results}
  let searchTimer = null;
  let searchNumber = 0;
  let pendingPassage = null; // a quote to highlight once its note is shown
  let listKey = null;
  let readerKey = null;

  // ---- skeleton ----------------------------------------------------------------------

  const els = {};
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
        text: t("library.import_files"), onclick: () => importDialog.open() }),
      h("button", { class: "button button-small button-primary", type: "button", id: "lib-new",
        text: t("library.new_note"), onclick: () => startNew() })) : null;
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
    els.search.addEventListener("input", () => { filter.q = els.search.value; scheduleSearch(); });
    els.search.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") { event.preventDefault(); els.list.querySelector(".lib-item")?.focus(); }
    });
    els.source.addEventListener("change", () => { filter.source = els.source.value; scheduleSearch(0); });
    els.tag.addEventListener("change", () => { filter.tag = els.tag.value; scheduleSearch(0); });
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

  // ---- search ------------------------------------------------------------------------

  const searching = () => filter.q.trim().length > 0;

  function scheduleSearch(delay = SEARCH_DELAY_MS) {
    clearTimeout(searchTimer);
    if (!searching()) {
      search = null;
      renderList();
      return;
    }
    searchTimer = setTimeout(runSearch, delay);
  }

  async function runSearch() {
    const number = ++searchNumber;
    const params = new URLSearchParams({ q: filter.q.trim() });
    if (filter.source) params.set("source_type", filter.source);
    if (filter.tag) params.set("tag", filter.tag);
    const key = params.toString();
    if (!search || search.key !== key) search = { key, status: "loading", results: search?.results ?? [] };
    renderList();
    try {
      const response = await fetch(api(`/notes?${key}`), { credentials: "same-origin",
        headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      const body = await response.json();
      if (number !== searchNumber) return;
      search = { key, status: "ready", results: body.results };
    } catch {
      if (number !== searchNumber) return;
      search = { key, status: "error", results: [] };
    }
    listKey = null;
    renderList();
  }

  // ---- the list ----------------------------------------------------------------------

  const noteById = (id) => state.notes.find((n) => n.id === id);
  const personName = (id) => state.participants.find((p) => p.id === id)?.name;
  const mayChange = (authorId) => isFacilitator || (me.role === "participant" && authorId === me.id);

  function allTags() {
    const tags = new Map();
    for (const note of state.notes) {
      for (const tag of note.tags) if (!tags.has(tag.toLowerCase())) tags.set(tag.toLowerCase(), tag);
    }
    return [...tags.values()].sort((a, b) => a.localeCompare(b));
  }

  function renderTagFilter() {
    const tags = allTags();
    const key = JSON.stringify(tags);
    if (els.tag.dataset.key === key) return;
    els.tag.dataset.key = key;
    els.tag.replaceChildren(h("option", { value: "", text: t("library.filter.all_tags") }),
      ...tags.map((tag) => h("option", { value: tag, text: `#${tag}` })));
    if (filter.tag && !tags.some((known) => known.toLowerCase() === filter.tag.toLowerCase())) filter.tag = "";
    els.tag.value = filter.tag;
  }

  function localMatches() {
    const tag = filter.tag.toLowerCase();
    return [...state.notes].reverse().filter((note) => (!filter.source || note.source_type === filter.source)
      && (!tag || note.tags.some((own) => own.toLowerCase() === tag)));
  }

  function sourceChip(type) {
    return h("span", { class: `lib-chip source-${type}`, text: SOURCE_LABELS[type] ?? type });
  }

  function metaLine(note) {
    const parts = [];
    if (note.date) parts.push(h("span", { class: "lib-meta-item", text: formatDate(note.date) }));
    if (note.respondents != null) {
      parts.push(h("span", { class: "lib-meta-item",
        text: plural("library.respondents", note.respondents, { count: note.respondents.toLocaleString(locale) }) }));
    }
    return parts;
  }

  function tagList(tags) {
    if (!tags.length) return null;
    return h("ul", { class: "lib-tags", "aria-label": t("library.tags") },
      ...tags.map((tag) => h("li", { class: "lib-tag", text: `#${tag}` })));
  }

  function itemFor(note, result, linkCount) {
    const title = h("span", { class: "lib-item-title" });
    if (result) title.append(...markedNodes(result.title_html)); else title.textContent = note.title;
    const excerpt = h("span", { class: "lib-item-excerpt" });
    if (result?.snippet_html) excerpt.append(...markedNodes(result.snippet_html));
    else excerpt.textContent = excerptOf(note.body);
    const selected = note.id === selectedId;
    return h("li", { class: "lib-entry" },
      h("button", { class: `lib-item${selected ? " selected" : ""}`, type: "button", "data-id": note.id,
        "aria-current": selected ? "true" : false, onclick: () => select(note.id) },
      h("span", { class: "lib-item-top" }, sourceChip(note.source_type), ...metaLine(note),
        linkCount ? h("span", { class: "lib-item-links", text: plural("library.links", linkCount) }) : null),
      title,
      excerpt,
      note.tags.length ? h("span", { class: "lib-item-tags" },
        ...note.tags.map((tag) => h("span", { class: "lib-tag", text: `#${tag}` }))) : null));
  }

  function renderList() {
    if (!els.list) return;
    renderTagFilter();
    const count = state.notes.length;
    els.sub.textContent = count
      ? plural("library.sub", count)
      : t("library.sub.none");
    const linkCounts = new Map();
    for (const link of state.evidence) linkCounts.set(link.note_id, (linkCounts.get(link.note_id) ?? 0) + 1);
    const key = JSON.stringify([state.seq, search?.key, search?.status, filter.source, filter.tag, selectedId,
      searching()]);
    if (key === listKey) return;
    listKey = key;

    let entries;
    let statusText = "";
    if (searching() && search) {
      entries = search.results.map((result) => {
        const note = noteById(result.id);
        return note ? itemFor(note, result, linkCounts.get(note.id)) : null;
      }).filter(Boolean);
      statusText = search.status === "loading" ? t("library.search.loading")
        : search.status === "error" ? t("library.search.error")
          : plural("library.search.matches", entries.length, { q: filter.q.trim() });
    } else {
      const notes = localMatches();
      entries = notes.map((note) => itemFor(note, null, linkCounts.get(note.id)));
      if (count && (filter.source || filter.tag)) {
        statusText = plural("library.filtered", count, { shown: notes.length });
      }
    }
    els.status.textContent = statusText;
    els.status.hidden = !statusText;
    const focusedId = els.list.contains(document.activeElement) ? document.activeElement.dataset.id : null;
    if (!entries.length) {
      els.list.replaceChildren(h("li", { class: "lib-none", text: count
        ? t("library.no_match")
        : t("library.none") }));
    } else {
      els.list.replaceChildren(...entries);
    }
    if (focusedId) els.list.querySelector(`.lib-item[data-id="${CSS.escape(focusedId)}"]`)?.focus();
  }

  // ---- the reader --------------------------------------------------------------------

  function select(id, passage = null) {
    if (mode !== "read" && !confirmLeaveEditor()) return;
    selectedId = id;
    mode = "read";
    pendingPassage = passage;
    readerKey = null;
    linkForm.close();
    ui.store.changed();
    if (!passage) els.detail.querySelector(".lib-reader-title")?.focus();
  }

  /** Open the library at a note, with a quoted passage highlighted (from a board badge). */
  function openPassage(noteId, quote) {
    ui.store.setView("research", { render: false }); // rendered just below
    select(noteId, quote ?? "");
  }

  function emptyDetail() {
    const empty = h("div", { class: "lib-empty" },
      h("span", { class: "lib-empty-icon", "aria-hidden": "true" }),
      h("p", { class: "lib-empty-title", text: state.notes.length ? t("library.empty.open") : t("library.empty.none") }),
      h("p", { class: "lib-empty-text", text: state.notes.length
        ? t("library.empty.open.text")
        : t("library.empty.none.text") }));
    if (canWrite && !state.notes.length) {
      empty.append(h("div", { class: "button-row lib-empty-actions" },
        h("button", { class: "button button-small button-primary", type: "button", text: t("library.write_note"),
          onclick: () => startNew() }),
        h("button", { class: "button button-small", type: "button", text: t("library.import_files"),
          onclick: () => importDialog.open() })));
    }
    return empty;
  }

  const reader = {}; // the parts of the open note's reader that are updated in place

  function renderReader() {
    const note = noteById(selectedId);
    if (!note) {
      const key = `none|${selectedId}|${state.notes.length}`;
      if (readerKey === key) return;
      readerKey = key;
      const gone = selectedId ? h("p", { class: "lib-gone", role: "status",
        text: t("library.deleted") }) : null;
      els.detail.replaceChildren(...[gone, emptyDetail()].filter(Boolean));
      return;
    }
    const links = state.evidence.filter((l) => l.note_id === note.id);
    const key = JSON.stringify([note.id, note.updated_seq, links.map((l) => l.id), state.assumptions.length,
      state.groups.length, ui.store.activePersona(), pendingPassage]);
    if (readerKey === key) return;
    const sameNote = reader.noteId === note.id && els.detail.contains(reader.article ?? null);
    readerKey = key;
    if (!sameNote) buildReader(note);
    fillReader(note, links);
    if (pendingPassage !== null) {
      const quote = pendingPassage;
      pendingPassage = null;
      if (quote) highlight(quote, { focus: true });
    } else if (reader.highlighted) {
      highlight(reader.highlighted, { focus: false });
    }
  }

  function buildReader(note) {
    reader.noteId = note.id;
    reader.highlighted = null;
    reader.html = null; // a new, empty body: fillReader must fill it (e.g. after a cancelled edit)
    reader.title = h("h3", { class: "lib-reader-title", id: "lib-reader-title", tabindex: "-1" });
    reader.meta = h("div", { class: "lib-reader-meta" });
    reader.tags = h("div", { class: "lib-reader-tags" });
    reader.actions = h("div", { class: "lib-reader-actions" });
    reader.confirm = h("div", { class: "lib-confirm", role: "alertdialog", "aria-labelledby": "lib-confirm-text", hidden: true });
    reader.body = h("div", { class: "lib-body prose", id: "lib-body", "aria-label": t("board.note.text") });
    reader.toolbar = h("div", { class: "lib-selection-toolbar", hidden: true, role: "toolbar", "aria-label": t("library.selected_passage") },
      h("button", { class: "button button-small button-primary", type: "button", text: t("library.link_as_evidence"),
        onmousedown: (event) => event.preventDefault(), // keep the selection
        onclick: () => linkForm.openFor(selection.quote, { floating: true }) }));
    reader.bodyWrap = h("div", { class: "lib-body-wrap" }, reader.body, reader.toolbar);
    reader.linksHeading = h("h4", { class: "lib-links-heading", id: "lib-links-heading" });
    reader.linkButton = canWrite ? h("button", { class: "button button-small", type: "button", id: "lib-link-passage",
      text: t("library.link_a_passage"), "aria-expanded": "false",
      onclick: () => linkForm.openFor("", { floating: false }) }) : null;
    reader.links = h("ul", { class: "lib-links", "aria-labelledby": "lib-links-heading" });
    reader.linkSlot = h("div", { class: "lib-link-slot" });
    reader.article = h("article", { class: "lib-reader", "aria-labelledby": "lib-reader-title" },
      h("header", { class: "lib-reader-head" },
        reader.meta, reader.title, reader.tags, reader.actions, reader.confirm),
      reader.bodyWrap,
      h("section", { class: "lib-links-section", "aria-labelledby": "lib-links-heading" },
        h("div", { class: "lib-links-head" }, reader.linksHeading, reader.linkButton),
        reader.linkSlot,
        reader.links));
    els.detail.replaceChildren(reader.article);
  }

  function fillReader(note, links) {
    reader.title.textContent = note.title;
    const author = personName(note.author_id);
    reader.meta.replaceChildren(sourceChip(note.source_type), ...metaLine(note),
      author ? h("span", { class: "lib-meta-item", text: t("library.added_by", { name: author }) }) : null);
    reader.tags.replaceChildren(tagList(note.tags) ?? "");
    reader.actions.replaceChildren();
    if (mayChange(note.author_id)) {
      reader.actions.append(
        h("button", { class: "button button-small", type: "button", text: t("common.edit"),
          onclick: () => startEdit(note.id) }),
        h("button", { class: "button button-small button-danger", type: "button", text: t("library.delete"),
          onclick: () => askDelete(note) }));
    }
    if (reader.html !== note.body_html) {
      reader.html = note.body_html;
      reader.body.innerHTML = note.body_html; // sanitised on the server (rendering.py)
      linksElsewhere(reader.body);
      if (!note.body_html.trim()) reader.body.append(h("p", { class: "lib-body-empty", text: t("library.no_text") }));
    }
    reader.linksHeading.textContent = links.length
      ? t("library.evidence_count", { n: links.length }) : t("library.evidence");
    reader.links.replaceChildren(...(links.length ? links.map(linkItem)
      : [h("li", { class: "lib-links-none", text: canWrite
        ? t("library.no_links.write")
        : t("library.no_links") })]));
  }

  function targetLabel(link) {
    if (link.target_type === "group") {
      const group = state.groups.find((g) => g.id === link.target_id);
      return group ? { text: group.decision?.decision === "reworded" ? group.decision.text : group.title,
        category: group.category, kind: t("common.group") } : null;
    }
    const item = state.assumptions.find((a) => a.id === link.target_id);
    return item ? { text: item.decision?.decision === "reworded" && !item.group_id ? item.decision.text : item.text,
      category: item.category, kind: t("dv.table.note") } : null;
  }

  function linkItem(link) {
    const target = targetLabel(link);
    const by = personName(link.author_id);
    const remove = canWrite && mayChange(link.author_id) ? h("button", { class: "icon-button danger", type: "button",
      text: t("common.remove"), "aria-label": link.relation === "contradicts"
        ? t("library.remove_link.contradicts", { text: target?.text ?? t("library.an_item") })
        : t("library.remove_link.supports", { text: target?.text ?? t("library.an_item") }),
      onclick: (event) => armed(event.currentTarget, t("common.remove"), () => send("evidence.unlink", { id: link.id })) }) : null;
    return h("li", { class: `lib-link relation-${link.relation}` },
      h("div", { class: "lib-link-head" },
        h("span", { class: `ev-relation ev-relation-${link.relation}`,
          text: link.relation === "supports" ? t("evidence.supports") : t("evidence.contradicts") }),
        h("span", { class: "lib-link-target" },
          target ? h("span", { class: "lib-link-category", text: ui.categoryLabel(target.category) }) : null,
          h("span", { text: target ? target.text : t("library.gone_item") }))),
      h("blockquote", { class: "lib-link-quote", text: link.quote }),
      h("div", { class: "lib-link-foot" },
        by ? h("span", { class: "lib-link-by", text: t("library.linked_by", { name: by }) }) : h("span"),
        h("span", { class: "button-row" },
          h("button", { class: "icon-button", type: "button", text: t("library.show_passage"),
            "aria-label": t("library.show_passage.label", { quote: link.quote.slice(0, 80) }),
            onclick: () => highlight(link.quote, { focus: true }) }),
          remove)));
  }

  /** A two-step button: the first press arms it, the second does it. */
  function armed(button, label, action) {
    if (button.dataset.armed) { action(); return; }
    button.dataset.armed = "1";
    button.textContent = t("common.sure");
    setTimeout(() => { delete button.dataset.armed; button.textContent = label; }, 3000);
  }

  function askDelete(note) {
    const links = state.evidence.filter((l) => l.note_id === note.id).length;
    const yes = h("button", { class: "button button-small button-danger-solid", type: "button", text: t("board.note.delete"),
      onclick: async () => {
        const ack = await send("note.delete", { id: note.id });
        if (ack.ok) { selectedId = null; readerKey = null; ui.store.changed(); els.search.focus(); }
      } });
    const no = h("button", { class: "button button-small", type: "button", text: t("library.keep_it"),
      onclick: () => { reader.confirm.hidden = true; reader.actions.querySelector("button:last-child")?.focus(); } });
    reader.confirm.replaceChildren(
      h("p", { id: "lib-confirm-text", text: links
        ? plural("library.confirm_delete.links", links, { title: note.title })
        : t("library.confirm_delete", { title: note.title }) }),
      h("div", { class: "button-row" }, yes, no));
    reader.confirm.hidden = false;
    no.focus();
  }

  // ---- highlighting a passage --------------------------------------------------------

  function clearHighlight() {
    for (const mark of reader.body?.querySelectorAll("mark.lib-passage") ?? []) {
      mark.replaceWith(...mark.childNodes);
    }
    reader.body?.normalize();
  }

  /** Wrap the quoted passage in <mark>s and scroll it into view. */
  function highlight(quote, { focus }) {
    if (!reader.body) return false;
    clearHighlight();
    reader.highlighted = quote;
    const nodes = [];
    const pieces = [];
    const walker = document.createTreeWalker(reader.body, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.ELEMENT_NODE) {
        if (BLOCKS.has(node.tagName)) { pieces.push(null); nodes.push(null); }
      } else {
        pieces.push(node.data);
        nodes.push(node);
      }
    }
    const spans = locateQuote(pieces, quote) ?? locateQuote(pieces, quote, { loose: true });
    if (!spans) {
      reader.highlighted = null;
      if (focus) toast(t("library.passage_missing"));
      return false;
    }
    const marks = [];
    for (const { piece, start, end } of spans) {
      let node = nodes[piece];
      if (start > 0) node = node.splitText(start);
      if (end - start < node.data.length) node.splitText(end - start);
      if (!node.data.trim()) continue; // white space between words needs no mark
      const mark = h("mark", { class: "lib-passage" });
      node.replaceWith(mark);
      mark.append(node);
      marks.push(mark);
    }
    if (marks[0] && focus) {
      marks[0].tabIndex = -1;
      marks[0].scrollIntoView({ block: "center", behavior: scrollBehaviour() });
      marks[0].focus({ preventScroll: true });
    }
    return true;
  }

  // ---- selecting a passage -----------------------------------------------------------

  const selection = { quote: "" };
  let selectionTimer = null;
  document.addEventListener("selectionchange", () => {
    clearTimeout(selectionTimer);
    selectionTimer = setTimeout(onSelection, 120);
  });

  function onSelection() {
    if (!reader.toolbar || !isOpen() || !canWrite || mode !== "read") return;
    const sel = document.getSelection();
    const inside = sel && sel.rangeCount && !sel.isCollapsed
      && reader.body.contains(sel.anchorNode) && reader.body.contains(sel.focusNode);
    const quote = inside ? sel.toString().replace(/\s+/g, " ").trim() : "";
    if (!quote) {
      if (!reader.toolbar.contains(document.activeElement)) reader.toolbar.hidden = true;
      return;
    }
    selection.quote = quote;
    const rect = sel.getRangeAt(0).getBoundingClientRect();
    const box = reader.bodyWrap.getBoundingClientRect();
    reader.toolbar.hidden = false;
    const width = reader.toolbar.offsetWidth;
    const left = Math.min(Math.max(0, rect.left - box.left + rect.width / 2 - width / 2), box.width - width);
    reader.toolbar.style.left = `${left}px`;
    reader.toolbar.style.top = `${Math.max(0, rect.top - box.top - reader.toolbar.offsetHeight - 8)}px`;
  }

  // ---- the link form: quote, board item, relation -------------------------------------

  const linkForm = (() => {
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

    function fillOptions() {
      const needle = parts.find.value.trim().toLowerCase();
      const chosen = parts.list.value;
      const groups = [];
      let count = 0;
      for (const [category, items] of itemsFor(parts.persona.value)) {
        const shown = items.filter((item) => !needle || item.text.toLowerCase().includes(needle));
        if (!shown.length) continue;
        count += shown.length;
        groups.push(h("optgroup", { label: ui.categoryLabel(category) },
          ...shown.map((item) => h("option", { value: `${item.kind}:${item.id}`, text: item.text,
            title: item.text }))));
      }
      parts.list.replaceChildren(...groups);
      parts.list.value = chosen;
      if (!parts.list.value && count === 1) parts.list.selectedIndex = 0;
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
      parts.persona.value = ui.store.activePersona() ?? personas[0]?.id ?? "";
      parts.find = h("input", { type: "search", id: "lib-link-find", autocomplete: "off",
        placeholder: t("library.link.find_placeholder"), "aria-controls": "lib-link-item" });
      parts.list = h("select", { id: "lib-link-item", size: "6", required: true, class: "lib-listbox",
        "aria-describedby": "lib-link-count" });
      parts.count = h("p", { class: "lib-hint", id: "lib-link-count", "aria-live": "polite" });
      parts.error = h("p", { class: "form-error", role: "alert", hidden: true });
      parts.find.addEventListener("input", () => fillOptions());
      parts.find.addEventListener("keydown", (event) => {
        if (event.key === "ArrowDown") {
          event.preventDefault();
          if (!parts.list.value && parts.list.options.length) parts.list.selectedIndex = 0;
          parts.list.focus();
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
          h("label", { class: "sr-only", for: "lib-link-item", text: t("library.link.choose_item") }),
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
      const [kind, id] = (parts.list.value || ":").split(":");
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
        highlight(quote, { focus: false });
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
        form.style.top = reader.toolbar.style.top;
        reader.bodyWrap.append(form);
        const top = parseFloat(reader.toolbar.style.top) || 0;
        form.style.top = `${top}px`;
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
  })();

  // ---- the editor --------------------------------------------------------------------

  const editor = {};

  function confirmLeaveEditor() {
    if (!editor.form || !editor.dirty) return true;
    if (editor.leaveArmed) return true;
    editor.leaveArmed = true;
    editor.notice.textContent = t("library.editor.unsaved");
    editor.notice.hidden = false;
    setTimeout(() => { editor.leaveArmed = false; }, 4000);
    return false;
  }

  function startNew() {
    if (mode !== "read" && !confirmLeaveEditor()) return;
    ui.store.setView("research", { render: false }); // rendered just below
    mode = "new";
    buildEditor(null);
    ui.store.changed();
    editor.title.focus();
  }

  function startEdit(id) {
    const note = noteById(id);
    if (!note) return;
    mode = "edit";
    selectedId = id;
    buildEditor(note);
    ui.store.changed();
    editor.body.focus();
  }

  function buildEditor(note) {
    linkForm.close(false);
    readerKey = null;
    reader.noteId = null;
    editor.noteId = note?.id ?? null;
    editor.baseSeq = note?.updated_seq ?? null;
    // The note as editing started: a save sends only the fields changed since then, so a
    // field someone else changed meanwhile is not reverted to what this form showed.
    editor.base = note ? { ...note, tags: [...note.tags] } : null;
    editor.changedBy = null;
    editor.dirty = false;
    editor.leaveArmed = false;
    editor.title = h("input", { id: "lib-ed-title", name: "title", maxlength: "200", required: true, autocomplete: "off" });
    editor.source = h("select", { id: "lib-ed-source", name: "source_type", class: "lib-select" },
      ...SOURCE_TYPES.map(([value, label]) => h("option", { value, text: label })));
    editor.date = h("input", { id: "lib-ed-date", name: "date", type: "date" });
    editor.respondents = h("input", { id: "lib-ed-respondents", name: "respondents", type: "number", min: "0",
      max: "10000000", step: "1", inputmode: "numeric", placeholder: "–" });
    editor.tags = h("input", { id: "lib-ed-tags", name: "tags", autocomplete: "off",
      placeholder: t("library.editor.tags_placeholder"), "aria-describedby": "lib-ed-tags-hint" });
    editor.body = h("textarea", { id: "lib-ed-body", name: "body", rows: "16", maxlength: String(MAX_BODY),
      placeholder: t("library.editor.body_placeholder"),
      spellcheck: "true" });
    editor.preview = h("div", { class: "lib-preview prose", id: "lib-ed-preview", "aria-live": "off" });
    editor.previewState = h("span", { class: "lib-preview-state", role: "status" });
    editor.notice = h("div", { class: "lib-notice", role: "status", hidden: true });
    editor.error = h("div", { class: "form-error", role: "alert", hidden: true });
    editor.save = h("button", { class: "button button-primary", type: "submit", text: note ? t("library.editor.save") : t("board.add.submit") });
    if (note) {
      editor.title.value = note.title;
      editor.source.value = note.source_type;
      editor.date.value = note.date ?? "";
      editor.respondents.value = note.respondents ?? "";
      editor.tags.value = note.tags.join(", ");
      editor.body.value = note.body;
    } else {
      editor.source.value = "interview";
    }
    const field = (id, label, control, extra) => h("div", { class: "field" },
      h("label", { for: id, text: label }), control, extra ?? null);
    editor.form = h("form", { class: "lib-editor", "aria-labelledby": "lib-ed-heading", novalidate: true },
      h("div", { class: "lib-editor-head" },
        h("h3", { id: "lib-ed-heading", text: note ? t("library.editor.edit_heading") : t("library.editor.new_heading") }),
        h("p", { class: "lib-hint", text: t("library.editor.safe") })),
      editor.notice,
      h("div", { class: "lib-editor-fields" },
        field("lib-ed-title", t("home.create.title"), editor.title),
        field("lib-ed-source", t("library.field.source"), editor.source),
        field("lib-ed-date", t("library.field.date"), editor.date),
        field("lib-ed-respondents", t("library.field.respondents"), editor.respondents),
        h("div", { class: "field lib-field-tags" },
          h("label", { for: "lib-ed-tags", text: t("library.tags") }), editor.tags,
          h("p", { class: "lib-hint", id: "lib-ed-tags-hint", text: t("library.editor.tags_hint") }))),
      h("div", { class: "lib-editor-split" },
        h("div", { class: "field lib-editor-pane" },
          h("label", { for: "lib-ed-body", text: t("library.editor.body") }), editor.body),
        h("section", { class: "lib-editor-pane lib-preview-pane", "aria-labelledby": "lib-ed-preview-label" },
          h("div", { class: "lib-preview-head" },
            h("span", { class: "lib-preview-label", id: "lib-ed-preview-label", text: t("library.editor.preview") }), editor.previewState),
          editor.preview)),
      editor.error,
      h("div", { class: "lib-editor-foot" },
        editor.save,
        h("button", { class: "button", type: "button", text: t("common.cancel"), onclick: () => cancelEdit() }),
        h("span", { class: "lib-hint lib-count", id: "lib-ed-count" })));
    editor.form.addEventListener("submit", saveEditor);
    editor.form.addEventListener("input", () => { editor.dirty = true; });
    editor.form.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); editor.form.requestSubmit(); }
      if (event.key === "Escape" && !editor.dirty) { event.preventDefault(); cancelEdit(); }
    });
    editor.body.addEventListener("input", () => { schedulePreview(); countChars(); });
    countChars();
    editor.previewTimer = null;
    editor.previewNumber = 0;
    schedulePreview(0);
  }

  function countChars() {
    const count = editor.form.querySelector("#lib-ed-count");
    const n = editor.body.value.length;
    count.textContent = n > MAX_BODY * 0.8
      ? t("library.editor.chars", { n: n.toLocaleString(locale), max: MAX_BODY.toLocaleString(locale) }) : "";
  }

  function schedulePreview(delay = PREVIEW_DELAY_MS) {
    clearTimeout(editor.previewTimer);
    editor.previewState.textContent = t("library.editor.updating");
    editor.previewTimer = setTimeout(runPreview, delay);
  }

  async function runPreview() {
    const number = ++editor.previewNumber;
    const body = editor.body.value;
    if (!body.trim()) {
      editor.preview.replaceChildren(h("p", { class: "lib-body-empty", text: t("library.editor.preview_empty") }));
      editor.previewState.textContent = "";
      return;
    }
    try {
      const answer = await postJSON(api("/preview"), { body });
      if (number !== editor.previewNumber) return;
      editor.preview.innerHTML = answer.html; // rendered and sanitised by the server
      linksElsewhere(editor.preview);
      editor.previewState.textContent = t("library.editor.up_to_date");
    } catch (error) {
      if (number !== editor.previewNumber) return;
      editor.previewState.textContent = t("library.editor.preview_error", { message: error.message });
    }
  }

  function editorValues() {
    const respondents = editor.respondents.value.trim();
    return {
      title: editor.title.value.trim(),
      source_type: editor.source.value,
      date: editor.date.value || null,
      respondents: respondents === "" ? null : Number(respondents),
      tags: parseTags(editor.tags.value),
      body: editor.body.value,
    };
  }

  async function saveEditor(event) {
    event.preventDefault();
    const values = editorValues();
    const problem = !values.title ? [t("library.editor.need_title"), editor.title]
      : values.respondents !== null && (!Number.isInteger(values.respondents) || values.respondents < 0)
        ? [t("library.editor.bad_respondents"), editor.respondents]
        : values.tags.some((tag) => tag.length > 40) ? [t("library.editor.tag_too_long", { max: 40 }), editor.tags]
          : values.tags.length > 20 ? [t("library.editor.too_many_tags", { max: 20 }), editor.tags] : null;
    if (problem) {
      editor.error.textContent = problem[0];
      editor.error.hidden = false;
      problem[1].focus();
      return;
    }
    editor.error.hidden = true;
    const existing = editor.noteId ? noteById(editor.noteId) : null;
    let type;
    let data;
    if (existing) {
      const base = editor.base ?? existing;
      type = "note.edit";
      data = { id: existing.id, clear: [] };
      for (const key of ["title", "source_type", "body"]) if (values[key] !== base[key]) data[key] = values[key];
      if (JSON.stringify(values.tags) !== JSON.stringify(base.tags)) data.tags = values.tags;
      for (const key of ["date", "respondents"]) {
        if (values[key] === base[key]) continue;
        if (values[key] === null) data.clear.push(key); else data[key] = values[key];
      }
      if (!data.clear.length) delete data.clear;
      if (Object.keys(data).length === 1) { finishEditor(existing.id); return; }
      if (editor.baseSeq !== null) data.base_seq = editor.baseSeq; // a stale save comes back as a conflict
    } else {
      type = "note.add";
      data = { title: values.title, source_type: values.source_type, body: values.body, tags: values.tags };
      if (values.date) data.date = values.date;
      if (values.respondents !== null) data.respondents = values.respondents;
    }
    await submitEditor(type, data);
  }

  async function submitEditor(type, data) {
    editor.save.disabled = true;
    const ack = await sendQuietly(type, data);
    editor.save.disabled = false;
    if (ack.ok) {
      finishEditor(type === "note.add" ? ack.event.data.note.id : data.id);
    } else {
      showEditorError(ack.error, data);
    }
  }

  /**
   * A refused save in words: a save over someone else's newer save offers to keep either
   * version; an edit that would drop quoted evidence lists those links.
   */
  function showEditorError(error, data) {
    const current = error.code === "conflict" ? error.details?.current : null;
    const links = error.code === "conflict" ? error.details?.links : null;
    if (current) {
      const who = personName(editor.changedBy) ?? t("common.someone");
      editor.error.replaceChildren(
        h("p", { text: t("library.editor.stale", { who }) }),
        h("div", { class: "button-row" },
          h("button", { class: "button button-small", type: "button", text: t("library.editor.keep_mine"),
            onclick: () => {
              editor.baseSeq = current.updated_seq; // now resting on their save, knowingly
              submitEditor("note.edit", { ...data, base_seq: current.updated_seq });
            } }),
          h("button", { class: "button button-small", type: "button", text: t("library.editor.show_theirs"),
            onclick: () => startEdit(data.id) })));
    } else if (links?.length) {
      editor.error.replaceChildren(
        h("p", { text: plural("library.editor.breaks_evidence", links.length) }),
        h("ul", { class: "lib-broken-links" }, ...links.map((link) => h("li", {
          text: link.relation === "contradicts"
            ? t("library.editor.broken_link.contradicts", { quote: link.quote, text: link.target_text })
            : t("library.editor.broken_link.supports", { quote: link.quote, text: link.target_text }) }))));
    } else {
      editor.error.textContent = error.message.charAt(0).toUpperCase() + error.message.slice(1);
    }
    editor.error.hidden = false;
  }

  function finishEditor(id) {
    editor.form = null;
    mode = "read";
    selectedId = id;
    readerKey = null;
    ui.store.changed();
    els.detail.querySelector(".lib-reader-title")?.focus();
  }

  function cancelEdit() {
    editor.form = null;
    mode = "read";
    if (selectedId && !noteById(selectedId)) selectedId = null;
    readerKey = null;
    ui.store.changed();
    (els.detail.querySelector(".lib-reader-title") ?? els.search).focus();
  }

  /** Someone else changed or deleted the note being edited: say so, keep what is typed. */
  function editorHeard(event) {
    if (mode !== "edit" || !editor.form || !editor.noteId || event.actor === me.id) return;
    const who = personName(event.actor) ?? t("common.someone");
    if (event.type === "note.edited" && event.data.note.id === editor.noteId) {
      editor.changedBy = event.actor;
      editor.notice.replaceChildren(
        h("span", { text: `${t("library.editor.changed", { who })} ` }),
        h("button", { class: "icon-button", type: "button", text: t("library.editor.show_theirs"),
          onclick: () => startEdit(editor.noteId) }));
      editor.notice.hidden = false;
    } else if (event.type === "note.deleted" && event.data.id === editor.noteId) {
      editor.noteId = null;
      editor.save.textContent = t("library.editor.save_as_new");
      editor.notice.textContent = t("library.editor.deleted", { who });
      editor.notice.hidden = false;
    }
  }

  // ---- import dialog -------------------------------------------------------------------

  const importDialog = (() => {
    let dialog = null;
    const d = {};
    let plan = null; // the last dry run's answer
    let planKey = null;
    let busy = false;
    let opId = null;
    let number = 0;
    let timer = null;

    function build() {
      d.files = h("input", { type: "file", id: "imp-files", multiple: true,
        accept: ".md,.markdown,.txt,.csv,text/markdown,text/csv,text/plain", "aria-describedby": "imp-files-hint" });
      d.modeRows = h("input", { type: "radio", name: "csv_mode", value: "rows", id: "imp-mode-rows", checked: true });
      d.modeSurvey = h("input", { type: "radio", name: "csv_mode", value: "survey", id: "imp-mode-survey" });
      d.source = h("select", { id: "imp-source", class: "lib-select" },
        h("option", { value: "", text: t("library.import.as_file_says") }),
        ...SOURCE_TYPES.map(([value, label]) => h("option", { value, text: label })));
      d.date = h("input", { type: "date", id: "imp-date" });
      d.tags = h("input", { id: "imp-tags", autocomplete: "off", placeholder: t("library.import.tags_placeholder") });
      d.status = h("p", { class: "imp-status", id: "imp-status", role: "status" });
      d.preview = h("div", { class: "imp-preview" });
      d.progress = h("progress", { id: "imp-progress", max: "100", value: "0", "aria-labelledby": "imp-progress-label" });
      d.progressLabel = h("span", { id: "imp-progress-label", class: "imp-progress-label", text: t("library.import.uploading") });
      d.progressRow = h("div", { class: "imp-progress", hidden: true }, d.progressLabel, d.progress);
      d.result = h("div", { class: "imp-result", role: "alert", hidden: true });
      d.submit = h("button", { class: "button button-primary", type: "submit", id: "imp-submit", text: t("library.import.submit"), disabled: true });
      d.cancel = h("button", { class: "button", type: "button", text: t("common.cancel"), onclick: () => dialog.close() });
      const form = h("form", { class: "imp-form", method: "dialog" },
        h("header", { class: "imp-head" },
          h("h2", { id: "imp-title", text: t("library.import.heading") }),
          h("p", { class: "lib-hint", id: "imp-files-hint", text: t("library.import.hint") })),
        h("div", { class: "imp-options" },
          h("div", { class: "field imp-files-field" },
            h("label", { for: "imp-files", text: t("library.import.files") }), d.files),
          h("fieldset", { class: "imp-fieldset" },
            h("legend", { text: t("library.import.csv_holds") }),
            h("label", { class: "imp-radio", for: "imp-mode-rows" }, d.modeRows,
              h("span", {}, h("strong", { text: t("library.import.rows") }), h("span", { class: "lib-hint", text: ` ${t("library.import.rows.hint")}` }))),
            h("label", { class: "imp-radio", for: "imp-mode-survey" }, d.modeSurvey,
              h("span", {}, h("strong", { text: t("library.import.survey") }), h("span", { class: "lib-hint", text: ` ${t("library.import.survey.hint")}` })))),
          h("fieldset", { class: "imp-fieldset imp-defaults" },
            h("legend", { text: t("library.import.defaults") }),
            h("div", { class: "field" }, h("label", { for: "imp-source", text: t("library.field.source") }), d.source),
            h("div", { class: "field" }, h("label", { for: "imp-date", text: t("library.field.date") }), d.date),
            h("div", { class: "field" }, h("label", { for: "imp-tags", text: t("library.tags") }), d.tags))),
        d.status,
        d.preview,
        d.progressRow,
        d.result,
        h("footer", { class: "imp-foot" }, d.cancel, d.submit));
      form.addEventListener("submit", (event) => { event.preventDefault(); runImport(); });
      for (const input of [d.files, d.modeRows, d.modeSurvey, d.source, d.date]) {
        input.addEventListener("change", () => schedule(0));
      }
      d.tags.addEventListener("input", () => schedule(500));
      dialog = h("dialog", { class: "imp-dialog", "aria-labelledby": "imp-title" }, form);
      dialog.addEventListener("cancel", (event) => { if (busy) event.preventDefault(); });
      document.body.append(dialog);
    }

    function open() {
      if (!dialog) build();
      reset();
      dialog.showModal();
      d.files.focus();
    }

    function reset() {
      d.files.value = "";
      plan = null;
      planKey = null;
      opId = null;
      d.preview.replaceChildren();
      d.status.textContent = t("library.import.choose");
      d.result.hidden = true;
      d.progressRow.hidden = true;
      d.cancel.textContent = t("common.cancel");
      updateButton();
    }

    function request() {
      const defaults = {};
      if (d.source.value) defaults.source_type = d.source.value;
      if (d.date.value) defaults.date = d.date.value;
      const tags = parseTags(d.tags.value);
      if (tags.length) defaults.tags = tags;
      return { csv_mode: d.modeSurvey.checked ? "survey" : "rows", defaults };
    }

    function schedule(delay) {
      clearTimeout(timer);
      timer = setTimeout(dryRun, delay);
    }

    async function readFiles() {
      const files = [...d.files.files];
      return Promise.all(files.map(async (file) => ({ name: file.name, content_base64: await readBase64(file) })));
    }

    /** POST with upload progress; resolves with {status, body}. */
    function post(body, onProgress) {
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open("POST", api("/notes/import"));
        xhr.setRequestHeader("Content-Type", "application/json");
        xhr.responseType = "json";
        xhr.withCredentials = true;
        if (onProgress) {
          xhr.upload.addEventListener("progress", (event) => {
            if (event.lengthComputable) onProgress(event.loaded / event.total);
          });
          xhr.upload.addEventListener("load", () => onProgress(1));
        }
        xhr.addEventListener("load", () => resolve({ status: xhr.status, body: xhr.response ?? {} }));
        xhr.addEventListener("error", () => reject(new Error(t("api.unreachable"))));
        xhr.addEventListener("abort", () => reject(new Error(t("library.import.cancelled"))));
        xhr.send(JSON.stringify(body));
      });
    }

    async function dryRun() {
      const current = ++number;
      plan = null;
      opId = null;
      d.result.hidden = true;
      updateButton();
      if (!d.files.files.length) { reset(); return; }
      d.status.textContent = plural("library.import.reading", d.files.files.length);
      let files;
      try {
        files = await readFiles();
      } catch (error) {
        if (current === number) d.status.textContent = error.message;
        return;
      }
      const body = { files, ...request(), dry_run: true };
      const size = JSON.stringify(body).length;
      if (size > IMPORT_MAX_BYTES) {
        if (current !== number) return;
        d.status.textContent = t("library.import.too_large", { size: (size / 1048576).toFixed(1) });
        d.preview.replaceChildren();
        return;
      }
      d.status.textContent = t("library.import.checking");
      try {
        const answer = await post(body);
        if (current !== number) return;
        planKey = JSON.stringify(request());
        showPlan(answer);
      } catch (error) {
        if (current === number) d.status.textContent = error.message;
      }
    }

    function showPlan({ status, body }) {
      const notes = body.plan?.notes ?? [];
      const problems = body.plan?.problems ?? [];
      plan = { notes, problems, files: [...d.files.files] };
      const parts = [];
      if (problems.length) {
        parts.push(h("section", { class: "imp-problems", "aria-labelledby": "imp-problems-title" },
          h("h3", { id: "imp-problems-title",
            text: plural("library.import.problems", problems.length) }),
          h("ul", {}, ...problems.map((p) => h("li", {},
            h("span", { class: "imp-problem-source", text: p.source }),
            h("span", { class: "imp-problem-message", text: p.message }))))));
      }
      if (notes.length) {
        parts.push(h("div", { class: "imp-table-wrap", tabindex: "0", role: "region", "aria-label": t("library.import.table") },
          h("table", { class: "imp-table" },
            h("caption", { text: plural("library.import.will_create", notes.length) }),
            h("thead", {}, h("tr", {}, ...[t("home.create.title"), t("library.field.source"), t("library.field.date"),
              t("library.field.respondents"), t("library.tags"), t("library.import.from")]
              .map((label) => h("th", { scope: "col", text: label })))),
            h("tbody", {}, ...notes.map((note) => h("tr", {},
              h("th", { scope: "row" },
                h("span", { class: "imp-note-title", text: note.title ?? "" }),
                h("span", { class: "imp-note-excerpt", text: excerptOf(note.body ?? "", 90) })),
              h("td", {}, note.source_type ? sourceChip(note.source_type) : ""),
              h("td", { class: "imp-nowrap", text: note.date ? formatDate(note.date) : "–" }),
              h("td", { class: "imp-num", text: note.respondents != null ? String(note.respondents) : "–" }),
              h("td", { text: (note.tags ?? []).map((tag) => `#${tag}`).join(" ") }),
              h("td", { class: "imp-source", text: note.source ?? note.file ?? "" })))))));
      }
      d.preview.replaceChildren(...parts);
      if (problems.length) {
        d.status.textContent = (problems.length === 1 ? t("library.import.blocked.one") : t("library.import.blocked.other"))
          + (notes.length ? ` (${plural("library.import.would_be_fine", notes.length)})` : "") + ".";
      } else if (status >= 400) {
        d.status.textContent = body.error?.message
          ? body.error.message.charAt(0).toUpperCase() + body.error.message.slice(1)
          : t("api.status", { status });
        plan = null;
      } else {
        d.status.textContent = t("library.import.ready", { notes: plural("library.import.notes", notes.length),
          files: plural("library.import.files_count", d.files.files.length) });
      }
      updateButton();
    }

    function updateButton() {
      const ready = plan && !plan.problems.length && plan.notes.length > 0 && !busy
        && planKey === JSON.stringify(request());
      d.submit.disabled = !ready;
      d.submit.textContent = plan?.notes.length && !plan.problems.length
        ? plural("library.import.submit_n", plan.notes.length) : t("library.import.submit");
    }

    async function runImport() {
      if (d.submit.disabled) return;
      busy = true;
      updateButton();
      opId ??= newOpId(); // a retry of the same import applies once
      d.progressRow.hidden = false;
      d.progress.value = 0;
      d.progressLabel.textContent = t("library.import.uploading_dots");
      d.result.hidden = true;
      try {
        const files = await readFiles();
        const { status, body } = await post({ files, ...request(), dry_run: false, op_id: opId }, (share) => {
          d.progress.value = Math.round(share * 100);
          d.progressLabel.textContent = share < 1
            ? t("library.import.uploading_share", { share: Math.round(share * 100) }) : t("library.import.importing");
        });
        d.progress.value = 100;
        if (status < 300 && body.ok) {
          d.progressLabel.textContent = t("library.import.done");
          result("ok", plural("library.import.imported", body.imported));
          d.cancel.textContent = t("common.close");
          plan = null;
          d.files.value = "";
        } else {
          d.progressRow.hidden = true;
          if (body.plan) showPlan({ status, body });
          const message = body.error?.message ?? t("library.import.status", { status });
          result("error", t("library.import.failed", { message: message.replace(/^nothing was imported:\s*/i, "") })
            .replace(/\.\.$/, "."));
        }
      } catch (error) {
        d.progressRow.hidden = true;
        result("error", t("library.import.failed_plain", { message: error.message }));
      } finally {
        busy = false;
        updateButton();
      }
    }

    function result(kind, text) {
      d.result.className = `imp-result imp-result-${kind}`;
      d.result.textContent = text;
      d.result.hidden = false;
    }

    return { open };
  })();

  // ---- events and rendering ----------------------------------------------------------

  ui.onEvent((event) => {
    if (NOTE_EVENTS.test(event.type)) {
      editorHeard(event);
      if (searching()) scheduleSearch(); // results may have changed: ask again
    }
    if (/^(assumption\.|notes\.grouped|notes\.ungrouped|group\.|decision\.|persona\.)/.test(event.type)) {
      linkForm.refresh();
    }
  });

  function renderDetail() {
    if (mode === "read") {
      renderReader();
      return;
    }
    if (editor.form && !els.detail.contains(editor.form)) {
      els.detail.replaceChildren(editor.form);
      reader.article = null;
    }
  }

  function render() {
    if (!isOpen()) return;
    if (!els.list) build();
    renderList();
    renderDetail();
  }

  return { render, openPassage, isOpen };
}

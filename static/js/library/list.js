// The library's list of research notes: filtered by source and tag here, searched in full
// text by the server (its highlights rebuilt from text and <mark> elements only).
import { h } from "../dom.js";
import { SOURCE_LABELS } from "../evidence.js";
import { locale, plural, t } from "../messages.js";
import { excerptOf, formatDate, markedNodes } from "./text.js";

const SEARCH_DELAY_MS = 250;

export function createList(lib) {
  const { state, api, els, filter } = lib;

  let search = null; // {key, status: loading|ready|error, results}
  let searchTimer = null;
  let searchNumber = 0;

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
    lib.listKey = null;
    renderList();
  }

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
    const selected = note.id === lib.selectedId;
    return h("li", { class: "lib-entry" },
      h("button", { class: `lib-item${selected ? " selected" : ""}`, type: "button", "data-id": note.id,
        "aria-current": selected ? "true" : false, onclick: () => lib.select(note.id) },
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
    const key = JSON.stringify([state.seq, search?.key, search?.status, filter.source, filter.tag, lib.selectedId,
      searching()]);
    if (key === lib.listKey) return;
    lib.listKey = key;

    let entries;
    let statusText = "";
    if (searching() && search) {
      entries = search.results.map((result) => {
        const note = lib.noteById(result.id);
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

  return { searching, scheduleSearch, renderList, sourceChip, metaLine, tagList };
}

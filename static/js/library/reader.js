// The library's reader: the open note, its evidence links, deleting it, highlighting a quoted
// passage, and the toolbar that offers to link a selected passage.
import { h } from "../dom.js";
import { locateQuote } from "../evidence.js";
import { plural, t } from "../messages.js";
import { linksElsewhere, scrollBehaviour } from "./text.js";

const BLOCKS = new Set(["P", "LI", "UL", "OL", "BLOCKQUOTE", "PRE", "H1", "H2", "H3", "H4", "H5",
  "H6", "TABLE", "TR", "TD", "TH", "DIV", "HR", "BR", "DT", "DD"]);

export function createReader(lib) {
  const { state, send, toast, canWrite, els, reader, isOpen } = lib;

  function select(id, passage = null) {
    if (lib.mode !== "read" && !lib.confirmLeaveEditor()) return;
    lib.selectedId = id;
    lib.mode = "read";
    lib.pendingPassage = passage;
    lib.readerKey = null;
    lib.linkForm.close();
    lib.store.changed();
    if (!passage) els.detail.querySelector(".lib-reader-title")?.focus();
  }

  /** Open the library at a note, with a quoted passage highlighted (from a board badge). */
  function openPassage(noteId, quote) {
    lib.store.setView("research", { render: false }); // rendered just below
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
          onclick: () => lib.startNew() }),
        h("button", { class: "button button-small", type: "button", text: t("library.import_files"),
          onclick: () => lib.importDialog.open() })));
    }
    return empty;
  }

  function renderReader() {
    const note = lib.noteById(lib.selectedId);
    if (!note) {
      const key = `none|${lib.selectedId}|${state.notes.length}`;
      if (lib.readerKey === key) return;
      lib.readerKey = key;
      const gone = lib.selectedId ? h("p", { class: "lib-gone", role: "status",
        text: t("library.deleted") }) : null;
      els.detail.replaceChildren(...[gone, emptyDetail()].filter(Boolean));
      return;
    }
    const links = state.evidence.filter((l) => l.note_id === note.id);
    const key = JSON.stringify([note.id, note.updated_seq, links.map((l) => l.id), state.assumptions.length,
      state.groups.length, lib.store.activePersona(), lib.pendingPassage]);
    if (lib.readerKey === key) return;
    const sameNote = reader.noteId === note.id && els.detail.contains(reader.article ?? null);
    lib.readerKey = key;
    if (!sameNote) buildReader(note);
    fillReader(note, links);
    if (lib.pendingPassage !== null) {
      const quote = lib.pendingPassage;
      lib.pendingPassage = null;
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
        onclick: () => lib.linkForm.openFor(selection.quote, { floating: true }) }));
    reader.bodyWrap = h("div", { class: "lib-body-wrap" }, reader.body, reader.toolbar);
    reader.linksHeading = h("h4", { class: "lib-links-heading", id: "lib-links-heading" });
    reader.linkButton = canWrite ? h("button", { class: "button button-small", type: "button", id: "lib-link-passage",
      text: t("library.link_a_passage"), "aria-expanded": "false",
      onclick: () => lib.linkForm.openFor("", { floating: false }) }) : null;
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
    const author = lib.personName(note.author_id);
    reader.meta.replaceChildren(lib.sourceChip(note.source_type), ...lib.metaLine(note),
      author ? h("span", { class: "lib-meta-item", text: t("library.added_by", { name: author }) }) : null);
    reader.tags.replaceChildren(lib.tagList(note.tags) ?? "");
    reader.actions.replaceChildren();
    if (lib.mayChange(note.author_id)) {
      reader.actions.append(
        h("button", { class: "button button-small", type: "button", text: t("common.edit"),
          onclick: () => lib.startEdit(note.id) }),
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
    const by = lib.personName(link.author_id);
    const remove = canWrite && lib.mayChange(link.author_id) ? h("button", { class: "icon-button danger", type: "button",
      text: t("common.remove"), "aria-label": link.relation === "contradicts"
        ? t("library.remove_link.contradicts", { text: target?.text ?? t("library.an_item") })
        : t("library.remove_link.supports", { text: target?.text ?? t("library.an_item") }),
      onclick: (event) => armed(event.currentTarget, t("common.remove"), () => send("evidence.unlink", { id: link.id })) }) : null;
    return h("li", { class: `lib-link relation-${link.relation}` },
      h("div", { class: "lib-link-head" },
        h("span", { class: `ev-relation ev-relation-${link.relation}`,
          text: link.relation === "supports" ? t("evidence.supports") : t("evidence.contradicts") }),
        h("span", { class: "lib-link-target" },
          target ? h("span", { class: "lib-link-category", text: lib.categoryLabel(target.category) }) : null,
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
    const yes = h("button", { class: "button button-small button-danger-solid", type: "button", text: t("library.delete_note"),
      onclick: async () => {
        const ack = await send("research_note.delete", { id: note.id });
        if (ack.ok) { lib.selectedId = null; lib.readerKey = null; lib.store.changed(); els.search.focus(); }
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

  const selection = { quote: "" };
  let selectionTimer = null;
  document.addEventListener("selectionchange", () => {
    clearTimeout(selectionTimer);
    selectionTimer = setTimeout(onSelection, 120);
  });

  function onSelection() {
    if (!reader.toolbar || !isOpen() || !canWrite || lib.mode !== "read") return;
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
    reader.selectionBottom = rect.bottom - box.top + 8; // where the link form opens (link-form.js)
  }

  return { select, openPassage, renderReader, highlight };
}

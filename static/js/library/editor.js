// The library's editor: a note's fields and Markdown body with a live preview; a save sends
// only what changed, and a save over someone's newer one offers to keep either version.
import { postJSON } from "../api.js";
import { h } from "../dom.js";
import { SOURCE_TYPES } from "../evidence.js";
import { locale, plural, t } from "../messages.js";
import { linksElsewhere, parseTags } from "./text.js";

const PREVIEW_DELAY_MS = 300;
const MAX_BODY = 20000;

export function createEditor(lib) {
  const { me, sendQuietly, api, els, reader, editor } = lib;

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
    if (lib.mode !== "read" && !confirmLeaveEditor()) return;
    lib.store.setView("research", { render: false }); // rendered just below
    lib.mode = "new";
    buildEditor(null);
    lib.store.changed();
    editor.title.focus();
  }

  function startEdit(id) {
    const note = lib.noteById(id);
    if (!note) return;
    lib.mode = "edit";
    lib.selectedId = id;
    buildEditor(note);
    lib.store.changed();
    editor.body.focus();
  }

  function buildEditor(note) {
    lib.linkForm.close(false);
    lib.readerKey = null;
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
    const existing = editor.noteId ? lib.noteById(editor.noteId) : null;
    let type;
    let data;
    if (existing) {
      const base = editor.base ?? existing;
      type = "research_note.edit";
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
      type = "research_note.add";
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
      finishEditor(type === "research_note.add" ? ack.event.data.note.id : data.id);
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
      const who = lib.personName(editor.changedBy) ?? t("common.someone");
      editor.error.replaceChildren(
        h("p", { text: t("library.editor.stale", { who }) }),
        h("div", { class: "button-row" },
          h("button", { class: "button button-small", type: "button", text: t("library.editor.keep_mine"),
            onclick: () => {
              editor.baseSeq = current.updated_seq; // now resting on their save, knowingly
              submitEditor("research_note.edit", { ...data, base_seq: current.updated_seq });
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
    lib.mode = "read";
    lib.selectedId = id;
    lib.readerKey = null;
    lib.store.changed();
    els.detail.querySelector(".lib-reader-title")?.focus();
  }

  function cancelEdit() {
    editor.form = null;
    lib.mode = "read";
    if (lib.selectedId && !lib.noteById(lib.selectedId)) lib.selectedId = null;
    lib.readerKey = null;
    lib.store.changed();
    (els.detail.querySelector(".lib-reader-title") ?? els.search).focus();
  }

  /** Someone else changed or deleted the note being edited: say so, keep what is typed. */
  function editorHeard(event) {
    if (lib.mode !== "edit" || !editor.form || !editor.noteId || event.actor === me.id) return;
    const who = lib.personName(event.actor) ?? t("common.someone");
    if (event.type === "research_note.edited" && event.data.note.id === editor.noteId) {
      editor.changedBy = event.actor;
      editor.notice.replaceChildren(
        h("span", { text: `${t("library.editor.changed", { who })} ` }),
        h("button", { class: "icon-button", type: "button", text: t("library.editor.show_theirs"),
          onclick: () => startEdit(editor.noteId) }));
      editor.notice.hidden = false;
    } else if (event.type === "research_note.deleted" && event.data.id === editor.noteId) {
      editor.noteId = null;
      editor.save.textContent = t("library.editor.save_as_new");
      editor.notice.textContent = t("library.editor.deleted", { who });
      editor.notice.hidden = false;
    }
  }

  return { startNew, startEdit, confirmLeaveEditor, editorHeard };
}

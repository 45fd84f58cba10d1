// The import dialog: Markdown and CSV files read here, a dry run that shows what would come in,
// then the import with upload progress.
import { newOpId } from "../connection.js";
import { h } from "../dom.js";
import { SOURCE_TYPES } from "../evidence.js";
import { errorText, plural, t } from "../messages.js";
import { excerptOf, formatDate, parseTags, readBase64 } from "./text.js";

const IMPORT_MAX_BYTES = 8 * 1024 * 1024; // the server's limit for one import request

export function createImportDialog(lib) {
  const { api } = lib;

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
    // Every choice is checked again, the same file fixed and chosen again too: a browser
    // fires no change for a choice equal to the input's current one, so the picker opens
    // on an empty input (cancelling it clears the check as well).
    d.files.addEventListener("click", () => { d.files.value = ""; });
    d.files.addEventListener("cancel", () => { if (!d.files.files.length) reset(); });
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
            h("td", {}, note.source_type ? lib.sourceChip(note.source_type) : ""),
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
      d.status.textContent = body.error ? errorText(body.error) : t("api.status", { status });
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
}

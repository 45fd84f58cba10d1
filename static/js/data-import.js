// The data import dialog: a CSV read on the server (the mapping step: detected kinds,
// suggested roles, a masked preview), roles set here, then the import with upload progress
// and a "reading the rows" step while the server reads it in a worker process. A file with
// problems gets them listed (row, column, why); nothing is stored.
import { newOpId } from "./connection.js";
import { fill, h } from "./dom.js";
import { errorText, plural, t } from "./messages.js";
import { KIND_LABELS, MAPPING_HEADERS, ROLE_LABELS, UNIT_LABELS } from "./data-labels.js";
import { readBase64 } from "./library/text.js";

const MAX_BYTES = 70 * 1024 * 1024; // the server takes 100 MB of JSON: the file in base64
const ROLES = ["attribute", "sensitive", "dropped"];

export function createDataImport({ api, toast, onImported }) {
  let dialog = null;
  const d = {};
  let content = null; // the file in base64, once read
  let inspection = null; // the server's answer to the mapping step
  let busy = false;

  function post(path, body, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", api(path));
      xhr.setRequestHeader("Content-Type", "application/json");
      xhr.responseType = "json";
      xhr.withCredentials = true;
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
      });
      xhr.upload.addEventListener("load", () => onProgress?.(1));
      xhr.addEventListener("load", () => resolve({ status: xhr.status, body: xhr.response ?? {} }));
      xhr.addEventListener("error", () => reject(new Error(t("api.unreachable"))));
      xhr.send(JSON.stringify(body));
    });
  }

  function progress(label, share) {
    d.progressRow.hidden = false;
    d.progressLabel.textContent = label;
    if (share === null) d.progress.removeAttribute("value"); // indeterminate: the server reads
    else d.progress.value = Math.round(share * 100);
  }

  function build() {
    d.file = h("input", { type: "file", id: "data-file", accept: ".csv,text/csv", "aria-describedby": "data-file-hint" });
    d.name = h("input", { id: "data-name", maxlength: "120", required: true, autocomplete: "off" });
    d.source = h("input", { id: "data-source", maxlength: "200", autocomplete: "off", placeholder: t("data.import.source_placeholder") });
    d.asOf = h("input", { id: "data-as-of", type: "date", required: true });
    d.unit = h("select", { id: "data-unit" },
      ...Object.entries(UNIT_LABELS).map(([u, label]) => h("option", { value: u, text: label })));
    d.status = h("p", { class: "data-status", id: "data-import-status", role: "status" });
    d.progress = h("progress", { id: "data-progress", max: "100", "aria-labelledby": "data-progress-label" });
    d.progressLabel = h("span", { id: "data-progress-label", text: "" });
    d.progressRow = h("div", { class: "data-progress", hidden: true }, d.progressLabel, d.progress);
    d.mapping = h("div", { class: "data-mapping" });
    d.problems = h("div", { class: "data-problems", role: "alert", hidden: true });
    d.read = h("button", { class: "button", type: "button", id: "data-read", text: t("data.import.read"), onclick: inspect });
    d.submit = h("button", { class: "button button-primary", type: "submit", id: "data-submit", text: t("data.import.submit"), disabled: true });
    const form = h("form", { class: "data-form", method: "dialog", onsubmit: submit },
      h("header", {},
        h("h2", { id: "data-import-title", text: t("data.import.heading") }),
        h("p", { class: "lib-hint", id: "data-file-hint", text: t("data.import.hint") })),
      h("div", { class: "data-fields" },
        h("div", { class: "field data-file-field" }, h("label", { for: "data-file", text: t("data.import.file") }), d.file),
        h("div", { class: "field" }, h("label", { for: "data-name", text: t("data.import.name") }), d.name),
        h("div", { class: "field" }, h("label", { for: "data-source", text: t("data.import.source") }), d.source),
        h("div", { class: "field" }, h("label", { for: "data-as-of", text: t("data.import.as_of") }), d.asOf),
        h("div", { class: "field" }, h("label", { for: "data-unit", text: t("data.import.unit") }), d.unit)),
      h("div", { class: "data-actions" }, d.read),
      d.progressRow, d.status, d.problems, d.mapping,
      h("footer", { class: "data-actions" },
        h("button", { class: "button", type: "button", text: t("common.cancel"), onclick: () => dialog.close() }),
        d.submit));
    dialog = h("dialog", { class: "data-dialog", id: "data-import", "aria-labelledby": "data-import-title" }, form);
    d.file.addEventListener("change", () => {
      content = null; inspection = null; d.submit.disabled = true;
      d.mapping.replaceChildren(); d.problems.hidden = true; d.status.textContent = "";
      const file = d.file.files[0];
      if (file && !d.name.value) d.name.value = file.name.replace(/\.csv$/i, "");
    });
    document.body.append(dialog);
  }

  function showProblems(problems, message) {
    d.problems.hidden = false;
    fill(d.problems,
      h("p", { class: "data-problems-lead", text: message || t("data.import.problems") }),
      h("ul", {}, ...problems.slice(0, 20).map((p) => h("li", {},
        h("strong", { text: [p.row ? t("data.problem.row", { row: p.row }) : t("data.problem.file"), p.column].filter(Boolean).join(" · ") }),
        ` ${p.reason}`))),
      problems.length > 20 ? h("p", { class: "lib-hint", text: plural("data.problems_more", problems.length - 20) }) : null);
  }

  async function inspect() {
    const file = d.file.files[0];
    if (!file) { d.file.focus(); return; }
    if (file.size > MAX_BYTES) { d.status.textContent = t("data.import.too_large"); return; }
    if (busy) return;
    busy = true;
    d.problems.hidden = true;
    try {
      d.status.textContent = "";
      content = await readBase64(file);
      progress(t("data.import.uploading"), 0);
      const answer = await post("/datasets/inspect", { content_base64: content, as_of: d.asOf.value || null },
        (share) => (share < 1 ? progress(t("data.import.uploading"), share) : progress(t("data.import.reading"), null)));
      d.progressRow.hidden = true;
      if (answer.status === 422) {
        showProblems(answer.body.inspection?.problems ?? []);
        return;
      }
      if (answer.status !== 200) { d.status.textContent = errorText(answer.body.error ?? {}); return; }
      inspection = answer.body;
      renderMapping();
      d.submit.disabled = false;
    } catch (error) {
      d.progressRow.hidden = true;
      d.status.textContent = error.message;
    } finally {
      busy = false;
    }
  }

  function renderMapping() {
    const { inspection: report, refresh } = inspection;
    const roles = refresh?.roles ?? {};
    if (refresh) {
      d.source.value ||= refresh.source;
      d.unit.value = refresh.unit;
    }
    const rows = report.columns.map((column) => {
      const select = h("select", { class: "data-role", "data-column": column.name,
        "aria-label": t("data.mapping.role_of", { column: column.name }) },
        ...ROLES.map((role) => h("option", { value: role, text: ROLE_LABELS[role] })));
      select.value = roles[column.name] ?? column.suggested_role;
      const preview = report.preview.slice(0, 3).map((row) => row[column.name] ?? "").filter(Boolean).join(" · ");
      return h("tr", { class: `data-role-${select.value}` },
        h("th", { scope: "row" }, h("span", { class: "data-col-name", text: column.name }),
          column.derived_from ? h("span", { class: "lib-hint", text: ` ${t("data.mapping.derived", { column: column.derived_from })}` }) : null),
        h("td", { text: KIND_LABELS[column.kind] ?? column.kind }),
        h("td", { class: "data-preview-cell", text: preview }),
        h("td", {}, select, h("span", { class: "data-reason", text: column.reason })));
    });
    fill(d.mapping,
      refresh ? h("p", { class: "data-refresh", text: t("data.import.refresh", { name: refresh.name, as_of: refresh.as_of }) }) : null,
      h("p", { class: "lib-hint", text: plural("data.import.rows", report.row_count, { n: report.row_count.toLocaleString() }) }),
      h("div", { class: "data-table-wrap" }, h("table", { class: "data-table" },
        h("caption", { class: "sr-only", text: t("data.mapping.caption") }),
        h("thead", {}, h("tr", {},
          ...MAPPING_HEADERS.map((text) => h("th", { scope: "col", text })))),
        h("tbody", {}, ...rows))));
    for (const select of d.mapping.querySelectorAll("select.data-role")) {
      select.addEventListener("change", () => { select.closest("tr").className = `data-role-${select.value}`; });
    }
  }

  async function submit(event) {
    event.preventDefault();
    if (!inspection || busy) return;
    if (!d.name.value.trim() || !d.asOf.value) { (d.name.value.trim() ? d.asOf : d.name).focus(); return; }
    busy = true;
    d.submit.disabled = true;
    d.problems.hidden = true;
    const roles = Object.fromEntries([...d.mapping.querySelectorAll("select.data-role")]
      .map((select) => [select.dataset.column, select.value]));
    const body = { op_id: newOpId(), name: d.name.value.trim(), source: d.source.value.trim(),
      as_of: d.asOf.value, unit: d.unit.value, filename: d.file.files[0]?.name || "export.csv",
      content_base64: content, roles };
    if (inspection.refresh) body.replaces = inspection.refresh.id;
    try {
      progress(t("data.import.uploading"), 0);
      const answer = await post("/datasets", body,
        (share) => (share < 1 ? progress(t("data.import.uploading"), share) : progress(t("data.import.analysing"), null)));
      d.progressRow.hidden = true;
      if (answer.body.ok) {
        dialog.close();
        toast(t("data.import.done", { name: body.name }));
        onImported(answer.body.event.data.dataset.id);
        return;
      }
      const problems = answer.body.error?.details?.problems;
      if (problems?.length) showProblems(problems, answer.body.error.message);
      else d.status.textContent = errorText(answer.body.error ?? {});
    } catch (error) {
      d.progressRow.hidden = true;
      d.status.textContent = error.message;
    } finally {
      busy = false;
      d.submit.disabled = !inspection;
    }
  }

  return {
    open() {
      if (!dialog) build();
      dialog.showModal();
      d.file.focus();
    },
  };
}

// Segment definitions onto a dataset (issue 27): the facilitator chooses a segments.json
// (as the Data view exports it, from this export or an older one), sees which segments it
// will define, and sends it. The server checks every rule against the dataset first and
// defines all of them or none, saying which segment fails and why; the new segments then
// arrive as events like any other. What is pending outlives the view's re-renders.
import { h } from "./dom.js";
import { errorText, plural, t } from "./messages.js";

export function createDefinitionsImport({ api, changed }) {
  // {datasetId, filename, data?, names?, error?, problems?, failed?, done?}
  let pending = null;
  let busy = false;
  const opened = new Set(); // datasets whose block is open: it stays open through re-renders

  async function choose(datasetId, file) {
    if (!file) { pending = null; changed(); return; }
    let data = null;
    try { data = JSON.parse(await file.text()); } catch { /* not JSON: said below */ }
    const segments = data?.schema_version === 1 && Array.isArray(data.segments) ? data.segments : [];
    const readable = segments.length > 0
      && segments.every((s) => typeof s?.name === "string" && s.rule && typeof s.rule === "object");
    pending = readable ? { datasetId, filename: file.name, data, names: segments.map((s) => s.name) }
      : { datasetId, filename: file.name, error: t("data.defs.not_a_file") };
    changed();
  }

  async function submit() {
    if (!pending?.data || busy) return;
    busy = true;
    changed();
    let response = null;
    let body = {};
    try {
      response = await fetch(api(`/datasets/${encodeURIComponent(pending.datasetId)}/segments`), {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(pending.data), credentials: "same-origin" });
      body = await response.json().catch(() => ({}));
    } catch { /* unreachable: said below */ }
    busy = false;
    if (body.ok) pending = { datasetId: pending.datasetId, filename: pending.filename, done: body.defined.length };
    else {
      pending = { ...pending, data: null, problems: body.error?.details?.problems ?? [],
        defined: body.defined?.length ?? 0,
        failed: body.error ? errorText(body.error) : response ? t("api.status", { status: response.status }) : t("api.unreachable") };
    }
    changed();
  }

  function outcome() {
    if (pending.error) return h("p", { class: "data-defs-error", role: "alert", text: pending.error });
    if (pending.done != null) return h("p", { class: "data-defs-done", role: "status", text: plural("data.defs.done", pending.done, { n: pending.done }) });
    if (pending.failed) {
      return h("div", { class: "data-problems data-defs-problems", role: "alert" },
        h("p", { text: pending.problems.length ? t("data.defs.failed") : pending.failed }),
        pending.problems.length ? h("ul", {}, ...pending.problems.map((p) => h("li", {
          text: t("data.defs.problem", { n: p.segment, name: p.name, reason: p.reason }) }))) : null,
        pending.defined ? h("p", { text: plural("data.defs.done", pending.defined, { n: pending.defined }) }) : null);
    }
    return h("div", { class: "data-defs-preview" },
      h("p", { text: plural("data.defs.will", pending.names.length, { n: pending.names.length }) }),
      h("ul", { class: "data-defs-names" }, ...pending.names.map((name) => h("li", { text: name }))),
      h("button", { class: "button button-small button-primary", type: "button", id: "data-defs-submit",
        text: busy ? t("data.defs.defining") : t("data.defs.submit"), disabled: busy, onclick: submit }));
  }

  /** The control under a dataset's segments: a file, then what it will define or why not. */
  function block(dataset) {
    const id = `defs-${dataset.id}`;
    const mine = pending?.datasetId === dataset.id ? pending : null;
    const file = h("input", { type: "file", id, class: "data-defs-file", accept: ".json,application/json",
      onchange: () => choose(dataset.id, file.files[0]) });
    const details = h("details", { class: "data-defs", open: mine || opened.has(dataset.id) ? true : null,
      ontoggle: () => { if (details.open) opened.add(dataset.id); else opened.delete(dataset.id); } },
      h("summary", { text: t("data.defs.open") }),
      h("p", { class: "lib-hint", text: t("data.defs.hint") }),
      h("div", { class: "field" }, h("label", { for: id, text: t("data.defs.file") }), file),
      mine ? h("p", { class: "lib-hint data-defs-chosen", text: t("data.defs.chosen", { file: mine.filename }) }) : null,
      mine ? outcome() : null);
    return details;
  }

  return { block };
}

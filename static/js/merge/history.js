// The history panel: the persona's versions, and the word diff between two of them.
import { formatDate } from "../dates.js";
import { fill, h } from "../dom.js";
import { errorText, plural, t } from "../messages.js";
import { base, els, personaId, redraw, state, STATUS_LABELS } from "./page.js";

function renderHistory() {
  const versions = state.versions.filter((v) => v.persona_id === personaId);
  if (!versions.length) { fill(els.history, h("p", { class: "muted", text: t("merge.history.none") })); return; }
  const select = (id, chosen) => h("select", { id }, ...versions.map((v) => {
    const option = h("option", { value: String(v.number),
      text: t("merge.history.option", { n: v.number, status: STATUS_LABELS[v.status] ?? v.status }) });
    if (v.number === chosen) option.selected = true;
    return option;
  }));
  const last = versions[versions.length - 1].number;
  const from = select("diff-from", Math.max(1, last - 1));
  const to = select("diff-to", last);
  const output = document.getElementById("diff-output")
    ?? h("div", { class: "diff-output", id: "diff-output", "aria-live": "polite" });
  fill(els.history, 
    h("ol", { class: "history" }, ...versions.map((v) => h("li", {},
      h("span", { class: `version-dot ${v.status}`, "aria-hidden": "true" }),
      `${t("merge.history.item", { n: v.number, status: STATUS_LABELS[v.status] ?? v.status })}`
        + `${v.agreed_at ? ` · ${formatDate(v.agreed_at)}` : ""}`))),
    versions.length > 1 ? h("div", { class: "diff-controls" },
      h("label", { for: "diff-from", text: t("merge.diff.compare") }), from,
      h("label", { for: "diff-to", text: t("merge.diff.with") }), to,
      h("button", { class: "button button-small", type: "button", id: "show-diff", text: t("merge.diff.show"),
        onclick: () => showDiff(from.value, to.value, output) })) : null,
    output);
}

async function showDiff(from, to, output) {
  output.textContent = t("merge.diff.comparing");
  const response = await fetch(`${base}/diff?from=${from}&to=${to}`, { credentials: "same-origin" });
  const body = await response.json();
  if (!response.ok) { output.textContent = body.error ? errorText(body.error) : t("merge.diff.error"); return; }
  const changed = body.rows.filter((r) => r.status !== "same");
  const table = h("table", { class: "diff-table" },
    h("caption", { text: plural("merge.diff.caption", changed.length,
      { from, to, same: body.rows.length - changed.length }) }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("merge.diff.field") }),
      h("th", { scope: "col", text: t("merge.diff.version", { n: from }) }),
      h("th", { scope: "col", text: t("merge.diff.version", { n: to }) }))),
    h("tbody", {}, ...changed.map((row) => {
      const old = h("td", { class: "diff-old" });
      const neu = h("td", { class: "diff-new" });
      old.innerHTML = row.old_html; // escaped by the server, changed words in <del>/<ins>
      neu.innerHTML = row.new_html;
      return h("tr", { class: `diff-${row.status}` }, h("th", { scope: "row", text: row.label }), old, neu);
    })));
  output.replaceChildren(table);
}

export function render() {
  redraw(els.history, JSON.stringify(state.versions.filter((v) => v.persona_id === personaId)),
    renderHistory);
}

// The export panel: downloads that say they are working and why one failed, and (for the
// facilitator) importing a persona from its JSON export.
import { postJSON } from "../api.js";
import { newOpId } from "../connection.js";
import { fill, h } from "../dom.js";
import { errorText, t } from "../messages.js";
import { EXPORTS } from "../registry.js";
import { base, connection, current, els, isFacilitator, personaId, redraw, state } from "./page.js";

// Exports are fetched here rather than followed as plain links: the PDF takes a few seconds
// to typeset, so the page says it is working (a status line and a spinner), then hands the
// file over as a download, or says in words why it could not. The formats are the server's
// (registry.js); one it marks `viewed` (the one-pager) opens as its print view in a new tab.

/** Where the page finds a format: its print view, a persona's file, or the workshop's. */
function exportHref(format, suffix) {
  if (format.viewed) return `/w/${state.workshop.id}/persona/${personaId}/onepager${suffix}`;
  if (format.scope === "persona") return `${base}/export.${format.extension}${suffix}`;
  return `/api/workshops/${state.workshop.id}/export/assumptions.${format.extension}`;
}

function renderExports(version) {
  const suffix = version ? `?version=${version.number}` : "";
  const status = h("p", { class: "export-status small", id: "export-status", role: "status" });
  const link = (format) => {
    const download = !format.viewed;
    return h("li", {}, h("a", { href: exportHref(format, suffix), text: t(format.link),
      download: download ? "" : null, "data-format": download ? format.extension : null,
      target: download ? null : "_blank", rel: download ? null : "noopener",
      onclick: download ? (event) => { event.preventDefault(); downloadExport(event.currentTarget, format, status); } : null }));
  };
  fill(els.exports,
    h("p", { class: "muted small", text: version && version.status === "draft" ? t("merge.export.draft") : "" }),
    h("ul", { class: "export-links" }, ...EXPORTS.map(link)),
    status,
    isFacilitator ? importForm() : null);
}

/** The file name the server gives in Content-Disposition, or a plain one. */
function filenameFrom(response, format) {
  const header = response.headers.get("Content-Disposition") ?? "";
  const match = header.match(/filename\*=UTF-8''([^;]+)/i) ?? header.match(/filename="?([^";]+)"?/i);
  if (!match) return `persona.${format}`;
  try { return decodeURIComponent(match[1]); } catch { return match[1]; }
}

async function downloadExport(link, { label: format }, status) {
  if (link.getAttribute("aria-disabled") === "true") return; // one at a time per format
  link.setAttribute("aria-disabled", "true");
  link.classList.add("busy");
  fill(status, h("span", { class: "spinner", "aria-hidden": "true" }),
    h("span", { text: t("merge.export.preparing", { format }) }));
  status.dataset.state = "busy";
  try {
    let response;
    try {
      response = await fetch(link.href, { credentials: "same-origin" });
    } catch {
      throw new Error(t("api.unreachable"));
    }
    if (!response.ok) {
      const payload = await response.json().catch(() => ({}));
      throw new Error(payload.error ? errorText(payload.error) : t("api.status", { status: response.status }));
    }
    const blob = await response.blob();
    const filename = filenameFrom(response, link.dataset.format);
    const url = URL.createObjectURL(blob);
    const anchor = h("a", { href: url, download: filename, hidden: true });
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    status.dataset.state = "done";
    fill(status, h("span", { text: t("merge.export.ready", { file: filename }) }));
  } catch (error) {
    status.dataset.state = "error";
    fill(status, h("span", { text: t("merge.export.failed", { format, reason: error.message }) }));
  } finally {
    link.removeAttribute("aria-disabled");
    link.classList.remove("busy");
  }
}

function importForm() {
  const input = h("input", { type: "file", id: "import-json", accept: "application/json,.json" });
  const result = h("p", { class: "small", role: "status" });
  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    try {
      const exported = JSON.parse(await file.text());
      result.textContent = t("library.import.importing");
      const ack = await postJSON(`/api/workshops/${state.workshop.id}/personas/import`, { export: exported, op_id: newOpId() });
      connection.receive(ack.event);
      // Open the imported persona, and say there what came in (showImported).
      const { persona, source } = ack.event.data;
      result.textContent = t("merge.import.done", { name: persona.name });
      sessionStorage.setItem(`imported:${persona.id}`, JSON.stringify({ name: persona.name, ...source }));
      window.location.assign(`/w/${state.workshop.id}/persona/${persona.id}`);
    } catch (error) {
      result.textContent = error.message;
    }
  });
  return h("div", { class: "import-json" }, h("label", { for: "import-json", text: t("merge.import") }), input, result);
}

export function render() {
  const version = current();
  redraw(els.exports, JSON.stringify(version && [version.number, version.status]),
    () => renderExports(version));
}

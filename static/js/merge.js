// The merge view: the persona document, edited live by several people. Each field is saved
// with the revision its editor started from; a stale save comes back with both versions, so
// nothing is overwritten unseen. Versions, sign-off, agreement, diff and exports sit beside it.
import { postJSON } from "./api.js";
import { Connection, newOpId } from "./connection.js";

const state = JSON.parse(document.getElementById("snapshot").textContent);
const me = state.me;
const personaId = document.querySelector(".merge-layout").dataset.persona;
const isFacilitator = me.role === "facilitator";
const canWrite = me.role !== "observer";
const base = `/api/workshops/${state.workshop.id}/personas/${personaId}`;

const IDENTITY = [
  ["name", "Name", "input"], ["quote", "Quote", "textarea"], ["role", "Role", "input"],
  ["age_range", "Age range", "input"], ["location", "Location", "input"],
  ["story", "Short story (Markdown)", "textarea"],
];
const STATE_LABELS = { validated: "Validated", contradicted: "Contradicted", untested: "Untested" };
const EDITING_TTL_MS = 15000;
const EDITING_REFRESH_MS = 10000;

const els = {
  document: document.getElementById("merge-document"),
  version: document.getElementById("version-panel"),
  fit: document.getElementById("fit"),
  exports: document.getElementById("export-panel"),
  history: document.getElementById("history-panel"),
  status: document.getElementById("conn-status"),
  toast: document.getElementById("toast"),
  announcer: document.getElementById("announcer"),
};

const fields = new Map(); // path → {el, base, conflict, wrapper}
const editing = new Map(); // path → Map(participant id → {name, until})
let built = null; // the version id and item ids the form was built for
let fitTimer;

// ---- helpers ---------------------------------------------------------------------

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) if (child != null) el.append(child);
  return el;
}

/** Replace an element's children, skipping the ones left out (null). */
function fill(el, ...children) {
  el.replaceChildren(...children.filter((child) => child != null));
}

function capital(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

let toastTimer;
function toast(message) {
  els.toast.textContent = capital(message);
  els.toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { els.toast.hidden = true; }, 7000);
}

function announce(text) {
  els.announcer.textContent = text;
}

function nameOf(id) {
  return state.participants.find((p) => p.id === id)?.name ?? "someone";
}

function current() {
  return state.documents.find((d) => d.persona_id === personaId) ?? null;
}

function valueAt(version, path) {
  const [kind, key] = [path.slice(0, path.indexOf(".")), path.slice(path.indexOf(".") + 1)];
  if (kind === "identity") return version.document.identity[key];
  for (const section of version.document.sections) {
    for (const item of section.items) if (item.id === key) return item.text;
  }
  return undefined;
}

function percent(share) {
  return share == null ? "–" : `${Math.round(share * 100)}%`;
}

// ---- the connection ----------------------------------------------------------------

const connection = new Connection(state, {
  onChange: render,
  onEvent: (event) => {
    if (event.data?.persona_id !== personaId) return;
    if (event.type === "document.saved") {
      remoteSave(event);
      scheduleFit();
    }
    if (event.type === "document.agreed") announce(`Version ${event.data.number} is agreed`);
    if (event.type === "document.signed") announce(`${event.data.team} signed off`);
    if (event.type === "document.created") scheduleFit();
  },
  onPresence: () => {},
  onStatus: (kind, detail) => {
    const labels = {
      live: "Live · saved", saving: `Saving ${detail} change${detail === 1 ? "" : "s"}…`,
      offline: detail ? `Offline · ${detail} waiting` : "Offline · reconnecting…",
      refused: detail || "Not allowed",
    };
    els.status.dataset.state = kind;
    els.status.textContent = labels[kind];
  },
  onError: (ack) => toast(ack.error.message),
});

async function send(type, data, { quiet = false } = {}) {
  const ack = await connection.op(type, data);
  if (!ack.ok && !quiet) toast(ack.error.message);
  return ack;
}

function signal(path) {
  if (!canWrite || !connection.socket?.connected) return;
  connection.socket.emit("signal", { type: "editing", persona_id: personaId, path });
}

// ---- editing fields ----------------------------------------------------------------

function fieldControl(path, label, kind, { rows = 2, cls = "" } = {}) {
  const id = `f-${path.replace(/[^a-z0-9]/gi, "-")}`;
  const control = kind === "input"
    ? h("input", { id, type: "text", class: `field-input ${cls}`, maxlength: "5000", autocomplete: "off" })
    : h("textarea", { id, class: `field-input ${cls}`, rows: String(rows), maxlength: "5000" });
  control.readOnly = !canWrite;
  const who = h("span", { class: "field-editing", "aria-live": "polite" });
  const note = h("p", { class: "field-note", role: "status" });
  const conflict = h("div", { class: "field-conflict", hidden: true });
  const wrapper = h("div", { class: "field", "data-path": path },
    h("div", { class: "field-head" }, h("label", { class: "field-label", for: id, text: label }), who),
    control, note, conflict);
  const entry = { el: control, base: null, wrapper, who, note, conflict, saving: false };
  fields.set(path, entry);
  let keepAlive;
  control.addEventListener("focus", () => {
    const version = current();
    entry.base = version.revisions[path]?.rev ?? 0;
    signal(path);
    keepAlive = setInterval(() => signal(path), EDITING_REFRESH_MS);
  });
  control.addEventListener("blur", () => {
    clearInterval(keepAlive);
    signal(null);
    save(path);
  });
  control.addEventListener("keydown", (event) => {
    const submit = event.key === "Enter" && (kind === "input" || event.ctrlKey || event.metaKey);
    if (submit) { event.preventDefault(); save(path); }
    if (event.key === "Escape") {
      event.preventDefault();
      control.value = valueAt(current(), path) ?? "";
      entry.note.textContent = "";
    }
  });
  return wrapper;
}

async function save(path, { value, baseRev } = {}) {
  const entry = fields.get(path);
  const version = current();
  if (!entry || !version || !canWrite) return;
  const text = (value ?? entry.el.value).trim();
  const rev = baseRev ?? entry.base ?? version.revisions[path]?.rev ?? 0;
  if (text === (valueAt(version, path) ?? "").trim() && baseRev == null) {
    entry.base = null;
    return;
  }
  entry.saving = true;
  entry.note.textContent = version.status === "agreed"
    ? `Saving… version ${version.number} is agreed, so this starts version ${version.number + 1}`
    : "Saving…";
  const ack = await send("document.save", { persona_id: personaId, path, value: text,
    base_rev: rev }, { quiet: true });
  entry.saving = false;
  if (ack.ok) {
    entry.base = document.activeElement === entry.el ? ack.event.data.revision.rev : null;
    entry.note.textContent = "Saved";
    hideConflict(entry);
    setTimeout(() => { if (entry.note.textContent === "Saved") entry.note.textContent = ""; }, 2500);
  } else if (ack.error.code === "conflict" && ack.error.details) {
    entry.note.textContent = "";
    showConflict(path, ack.error.details);
  } else {
    entry.note.textContent = capital(ack.error.message);
  }
}

function showConflict(path, details) {
  const entry = fields.get(path);
  const theirs = details.current;
  entry.conflict.hidden = false;
  const resolve = (value) => {
    hideConflict(entry);
    entry.el.value = value;
    entry.base = theirs.rev;
  };
  fill(entry.conflict, 
    h("p", { class: "conflict-title", role: "alert",
      text: `${nameOf(theirs.by)} saved this field while you were editing. Nothing is lost: compare and choose.` }),
    h("div", { class: "conflict-sides" },
      h("figure", { class: "conflict-side" }, h("figcaption", { text: `Theirs (${nameOf(theirs.by)})` }),
        h("p", { text: typeof theirs.value === "string" ? theirs.value : "(picture)" })),
      h("figure", { class: "conflict-side mine" }, h("figcaption", { text: "Yours" }),
        h("p", { text: details.yours ?? "" }))),
    h("div", { class: "button-row" },
      h("button", { class: "button button-small", type: "button", text: "Use theirs",
        onclick: () => { resolve(theirs.value); entry.base = null; } }),
      h("button", { class: "button button-small button-primary", type: "button", text: "Keep mine",
        onclick: () => { hideConflict(entry); save(path, { value: details.yours, baseRev: theirs.rev }); } }),
      h("button", { class: "button button-small", type: "button", text: "Merge both",
        onclick: () => { resolve(`${theirs.value} ${details.yours}`); entry.el.focus(); } })));
  entry.conflict.querySelector("button")?.focus();
}

function hideConflict(entry) {
  entry.conflict.hidden = true;
  entry.conflict.replaceChildren();
}

/** Someone's save arrived: show it, unless the field is being typed in here. */
function remoteSave(event) {
  const { path, revision } = event.data;
  const entry = fields.get(path);
  if (!entry || event.actor === me.id) return;
  const focused = document.activeElement === entry.el;
  if (focused && entry.el.value === (event.data.previous ?? "")) {
    // Nothing typed here yet: take their text and build on it.
    entry.el.value = typeof event.data.value === "string" ? event.data.value : entry.el.value;
    entry.base = revision.rev;
    entry.note.textContent = `Updated by ${nameOf(revision.by)}`;
  } else if (focused) {
    entry.note.textContent = `${nameOf(revision.by)} just saved this field; your text is kept. Saving will show both.`;
  } else {
    announce(`${nameOf(revision.by)} changed ${entry.wrapper.querySelector(".field-label").textContent}`);
  }
  dropEditing(path, event.actor);
}

// ---- "X is editing" ------------------------------------------------------------------

function dropEditing(path, participantId) {
  editing.get(path)?.delete(participantId);
  renderEditing();
}

function receiveSignal(message) {
  if (message.type !== "editing" || message.persona_id !== personaId) return;
  for (const people of editing.values()) people.delete(message.participant_id);
  if (message.path) {
    if (!editing.has(message.path)) editing.set(message.path, new Map());
    editing.get(message.path).set(message.participant_id,
      { name: message.name, until: Date.now() + EDITING_TTL_MS });
  }
  renderEditing();
}

function renderEditing() {
  const now = Date.now();
  for (const [path, entry] of fields) {
    const people = [...(editing.get(path)?.entries() ?? [])].filter(([, v]) => v.until > now);
    entry.who.textContent = people.length
      ? `${people.map(([, v]) => v.name).join(", ")} ${people.length === 1 ? "is" : "are"} editing`
      : "";
    entry.wrapper.classList.toggle("being-edited", people.length > 0);
  }
}
setInterval(renderEditing, 3000);

// ---- the document ----------------------------------------------------------------

function evidenceBadge(stateName) {
  return h("span", { class: `evidence-badge ev-${stateName}`, text: STATE_LABELS[stateName] });
}

function provenance(item) {
  const p = item.provenance;
  const votes = p.votes;
  const list = (items) => h("ul", {}, ...items);
  return h("details", { class: "provenance" },
    h("summary", {}, "Where this comes from ", evidenceBadge(p.evidence_state),
      p.contested ? h("span", { class: "contested-badge", text: "Contested" }) : null),
    h("dl", {},
      h("dt", { text: "From the notes" }),
      h("dd", {}, list(p.sources.map((s) => h("li", {}, `“${s.text}”`,
        s.team ? h("span", { class: "muted", text: ` · ${s.team}` }) : null)))),
      p.original !== item.text ? h("dt", { text: "Original wording" }) : null,
      p.original !== item.text ? h("dd", { text: p.original }) : null,
      h("dt", { text: "Believed by" }),
      h("dd", { text: p.believers.length ? p.believers.join(", ") : "No team leaned agree" }),
      h("dt", { text: "Votes" }),
      h("dd", { text: `${percent(votes.agreement)} agree · consensus ${percent(votes.consensus)} · ${votes.dots} dot${votes.dots === 1 ? "" : "s"} · ${votes.voters} voter${votes.voters === 1 ? "" : "s"}` }),
      p.dissent ? h("dt", { text: "Minority view" }) : null,
      p.dissent ? h("dd", { class: "dissent" },
        p.dissent.teams.map((t) => `${t.team}: ${t.agree} agree, ${t.disagree} disagree`).join(" · "),
        p.dissent.reason ? h("span", { class: "muted", text: ` — “${p.dissent.reason}”` }) : null) : null,
      h("dt", { text: "Decision" }),
      h("dd", { text: `${capital(p.decision.decision)}${p.decision.by_name ? ` by ${p.decision.by_name}` : ""}${p.decision.reason ? `: “${p.decision.reason}”` : ""}` }),
      h("dt", { text: "Evidence" }),
      h("dd", {}, p.evidence.length ? list(p.evidence.map((e) => h("li", { class: `ev-${e.relation}` },
        h("strong", { text: e.relation === "supports" ? "Supports: " : "Contradicts: " }),
        `“${e.quote}” — ${e.note_title}`, h("span", { class: "muted", text: ` (${e.source_type}${e.date ? `, ${e.date}` : ""})` }))))
        : h("span", { class: "muted", text: "No research linked yet: an untested assumption." }))));
}

function portrait(version) {
  const picture = version.document.identity.picture;
  const box = h("div", { class: "portrait" });
  if (picture) {
    box.append(h("img", { src: `data:${picture.media_type};base64,${picture.data}`,
      alt: `Picture of ${version.document.identity.name}` }));
  } else {
    const initials = (version.document.identity.name || "?").split(/\s+/).filter(Boolean)
      .slice(0, 2).map((w) => w[0].toUpperCase()).join("");
    box.append(h("span", { class: "avatar-initials", "aria-hidden": "true", text: initials }));
  }
  if (!canWrite) return box;
  const input = h("input", { type: "file", id: "picture-file", accept: "image/png,image/jpeg,image/webp", class: "sr-only" });
  const progress = h("span", { class: "picture-progress", role: "status" });
  input.addEventListener("change", () => uploadPicture(input, progress));
  return h("div", { class: "portrait-box" }, box,
    h("div", { class: "portrait-actions" },
      h("label", { class: "button button-small", for: "picture-file", text: "Upload picture" }), input,
      picture ? h("button", { class: "button button-small", type: "button", text: "Use avatar",
        onclick: () => send("document.picture", { persona_id: personaId, picture: null,
          base_rev: current().revisions["identity.picture"]?.rev ?? 0 }) }) : null,
      progress));
}

async function uploadPicture(input, progress) {
  const file = input.files?.[0];
  input.value = "";
  if (!file) return;
  if (!["image/png", "image/jpeg", "image/webp"].includes(file.type)) {
    progress.textContent = "Use a PNG, JPEG or WebP image.";
    return;
  }
  if (file.size > 2 * 1024 * 1024) {
    progress.textContent = "The image is larger than 2 MiB.";
    return;
  }
  progress.textContent = "Uploading…";
  const data = await new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1]);
    reader.readAsDataURL(file);
  });
  try {
    const ack = await postJSON(`${base}/picture`, { content_base64: data, op_id: newOpId(),
      base_rev: current().revisions["identity.picture"]?.rev ?? 0 });
    progress.textContent = ack.ok ? "Picture saved" : capital(ack.error.message);
    if (ack.ok) connection.receive(ack.event);
  } catch (error) {
    progress.textContent = error.message;
  }
}

function buildDocument(version) {
  fields.clear();
  const identity = h("header", { class: "persona-hero" }, portrait(version),
    h("div", { class: "persona-who" },
      ...IDENTITY.map(([key, label, kind]) => fieldControl(`identity.${key}`, label, kind,
        { rows: key === "story" ? 5 : 2, cls: `field-${key}` }))));
  const sections = version.document.sections.map((section) => h("section", {
    class: `persona-section cat-${section.category}`, "aria-labelledby": `sec-${section.category}` },
  h("h3", { id: `sec-${section.category}`, text: section.label }),
  h("ol", { class: "persona-items" }, ...section.items.map((item) => h("li", { class: "persona-item" },
    fieldControl(`items.${item.id}`, `${section.label}: trait`, "textarea", { rows: 2, cls: "field-item" }),
    provenance(item))))));
  const empty = version.document.sections.length ? null : h("p", { class: "empty-hint",
    text: "No accepted notes yet. Accept notes on the board in the reconcile phase; they appear here when the document is created." });
  fill(els.document, h("article", { class: "persona-sheet" }, identity, ...sections, empty));
  built = { id: version.id, items: itemIds(version) };
}

function itemIds(version) {
  return version.document.sections.flatMap((s) => s.items.map((i) => i.id)).join(",");
}

function fillFields(version) {
  for (const [path, entry] of fields) {
    if (document.activeElement === entry.el || !entry.conflict.hidden) continue;
    const value = valueAt(version, path) ?? "";
    if (entry.el.value !== value) entry.el.value = value;
  }
  const identity = version.document.identity;
  const look = `${identity.name}|${identity.picture?.data?.length ?? 0}|${identity.picture?.data?.slice(-16) ?? ""}`;
  const hero = els.document.querySelector(".portrait-box, .portrait");
  if (hero && built?.look !== look) {
    hero.replaceWith(portrait(version)); // only when the picture or the name changed
    built.look = look;
  }
}

function renderEmpty() {
  const accepted = [...state.assumptions.filter((a) => !a.group_id), ...state.groups]
    .filter((i) => i.persona_id === personaId && ["accepted", "reworded"].includes(i.decision?.decision)).length;
  const action = isFacilitator
    ? h("button", { class: "button button-primary", type: "button", id: "create-document",
      text: `Create the persona document from ${accepted} accepted item${accepted === 1 ? "" : "s"}`,
      onclick: () => send("document.create", { persona_id: personaId }) })
    : h("p", { class: "muted", text: "The facilitator creates it when the reconcile phase is done." });
  fill(els.document, h("div", { class: "empty-state" },
    h("h3", { text: "No persona document yet" }),
    h("p", { text: "In the merge phase, the accepted notes and groups become one persona document: identity, then every category, ordered by consensus and priority dots. Every trait keeps where it came from: the notes, the teams, the votes, the decision and the research behind it." }),
    action));
  built = null;
}

// ---- versions, sign-off, exports, history ------------------------------------------------

function teamsWithMembers() {
  const teams = new Set(state.participants.filter((p) => p.team && !p.removed).map((p) => p.team));
  return state.workshop.teams.filter((t) => teams.has(t));
}

function renderVersion(version) {
  if (!version) { fill(els.version, h("p", { class: "muted", text: "Created in the merge phase." })); return; }
  const draft = version.status === "draft";
  const teams = teamsWithMembers();
  const required = state.workshop.settings.require_signoff;
  const mine = me.team && version.signoffs[me.team];
  fill(els.version, 
    h("p", { class: `version-chip ${draft ? "draft" : "agreed"}`, id: "version-chip",
      text: draft ? `Draft · version ${version.number}` : `Agreed · version ${version.number}` }),
    draft ? null : h("p", { class: "muted", text: `Agreed by ${nameOf(version.agreed_by)} on ${new Date(version.agreed_at).toLocaleString()}. It is frozen: the next change starts version ${version.number + 1}.` }),
    h("h3", { class: "panel-sub", text: required ? "Sign-off (required before agreeing)" : "Sign-off" }),
    h("ul", { class: "signoffs" }, ...teams.map((team) => {
      const signed = version.signoffs[team];
      return h("li", { class: signed ? "signed" : "" },
        h("span", { class: "signoff-mark", "aria-hidden": "true", text: signed ? "✓" : "·" }),
        h("span", { text: signed ? `${team} — ${signed.name}` : `${team} — not yet` }));
    })),
    draft && canWrite && me.team && !mine ? h("button", { class: "button button-small", type: "button",
      id: "sign-off", text: `Sign off for ${me.team}`,
      onclick: () => send("document.sign", { persona_id: personaId, number: version.number }) }) : null,
    draft ? h("p", { class: "muted small", text: "A change clears the sign-offs: they were given for the text as it was." }) : null,
    draft && isFacilitator ? h("button", { class: "button button-primary", type: "button", id: "mark-agreed",
      text: `Mark version ${version.number} agreed`,
      onclick: () => send("document.agree", { persona_id: personaId, number: version.number }) }) : null);
}

function renderExports(version) {
  const suffix = version ? `?version=${version.number}` : "";
  const link = (href, text, download = true) => h("li", {}, h("a", { href, text, download: download ? "" : null,
    target: download ? null : "_blank", rel: download ? null : "noopener" }));
  fill(els.exports, 
    h("p", { class: "muted small", text: version && version.status === "draft" ? "Exports of a draft say so." : "" }),
    h("ul", { class: "export-links" },
      link(`${base}/export.md${suffix}`, "Markdown (evidence as footnotes)"),
      link(`${base}/export.json${suffix}`, "JSON (provenance and evidence)"),
      link(`/w/${state.workshop.id}/persona/${personaId}/onepager${suffix}`, "A4 one-pager (print view)", false),
      link(`${base}/export.pdf${suffix}`, "PDF (one A4 page)"),
      link(`/api/workshops/${state.workshop.id}/export/assumptions.csv`, "CSV of all assumptions")),
    isFacilitator ? importForm() : null);
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
      result.textContent = "Importing…";
      const ack = await postJSON(`/api/workshops/${state.workshop.id}/personas/import`, { export: exported, op_id: newOpId() });
      connection.receive(ack.event);
      result.textContent = `Imported as the persona “${ack.event.data.persona.name}”.`;
    } catch (error) {
      result.textContent = error.message;
    }
  });
  return h("div", { class: "import-json" }, h("label", { for: "import-json", text: "Import a persona (JSON) as a new persona" }), input, result);
}

function renderHistory() {
  const versions = state.versions.filter((v) => v.persona_id === personaId);
  if (!versions.length) { fill(els.history, h("p", { class: "muted", text: "No versions yet." })); return; }
  const select = (id, chosen) => h("select", { id }, ...versions.map((v) => {
    const option = h("option", { value: String(v.number), text: `Version ${v.number} (${v.status})` });
    if (v.number === chosen) option.selected = true;
    return option;
  }));
  const last = versions[versions.length - 1].number;
  const from = select("diff-from", Math.max(1, last - 1));
  const to = select("diff-to", last);
  const output = h("div", { class: "diff-output", id: "diff-output", "aria-live": "polite" });
  fill(els.history, 
    h("ol", { class: "history" }, ...versions.map((v) => h("li", {},
      h("span", { class: `version-dot ${v.status}`, "aria-hidden": "true" }),
      `Version ${v.number} · ${v.status}${v.agreed_at ? ` · ${new Date(v.agreed_at).toLocaleDateString()}` : ""}`))),
    versions.length > 1 ? h("div", { class: "diff-controls" },
      h("label", { for: "diff-from", text: "Compare" }), from,
      h("label", { for: "diff-to", text: "with" }), to,
      h("button", { class: "button button-small", type: "button", id: "show-diff", text: "Show changes",
        onclick: () => showDiff(from.value, to.value, output) })) : null,
    output);
}

async function showDiff(from, to, output) {
  output.textContent = "Comparing…";
  const response = await fetch(`${base}/diff?from=${from}&to=${to}`, { credentials: "same-origin" });
  const body = await response.json();
  if (!response.ok) { output.textContent = body.error?.message ?? "Could not compare"; return; }
  const changed = body.rows.filter((r) => r.status !== "same");
  const table = h("table", { class: "diff-table" },
    h("caption", { text: `Version ${from} → version ${to}: ${changed.length} change${changed.length === 1 ? "" : "s"}, ${body.rows.length - changed.length} unchanged` }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Field" }),
      h("th", { scope: "col", text: `Version ${from}` }), h("th", { scope: "col", text: `Version ${to}` }))),
    h("tbody", {}, ...changed.map((row) => {
      const old = h("td", { class: "diff-old" });
      const neu = h("td", { class: "diff-new" });
      old.innerHTML = row.old_html; // escaped by the server, changed words in <del>/<ins>
      neu.innerHTML = row.new_html;
      return h("tr", { class: `diff-${row.status}` }, h("th", { scope: "row", text: row.label }), old, neu);
    })));
  output.replaceChildren(table);
}

// ---- the A4 check ----------------------------------------------------------------

function scheduleFit() {
  clearTimeout(fitTimer);
  fitTimer = setTimeout(checkFit, 1200);
}

async function checkFit() {
  if (!current()) return;
  try {
    const response = await fetch(`${base}/fit`, { credentials: "same-origin" });
    const body = await response.json();
    els.fit.dataset.fits = String(body.fits);
    els.fit.textContent = body.fits ? "Fits on one A4 page."
      : `Too long for one A4 page: the one-pager takes ${body.pages} pages. Shorten the story or merge traits.`;
  } catch {
    els.fit.textContent = "Could not check the page length.";
  }
}

// ---- render ----------------------------------------------------------------------

function render() {
  const version = current();
  if (!version) renderEmpty();
  else if (!built || built.items !== itemIds(version)) { buildDocument(version); fillFields(version); }
  else fillFields(version);
  renderVersion(version);
  renderExports(version);
  renderHistory();
  renderEditing();
}

render();
connection.start();
connection.socket.on("signal", receiveSignal);
checkFit();

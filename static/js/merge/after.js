// Life after the workshop, on the persona page: when to review it (and starting a review),
// the decisions that used it, and the validation backlog with its research questions.
// What needs attention, the review date and the backlog's placement are the server's
// (GET …/review, workshop/domain/review.py and backlog.py); this module draws them and sends
// the ops. It fetches again whenever something they depend on changes.
import { backlogFigure, byQuadrant } from "../backlog-figure.js";
import { fill, h } from "../dom.js";
import { locale, plural, t } from "../messages.js";
import { base, canWrite, current, isFacilitator, me, personaId, send, state } from "./page.js";

const els = {
  review: document.getElementById("review-panel"),
  usages: document.getElementById("usage-panel"),
  backlog: document.getElementById("backlog-panel"),
};

const REASON_LABELS = { untested: t("after.reason.untested"), contested: t("after.reason.contested"),
  stale: t("after.reason.stale"), newly_contradicted: t("after.reason.newly_contradicted"),
  new_research: t("after.reason.new_research") };
// Only what people see in the document: the filter hides the other traits.
export const view = { attention: {}, onlyAttention: false, inReview: false };

let fetched = null; // the state key the last answer was fetched for
let answer = null;

function traits(version) {
  return version ? version.document.sections.flatMap((s) => s.items) : [];
}

function traitText(version, id) {
  return traits(version).find((item) => item.id === id)?.text ?? t("after.trait_gone");
}

function day(iso) {
  return new Date(`${iso}T00:00:00`).toLocaleDateString(locale, { dateStyle: "medium" });
}

function today() {
  return new Date().toISOString().slice(0, 10);
}

// ---- the review panel ------------------------------------------------------------------------

function reasonChip(reason) {
  return h("span", { class: `attention-chip attention-${reason}`, text: REASON_LABELS[reason] ?? reason });
}

function renderReview(version) {
  const review = answer.review;
  const parts = [];
  if (review.due) {
    parts.push(h("p", { class: "review-state review-due", id: "review-state" },
      h("strong", { text: t("after.review.due") }), ` ${t("after.review.since", { date: day(review.review_by) })}`));
  } else if (review.review_by) {
    parts.push(h("p", { class: "review-state", id: "review-state",
      text: t("after.review.by", { date: day(review.review_by) }) }));
  } else {
    parts.push(h("p", { class: "muted", id: "review-state", text: t("after.review.none") }));
  }
  if (review.stale.length) {
    parts.push(h("p", { class: "review-stale", text: plural("after.review.stale", review.stale.length,
      { months: review.stale_months }) }));
  }
  const inReview = Boolean(version && version.status === "draft" && answer.agreed !== null);
  view.inReview = inReview;
  if (isFacilitator && version && version.status === "agreed") {
    parts.push(h("button", { class: "button button-primary", type: "button", id: "start-review",
      text: t("after.review.start"),
      onclick: async (event) => {
        event.currentTarget.disabled = true;
        const ack = await send("review.start", { persona_id: personaId });
        if (ack.ok) view.onlyAttention = Object.keys(answer?.attention ?? {}).length > 0;
        else event.currentTarget.disabled = false;
      } }));
  }
  const needing = Object.entries(answer.attention);
  if (answer.agreed !== null) {
    parts.push(h("p", { class: "small", id: "attention-count",
      text: plural("after.attention.count", needing.length, { n: needing.length }) }));
  }
  if (inReview && needing.length) {
    const counts = {};
    for (const [, reasons] of needing) for (const reason of reasons) counts[reason] = (counts[reason] ?? 0) + 1;
    parts.push(h("ul", { class: "attention-summary", "aria-label": t("after.attention.label") },
      ...Object.keys(REASON_LABELS).filter((r) => counts[r]).map((reason) => h("li", {},
        reasonChip(reason), h("span", { class: "attention-n", text: ` ${counts[reason]}` })))));
    const toggle = h("input", { type: "checkbox", id: "only-attention" });
    toggle.checked = view.onlyAttention;
    toggle.addEventListener("change", () => { view.onlyAttention = toggle.checked; applyFilter(); });
    parts.push(h("label", { class: "check-row", for: "only-attention" }, toggle, ` ${t("after.attention.only")}`));
  }
  fill(els.review, ...parts);
}

/** Mark the document's traits that need attention, and hide the rest while the filter is on. */
function applyFilter() {
  const sheet = document.getElementById("merge-document");
  for (const item of sheet.querySelectorAll(".persona-item")) {
    // Marked while a review's draft is open: then they are what the review is about.
    const reasons = view.inReview ? view.attention[item.dataset.item] ?? [] : [];
    let chips = item.querySelector(".attention-chips");
    if (reasons.length && !chips) {
      chips = h("p", { class: "attention-chips" });
      item.prepend(chips);
    }
    if (chips) {
      if (reasons.length) {
        fill(chips, h("span", { class: "sr-only", text: t("after.attention.label") }), ...reasons.map(reasonChip));
      } else chips.remove();
    }
    item.hidden = view.onlyAttention && !reasons.length;
  }
  for (const section of sheet.querySelectorAll(".persona-section")) {
    section.hidden = view.onlyAttention && !section.querySelector(".persona-item:not([hidden])");
  }
}

// ---- the decision register --------------------------------------------------------------------

function usageForm(version) {
  const field = (id, label, attrs = {}) => h("div", { class: "form-field" },
    h("label", { for: id, text: label }), h("input", { id, ...attrs }));
  const choices = traits(version).map((item) => {
    const box = h("input", { type: "checkbox", value: item.id, id: `usage-trait-${item.id}` });
    return h("label", { class: "check-row trait-choice", for: `usage-trait-${item.id}` }, box, ` ${item.text}`);
  });
  const result = h("p", { class: "small", role: "status", id: "usage-result" });
  const form = h("form", { class: "usage-form", id: "usage-form" },
    field("usage-title", t("after.usage.title"), { required: true, maxlength: "200" }),
    field("usage-link", t("after.usage.link"), { type: "url", placeholder: "https://", maxlength: "2000" }),
    h("div", { class: "form-pair" },
      field("usage-date", t("after.usage.date"), { type: "date", required: true, value: today() }),
      field("usage-team", t("after.usage.team"), { maxlength: "60", value: me.team || "" })),
    choices.length ? h("fieldset", { class: "trait-choices" },
      h("legend", { text: t("after.usage.traits") }), ...choices) : null,
    h("button", { class: "button button-small", type: "submit", id: "usage-add", text: t("after.usage.add") }),
    result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = { persona_id: personaId, title: form.querySelector("#usage-title").value,
      link: form.querySelector("#usage-link").value.trim(), date: form.querySelector("#usage-date").value,
      team: form.querySelector("#usage-team").value,
      traits: [...form.querySelectorAll(".trait-choices input:checked")].map((box) => box.value) };
    const ack = await send("usage.add", data);
    if (ack.ok) {
      result.textContent = t("after.usage.added", { title: data.title });
      form.reset();
      form.querySelector("#usage-date").value = today();
    }
  });
  return h("details", { class: "add-usage" }, h("summary", { text: t("after.usage.new") }), form);
}

function renderUsages(version) {
  const usages = state.usages.filter((u) => u.persona_id === personaId);
  const list = h("ul", { class: "usage-list" }, ...usages.map((usage) => {
    const title = usage.link ? h("a", { href: usage.link, rel: "noopener noreferrer", target: "_blank", text: usage.title })
      : h("span", { text: usage.title });
    const mine = isFacilitator || usage.author_id === me.id;
    return h("li", { class: "usage" },
      h("p", { class: "usage-title" }, title),
      h("p", { class: "small muted", text: [day(usage.date), usage.team].filter(Boolean).join(" · ") }),
      usage.traits.length ? h("p", { class: "small", text: t("after.usage.relied",
        { traits: usage.traits.map((id) => traitText(version, id)).join("; ") }) }) : null,
      mine && canWrite ? h("button", { class: "link-button small", type: "button",
        "aria-label": t("after.usage.remove_named", { title: usage.title }), text: t("after.usage.remove"),
        onclick: () => send("usage.remove", { id: usage.id }) }) : null);
  }));
  fill(els.usages,
    h("p", { class: "usage-count", id: "usage-count", text: plural("after.usage.count", usages.length) }),
    usages.length ? list : null,
    canWrite && version ? usageForm(version) : null);
}

// ---- the validation backlog -----------------------------------------------------------------

function questionForm(entries) {
  const field = (id, label, attrs = {}) => h("div", { class: "form-field" },
    h("label", { for: id, text: label }), h("input", { id, required: true, ...attrs }));
  const trait = h("select", { id: "question-trait", required: true },
    ...entries.map((entry) => h("option", { value: entry.id, text: entry.text })));
  const question = field("question-text", t("after.question.question"), { maxlength: "500" });
  const ask = question.querySelector("input");
  const suggest = () => { ask.value = t("after.question.default", { trait: trait.selectedOptions[0]?.text ?? "" }); };
  trait.addEventListener("change", suggest);
  suggest();
  const form = h("form", { class: "question-form", id: "question-form" },
    h("div", { class: "form-field" }, h("label", { for: "question-trait", text: t("after.question.trait") }), trait),
    question,
    h("div", { class: "form-pair" },
      field("question-owner", t("after.question.owner"), { maxlength: "80", value: me.name }),
      field("question-due", t("after.question.due"), { type: "date" })),
    field("question-method", t("after.question.method"), { maxlength: "200", placeholder: t("after.question.method_hint") }),
    h("button", { class: "button button-small", type: "submit", text: t("after.question.ask") }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await send("question.add", { persona_id: personaId, trait: trait.value, question: ask.value,
      owner: form.querySelector("#question-owner").value, method: form.querySelector("#question-method").value,
      due: form.querySelector("#question-due").value });
  });
  return h("details", { class: "ask-question" },
    h("summary", { text: plural("after.question.new", entries.length) }), form);
}

function renderBacklog() {
  const placed = answer.backlog;
  if (!placed.length) { fill(els.backlog, h("p", { class: "muted", text: t("after.backlog.none") })); return; }
  const cells = byQuadrant(placed);
  const questions = state.questions.filter((q) => q.persona_id === personaId);
  const open = new Set(questions.filter((q) => !q.closed_by).map((q) => q.trait));
  const grid = backlogFigure(placed);
  const asked = questions.length ? h("ul", { class: "question-list" }, ...questions.map((q) => h("li", {},
    h("p", { class: "question-text" }, h("span", { class: `question-state ${q.closed_by ? "closed" : "open"}`,
      text: q.closed_by ? t("after.question.closed") : t("after.question.open") }), ` ${q.question}`),
    h("p", { class: "small muted", text: t("after.question.meta", { owner: q.owner, method: q.method, due: day(q.due) }) }),
    isFacilitator ? h("button", { class: "link-button small", type: "button", text: t("after.question.remove"),
      "aria-label": t("after.question.remove_named", { question: q.question }),
      onclick: () => send("question.remove", { id: q.id }) }) : null))) : null;
  const askable = canWrite ? cells.research_now.filter((entry) => !open.has(entry.id) && entry.evidence === "untested") : [];
  fill(els.backlog, grid,
    h("h3", { class: "panel-subheading", text: plural("after.question.count", questions.length) }),
    asked, askable.length ? questionForm(askable) : null);
}

// ---- fetching ----------------------------------------------------------------------------------

function key() {
  const version = current();
  const evidence = state.evidence.length + state.evidence.map((e) => e.id).join();
  return JSON.stringify([version?.number, version?.status, version?.updated_seq, evidence,
    state.questions.filter((q) => q.persona_id === personaId),
    state.versions.filter((v) => v.persona_id === personaId).length]);
}

async function refresh(wanted) {
  try {
    const response = await fetch(`${base}/review`, { credentials: "same-origin" });
    if (!response.ok) return;
    const body = await response.json();
    if (wanted !== key()) return; // a newer change is on its way
    answer = body;
    view.attention = body.attention;
    draw();
  } catch { /* offline: keep what is shown; the next change fetches again */ }
}

function draw() {
  const version = current();
  if (answer) {
    renderReview(version);
    renderBacklog();
  }
  applyFilter();
}

export function render() {
  const wanted = key();
  if (fetched !== wanted) {
    fetched = wanted;
    refresh(wanted);
  }
  const usageKey = JSON.stringify([state.usages.filter((u) => u.persona_id === personaId), current()?.id]);
  if (els.usages.dataset.drawn !== usageKey) {
    const focused = els.usages.contains(document.activeElement) ? document.activeElement.id : null;
    const openForm = els.usages.querySelector("details.add-usage")?.open;
    renderUsages(current());
    if (openForm) els.usages.querySelector("details.add-usage").open = true;
    if (focused) document.getElementById(focused)?.focus();
    els.usages.dataset.drawn = usageKey;
  }
  applyFilter();
}

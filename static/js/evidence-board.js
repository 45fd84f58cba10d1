// Evidence on the board: a badge on every note and group (validated, contradicted,
// untested) that lists its linked passages, and the persona's coverage picture — an
// overall ring and one meter per category — above the columns. Rules: evidence.js.
import { allEvidence, evidenceState, linksByTarget, linksFor, personaEvidence, requiredCategories,
  researchPending } from "./evidence.js";
import { plural, t } from "./messages.js";
import { h } from "./dom.js";
import { reached } from "./registry.js";

const STATE_LABELS = {
  validated: t("evidence.validated"), contradicted: t("evidence.contradicted"), untested: t("evidence.untested"),
};
const SVG = "http://www.w3.org/2000/svg";
const RING_RADIUS = 22;
const RING_LENGTH = 2 * Math.PI * RING_RADIUS;

const percent = (share) => `${Math.round(share * 100)}%`;

function svg(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  return el;
}

export function createEvidenceBoard(ui, library) {
  const { state } = ui;
  const strip = document.getElementById("evidence-strip");
  const columns = document.getElementById("columns");
  const openPanels = new Set(); // ids of items whose passage list is open
  const lastStates = new Map(); // id → state last shown, to mark changes
  let cache = { seq: -1, evidence: null, index: null };

  /** Links by target, computed once per state of the board. */
  function index() {
    if (cache.seq !== state.seq || cache.evidence !== state.evidence) {
      cache = { seq: state.seq, evidence: state.evidence,
        index: linksByTarget(allEvidence(state)) };
    }
    return cache.index;
  }

  const noteTitle = (id, link) => (link?.source_type === "data" ? link.note_title
    : state.notes.find((n) => n.id === id)?.title ?? t("evidence.a_research_note"));

  // ---- badges ------------------------------------------------------------------------

  function summaryOf(links, evState) {
    const supports = links.filter((l) => l.relation === "supports").length;
    const contradicts = links.length - supports;
    if (evState === "untested") return t("evidence.none_linked");
    const parts = [];
    if (supports) parts.push(t("evidence.n_supporting", { n: supports }));
    if (contradicts) parts.push(t("evidence.n_contradicting", { n: contradicts }));
    return plural("evidence.passages", links.length, { counts: parts.join(", ") });
  }

  function passageList(kind, id, links) {
    const members = kind === "group"
      ? new Map(state.assumptions.filter((a) => a.group_id === id).map((a) => [a.id, a])) : new Map();
    const sorted = [...links].sort((a, b) => (a.relation === b.relation ? a.seq - b.seq
      : a.relation === "contradicts" ? -1 : 1));
    const panel = h("div", { class: "ev-panel", id: `ev-panel-${id}` });
    if (!sorted.length) {
      panel.append(h("p", { class: "ev-panel-empty", text: t("evidence.none_yet") }),
        h("button", { class: "icon-button", type: "button", text: t("evidence.open_library"),
          onclick: () => library.openPassage(null, "") }));
      return panel;
    }
    panel.append(h("ul", { class: "ev-passages", "aria-label": t("evidence.linked_passages") },
      ...sorted.map((link) => {
        const member = members.get(link.target_id);
        return h("li", { class: `ev-passage ev-passage-${link.relation}` },
          h("span", { class: `ev-relation ev-relation-${link.relation}`,
            text: link.relation === "supports" ? t("evidence.supports") : t("evidence.contradicts") }),
          h("q", { class: "ev-quote", text: link.quote }),
          h("span", { class: "ev-source" },
            h("span", { text: member ? `${t("evidence.on_note", { text: member.text })} · ` : "" }),
            link.source_type === "data"
              // A data check: its dataset and segment, no passage to open.
              ? h("span", { class: "ev-data-source", text: `${t("data.check_source")} · ${noteTitle(link.note_id, link)}` })
              : h("button", { class: "ev-open", type: "button", text: noteTitle(link.note_id),
                "aria-label": t("evidence.open_passage", { title: noteTitle(link.note_id) }),
                onclick: () => library.openPassage(link.note_id, link.quote) })));
      })));
    return panel;
  }

  /** Badge and passage list in a note's footer or a group's head. */
  function decorate(el, anchor, kind, item) {
    const links = linksFor(state, kind, item.id, index());
    const evState = evidenceState(links);
    const isOpen = openPanels.has(item.id);
    const sig = JSON.stringify([evState, links.map((l) => l.id), isOpen, isOpen ? state.notes.length : 0]);
    el.classList.toggle("ev-card-contradicted", evState === "contradicted");
    flagResearch(el, anchor, item, researchPending(item, item.category, links, requiredCategories(state)));
    const previous = lastStates.get(item.id);
    lastStates.set(item.id, evState);
    let badge = el.querySelector(`:scope .ev-badge[data-for="${item.id}"]`);
    if (badge && badge.dataset.sig === sig) return;
    const label = t("evidence.badge_label", { state: STATE_LABELS[evState].toLowerCase(),
      summary: summaryOf(links, evState) }) + " " + (isOpen ? t("evidence.hide_passages") : t("evidence.show_passages"));
    const fresh = h("button", { class: `ev-badge ev-${evState}`, type: "button", "data-for": item.id,
      "data-sig": sig, "data-state": evState, "aria-expanded": String(isOpen), "aria-controls": `ev-panel-${item.id}`,
      "aria-label": label, title: `${STATE_LABELS[evState]}: ${summaryOf(links, evState)}`,
      onclick: () => {
        if (openPanels.has(item.id)) openPanels.delete(item.id); else openPanels.add(item.id);
        ui.store.changed();
        el.querySelector(`:scope .ev-badge[data-for="${item.id}"]`)?.focus();
      } },
    h("span", { class: "ev-icon", "aria-hidden": "true" }),
    h("span", { class: "ev-label", text: STATE_LABELS[evState] }),
    links.length ? h("span", { class: "ev-count", text: String(links.length), "aria-hidden": "true" }) : null);
    if (previous && previous !== evState) fresh.classList.add("ev-changed");
    const focused = badge && badge === document.activeElement;
    if (badge) badge.replaceWith(fresh); else anchor.prepend(fresh);
    badge = fresh;
    if (focused) badge.focus();
    el.querySelector(`:scope .ev-panel[id="ev-panel-${CSS.escape(item.id)}"]`)?.remove();
    if (isOpen) {
      const panel = passageList(kind, item.id, links);
      if (kind === "group") el.querySelector(":scope > .group-body").after(panel);
      else el.querySelector(":scope > .note-meta").after(panel);
    }
  }

  /** "Needs research": accepted before its category required research, no evidence yet. */
  function flagResearch(el, anchor, item, pending) {
    el.classList.toggle("research-pending", pending);
    const flag = el.querySelector(`:scope .research-flag[data-for="${CSS.escape(item.id)}"]`);
    if (pending && !flag) {
      anchor.append(h("span", { class: "research-flag", "data-for": item.id,
        title: t("merge.provenance.research_pending") }, t("merge.provenance.part.research"),
      h("span", { class: "sr-only", text: `: ${t("merge.provenance.research_pending")}` })));
    } else if (!pending) flag?.remove();
  }

  function decorateAssumption(el, note) {
    const meta = el.querySelector(":scope > .note-meta");
    if (!meta || note.hidden) {
      el.querySelector(":scope .ev-badge")?.remove();
      return;
    }
    decorate(el, meta, "assumption", note);
  }

  function decorateGroup(card, group) {
    decorate(card, card.querySelector(":scope > .group-head"), "group", group);
  }

  // ---- the coverage picture --------------------------------------------------------

  let stripKey = null;
  const parts = {};

  function buildStrip() {
    parts.ring = svg("svg", { viewBox: "0 0 56 56", width: 64, height: 64, class: "ev-ring", "aria-hidden": "true" });
    parts.ringTrack = svg("circle", { cx: 28, cy: 28, r: RING_RADIUS, class: "ev-ring-track" });
    parts.ringDebt = svg("circle", { cx: 28, cy: 28, r: RING_RADIUS, class: "ev-ring-debt" });
    parts.ringFill = svg("circle", { cx: 28, cy: 28, r: RING_RADIUS, class: "ev-ring-fill" });
    parts.ringText = svg("text", { x: 28, y: 29, class: "ev-ring-text", "text-anchor": "middle", "dominant-baseline": "middle" });
    parts.ring.append(parts.ringTrack, parts.ringDebt, parts.ringFill, parts.ringText);
    parts.headline = h("p", { class: "ev-headline" });
    parts.detail = h("p", { class: "ev-detail" });
    parts.debt = h("div", { class: "ev-debt" });
    parts.states = h("div", { class: "ev-states" });
    parts.categories = h("ul", { class: "ev-categories", id: "ev-categories",
      "aria-label": t("evidence.coverage_by_category") });
    // Per category on request: the strip stays one row above the notes.
    parts.toggle = h("button", { class: "icon-button ev-cats-toggle", type: "button", "aria-expanded": "false",
      "aria-controls": "ev-categories", text: t("evidence.by_category"),
      onclick: () => {
        const open = parts.toggle.getAttribute("aria-expanded") !== "true";
        parts.toggle.setAttribute("aria-expanded", String(open));
        strip.classList.toggle("ev-cats-open", open);
      } });
    strip.append(
      h("h2", { class: "sr-only", id: "evidence-strip-heading", text: t("evidence.coverage") }),
      h("div", { class: "ev-overall" }, parts.ring,
        h("div", { class: "ev-overall-text" },
          h("p", { class: "ev-kicker", text: t("evidence.coverage") }), parts.headline, parts.detail)),
      parts.debt,
      h("div", { class: "ev-breakdown" }, parts.states, parts.toggle, parts.categories));
  }

  function meter(category) {
    const label = ui.categoryLabel(category.key);
    const bar = h("span", { class: "ev-meter", "aria-hidden": "true" });
    if (category.accepted) {
      const supported = h("span", { class: "ev-meter-supported" });
      supported.style.width = percent(category.supported / category.accepted);
      const debt = h("span", { class: "ev-meter-debt" });
      debt.style.width = percent(category.debt / category.accepted);
      bar.append(supported, debt);
    }
    const value = category.coverage === null ? "–" : percent(category.coverage);
    const spoken = category.accepted
      ? t("evidence.meter", { category: label, value, supported: category.supported, accepted: category.accepted })
        + (category.debt ? `, ${t("evidence.meter.debt", { n: category.debt })}` : "")
        + (category.contradicted ? `, ${t("evidence.meter.contradicted", { n: category.contradicted })}` : "")
      : t("evidence.meter.none", { category: label })
        + (category.items ? ` (${plural("evidence.items", category.items)})` : "");
    return h("li", { class: `ev-cat${category.accepted ? "" : " ev-cat-none"}${category.debt ? " has-debt" : ""}`,
      "data-category": category.key, title: spoken },
    h("span", { class: "sr-only", text: spoken }),
    h("span", { class: "ev-cat-head", "aria-hidden": "true" },
      h("span", { class: "ev-cat-label", text: label }),
      category.contradicted ? h("span", { class: "ev-cat-flag", text: "!" }) : null,
      h("span", { class: "ev-cat-value", text: category.accepted ? `${category.supported}/${category.accepted}` : "–" })),
    bar);
  }

  const personaOf = (id) => (state.assumptions.find((a) => a.id === id)
    ?? state.groups.find((g) => g.id === id))?.persona_id;

  function renderStrip() {
    if (!strip) return;
    const persona = ui.store.activePersona();
    if (columns.hidden || !persona) { strip.hidden = true; return; }
    const key = `${state.seq}|${persona}|${state.workshop.phase}`;
    if (key === stripKey) return;
    stripKey = key;
    const figures = personaEvidence(state, persona, state.categories.map((c) => c.key));
    // Coverage counts accepted items: before reconciling, and with nothing accepted or linked,
    // it would only be a row of empty meters between the phase and the notes.
    strip.hidden = !reached(state.workshop.phase, "reconcile") && figures.accepted === 0
      && !state.evidence.some((link) => personaOf(link.target_id) === persona);
    if (strip.hidden) return;
    if (!parts.ring) buildStrip();
    strip.dataset.id = persona;
    strip.classList.toggle("ev-strip-none", figures.accepted === 0);

    // Ring: supported share in green, debt in amber, from twelve o'clock.
    const supportedLen = figures.accepted ? (figures.supported / figures.accepted) * RING_LENGTH : 0;
    const debtLen = figures.accepted ? (figures.debt / figures.accepted) * RING_LENGTH : 0;
    parts.ringFill.setAttribute("stroke-dasharray", `${supportedLen} ${RING_LENGTH}`);
    parts.ringDebt.setAttribute("stroke-dasharray", `${debtLen} ${RING_LENGTH}`);
    parts.ringDebt.setAttribute("stroke-dashoffset", String(-supportedLen));
    parts.ringText.textContent = figures.coverage === null ? "–" : percent(figures.coverage);
    const name = state.personas.find((p) => p.id === persona)?.name ?? "";
    if (figures.accepted) {
      parts.headline.textContent = plural("evidence.headline", figures.accepted, { supported: figures.supported });
      parts.detail.textContent = t("evidence.detail", { name, coverage: percent(figures.coverage) });
    } else {
      parts.headline.textContent = t("evidence.nothing_accepted");
      parts.detail.textContent = t("evidence.detail.none", { name });
    }
    strip.setAttribute("aria-label", figures.accepted
      ? t("evidence.strip_label", { name, coverage: percent(figures.coverage), supported: figures.supported,
        accepted: figures.accepted, debt: figures.debt })
      : t("evidence.strip_label.none", { name }));

    parts.debt.replaceChildren(
      h("span", { class: "ev-kicker", text: t("evidence.debt") }),
      h("span", { class: "ev-debt-value", text: String(figures.debt) }),
      h("span", { class: "ev-debt-label", text: figures.debt === 1 ? t("evidence.debt_label.one") : t("evidence.debt_label.other") }));
    parts.debt.classList.toggle("has-debt", figures.debt > 0);

    const { validated, contradicted, untested } = figures.states;
    const total = validated + contradicted + untested;
    const segment = (kind, count) => {
      const el = h("span", { class: `ev-seg ev-seg-${kind}` });
      el.style.flexGrow = String(count);
      return count ? el : null;
    };
    parts.states.replaceChildren(
      h("div", { class: "ev-states-bar", "aria-hidden": "true" },
        ...(total ? [segment("validated", validated), segment("contradicted", contradicted), segment("untested", untested)]
          : [h("span", { class: "ev-seg ev-seg-empty" })])),
      h("ul", { class: "ev-states-legend", "aria-label": t("evidence.states_label") },
        h("li", { class: "ev-legend-validated" }, h("strong", { text: String(validated) }),
          ` ${STATE_LABELS.validated.toLowerCase()}`),
        h("li", { class: "ev-legend-contradicted" }, h("strong", { text: String(contradicted) }),
          ` ${STATE_LABELS.contradicted.toLowerCase()}`),
        h("li", { class: "ev-legend-untested" }, h("strong", { text: String(untested) }),
          ` ${STATE_LABELS.untested.toLowerCase()}`)));
    parts.categories.replaceChildren(...figures.categories.map(meter));
  }

  function render() {
    renderStrip();
    for (const id of lastStates.keys()) {
      if (!state.assumptions.some((a) => a.id === id) && !state.groups.some((g) => g.id === id)) {
        lastStates.delete(id);
        openPanels.delete(id);
      }
    }
  }

  return { decorateAssumption, decorateGroup, render };
}

// The version panel: draft or agreed, the teams' sign-offs, agreeing, and reopening an agreed
// version (asked first, since it clears the sign-offs).
import { formatMoment } from "../dates.js";
import { fill, h } from "../dom.js";
import { plural, t } from "../messages.js";
import { canWrite, current, els, isFacilitator, me, nameOf, personaId, redraw, reopen, send, state, store } from "./page.js";

function teamsWithMembers() {
  const teams = new Set(state.participants.filter((p) => p.team && !p.removed).map((p) => p.team));
  return state.workshop.teams.filter((team) => teams.has(team));
}

function renderVersion(version) {
  if (!version) { fill(els.version, h("p", { class: "muted", text: t("merge.version.none") })); return; }
  const draft = version.status === "draft";
  const teams = teamsWithMembers();
  const required = state.workshop.settings.require_signoff;
  const mine = me.team && version.signoffs[me.team];
  // With required sign-off the button says, before anyone presses it, who still has to sign.
  const missing = required ? teams.filter((team) => !version.signoffs[team]) : [];
  fill(els.version,
    h("p", { class: `version-chip ${draft ? "draft" : "agreed"}`, id: "version-chip",
      text: draft ? t("merge.version.draft", { n: version.number }) : t("merge.version.agreed", { n: version.number }) }),
    draft ? null : h("p", { class: "muted", text: t("merge.version.frozen", { name: nameOf(version.agreed_by),
      when: formatMoment(version.agreed_at), next: version.number + 1 }) }),
    draft ? null : phaseNote(),
    h("h3", { class: "panel-sub", text: required ? t("merge.signoff.required") : t("merge.signoff") }),
    h("ul", { class: "signoffs" }, ...teams.map((team) => {
      const signed = version.signoffs[team];
      return h("li", { class: signed ? "signed" : "" },
        h("span", { class: "signoff-mark", "aria-hidden": "true", text: signed ? "✓" : "·" }),
        h("span", { text: signed ? `${team} — ${signed.name}` : t("merge.signoff.not_yet", { team }) }));
    })),
    draft && canWrite && me.team && !mine ? h("button", { class: "button button-small", type: "button",
      id: "sign-off", text: t("merge.signoff.button", { team: me.team }),
      onclick: () => send("document.sign", { persona_id: personaId, number: version.number }) }) : null,
    draft ? h("p", { class: "muted small", text: t("merge.signoff.cleared") }) : null,
    draft && isFacilitator ? h("button", { class: "button button-primary", type: "button", id: "mark-agreed",
      text: t("merge.mark_agreed", { n: version.number }), disabled: missing.length > 0,
      "aria-describedby": missing.length ? "agree-waiting" : null,
      onclick: () => send("document.agree", { persona_id: personaId, number: version.number }) }) : null,
    draft && missing.length ? h("p", { class: "agree-waiting", id: "agree-waiting",
      text: t("merge.agree.waiting", { teams: missing.join(", ") }) }) : null,
    draft ? null : reopenControl(version));
}

/** Under an agreed version: whether the workshop reached Agreed, or which personas keep it in Merge. */
function phaseNote() {
  if (state.workshop.phase === "agreed") return h("p", { class: "agreed-phase", id: "phase-note", text: t("merge.phase.agreed") });
  const drafts = state.documents.filter((d) => d.status === "draft")
    .map((d) => state.personas.find((p) => p.id === d.persona_id)?.name).filter(Boolean);
  return drafts.length ? h("p", { class: "agreed-phase waiting", id: "phase-note",
    text: t("merge.phase.waiting", { names: drafts.join(", ") }) }) : null;
}

/** Reopening an agreed version: asked for, saying what it does, and perhaps the facilitator's alone. */
function reopenControl(version) {
  if (!canWrite) return null;
  const next = version.number + 1;
  if (state.workshop.settings.reopen_facilitator_only && !isFacilitator) {
    return h("p", { class: "muted small", id: "reopen-restricted", text: t("merge.reopen.restricted", { next }) });
  }
  const asking = reopen.number === version.number ? reopen.step : null;
  const setReopen = (step) => {
    Object.assign(reopen, { number: step ? version.number : null, step });
    store.changed();
  };
  if (asking === "yes") {
    return h("div", { class: "reopen-box", id: "reopen-open" },
      h("p", { text: t("merge.reopen.open", { next }) }),
      h("button", { class: "button button-small", type: "button", text: t("common.cancel"), onclick: () => setReopen(null) }));
  }
  if (asking === "ask") {
    const signed = Object.keys(version.signoffs).length;
    return h("div", { class: "reopen-box", id: "reopen-confirm-box", role: "group", "aria-labelledby": "reopen-question" },
      h("p", { class: "reopen-question", id: "reopen-question", text: t("merge.reopen.question", { next }) }),
      h("p", { text: t("merge.reopen.explain", { n: version.number, next }) }),
      h("p", { text: signed ? plural("merge.reopen.signoffs", signed) : t("merge.reopen.no_signoffs") }),
      h("div", { class: "button-row" },
        h("button", { class: "button button-small button-primary", type: "button", id: "reopen-confirm",
          text: t("merge.reopen.confirm", { next }),
          onclick: () => { setReopen("yes"); els.document.querySelector(".field-edit:not([hidden])")?.focus(); } }),
        h("button", { class: "button button-small", type: "button", text: t("common.cancel"), onclick: () => setReopen(null) })));
  }
  return h("button", { class: "button button-small", type: "button", id: "reopen",
    text: t("merge.reopen.button", { next }),
    onclick: () => { setReopen("ask"); document.getElementById("reopen-confirm")?.focus(); } });
}

export function render() {
  const version = current();
  redraw(els.version, JSON.stringify([version && [version.number, version.status, version.signoffs,
    version.agreed_by, version.agreed_at], teamsWithMembers(), state.workshop.settings.require_signoff,
  state.participants.map((p) => p.name), state.workshop.phase, state.workshop.settings.reopen_facilitator_only,
  state.documents.map((d) => d.status), reopen]), () => renderVersion(version));
}

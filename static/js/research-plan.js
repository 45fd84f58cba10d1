// The board's research-plan view: the validation backlog's 2×2 for the active persona, drawn
// by backlog-figure.js (as on the persona page) once the persona has an agreed version. The
// placement comes from GET …/review; it is fetched only while the view is open.
import { backlogFigure } from "./backlog-figure.js";
import { h } from "./dom.js";
import { t } from "./messages.js";

export function createResearchPlan(ui) {
  const { state } = ui;
  const root = document.getElementById("plan");
  let fetchedFor = null; // the key the last request was for
  let answer = null; // {key, backlog} or {key, error: true}
  let drawn = null;

  const agreed = (persona) => state.versions.some((v) => v.persona_id === persona && v.status === "agreed");

  /** What the placement depends on: the persona, its versions, the evidence and its questions. */
  function key(persona) {
    return JSON.stringify([persona, state.versions.filter((v) => v.persona_id === persona),
      state.evidence.map((e) => e.id), state.questions.filter((q) => q.persona_id === persona)]);
  }

  async function load(persona, wanted) {
    const url = `/api/workshops/${encodeURIComponent(state.workshop.id)}/personas/${encodeURIComponent(persona)}/review`;
    let next;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      next = { key: wanted, backlog: (await response.json()).backlog };
    } catch {
      next = { key: wanted, error: true };
    }
    if (fetchedFor !== wanted) return; // a newer request is on its way
    answer = next;
    render();
  }

  function message(text, kind) {
    return h("p", { class: `plan-message plan-${kind}`, role: "status", text });
  }

  /** What to show for `persona`: [a stamp naming it, the element], or null to keep what is shown. */
  function content(persona) {
    if (!persona) return ["none", message(t("plan.no_persona"), "none")];
    if (!agreed(persona)) return [`draft|${persona}`, message(t("plan.not_agreed"), "none")];
    const wanted = key(persona);
    if (fetchedFor !== wanted) { fetchedFor = wanted; load(persona, wanted); }
    if (answer?.key !== wanted) {
      // Refetching after a change: keep this persona's picture until the new one arrives.
      return drawn?.startsWith(`figure|${persona}|`) ? null : [`loading|${persona}`, message(t("common.loading"), "loading")];
    }
    if (answer.error) return [`error|${wanted}`, message(t("plan.error"), "error")];
    if (!answer.backlog.length) return [`empty|${wanted}`, message(t("after.backlog.none"), "none")];
    return [`figure|${persona}|${wanted}`, backlogFigure(answer.backlog, { id: "plan-figure" })];
  }

  function render() {
    if (!root || ui.store.view !== "plan") return;
    const persona = ui.store.activePersona();
    const shown = content(persona);
    if (!shown || shown[0] === drawn) return;
    const [stamp, body] = shown;
    drawn = stamp;
    const named = state.personas.find((p) => p.id === persona);
    const link = persona && agreed(persona) ? h("a", { class: "button button-small", id: "plan-document-link",
      href: `/w/${encodeURIComponent(state.workshop.id)}/persona/${encodeURIComponent(persona)}`,
      text: t("plan.questions") }) : null;
    root.replaceChildren(
      h("header", { class: "plan-head" },
        h("div", {},
          h("h2", { id: "plan-heading", text: t("plan.heading") }),
          h("p", { class: "plan-sub", text: named ? t("plan.sub.persona", { persona: named.name }) : t("plan.sub") })),
        link),
      body);
  }

  return { render };
}

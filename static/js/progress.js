// Progress without content: how many notes each person and team has written (also while notes
// are private), how many notes each person has voted on (never which way), and who said
// "I'm done" with the phase. The counts come from GET …/progress, fetched again shortly after
// events arrive; "done" is board state (done.changed), cleared when the phase moves.
import { h } from "./dom.js";
import { plural, t } from "./messages.js";
import { PHASES } from "./registry.js";

// Progress means something while notes and votes are made: every phase before the document.
const PHASES_WITH_PROGRESS = new Set(PHASES.filter((p) => !p.document).map((p) => p.key));
const COLLECTING = PHASES[0]?.key; // notes are written in the first phase
const REFETCH_MS = 700; // events in a burst cost one request

export function createProgress(ui) {
  const { state, me, send } = ui;
  const root = document.getElementById("room-progress");
  const empty = document.getElementById("board-empty");
  const emptyText = empty?.textContent ?? "";
  // The facilitator runs the room and waits for the others; participants say they are done.
  const canSayDone = me.role === "participant";
  let counts = null;
  let timer = null;
  let renderedKey = null;

  async function load() {
    timer = null;
    try {
      const response = await fetch(`/api/workshops/${encodeURIComponent(state.workshop.id)}/progress`,
        { credentials: "same-origin" });
      if (!response.ok) return;
      counts = await response.json();
      render();
    } catch {
      // Offline: the next event fetches again.
    }
  }

  function schedule() {
    if (!timer) timer = setTimeout(load, REFETCH_MS);
  }
  ui.onEvent((event) => {
    // A private note reaches others as "hidden": it still changes the counts.
    if (event.type !== "comment.added" && event.type !== "comment.deleted") schedule();
  });

  const doneButton = canSayDone ? h("button", { class: "button button-small done-button", type: "button",
    id: "done-button", onclick: () => send("done.set", { done: !state.done.includes(me.id) }) }) : null;
  const summary = h("p", { class: "progress-summary", id: "progress-summary", role: "status" });
  const teams = h("ul", { class: "progress-teams", "aria-label": t("progress.teams") });
  const people = h("ul", { class: "progress-people", "aria-label": t("progress.people") });
  root?.append(h("h2", { id: "progress-heading", text: t("progress.heading") }), summary, teams, people);
  // Beside the phase and the clock, where people look while working (also at the top on a phone).
  if (doneButton) document.querySelector("#phase-banner .phase-status")?.append(doneButton);

  function personLine(person, phase) {
    const done = state.done.includes(person.id);
    let figure;
    if (phase === COLLECTING) {
      const written = counts?.notes.by_person?.[person.id];
      figure = written === undefined ? "" : plural("progress.notes", written);
    } else {
      const voted = counts?.votes.by_person[person.id] ?? 0;
      figure = t("progress.voted", { voted, total: counts?.votes.notes ?? 0 });
    }
    return h("li", { class: `progress-person${done ? " is-done" : ""}`, "data-person": person.id },
      h("span", { class: `swatch ${ui.teamClass(person.team)}`, "aria-hidden": "true" }),
      h("span", { class: "progress-name", text: person.id === me.id ? t("progress.you", { name: person.name }) : person.name }),
      h("span", { class: `progress-state${done ? " done" : ""}`, text: done ? t("progress.done") : t("progress.working") }),
      h("span", { class: "progress-figure", text: figure }));
  }

  function renderEmpty(phase) {
    if (!empty) return;
    const hidden = (counts?.notes.total ?? 0) - state.assumptions.length;
    empty.textContent = phase === COLLECTING && hidden > 0 ? plural("progress.private_written", hidden) : emptyText;
  }

  function render() {
    if (!root) return;
    const phase = state.workshop.phase;
    const shown = PHASES_WITH_PROGRESS.has(phase);
    root.hidden = !shown;
    if (doneButton) doneButton.hidden = !shown;
    if (!shown) return;
    if (counts === null && !timer) schedule();
    if (counts && counts.phase !== phase && !timer) schedule();
    const key = JSON.stringify([phase, counts, state.done, state.participants.length, state.assumptions.length]);
    if (key === renderedKey) return;
    renderedKey = key;
    renderEmpty(phase);
    const working = state.participants.filter((p) => !p.removed && p.role === "participant");
    const done = working.filter((p) => state.done.includes(p.id));
    const still = working.filter((p) => !state.done.includes(p.id));
    summary.textContent = t("progress.summary", { done: done.length, total: working.length })
      + (still.length && still.length <= 6 ? ` · ${t("progress.still", { names: still.map((p) => p.name).join(", ") })}` : "");
    if (doneButton) {
      doneButton.hidden = false;
      const mine = state.done.includes(me.id);
      doneButton.textContent = mine ? t("progress.undo") : t("progress.say_done");
      doneButton.setAttribute("aria-pressed", String(mine));
    }
    const byTeam = phase === COLLECTING ? counts?.notes.by_team : null;
    teams.hidden = !byTeam || !Object.keys(byTeam).length;
    teams.replaceChildren(...Object.entries(byTeam ?? {}).map(([team, n]) => h("li", { class: "progress-team" },
      h("span", { class: `swatch ${ui.teamClass(team)}`, "aria-hidden": "true" }),
      h("span", { text: team || t("progress.no_team") }), h("strong", { text: plural("progress.notes", n) }))));
    if (phase === COLLECTING && counts && counts.notes.by_person === null) {
      teams.hidden = false;
      teams.replaceChildren(h("li", { class: "progress-team" },
        h("span", { text: t("progress.anonymous_total") }), h("strong", { text: plural("progress.notes", counts.notes.total) })));
    }
    // Still working first: that is who the facilitator waits for.
    people.replaceChildren(...[...still, ...done].map((person) => personLine(person, phase)));
  }

  return { render };
}

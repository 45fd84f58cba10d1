// Voting on notes: a stance (agree / disagree / unsure) and priority dots per note, the
// results each viewer may see (only a voter count while voting is blind), and the dot budget.
import { plural, t } from "./messages.js";
import { teamShortNames } from "./state.js";
import { h } from "./dom.js";
import { phase } from "./registry.js";

const STANCES = [["agree", t("vote.stance.agree")], ["disagree", t("vote.stance.disagree")],
  ["unsure", t("vote.stance.unsure")]];
const LEANING_WORDS = { agree: t("vote.leaning.agree"), disagree: t("vote.leaning.disagree"),
  split: t("vote.leaning.split"), silent: "" };

/** Σagree / (Σagree + Σdisagree) over all teams, or null without decisive votes. */
export function agreementOf(tally) {
  let agree = 0;
  let decisive = 0;
  for (const counts of Object.values(tally)) {
    agree += counts.agree;
    decisive += counts.agree + counts.disagree;
  }
  return decisive ? agree / decisive : null;
}

export const percent = (share) => `${Math.round(share * 100)}%`;

export function createVoting(ui) {
  const { state, me, send, teamClass, measuresFor } = ui;
  const canVote = me.role !== "observer" && Boolean(me.team);
  const parts = new WeakMap(); // note element → the elements this module keeps in it
  const pending = new Set(); // note ids with a vote on its way
  const budgetEl = document.getElementById("dot-budget");

  const settings = () => state.workshop.settings;
  const votingPhase = () => Boolean(phase(state.workshop.phase).voting);
  const dotsSpent = () => state.assumptions.reduce((sum, n) => sum + (n.my_vote?.dots ?? 0), 0);
  const dotsLeft = () => settings().dot_budget - dotsSpent();

  async function cast(note, stance, dots) {
    if (pending.has(note.id)) return;
    pending.add(note.id);
    const data = { assumption_id: note.id, stance };
    if (dots !== undefined) data.dots = dots;
    try {
      await send("vote.cast", data);
    } finally {
      pending.delete(note.id);
    }
  }

  function build(el, note) {
    const badges = h("div", { class: "note-badges" });
    const stanceButtons = STANCES.map(([stance, label]) => h("button", {
      class: `stance-button stance-${stance}`, type: "button", "aria-pressed": "false", "data-stance": stance,
      text: label, onclick: () => {
        const current = findAssumption(note.id);
        if (!current) return;
        cast(current, current.my_vote?.stance === stance ? null : stance);
      },
    }));
    const stances = h("div", { class: "stance-group", role: "group", "aria-label": t("vote.your_stance") },
      ...stanceButtons);
    const dotCount = h("span", { class: "my-dots" });
    const minus = h("button", { class: "dot-button", type: "button", text: "−", "aria-label": t("vote.take_back_dot"),
      onclick: () => changeDots(note.id, -1) });
    const plus = h("button", { class: "dot-button", type: "button", text: "+", "aria-label": t("vote.give_dot"),
      onclick: () => changeDots(note.id, 1) });
    const dots = h("div", { class: "dot-control", role: "group", "aria-label": t("vote.your_dots") }, minus, dotCount, plus);
    const summary = h("span", { class: "vote-summary" });
    const details = h("p", { class: "vote-details" });
    const strip = h("ul", { class: "team-strip", "aria-label": t("vote.by_team") });
    const foot = h("div", { class: "vote-foot" }, summary, dots);
    const root = h("div", { class: "note-vote" }, stances, strip, foot, details);
    el.querySelector(".note-text").before(badges);
    el.querySelector(".note-text").after(root);
    const p = { badges, root, stances, stanceButtons, dots, dotCount, minus, plus, summary, details, strip };
    parts.set(el, p);
    return p;
  }

  function changeDots(id, step) {
    const note = findAssumption(id);
    if (!note) return;
    const current = note.my_vote?.dots ?? 0;
    const next = current + step;
    if (next < 0 || (step > 0 && dotsLeft() <= 0)) return;
    cast(note, note.my_vote?.stance ?? null, next);
  }

  function findAssumption(id) {
    return state.assumptions.find((a) => a.id === id);
  }

  /** Add or update the voting part of one note element (called by the board on every render). */
  function decorate(el, note) {
    const votes = note.votes ?? { voters: 0 };
    const controls = canVote && votingPhase();
    const results = votingPhase() || votes.voters > 0;
    const measures = measuresFor(note.id);
    const p = parts.get(el) ?? build(el, note);

    renderBadges(p, note, measures);
    p.root.hidden = !controls && !results;
    el.classList.toggle("has-votes", !p.root.hidden);
    if (p.root.hidden) return;

    // Controls: the stance segmented control and the dots.
    p.stances.hidden = !controls;
    const mine = note.my_vote ?? { stance: null, dots: 0 };
    for (const button of p.stanceButtons) {
      button.setAttribute("aria-pressed", String(button.dataset.stance === mine.stance));
    }
    const budget = settings().dot_budget;
    p.dots.hidden = !controls || budget === 0;
    p.dotCount.textContent = String(mine.dots);
    p.dotCount.setAttribute("aria-label", t("vote.my_dots_on_note", { n: mine.dots }));
    p.dotCount.classList.toggle("has-dots", mine.dots > 0);
    p.minus.disabled = mine.dots === 0;
    p.plus.disabled = dotsLeft() <= 0;

    renderResults(p, votes, measures);
  }

  function renderBadges(p, note, measures) {
    const badges = [];
    if (note.hidden) badges.push(h("span", { class: "badge badge-private", text: t("vote.private_badge") }));
    if (measures?.only_team) {
      // Said on the card, not only in a tooltip: the one team that believes this.
      badges.push(h("span", { class: "badge badge-contested badge-only-team",
        text: t("vote.only_team", { team: measures.only_team }) }));
    } else if (measures?.contested) {
      badges.push(h("span", { class: "badge badge-contested", text: t("vote.contested"),
        title: t("vote.teams_disagree") }));
    }
    p.badges.replaceChildren(...badges);
    p.badges.hidden = badges.length === 0;
  }

  function renderResults(p, votes, measures) {
    if (!("tally" in votes)) {
      // Blind voting before the reveal: nothing but how many have voted.
      p.strip.hidden = true;
      p.strip.replaceChildren();
      p.details.hidden = true;
      p.summary.textContent = votes.voters ? plural("vote.voted", votes.voters) : t("vote.no_votes");
      p.summary.title = t("vote.hidden_until_reveal");
      p.summary.classList.add("blind");
      return;
    }
    p.summary.classList.remove("blind");
    p.summary.removeAttribute("title");
    const share = agreementOf(votes.tally);
    const voters = plural("vote.votes", votes.voters);
    if (!votes.voters) p.summary.replaceChildren(t("vote.no_votes"));
    else if (share === null) {
      const unsure = Object.values(votes.tally).reduce((sum, counts) => sum + counts.unsure, 0);
      p.summary.replaceChildren(unsure ? t("vote.votes_and_unsure", { votes: voters, unsure }) : voters);
    }
    else p.summary.replaceChildren(h("strong", { text: t("vote.share_agree", { share: percent(share) }) }), ` · ${voters}`);
    const details = [];
    if (measures?.consensus != null && votes.voters) {
      details.push(`${t("vote.consensus", { share: percent(measures.consensus) })} (${t("vote.consensus.explain")})`);
    }
    if (votes.dots) details.push(plural("vote.dots_total", votes.dots));
    p.details.textContent = details.join(" · ");
    p.details.title = measures?.consensus != null ? t("dv.consensus_title") : "";
    p.details.hidden = details.length === 0;

    const teams = state.workshop.teams.filter((team) => {
      const counts = votes.tally[team];
      return counts && counts.agree + counts.disagree + counts.unsure > 0;
    });
    p.strip.hidden = teams.length === 0;
    const short = teamShortNames(state.workshop.teams);
    p.strip.replaceChildren(...teams.map((team) => {
      const counts = votes.tally[team];
      const decisive = counts.agree + counts.disagree;
      // Leaning is a rule (2/3 and 1/3 thresholds): it comes from the server's measures.
      const leaning = measures?.teams?.[team]?.leaning ?? "unknown";
      const value = decisive ? percent(counts.agree / decisive) : "–";
      const label = t("vote.team_label", { team,
        result: decisive ? t("vote.share_agree", { share: value }) : t("vote.no_decisive"),
        agree: counts.agree, disagree: counts.disagree, unsure: counts.unsure })
        + (LEANING_WORDS[leaning] ? `, ${LEANING_WORDS[leaning]}` : "");
      return h("li", { class: `strip-segment ${teamClass(team)} leaning-${leaning}`, title: label },
        h("span", { class: "sr-only", text: label }),
        h("span", { class: "strip-team", "aria-hidden": "true", text: short.get(team) }),
        h("span", { class: "strip-value", "aria-hidden": "true", text: value }));
    }));
  }

  /** The "N of B dots left" chip for people who vote, in the voting phases. */
  function render() {
    if (!budgetEl) return;
    const budget = settings().dot_budget;
    budgetEl.hidden = !(canVote && votingPhase() && budget > 0);
    if (budgetEl.hidden) return;
    const left = Math.max(0, dotsLeft());
    budgetEl.textContent = t("vote.dots_left", { left, budget });
    budgetEl.dataset.state = left === 0 ? "spent" : "left";
  }

  return { decorate, render };
}

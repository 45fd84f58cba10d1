// A trait's record under it in the document: where it came from, the votes, the decision and
// the evidence, worded as the exports word them.
import { formatDate } from "../dates.js";
import { capital, h } from "../dom.js";
import { plural, t } from "../messages.js";

const STATE_LABELS = {
  validated: t("evidence.validated"), contradicted: t("evidence.contradicted"), untested: t("evidence.untested"),
};

const DECISION_LABELS = {
  accepted: t("decision.accepted"), rejected: t("decision.rejected"), parked: t("decision.parked"),
  reworded: t("decision.reworded"),
};

function percent(share) {
  return share == null ? "–" : `${Math.round(share * 100)}%`;
}

function evidenceBadge(stateName) {
  return h("span", { class: `evidence-badge ev-${stateName}`, text: STATE_LABELS[stateName] });
}

// The parts of a trait's record, labelled and worded as workshop/domain/provenance.py words
// them for every export: the original wording, the rewording, the votes as cast and on which
// wording, the minority view, the decision and the facilitator's reason, each apart.
export const PART_LABELS = {
  original: t("merge.provenance.part.original"), author: t("merge.provenance.part.author"),
  sources: t("merge.provenance.part.sources"),
  rewording: t("merge.provenance.part.rewording"), votes: t("merge.provenance.part.votes"),
  votes_original: t("merge.provenance.part.votes_original"),
  votes_grouped: t("merge.provenance.part.votes_grouped"),
  believers: t("merge.provenance.part.believers"), dissent: t("merge.provenance.part.dissent"),
  decision: t("merge.provenance.part.decision"), reason: t("merge.provenance.part.reason"),
  research: t("merge.provenance.part.research"), evidence: t("merge.provenance.part.evidence"),
};

const STANCE_COUNTS = {
  agree: (n) => t("merge.provenance.stance.agree", { n }),
  disagree: (n) => t("merge.provenance.stance.disagree", { n }),
  unsure: (n) => t("merge.provenance.stance.unsure", { n }),
};

function votesText(votes) {
  const teams = Object.entries(votes.tally)
    .map(([team, counts]) => [team, Object.keys(STANCE_COUNTS).filter((s) => counts[s])
      .map((s) => STANCE_COUNTS[s](counts[s])).join(", ")])
    .filter(([, counts]) => counts).map(([team, counts]) => `${team} ${counts}`).join("; ");
  return [teams || t("merge.provenance.no_votes"), t("merge.provenance.agreement", { share: percent(votes.agreement) }),
    t("merge.provenance.consensus", { share: percent(votes.consensus) }),
    plural("merge.provenance.voters", votes.voters), plural("merge.provenance.dots", votes.dots)].join(" · ");
}

export function provenance(item) {
  const p = item.provenance;
  const d = p.decision;
  const reworded = p.original !== item.text;
  const list = (items) => h("ul", {}, ...items);
  const part = (key, label, ...content) => [h("dt", { text: label }), h("dd", { class: `prov-${key}` }, ...content)];
  const teams = p.dissent ? p.dissent.teams.map((team) => t("merge.provenance.dissent_team", team))
    .join(", ") || t("merge.provenance.some_teams") : "";
  return h("details", { class: "provenance" },
    h("summary", {}, `${t("merge.provenance")} `, evidenceBadge(p.evidence_state),
      p.contested ? h("span", { class: "contested-badge", text: t("vote.contested") }) : null),
    h("dl", {},
      ...(reworded ? part("original", PART_LABELS.original, p.original) : []),
      ...(p.kind === "group" ? part("sources", PART_LABELS.sources, list(p.sources.map((s) => h("li", {}, `“${s.text}”`,
        s.team ? h("span", { class: "muted", text: ` · ${s.team}` }) : null))))
        : part("author", PART_LABELS.author, p.sources.find((s) => s.team)?.team ?? t("merge.provenance.no_team"))),
      ...(d.decision === "reworded" && d.text && d.text !== item.text ? part("rewording", PART_LABELS.rewording, d.text) : []),
      ...part("votes", PART_LABELS[p.kind === "group" ? "votes_grouped" : reworded ? "votes_original" : "votes"],
        votesText(p.votes)),
      ...part("believers", PART_LABELS.believers, p.believers.length ? p.believers.join(", ") : t("merge.provenance.no_believers")),
      ...(p.dissent ? part("dissent", PART_LABELS.dissent, reworded ? t("merge.provenance.disagreed_original", { teams })
        : t("merge.provenance.disagreed", { teams })) : []),
      ...part("decision", PART_LABELS.decision, t("merge.provenance.decided", {
        decision: DECISION_LABELS[d.decision] ?? capital(d.decision),
        name: d.by_name ?? t("merge.provenance.the_facilitator"), date: d.at ? formatDate(d.at) : "–" })),
      ...(d.reason ? part("reason", PART_LABELS.reason, d.reason) : []),
      // Shown while the item needs research now (renderResearch keeps it current).
      h("dt", { class: "research-row", hidden: true, text: PART_LABELS.research }),
      h("dd", { class: "prov-research research-row", hidden: true, text: t("merge.provenance.research_pending") }),
      ...part("evidence", PART_LABELS.evidence, p.evidence.length ? list(p.evidence.map((e) => h("li", { class: `ev-${e.relation}` },
        h("strong", { text: `${e.relation === "supports" ? t("evidence.supports") : t("evidence.contradicts")}: ` }),
        `“${e.quote}” — ${e.note_title}`, h("span", { class: "muted", text: ` (${e.source_type}${e.date ? `, ${formatDate(e.date)}` : ""})` }))))
        : h("span", { class: "muted", text: t("merge.provenance.untested") }))));
}

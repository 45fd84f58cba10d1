// What screen readers hear of others' changes on the board, in the polite live region.
import { plural, t } from "./messages.js";
import { phaseLabel } from "./registry.js";

// Screen readers hear others' changes through the polite live region, batched so a busy
// board does not flood them: what arrives within a second is said at once, and a steady
// stream is summed up at most every few seconds (votes always as one count, never one by one).
const ANNOUNCE_QUIET_MS = 1000;
const ANNOUNCE_MAX_WAIT_MS = 4000;
const MAX_SPOKEN_ITEMS = 3;

const DECISION_ANNOUNCEMENTS = {
  accepted: (params) => t("announce.decision.accepted", params),
  rejected: (params) => t("announce.decision.rejected", params),
  parked: (params) => t("announce.decision.parked", params),
  reworded: (params) => t("announce.decision.reworded", params),
};

/** `announce(event)` for each applied event, `speak(text)` to say something at once. */
export function createAnnouncer({ state, me, categoryLabel }, el) {
  const participant = (id) => state.participants.find((p) => p.id === id);
  let pending = { texts: [], votes: 0 };
  let announceTimer;
  let announceDeadline = 0;

  /** A note's or group's words, short enough to be said in passing. */
  function targetText(type, id) {
    const item = type === "group" ? state.groups.find((g) => g.id === id)
      : state.assumptions.find((a) => a.id === id);
    const text = (item?.decision?.text ?? (type === "group" ? item?.title : item?.text)) ?? "";
    return text.length > 60 ? `${text.slice(0, 57).trimEnd()}…` : text;
  }

  function announcement(event) {
    const who = participant(event.actor)?.name ?? t("common.someone");
    const data = event.data;
    const text = {
      "assumption.added": () => t("announce.assumption_added", { who, category: categoryLabel(data.assumption.category) }),
      "assumption.edited": () => t("announce.assumption_edited", { who }),
      "assumption.deleted": () => t("announce.assumption_removed", { who }),
      "participant.joined": () => t("announce.joined", { name: data.participant.name }),
      "persona.added": () => t("announce.persona_added", { who, name: data.persona.name }),
      "persona.deleted": () => t("announce.persona_deleted", { who, name: data.previous.name }),
      "phase.changed": () => t("announce.phase", {
        phase: phaseLabel(data.phase).toLowerCase() }),
      "assumptions.revealed": () => t("announce.assumptions_revealed"),
      "votes.revealed": () => t("announce.votes_revealed"),
      "done.changed": () => (data.done ? t("announce.done", {
        name: participant(data.participant_id)?.name ?? who }) : null),
      "decision.made": () => {
        const params = { who, item: targetText(data.target_type, data.target_id) };
        return (DECISION_ANNOUNCEMENTS[data.decision?.decision] ?? ((p) => t("announce.decision.reopened", p)))(params);
      },
      "comment.added": () => t("announce.comment", {
        who: participant(data.comment.author_id)?.name ?? who,
        item: targetText(data.comment.target_type, data.comment.target_id) }),
      "research_note.added": () => t("announce.research_added", { who, title: data.note.title }),
      "research_notes.imported": () => plural("announce.research_imported", data.notes.length, { who }),
      "research_note.edited": () => t("announce.research_edited", { who, title: data.note.title }),
      "research_note.deleted": () => t("announce.research_deleted", { who, title: data.previous.title }),
      "evidence.linked": () => (data.link.relation === "contradicts"
        ? t("announce.linked_contradicts", { who }) : t("announce.linked_supports", { who })),
      "evidence.unlinked": () => t("announce.unlinked", { who }),
    }[event.type];
    return text ? text() : null;
  }

  function announce(event) {
    if (event.actor && event.actor === me.id) return;
    if (event.type === "vote.cast") {
      // Others' votes come without an actor; one's own carries `my_vote`. Blind votes stay unsaid.
      const settings = state.workshop.settings;
      if ("my_vote" in event.data || (settings.blind_voting && !settings.votes_revealed)) return;
      pending.votes += 1;
    } else {
      const text = announcement(event);
      if (!text) return;
      pending.texts.push(text);
    }
    const now = Date.now();
    if (!announceDeadline) announceDeadline = now + ANNOUNCE_MAX_WAIT_MS;
    clearTimeout(announceTimer);
    announceTimer = setTimeout(flushAnnouncements, Math.max(0, Math.min(ANNOUNCE_QUIET_MS, announceDeadline - now)));
  }

  function flushAnnouncements() {
    const { texts, votes } = pending;
    pending = { texts: [], votes: 0 };
    announceDeadline = 0;
    const parts = texts.length > MAX_SPOKEN_ITEMS ? [t("announce.many", { n: texts.length })] : [...texts];
    if (votes) parts.push(plural("announce.votes", votes));
    if (parts.length) speak(parts.join(". "));
  }

  /** Say something now in the polite live region. */
  function speak(text) {
    el.textContent = text;
  }

  return { announce, speak };
}

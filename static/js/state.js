// The board's state and how each event changes it — the same rules as
// tests/reference_reducer.py, so a replayed log equals a fresh snapshot.

// Share links, API tokens, the webhook and the library listing live outside the board: their
// events carry no secret, and the facilitator's sharing page reads them from the server.
const outsideTheBoard = () => {};

const reducers = {
  "workshop.created": (state, data) => { state.workshop = structuredClone(data.workshop); },
  "participant.joined": (state, data) => {
    state.participants.push({ ...data.participant });
    const team = data.participant.team;
    if (team && !state.workshop.teams.includes(team)) state.workshop.teams.push(team);
  },
  "persona.added": (state, data) => { state.personas.push({ ...data.persona }); },
  "persona.renamed": (state, data) => {
    const persona = state.personas.find((p) => p.id === data.id);
    if (persona) persona.name = data.name;
  },
  "persona.deleted": (state, data) => { // everything on it goes too: notes, groups, threads, evidence
    const id = data.id;
    const items = new Set([...state.assumptions, ...state.groups]
      .filter((item) => item.persona_id === id).map((item) => item.id));
    state.personas = state.personas.filter((p) => p.id !== id);
    state.assumptions = state.assumptions.filter((a) => a.persona_id !== id);
    state.groups = state.groups.filter((g) => g.persona_id !== id);
    state.comments = state.comments.filter((c) => !items.has(c.target_id));
    state.evidence = state.evidence.filter((e) => !items.has(e.target_id));
    state.documents = state.documents.filter((d) => d.persona_id !== id);
    state.versions = state.versions.filter((v) => v.persona_id !== id);
    state.usages = state.usages.filter((u) => u.persona_id !== id);
    state.questions = state.questions.filter((q) => q.persona_id !== id);
    state.ties = state.ties.filter((t) => t.persona_id !== id);
    state.claims = state.claims.filter((c) => c.persona_id !== id);
  },
  "assumption.added": (state, data) => { state.assumptions.push(structuredClone(data.assumption)); },
  "assumption.edited": (state, data) => {
    const note = state.assumptions.find((a) => a.id === data.id);
    if (note) note.text = data.text;
  },
  "assumption.deleted": (state, data) => {
    state.assumptions = state.assumptions.filter((a) => a.id !== data.id);
    state.comments = state.comments.filter((c) => c.target_id !== data.id);
    state.evidence = state.evidence.filter((e) => e.target_id !== data.id);
    state.claims = state.claims.filter((c) => c.target_id !== data.id);
  },
  "vote.cast": (state, data) => {
    const note = findAssumption(state, data.assumption_id);
    if (!note) return;
    note.votes = structuredClone(data.votes);
    if ("my_vote" in data) note.my_vote = structuredClone(data.my_vote); // the voter's own form
    if (data.group) {
      const group = findGroup(state, data.group.id);
      if (group) group.votes = structuredClone(data.group.votes);
    }
  },
  "assumptions.revealed": (state, data) => {
    for (const revealed of data.assumptions) {
      const note = findAssumption(state, revealed.id);
      if (!note) state.assumptions.push(structuredClone(revealed));
      else { note.hidden = false; note.votes = structuredClone(revealed.votes); }
    }
    state.assumptions.sort((a, b) => a.seq - b.seq);
    const known = new Set(state.comments.map((c) => c.id));
    for (const comment of data.comments) {
      if (!known.has(comment.id)) state.comments.push(structuredClone(comment));
    }
    state.comments.sort((a, b) => a.seq - b.seq);
  },
  "votes.revealed": (state, data) => {
    state.workshop.settings = structuredClone(data.settings);
    for (const note of state.assumptions) {
      if (note.id in data.votes) note.votes = structuredClone(data.votes[note.id]);
    }
    for (const group of state.groups) {
      if (group.id in data.groups) group.votes = structuredClone(data.groups[group.id]);
    }
  },
  "settings.updated": (state, data) => {
    const settings = structuredClone(data.settings);
    state.workshop.settings = settings;
    if (settings.blind_voting && !settings.votes_revealed) {
      for (const item of [...state.assumptions, ...state.groups]) {
        item.votes = { voters: item.votes.voters }; // blind: only the voter count shows
      }
    }
  },
  "phase.changed": (state, data) => { state.workshop.phase = data.phase; },
  "done.changed": (state, data) => {
    state.done = state.done.filter((id) => id !== data.participant_id);
    if (data.done) state.done.push(data.participant_id);
  },
  "timer.changed": (state, data) => { state.workshop.settings.timer = structuredClone(data.timer); },
  "assumptions.grouped": patchGroups,
  "assumptions.ungrouped": patchGroups,
  "group.renamed": (state, data) => {
    const group = findGroup(state, data.id);
    if (group) group.title = data.title;
  },
  "decision.made": (state, data) => {
    const items = data.target_type === "group" ? state.groups : state.assumptions;
    const item = items.find((i) => i.id === data.target_id);
    if (item) item.decision = structuredClone(data.decision);
  },
  "comment.added": (state, data) => { state.comments.push(structuredClone(data.comment)); },
  "comment.deleted": (state, data) => {
    state.comments = state.comments.filter((c) => c.id !== data.id);
  },
  "participant.removed": (state, data) => {
    const participant = state.participants.find((p) => p.id === data.id);
    if (participant) participant.removed = true;
  },
  "research_note.added": (state, data) => { state.notes.push(structuredClone(data.note)); },
  "research_notes.imported": (state, data) => {
    for (const note of data.notes) state.notes.push(structuredClone(note));
  },
  "research_note.edited": (state, data) => {
    state.notes = state.notes.map((n) => (n.id === data.note.id ? structuredClone(data.note) : n));
  },
  "research_note.deleted": (state, data) => {
    state.notes = state.notes.filter((n) => n.id !== data.id);
    state.evidence = state.evidence.filter((e) => e.note_id !== data.id);
  },
  "evidence.linked": (state, data) => {
    state.evidence.push(structuredClone(data.link));
    const closed = new Set(data.closed_questions || []); // the questions this link answered
    for (const question of state.questions) {
      if (closed.has(question.id)) {
        Object.assign(question, { closed_by: data.link.id, updated_seq: data.link.seq });
      }
    }
  },
  "evidence.unlinked": (state, data) => {
    state.evidence = state.evidence.filter((e) => e.id !== data.id);
  },
  "document.created": (state, data) => {
    state.documents.push(structuredClone(data.version));
    state.versions.push(versionSummary(data.version));
    if (data.phase) state.workshop.phase = data.phase; // a new draft: back to merge
  },
  "document.saved": (state, data) => {
    if (data.started) { // the first change after agreement: a new draft, change included
      state.documents = state.documents.map((d) => (d.persona_id === data.persona_id
        ? structuredClone(data.started) : d));
      state.versions.push(versionSummary(data.started));
      if (data.phase) state.workshop.phase = data.phase; // back to merge if it was agreed
      return;
    }
    const version = findDocument(state, data.persona_id);
    if (!version) return;
    setDocumentField(version.document, data.path, data.value);
    version.revisions[data.path] = { ...data.revision };
    version.signoffs = {};
    version.updated_seq = data.revision.seq;
  },
  "document.signed": (state, data) => {
    const version = findDocument(state, data.persona_id);
    if (version) version.signoffs[data.team] = { ...data.signoff };
  },
  "document.agreed": (state, data) => {
    if (data.phase) state.workshop.phase = data.phase; // agreed once every persona is
    const agreed = { status: "agreed", agreed_by: data.agreed_by, agreed_at: data.agreed_at };
    const version = findDocument(state, data.persona_id);
    if (version) {
      Object.assign(version, agreed, { updated_seq: data.seq });
      delete version.document.data; // the data checks as agreed, or none
      if (data.data) version.document.data = structuredClone(data.data);
    }
    for (const summary of state.versions) {
      if (summary.persona_id === data.persona_id && summary.number === data.number) {
        Object.assign(summary, agreed);
      }
    }
  },
  "persona.imported": (state, data) => {
    state.personas.push({ ...data.persona });
    state.documents.push(structuredClone(data.version));
    state.versions.push(versionSummary(data.version));
    if (data.phase) state.workshop.phase = data.phase; // a new draft: back to merge
  },
  "review.started": (state, data) => { // the next draft replaces the agreed version
    state.documents = state.documents.map((d) => (d.persona_id === data.persona_id
      ? structuredClone(data.started) : d));
    state.versions.push(versionSummary(data.started));
    state.workshop.phase = data.phase;
  },
  "usage.added": (state, data) => { state.usages.push(structuredClone(data.usage)); },
  "usage.edited": (state, data) => { state.usages = replaceRow(state.usages, data.usage); },
  "usage.removed": (state, data) => {
    state.usages = state.usages.filter((u) => u.id !== data.id);
  },
  "question.added": (state, data) => { state.questions.push(structuredClone(data.question)); },
  "question.edited": (state, data) => {
    state.questions = replaceRow(state.questions, data.question);
  },
  "question.removed": (state, data) => {
    state.questions = state.questions.filter((q) => q.id !== data.id);
  },
  // "review.due" is a notice (a version reached its review date): no state changes.
  "share.created": outsideTheBoard,
  "share.rotated": outsideTheBoard,
  "share.revoked": outsideTheBoard,
  "api_token.created": outsideTheBoard,
  "api_token.revoked": outsideTheBoard,
  "webhook.set": outsideTheBoard,
  "webhook.removed": outsideTheBoard,
  "library.listed": outsideTheBoard,
  // Profiles: datasets, segments and claims are replaced by id; aggregates only.
  "dataset.imported": (state, data) => {
    const older = data.dataset.replaces_id && findById(state.datasets, data.dataset.replaces_id);
    if (older) older.deleted_seq = data.dataset.seq; // a refresh: the older export's data is gone
    put(state.datasets, data.dataset);
    putAll(state, data);
  },
  "dataset.mapped": (state, data) => {
    const dataset = findById(state.datasets, data.id);
    if (dataset) dataset.mapping = structuredClone(data.mapping);
  },
  "dataset.weighted": (state, data) => {
    const dataset = findById(state.datasets, data.id);
    if (dataset) {
      dataset.weight_column = data.weight_column;
      if (data.sizing !== null) dataset.summary.sizing = structuredClone(data.sizing);
    }
    putAll(state, data);
  },
  "dataset.deleted": (state, data) => {
    const dataset = findById(state.datasets, data.id);
    if (dataset) dataset.deleted_seq = data.deleted_seq;
  },
  "segment.defined": segmentSized,
  "segment.changed": segmentSized,
  "segment.removed": (state, data) => {
    state.segments = state.segments.filter((s) => s.id !== data.id);
  },
  "persona.tied": (state, data) => {
    state.ties = state.ties.filter((t) => t.persona_id !== data.persona_id);
    if (data.tie) {
      state.ties.push(structuredClone(data.tie));
      state.ties.sort((a, b) => a.seq - b.seq);
    }
    putAll(state, data);
  },
  "claim.set": (state, data) => { put(state.claims, data.claim); },
  "claim.cleared": (state, data) => {
    state.claims = state.claims.filter((c) => c.id !== data.id);
  },
  "claims.rechecked": (state, data) => { putAll(state, data); },
  "data.revealed": (state, data) => {
    state.workshop.settings = structuredClone(data.settings);
    for (const key of ["datasets", "segments", "claims"]) state[key] = structuredClone(data[key]);
  },
  // "invite.rotated" changes no board state; "hidden" is someone else's private entry.
  // Both only advance seq.
};

function replaceRow(rows, row) {
  return rows.map((r) => (r.id === row.id ? structuredClone(row) : r));
}

function findById(items, id) {
  return items.find((item) => item.id === id);
}

/** Replace the item with the same id, or add it; the list stays in seq order. */
function put(items, item) {
  const index = items.findIndex((existing) => existing.id === item.id);
  if (index >= 0) items[index] = structuredClone(item);
  else {
    items.push(structuredClone(item));
    items.sort((a, b) => a.seq - b.seq);
  }
}

function putAll(state, data) {
  for (const segment of data.segments || []) put(state.segments, segment);
  for (const claim of data.claims || []) put(state.claims, claim);
}

/** segment.defined and segment.changed: the segment, its dataset's sizing, the others. */
function segmentSized(state, data) {
  put(state.segments, data.segment);
  putAll(state, data);
  const dataset = findById(state.datasets, data.segment.dataset_id);
  if (dataset && data.sizing !== null) dataset.summary.sizing = structuredClone(data.sizing);
}

function findDocument(state, personaId) {
  return state.documents.find((d) => d.persona_id === personaId);
}

function versionSummary(version) {
  const { persona_id, number, status, seq, agreed_by, agreed_at } = version;
  return { persona_id, number, status, seq, agreed_by, agreed_at };
}

/** Put a saved value at its path (`identity.<field>` or `items.<item id>`), in place. */
export function setDocumentField(document, path, value) {
  const dot = path.indexOf(".");
  const kind = path.slice(0, dot);
  const key = path.slice(dot + 1);
  if (kind === "identity") {
    document.identity[key] = structuredClone(value);
    return;
  }
  for (const section of document.sections) {
    for (const item of section.items) if (item.id === key) item.text = value;
  }
}

function findGroup(state, id) {
  return state.groups.find((g) => g.id === id);
}

function patchGroups(state, data) {
  for (const changed of data.groups) {
    const group = findGroup(state, changed.id);
    if (group) Object.assign(group, structuredClone(changed));
    else state.groups.push(structuredClone(changed));
  }
  const removed = new Set(data.removed);
  state.groups = state.groups.filter((g) => !removed.has(g.id)).sort((a, b) => a.seq - b.seq);
  state.comments = state.comments.filter((c) => !removed.has(c.target_id));
  state.evidence = state.evidence.filter((e) => !removed.has(e.target_id));
  state.claims = state.claims.filter((c) => !removed.has(c.target_id));
  for (const note of state.assumptions) {
    if (note.id in data.notes) note.group_id = data.notes[note.id];
  }
}

function findAssumption(state, id) {
  return state.assumptions.find((a) => a.id === id);
}

/** Apply one event in place. Returns "applied", "old" (already seen) or "gap". */
export function applyEvent(state, event) {
  if (event.seq <= state.seq) return "old";
  if (event.seq !== state.seq + 1) return "gap";
  const reducer = reducers[event.type];
  const phase = state.workshop?.phase;
  if (reducer) reducer(state, event.data);
  if (state.workshop && state.workshop.phase !== phase) state.done = []; // "done" is per phase
  state.seq = event.seq;
  return "applied";
}

/** The palette slot (0–7) of a team, or null for people without a team. */
export function teamSlot(state, team) {
  const index = state.workshop.teams.indexOf(team);
  return index < 0 ? null : index % 8;
}

/** Short labels for the teams (one to three letters), unique where a longer prefix helps:
 *  Marketing → "M", but Support and Sales → "Su" and "Sa". */
export function teamShortNames(teams) {
  const names = new Map();
  for (const team of teams) {
    const folded = team.toLocaleLowerCase();
    const others = teams.filter((other) => other !== team).map((other) => other.toLocaleLowerCase());
    let length = 1;
    while (length < 3 && length < team.length
           && others.some((other) => other.startsWith(folded.slice(0, length)))) length += 1;
    const prefix = [...team].slice(0, length).join("");
    names.set(team, prefix.charAt(0).toLocaleUpperCase() + prefix.slice(1));
  }
  return names;
}

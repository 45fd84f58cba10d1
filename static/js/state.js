// The board's state and how each event changes it — the same rules as
// workshop/domain/board.py, so a replayed log equals a fresh snapshot.

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
  "assumption.added": (state, data) => { state.assumptions.push({ ...data.assumption }); },
  "assumption.edited": (state, data) => {
    const note = state.assumptions.find((a) => a.id === data.id);
    if (note) note.text = data.text;
  },
  "assumption.deleted": (state, data) => {
    state.assumptions = state.assumptions.filter((a) => a.id !== data.id);
  },
};

/** Apply one event in place. Returns "applied", "old" (already seen) or "gap". */
export function applyEvent(state, event) {
  if (event.seq <= state.seq) return "old";
  if (event.seq !== state.seq + 1) return "gap";
  const reducer = reducers[event.type];
  if (reducer) reducer(state, event.data);
  state.seq = event.seq;
  return "applied";
}

/** The palette slot (0–7) of a team, or null for people without a team. */
export function teamSlot(state, team) {
  const index = state.workshop.teams.indexOf(team);
  return index < 0 ? null : index % 8;
}

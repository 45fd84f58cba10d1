// The presence list kept up to date from `presence_delta` messages (docs/protocol.md, presence).

/** Sorted as the server sorts `present`: by team, then name, ignoring case. */
function byTeamThenName(a, b) {
  const keyA = [a.team.toLowerCase(), a.name.toLowerCase()];
  const keyB = [b.team.toLowerCase(), b.name.toLowerCase()];
  if (keyA[0] !== keyB[0]) return keyA[0] < keyB[0] ? -1 : 1;
  if (keyA[1] !== keyB[1]) return keyA[1] < keyB[1] ? -1 : 1;
  return 0;
}

/** The list after a delta: `left` ids removed, `joined` people added or replaced. */
export function applyPresenceDelta(present, { joined = [], left = [] }) {
  const gone = new Set([...left, ...joined.map((person) => person.id)]);
  return [...present.filter((person) => !gone.has(person.id)), ...joined].sort(byTeamThenName);
}

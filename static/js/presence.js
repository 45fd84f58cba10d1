// Who is here now, grouped by team, and the team colour legend (the sidebar).
import { h } from "./dom.js";
import { t } from "./messages.js";

export function createPresence({ state, me, teamClass }) {
  const els = {
    people: document.getElementById("presence"),
    count: document.getElementById("presence-count"),
    legend: document.getElementById("team-legend"),
  };
  let present = [];

  function renderPeople() {
    const groups = new Map();
    for (const person of present) {
      const key = person.team || (person.role === "observer" ? t("board.presence.observers") : t("board.facilitation"));
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(person);
    }
    els.count.textContent = String(present.length);
    els.people.replaceChildren(...[...groups].map(([team, people]) =>
      h("section", { class: "presence-group" },
        h("h3", { class: "presence-team" },
          h("span", { class: `swatch ${teamClass(people[0].team)}`, "aria-hidden": "true" }), team),
        h("ul", {}, ...people.map((person) => h("li", { class: "presence-person" },
          h("span", { class: "avatar", "aria-hidden": "true", text: person.name.charAt(0).toUpperCase() }),
          h("span", { text: person.id === me.id ? t("board.presence.you", { name: person.name }) : person.name })))))));
  }

  function renderLegend() {
    els.legend.replaceChildren(...state.workshop.teams.map((team) =>
      h("li", {}, h("span", { class: `swatch ${teamClass(team)}`, "aria-hidden": "true" }), team)));
  }

  /** The server's list of who is connected (the `presence` message). */
  function show(list) {
    present = list;
    renderPeople();
  }

  function render() {
    renderLegend();
    renderPeople();
  }

  return { render, show };
}

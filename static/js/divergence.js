// The divergence view: notes × teams, each cell coloured by that team's agreement, most
// divisive first. Also keeps the server's measures so notes on the board can show them.
import { STATUS_LABELS } from "./data-labels.js";
import { plural, t } from "./messages.js";
import { h } from "./dom.js";
import { phase } from "./registry.js";

// Events after which the measures may have changed.
const REFETCH_ON = /^(vote\.cast|votes\.revealed|assumptions\.|group\.renamed|settings\.updated|participant\.joined|assumption\.)/;
const OPEN_DELAY_MS = 400; // the view is open: follow votes closely
const BOARD_DELAY_MS = 1500; // only the board's badges need it: fewer requests
const MAX_WAIT_MS = 4000; // a steady stream of votes still refreshes now and then

// Diverging scale: disagree (red) ← neutral → agree (green). The legend in app.css matches.
const DISAGREE_RGB = [179, 38, 30];
const NEUTRAL_RGB = [236, 232, 223];
const AGREE_RGB = [23, 112, 74];
const INK_RGB = [31, 36, 48];

function mix(from, to, share) {
  return from.map((value, i) => Math.round(value + (to[i] - value) * share));
}

function luminance(rgb) {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Background and text colours for an agreement share (0…1). */
export function agreementColours(share) {
  const background = share >= 0.5
    ? mix(NEUTRAL_RGB, AGREE_RGB, (share - 0.5) * 2)
    : mix(NEUTRAL_RGB, DISAGREE_RGB, (0.5 - share) * 2);
  const bg = luminance(background);
  const onWhite = 1.05 / (bg + 0.05);
  const onInk = (bg + 0.05) / (luminance(INK_RGB) + 0.05);
  return {
    background: `rgb(${background.join(" ")})`,
    color: onWhite > onInk ? "#ffffff" : `rgb(${INK_RGB.join(" ")})`,
  };
}

const percent = (share) => `${Math.round(share * 100)}%`;

export function createDivergence(ui) {
  const { state, teamClass, categoryLabel } = ui;
  const root = document.getElementById("divergence");

  let open = ui.store.view === "divergence"; // as of the last render (view-switch.js switches)
  let data = null; // {persona, blind, teams, items, byId}
  let status = "idle"; // idle | loading | ready | error
  let timer = null;
  let firstScheduled = 0;
  let requests = 0;
  let lastSeq = state.seq; // the seq our last event (or fetch) accounted for
  let stale = false; // something changed while nobody needed the measures
  let renderedKey = null;

  const votesHidden = () => state.workshop.settings.blind_voting && !state.workshop.settings.votes_revealed;
  const wanted = () => open || (phase(state.workshop.phase).voting && !votesHidden());

  ui.onEvent((event) => {
    lastSeq = event.seq;
    if (event.type === "vote.cast" && !open && takeMeasures(event.data)) return;
    if (REFETCH_ON.test(event.type)) schedule();
  });

  /** A vote carries its note's (or group's) new measures: with 200 boards, updating the
   *  badges from it in place spares the server 200 refetches of the whole picture. The open
   *  view still refetches, since its order follows divisiveness. Returns whether it fitted. */
  function takeMeasures(vote) {
    const pushed = vote.group ? vote.group.measures : vote.measures;
    const item = data?.byId.get(vote.group ? vote.group.id : vote.assumption_id);
    if (!pushed || !item || status !== "ready" || timer) return false;
    item.measures = pushed;
    renderedKey = null;
    return true;
  }

  /** Fetch again soon; repeated calls are folded into one request. */
  function schedule(delay = open ? OPEN_DELAY_MS : BOARD_DELAY_MS) {
    if (!wanted()) { stale = true; return; }
    stale = false;
    const now = Date.now();
    if (timer && now - firstScheduled > MAX_WAIT_MS) return; // let the pending one fire
    if (!timer) firstScheduled = now;
    clearTimeout(timer);
    timer = setTimeout(load, delay);
  }

  async function load() {
    timer = null;
    const persona = ui.store.activePersona();
    if (!persona) return;
    const number = ++requests;
    if (!data || data.persona !== persona) status = "loading";
    if (open) renderView();
    try {
      const url = `/api/workshops/${encodeURIComponent(state.workshop.id)}/divergence`
        + `?persona=${encodeURIComponent(persona)}`;
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(t("api.status", { status: response.status }));
      const body = await response.json();
      if (number !== requests) return; // a newer request is on its way
      data = { ...body, persona, byId: new Map(body.items.map((item) => [item.id, item])) };
      status = "ready";
    } catch {
      if (number !== requests) return;
      status = "error";
    }
    renderedKey = null;
    ui.store.changed();
  }

  /** The server's measures of a note on the active persona, when we have them. */
  function measuresFor(id) {
    if (!data || data.blind || votesHidden() || data.persona !== ui.store.activePersona()) return undefined;
    return data.byId.get(id)?.measures;
  }

  // ---- the view --------------------------------------------------------------------

  function header(extra) {
    const persona = state.personas.find((p) => p.id === ui.store.activePersona());
    return h("header", { class: "dv-head" },
      h("div", {},
        h("h2", { id: "divergence-heading", text: t("dv.heading") }),
        h("p", { class: "dv-sub", text: persona
          ? t("dv.sub.persona", { persona: persona.name })
          : t("dv.sub") })),
      extra);
  }

  function legend() {
    return h("div", { class: "dv-legend", "aria-hidden": "true" },
      h("span", { class: "dv-legend-label", text: t("vote.stance.disagree") }),
      h("span", { class: "dv-legend-scale" },
        h("span", { text: "0%" }), h("span", { text: "50%" }), h("span", { text: "100%" })),
      h("span", { class: "dv-legend-label", text: t("vote.stance.agree") }),
      h("span", { class: "dv-legend-none" }),
      h("span", { class: "dv-legend-label", text: t("dv.legend.none") }));
  }

  function emptyState(title, text, kind) {
    return h("div", { class: `dv-empty dv-empty-${kind}`, role: "status" },
      h("span", { class: "dv-empty-icon", "aria-hidden": "true" }),
      h("p", { class: "dv-empty-title", text: title }),
      text ? h("p", { class: "dv-empty-text", text }) : null);
  }

  function blindState() {
    const notes = state.assumptions.filter((a) => a.persona_id === ui.store.activePersona());
    const voted = notes.filter((a) => a.votes?.voters > 0);
    const votes = voted.reduce((sum, a) => sum + a.votes.voters, 0);
    const most = voted.reduce((max, a) => Math.max(max, a.votes.voters), 0);
    const text = votes
      ? t("dv.blind.so_far", { people: plural("dv.blind.people", most), votes: plural("vote.votes", votes),
        notes: plural("dv.blind.notes", notes.length, { voted: voted.length }) })
      : t("dv.blind.nobody");
    return emptyState(t("vote.hidden_until_reveal"), text, "blind");
  }

  function teamCell(team, counts) {
    if (!counts || !(counts.agree + counts.disagree)) {
      const unsure = counts?.unsure ?? 0;
      const label = unsure ? t("dv.cell.none_unsure", { team, unsure }) : t("dv.cell.none", { team });
      return h("td", { class: "dv-cell dv-cell-none", title: label, "aria-label": label },
        h("span", { class: "dv-cell-value", "aria-hidden": "true", text: "–" }),
        h("span", { class: "dv-cell-sub", "aria-hidden": "true",
          text: unsure ? t("dv.cell.unsure", { unsure }) : t("dv.cell.no_votes") }));
    }
    const decisive = counts.agree + counts.disagree;
    const label = t("vote.team_label", { team, result: t("vote.share_agree", { share: percent(counts.agreement) }),
      agree: counts.agree, disagree: counts.disagree, unsure: counts.unsure });
    const cell = h("td", { class: `dv-cell leaning-${counts.leaning}`, title: label, "aria-label": label },
      h("span", { class: "dv-cell-value", "aria-hidden": "true", text: percent(counts.agreement) }),
      h("span", { class: "dv-cell-sub", "aria-hidden": "true",
        text: t("dv.cell.of_agree", { agree: counts.agree, decisive }) }),
      counts.unsure ? h("span", { class: "dv-cell-sub", "aria-hidden": "true",
        text: t("dv.cell.plus_unsure", { unsure: counts.unsure }) }) : null);
    const colours = agreementColours(counts.agreement);
    cell.style.backgroundColor = colours.background;
    cell.style.color = colours.color;
    return cell;
  }

  function overallCell(m) {
    if (m.agreement === null) {
      return h("td", { class: "dv-overall", "aria-label": t("dv.no_decisive") },
        h("span", { class: "dv-overall-value", text: "–" }));
    }
    const swatch = h("span", { class: "dv-overall-swatch", "aria-hidden": "true" });
    swatch.style.backgroundColor = agreementColours(m.agreement).background;
    return h("td", { class: "dv-overall" }, swatch,
      h("span", { class: "dv-overall-value", text: percent(m.agreement) }));
  }

  function consensusCell(m) {
    if (m.consensus === null) return h("td", { class: "dv-consensus", text: "–" });
    const bar = h("span", { class: "dv-meter-fill" });
    bar.style.width = percent(m.consensus);
    return h("td", { class: "dv-consensus", title: t("dv.consensus_title") },
      h("span", { class: "dv-meter", "aria-hidden": "true" }, bar),
      h("span", { class: "dv-consensus-value", text: percent(m.consensus) }));
  }

  function groupLabel(id) {
    const size = state.assumptions.filter((a) => a.group_id === id).length;
    return size ? t("dv.group_of", { n: size }) : t("common.group");
  }

  /** The data check of an item (its own claim, or for a group one on a member note), as
   *  the server let this viewer see it: none while the data is hidden (beliefs first). */
  function dataCheck(item) {
    const ids = new Set([item.id, ...(item.kind === "group"
      ? state.assumptions.filter((a) => a.group_id === item.id).map((a) => a.id) : [])]);
    return state.claims.find((c) => c.result && c.target_type !== "field" && ids.has(c.target_id))?.result ?? null;
  }

  function dataCell(item) {
    const result = dataCheck(item);
    if (!result) return h("td", { class: "dv-data dv-data-none", text: "–" });
    return h("td", { class: "dv-data" }, h("span", { class: `data-badge data-badge-${result.status}`,
      title: result.summary, text: STATUS_LABELS[result.status] ?? result.status }));
  }

  function row(item, teams, withData) {
    const m = item.measures;
    const flags = [];
    if (m.contested) flags.push(h("span", { class: "badge badge-contested", text: t("vote.contested") }));
    if (m.only_team) {
      flags.push(h("span", { class: `dv-only ${teamClass(m.only_team)}`, text: t("vote.only_team", { team: m.only_team }) }));
    }
    return h("tr", { class: m.contested ? "dv-row contested" : "dv-row", "data-id": item.id },
      h("th", { scope: "row", class: "dv-note" },
        h("span", { class: "dv-note-text", title: item.text, text: item.text }),
        h("span", { class: "dv-note-meta", text: [
          item.kind === "group" ? groupLabel(item.id) : null,
          categoryLabel(item.category),
          plural("vote.votes", m.votes),
        ].filter(Boolean).join(" · ") }),
        flags.length ? h("span", { class: "dv-flags" }, ...flags) : null),
      ...teams.map((team) => teamCell(team, m.teams[team])),
      withData ? dataCell(item) : null,
      overallCell(m),
      consensusCell(m));
  }

  function table(items, teams) {
    // Beside the teams, what the data says (issue 27), once any item has a visible check.
    const withData = items.some((item) => dataCheck(item));
    return h("div", { class: "dv-scroll", tabindex: "0", role: "region", "aria-label": t("dv.table.label") },
      h("table", { class: "dv-table" },
        h("caption", { class: "sr-only", text: t("dv.table.caption") }),
        h("thead", {}, h("tr", {},
          h("th", { scope: "col", class: "dv-col-note", text: t("dv.table.note") }),
          ...teams.map((team) => h("th", { scope: "col", class: "dv-col-team" },
            h("span", { class: `swatch ${teamClass(team)}`, "aria-hidden": "true" }),
            h("span", { text: team }))),
          withData ? h("th", { scope: "col", class: "dv-col-data", text: t("dv.table.data") }) : null,
          h("th", { scope: "col", class: "dv-col-num", text: t("dv.table.overall") }),
          h("th", { scope: "col", class: "dv-col-num", text: t("dv.table.consensus") }))),
        h("tbody", {}, ...items.map((item) => row(item, teams, withData)))));
  }

  function renderView() {
    let body;
    let extra = null;
    if (status === "error" && !data) {
      body = emptyState(t("dv.error.title"), t("dv.error.text"), "error");
    } else if (!data || data.persona !== ui.store.activePersona()) {
      body = emptyState(t("common.loading"), null, "loading");
    } else if (data.blind || votesHidden()) {
      body = blindState();
    } else {
      const voted = data.items.filter((item) => item.measures.votes > 0);
      const teams = data.teams.length ? data.teams
        : [...new Set(voted.flatMap((item) => Object.keys(item.measures.teams)))];
      if (!voted.length) {
        body = emptyState(t("vote.no_votes"), t("dv.empty.text"), "none");
      } else {
        const contested = voted.filter((item) => item.measures.contested).length;
        extra = h("p", { class: "dv-summary" },
          h("strong", { text: String(voted.length) }),
          ` ${voted.length === 1 ? t("dv.summary.voted.one") : t("dv.summary.voted.other")} · `,
          h("strong", { text: String(contested) }), ` ${t("dv.summary.contested")}`);
        const unvoted = data.items.length - voted.length;
        body = h("div", {}, legend(),
          h("p", { class: "dv-consensus-explain", text: t("dv.consensus.explain") }),
          table(voted, teams),
          unvoted ? h("p", { class: "dv-footnote", text: plural("dv.unvoted", unvoted) }) : null);
      }
    }
    root.replaceChildren(header(extra), body);
  }

  function render() {
    if (open !== (ui.store.view === "divergence")) {
      open = !open;
      if (open) schedule(0); // just opened: fetch now
    }

    // Catch up on what changed without an event we heard (persona switch, resync after a gap).
    const persona = ui.store.activePersona();
    if (wanted() && !timer
        && (stale || status === "idle" || (data && data.persona !== persona) || state.seq > lastSeq)) {
      lastSeq = state.seq;
      schedule(data && data.persona !== persona ? 0 : undefined);
    }
    if (!open) return;
    const key = `${status}|${persona}|${data ? requests : 0}|${votesHidden()}|${state.seq}`;
    if (key === renderedKey) return;
    renderedKey = key;
    renderView();
  }

  return { render, measuresFor };
}

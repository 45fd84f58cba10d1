// Facilitation: the phase (pill, stepper and prompt), the shared countdown, and the
// facilitator's panel of settings, reveals and timer controls.
import { plural, t } from "./messages.js";
import { h } from "./dom.js";
import { PHASES, phase as phaseOf, phaseLabel } from "./registry.js";

const SWITCHES = [
  ["private_collect", t("settings.private_collect"), t("settings.private_collect.hint")],
  ["blind_voting", t("settings.blind_voting"), t("settings.blind_voting.hint")],
  ["anonymous", t("settings.anonymous"), t("settings.anonymous.hint")],
  ["require_signoff", t("settings.require_signoff"), t("settings.require_signoff.hint")],
  ["reopen_facilitator_only", t("settings.reopen_facilitator_only"), t("settings.reopen_facilitator_only.hint")],
  ["data_hidden", t("settings.data_hidden"), t("settings.data_hidden.hint")],
];

// Chips in the phase banner telling everyone which rules are in force.
const MODES = [
  ["private_collect", t("settings.private_collect"), t("mode.private_collect.hint")],
  ["blind_voting", t("settings.blind_voting"), t("mode.blind_voting.hint")],
  ["anonymous", t("mode.anonymous"), t("mode.anonymous.hint")],
  ["require_signoff", t("mode.require_signoff"), t("mode.require_signoff.hint")],
  ["data_hidden", t("mode.data_hidden"), t("mode.data_hidden.hint")],
];

const TIMER_PRESETS = [[300, t("timer.minutes", { n: 5 })], [600, t("timer.minutes", { n: 10 })]];
const MAX_DOT_BUDGET = 20;

/** "4:05" for 245 seconds; "1:02:03" from an hour on. */
export function formatRemaining(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${String(m).padStart(2, "0")}:${s}`;
}

export function createFacilitation(ui) {
  const { state, me, send, toast } = ui;
  const isFacilitator = me.role === "facilitator";
  const els = {
    pill: document.getElementById("phase"),
    steps: document.getElementById("phase-steps"),
    prompt: document.getElementById("phase-prompt"),
    timer: document.getElementById("timer"),
    panel: document.getElementById("facilitation"),
    status: document.querySelector("#phase-banner .phase-status"),
  };

  // ---- phase -----------------------------------------------------------------------

  let renderedPhase = null;
  function renderPhase() {
    const phase = state.workshop.phase;
    if (phase === renderedPhase) return;
    renderedPhase = phase;
    const current = PHASES.findIndex((p) => p.key === phase);
    els.pill.textContent = phaseLabel(phase);
    els.pill.dataset.phase = phase;
    document.body.dataset.phase = phase;
    const { prompt } = phaseOf(phase);
    els.prompt.textContent = prompt ? t(prompt) : "";
    els.steps.replaceChildren(...PHASES.map(({ key }, index) => {
      const status = index < current ? "done" : index === current ? "current" : "todo";
      const content = [
        h("span", { class: "phase-step-number", "aria-hidden": "true", text: String(index + 1) }),
        h("span", { class: "phase-step-label", text: phaseLabel(key) }),
      ];
      const step = isFacilitator
        ? h("button", {
          class: "phase-step-button", type: "button", "data-phase": key,
          "aria-current": index === current ? "step" : false,
          title: index === current ? t("phase.current") : t("phase.move_to", { phase: phaseLabel(key) }),
          onclick: () => { if (key !== state.workshop.phase) send("phase.set", { phase: key }); },
        }, ...content)
        : h("span", { class: "phase-step-static", "aria-current": index === current ? "step" : false },
          ...content);
      return h("li", { class: `phase-step phase-step-${status}` }, step);
    }));
  }

  const modeChips = new Map();
  function renderModes() {
    const settings = state.workshop.settings;
    for (const [key, label, hint] of MODES) {
      if (!modeChips.has(key)) {
        const chip = h("span", { class: "mode-chip", "data-mode": key, title: hint });
        modeChips.set(key, chip);
        els.status.prepend(chip);
      }
      const chip = modeChips.get(key);
      const revealed = key === "blind_voting" && settings.votes_revealed;
      // Beliefs first ends with the reveal: from then on the data is everyone's.
      chip.hidden = !settings[key] || (key === "data_hidden" && settings.data_revealed);
      chip.textContent = revealed ? t("mode.votes_revealed") : label;
      chip.dataset.state = revealed ? "revealed" : "on";
    }
  }

  // ---- timer -------------------------------------------------------------------------

  // Count from the server's clock: offset = server time − our time when the snapshot was made.
  let clockOffset = 0;
  let clockFrom = null;
  function syncClock() {
    if (state.server_time && state.server_time !== clockFrom) {
      clockFrom = state.server_time;
      clockOffset = Date.parse(state.server_time) - Date.now();
    }
  }

  let ticker = null;
  function renderTimer() {
    const timer = state.workshop.settings.timer;
    if (!timer) {
      els.timer.hidden = true;
      clearInterval(ticker);
      ticker = null;
      return;
    }
    const left = Math.max(0, Math.round((Date.parse(timer.ends_at) - (Date.now() + clockOffset)) / 1000));
    const text = left > 0 ? formatRemaining(left) : t("timer.up");
    if (els.timer.textContent !== text) els.timer.textContent = text;
    els.timer.hidden = false;
    els.timer.dataset.state = left === 0 ? "up" : left <= 60 ? "low" : "running";
    els.timer.setAttribute("aria-label", left > 0
      ? t("timer.left", { min: Math.floor(left / 60), s: left % 60 }) : t("timer.up"));
    if (!ticker) ticker = setInterval(renderTimer, 1000);
  }

  // ---- the facilitator's panel ---------------------------------------------------

  const panel = {};
  function buildPanel() {
    const switches = SWITCHES.map(([key, label, hint]) => {
      const input = h("input", { type: "checkbox", role: "switch", id: `setting-${key}`,
        "aria-describedby": `setting-${key}-hint`, onchange: () => changeSetting(key, input.checked) });
      panel[key] = input;
      return h("div", { class: "setting" },
        h("label", { class: "switch", for: `setting-${key}` }, input,
          h("span", { class: "switch-track", "aria-hidden": "true" }),
          h("span", { class: "switch-label", text: label })),
        h("p", { class: "setting-hint", id: `setting-${key}-hint`, text: hint }));
    });
    panel.budget = h("input", { type: "number", id: "setting-dot_budget", min: "0",
      max: String(MAX_DOT_BUDGET), step: "1", inputmode: "numeric", class: "budget-input",
      onchange: changeBudget });
    panel.revealNotes = h("button", { class: "button button-small", type: "button",
      text: t("reveal.notes"), onclick: async () => {
        const ack = await send("reveal", { what: "notes" });
        const shown = ack.event?.data?.assumptions?.length ?? 0;
        if (ack.ok) toast(shown ? plural("reveal.notes.done", shown) : t("reveal.notes.done_none"));
      } });
    panel.revealVotes = h("button", { class: "button button-small button-primary", type: "button",
      text: t("reveal.votes"), onclick: () => send("reveal", { what: "votes" }) });
    panel.revealStatus = h("p", { class: "setting-hint", role: "status" });
    panel.extend = h("button", { class: "button button-small", type: "button", text: t("timer.extend"),
      "aria-label": t("timer.extend.label"), onclick: () => send("timer.extend", { seconds: 60 }) });
    panel.stop = h("button", { class: "button button-small", type: "button", text: t("timer.stop"),
      "aria-label": t("timer.stop.label"), onclick: () => send("timer.stop", {}) });

    els.panel.append(
      h("div", { class: "panel-group" },
        h("h3", { class: "panel-heading", text: t("panel.settings") }),
        ...switches,
        h("div", { class: "setting setting-inline" },
          h("label", { for: "setting-dot_budget", text: t("panel.dots_per_person") }), panel.budget)),
      buildRequireEvidence(),
      h("div", { class: "panel-group" },
        h("h3", { class: "panel-heading", text: t("panel.reveal") }),
        h("div", { class: "button-row" }, panel.revealNotes, panel.revealVotes),
        panel.revealStatus),
      h("div", { class: "panel-group" },
        h("h3", { class: "panel-heading", text: t("panel.timer") }),
        h("div", { class: "button-row", role: "group", "aria-label": t("panel.timer") },
          ...TIMER_PRESETS.map(([seconds, label]) => h("button", {
            class: "button button-small", type: "button", text: label,
            "aria-label": t("timer.start", { duration: label }),
            onclick: () => send("timer.start", { seconds }) })),
          panel.extend, panel.stop),
        timerForm()),
      buildLinks(),
      h("div", { class: "panel-group" },
        h("h3", { class: "panel-heading", text: t("panel.people") }),
        panel.people = h("ul", { class: "people-list", "aria-label": t("panel.people.label") }),
        panel.removed = h("div", { class: "people-removed", hidden: true },
          h("h4", { class: "panel-sub", id: "people-removed", text: t("panel.people.removed") }),
          panel.removedList = h("ul", { class: "people-list", "aria-labelledby": "people-removed" }))));
    ui.onEvent((event) => {
      if (event.type === "invite.rotated" || event.data?.rotated) loadLinks(); // Remove may rotate
    });
    loadLinks();
  }

  /** Any length: a number of minutes (1–120), not only the presets. */
  function timerForm() {
    const minutes = h("input", { type: "number", id: "timer-minutes", min: "1", max: "120", step: "1",
      inputmode: "numeric", class: "budget-input", value: "7", required: true });
    return h("form", { class: "setting setting-inline timer-form", id: "timer-form",
      onsubmit: (event) => {
        event.preventDefault();
        const value = Number(minutes.value);
        if (!Number.isInteger(value) || value < 1 || value > 120) { toast(t("timer.custom.invalid")); return; }
        send("timer.start", { seconds: value * 60 });
      } },
    h("label", { for: "timer-minutes", text: t("timer.custom.label") }), minutes,
    h("button", { class: "button button-small", type: "submit", text: t("timer.custom.start"),
      "aria-label": t("timer.custom.start_label") }));
  }

  // ---- categories whose items need supporting research before they are accepted -----

  function buildRequireEvidence() {
    panel.require = new Map();
    const items = state.categories.map((category) => {
      const input = h("input", { type: "checkbox", id: `require-${category.key}`, value: category.key,
        onchange: changeRequired });
      panel.require.set(category.key, input);
      return h("li", {}, h("label", { for: `require-${category.key}` }, input, ui.categoryLabel(category.key)));
    });
    panel.requireSummary = h("summary", {});
    return h("div", { class: "panel-group" },
      h("h3", { class: "panel-heading", text: t("panel.evidence") }),
      h("details", { class: "require-evidence" }, panel.requireSummary,
        h("p", { class: "setting-hint", id: "require-hint",
          text: t("panel.require.hint") }),
        h("ul", { class: "require-list", role: "group", "aria-describedby": "require-hint",
          "aria-label": t("panel.require.label") }, ...items)));
  }

  async function changeRequired() {
    const keys = [...panel.require].filter(([, input]) => input.checked).map(([key]) => key);
    await send("settings.update", { require_evidence: keys });
    renderPanel(); // refused: the boxes go back to what the server says
  }

  function renderRequired() {
    const required = new Set(state.workshop.settings.require_evidence ?? []);
    for (const [key, input] of panel.require) input.checked = required.has(key);
    const names = state.categories.filter((c) => required.has(c.key)).map((c) => ui.categoryLabel(c.key));
    panel.requireSummary.textContent = names.length
      ? t("panel.require.summary", { categories: names.join(", ") })
      : t("panel.require.none");
  }

  // ---- links and people (rotating a link; removing someone) ------------------------

  function buildLinks() {
    panel.links = {};
    const rows = [["invite_url", "participant", t("home.created.invite_link"), t("panel.links.copy_invite"),
      t("panel.links.rotate_invite")], ["observer_url", "observer", t("home.created.observer_link"),
      t("panel.links.copy_observer"), t("panel.links.rotate_observer")]]
      .map(([key, role, label, copyLabel, rotateLabel]) => {
        const input = h("input", { readonly: true, "aria-label": label, class: "link-input" });
        panel.links[key] = input;
        return h("div", { class: "link-field" },
          h("span", { class: "link-label", text: label }), input,
          h("div", { class: "button-row" },
            h("button", { class: "button button-small", type: "button", text: t("common.copy"),
              "aria-label": copyLabel,
              onclick: async (event) => {
                input.select();
                try { await navigator.clipboard.writeText(input.value); event.target.textContent = t("common.copied"); }
                catch { event.target.textContent = t("common.press_ctrl_c"); }
                setTimeout(() => { event.target.textContent = t("common.copy"); }, 1500);
              } }),
            h("button", { class: "button button-small", type: "button", text: t("panel.links.new"),
              "aria-label": rotateLabel, "data-role": role, onclick: (event) => rotateLink(event.currentTarget, role) })));
      });
    const base = `/w/${encodeURIComponent(state.workshop.id)}`;
    return h("div", { class: "panel-group" },
      h("h3", { class: "panel-heading", text: t("panel.links") }), ...rows,
      h("p", { class: "setting-hint", text: t("panel.links.hint") }),
      // Share links for one persona, API tokens, the webhook, the library: a page of their own.
      h("a", { class: "button button-small sharing-open", id: "sharing-open",
        href: `/w/${encodeURIComponent(state.workshop.id)}/sharing`, text: t("panel.sharing.open") }),
      h("p", { class: "setting-hint", text: t("panel.sharing.hint") }),
      // For the wall display: the invite as a QR code, and the board following this one.
      h("div", { class: "button-row" },
        h("a", { class: "button button-small", id: "join-screen-link", href: `${base}/join-screen`, target: "_blank",
          rel: "noopener", text: t("panel.links.join_screen") }),
        h("a", { class: "button button-small", id: "present-link", href: `${base}?present`, target: "_blank",
          rel: "noopener", text: t("panel.links.present") })));
  }

  /** "New link" asks once ("Sure? …"), then rotates and says so: the old link stops working. */
  async function rotateLink(button, role) {
    if (!button.dataset.armed) {
      button.dataset.armed = "1";
      button.textContent = t("panel.links.confirm");
      button.setAttribute("aria-label", t("panel.links.confirm_label"));
      button.disarm = setTimeout(() => disarm(button), 4000);
      return;
    }
    disarm(button);
    const ack = await send("invite.rotate", { role });
    if (ack.ok) toast(role === "observer" ? t("panel.links.rotated.observer") : t("panel.links.rotated.invite"));
  }

  function disarm(button) {
    clearTimeout(button.disarm);
    delete button.dataset.armed;
    button.textContent = t("panel.links.new");
    button.setAttribute("aria-label", button.dataset.role === "observer"
      ? t("panel.links.rotate_observer") : t("panel.links.rotate_invite"));
  }

  async function loadLinks() {
    try {
      const response = await fetch(`/api/workshops/${encodeURIComponent(state.workshop.id)}/links`,
        { credentials: "same-origin" });
      if (!response.ok) return;
      const links = await response.json();
      for (const [key, input] of Object.entries(panel.links)) input.value = links[key] ?? "";
    } catch {
      // Offline: the links are loaded again after the next rotation.
    }
  }

  // Remove asks first, in place, and offers a new secret for the link the person came in
  // through in the same step: without it, that link lets them straight back in.
  let confirming = null; // the id of the person whose removal is being confirmed
  const ROTATE_LABELS = {
    participant: t("panel.people.rotate.participant"), observer: t("panel.people.rotate.observer"),
    facilitator: t("panel.people.rotate.facilitator"),
  };

  function personLabel(person) {
    return person.team ? `${person.name} · ${person.team}`
      : `${person.name} · ${person.role === "observer" ? t("role.observer") : t("role.facilitator")}`;
  }

  function removeConfirmation(person) {
    const rotate = h("input", { type: "checkbox", id: "remove-rotate", checked: true });
    return h("div", { class: "remove-confirm", role: "group", "aria-labelledby": "remove-question" },
      h("p", { id: "remove-question", class: "remove-question", text: t("panel.people.confirm", { name: person.name }) }),
      h("label", { class: "remove-rotate", for: "remove-rotate" }, rotate, ROTATE_LABELS[person.role]),
      h("p", { class: "setting-hint", text: t("panel.people.rotate.hint") }),
      h("div", { class: "button-row" },
        h("button", { class: "button button-small button-danger-solid", type: "button", id: "remove-confirm",
          text: t("panel.people.remove_now", { name: person.name }),
          onclick: async () => {
            const ack = await send("participant.remove", { id: person.id, rotate_link: rotate.checked });
            if (ack.ok) { confirming = null; renderPeople(true); }
          } }),
        h("button", { class: "button button-small", type: "button", text: t("common.cancel"),
          onclick: () => { confirming = null; renderPeople(true); } })));
  }

  function renderPeople(force = false) {
    const others = state.participants.filter((p) => p.id !== me.id);
    const people = others.filter((p) => !p.removed);
    const removed = others.filter((p) => p.removed);
    if (!people.some((p) => p.id === confirming)) confirming = null;
    const key = JSON.stringify([people.map((p) => p.id), removed.map((p) => p.id), confirming]);
    if (panel.people.dataset.key === key && !force) return;
    panel.people.dataset.key = key;
    panel.people.replaceChildren(...people.map((person) => h("li", { class: "people-item" },
      h("span", { text: personLabel(person) }),
      confirming === person.id ? null : h("button", { class: "icon-button danger", type: "button",
        text: t("common.remove"), "aria-label": t("panel.people.remove", { name: person.name }),
        onclick: () => {
          confirming = person.id;
          renderPeople(true);
          document.getElementById("remove-confirm")?.focus();
        } }),
      confirming === person.id ? removeConfirmation(person) : null)));
    if (!people.length) panel.people.append(h("li", { class: "setting-hint", text: t("panel.people.none") }));
    panel.removed.hidden = !removed.length;
    panel.removedList.replaceChildren(...removed.map((person) => h("li", { class: "people-item removed" },
      h("span", { text: personLabel(person) }), h("span", { class: "removed-tag", text: t("panel.people.removed_tag") }))));
  }

  async function changeSetting(key, value) {
    await send("settings.update", { [key]: value });
    renderPanel(); // refused: the switch goes back to what the server says
  }

  async function changeBudget() {
    const value = Number(panel.budget.value);
    if (!Number.isInteger(value) || value < 0 || value > MAX_DOT_BUDGET) {
      toast(t("panel.budget_invalid", { max: MAX_DOT_BUDGET }));
      renderPanel(true);
      return;
    }
    if (value !== state.workshop.settings.dot_budget) {
      await send("settings.update", { dot_budget: value });
    }
    renderPanel(true);
  }

  function renderPanel(force = false) {
    if (!isFacilitator || !els.panel) return;
    if (!panel.budget) buildPanel();
    renderPeople();
    const settings = state.workshop.settings;
    for (const [key] of SWITCHES) panel[key].checked = Boolean(settings[key]);
    renderRequired();
    if (force || document.activeElement !== panel.budget) panel.budget.value = String(settings.dot_budget);
    const votesHidden = settings.blind_voting && !settings.votes_revealed;
    panel.revealNotes.disabled = !settings.private_collect;
    panel.revealVotes.disabled = !votesHidden;
    panel.revealStatus.textContent = votesHidden ? t("reveal.status.hidden")
      : settings.blind_voting ? t("reveal.status.revealed") : t("reveal.status.open");
    panel.extend.disabled = !settings.timer;
    panel.stop.disabled = !settings.timer;
  }

  return {
    render() {
      syncClock();
      renderPhase();
      renderModes();
      renderTimer();
      renderPanel();
    },
  };
}

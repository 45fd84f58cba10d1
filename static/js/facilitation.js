// Facilitation: the phase (pill, stepper and prompt), the shared countdown, and the
// facilitator's panel of settings, reveals and timer controls.

export const PHASES = ["collect", "vote", "reconcile", "merge", "agreed"];

const PHASE_LABELS = {
  collect: "Collect", vote: "Vote", reconcile: "Reconcile", merge: "Merge", agreed: "Agreed",
};

// The same texts as PHASE_PROMPTS in workshop/domain/settings.py (the server does not send them).
export const PHASE_PROMPTS = {
  collect: "Write down what you believe about the customer, one note per belief.",
  vote: "Take a stance on every note: agree, disagree or unsure. Spend your dots on what "
    + "matters most.",
  reconcile: "Look at where the teams differ. Discuss, group duplicates, decide.",
  merge: "Turn the accepted notes into one persona.",
  agreed: "This version of the persona is agreed.",
};

const SWITCHES = [
  ["private_collect", "Private collect", "New notes stay with their author until you reveal them."],
  ["blind_voting", "Blind voting", "Nobody sees stances until you reveal the votes."],
  ["anonymous", "Anonymous notes", "Hide who wrote each note. Choose before the first note."],
];

// Chips in the phase banner telling everyone which rules are in force.
const MODES = [
  ["private_collect", "Private collect", "New notes stay with their author until the facilitator reveals them"],
  ["blind_voting", "Blind voting", "Stances stay hidden until the facilitator reveals the votes"],
  ["anonymous", "Anonymous", "Nobody sees who wrote a note"],
];

const TIMER_PRESETS = [[300, "5 min"], [600, "10 min"]];
const MAX_DOT_BUDGET = 20;

/** "4:05" for 245 seconds; "1:02:03" from an hour on. */
export function formatRemaining(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${String(m).padStart(2, "0")}:${s}`;
}

export function createFacilitation(ui) {
  const { state, me, h, send, toast } = ui;
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
    const current = PHASES.indexOf(phase);
    els.pill.textContent = PHASE_LABELS[phase] ?? phase;
    els.pill.dataset.phase = phase;
    document.body.dataset.phase = phase;
    els.prompt.textContent = PHASE_PROMPTS[phase] ?? "";
    els.steps.replaceChildren(...PHASES.map((key, index) => {
      const status = index < current ? "done" : index === current ? "current" : "todo";
      const content = [
        h("span", { class: "phase-step-number", "aria-hidden": "true", text: String(index + 1) }),
        h("span", { class: "phase-step-label", text: PHASE_LABELS[key] }),
      ];
      const step = isFacilitator
        ? h("button", {
          class: "phase-step-button", type: "button", "data-phase": key,
          "aria-current": index === current ? "step" : false,
          title: index === current ? "Current phase" : `Move everyone to ${PHASE_LABELS[key]}`,
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
      chip.hidden = !settings[key];
      chip.textContent = revealed ? "Votes revealed" : label;
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
    const text = left > 0 ? formatRemaining(left) : "Time's up";
    if (els.timer.textContent !== text) els.timer.textContent = text;
    els.timer.hidden = false;
    els.timer.dataset.state = left === 0 ? "up" : left <= 60 ? "low" : "running";
    els.timer.setAttribute("aria-label", left > 0
      ? `Time left: ${Math.floor(left / 60)} min ${left % 60} s` : "Time's up");
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
      text: "Reveal notes", onclick: () => send("reveal", { what: "notes" }) });
    panel.revealVotes = h("button", { class: "button button-small button-primary", type: "button",
      text: "Reveal votes", onclick: () => send("reveal", { what: "votes" }) });
    panel.revealStatus = h("p", { class: "setting-hint", role: "status" });
    panel.extend = h("button", { class: "button button-small", type: "button", text: "+1 min",
      "aria-label": "+1 min: add one minute", onclick: () => send("timer.extend", { seconds: 60 }) });
    panel.stop = h("button", { class: "button button-small", type: "button", text: "Stop",
      "aria-label": "Stop the timer", onclick: () => send("timer.stop", {}) });

    els.panel.append(
      h("div", { class: "panel-group" },
        h("h3", { class: "panel-heading", text: "Settings" }),
        ...switches,
        h("div", { class: "setting setting-inline" },
          h("label", { for: "setting-dot_budget", text: "Dots per person" }), panel.budget)),
      buildRequireEvidence(),
      h("div", { class: "panel-group" },
        h("h3", { class: "panel-heading", text: "Reveal" }),
        h("div", { class: "button-row" }, panel.revealNotes, panel.revealVotes),
        panel.revealStatus),
      h("div", { class: "panel-group" },
        h("h3", { class: "panel-heading", text: "Timer" }),
        h("div", { class: "button-row", role: "group", "aria-label": "Timer" },
          ...TIMER_PRESETS.map(([seconds, label]) => h("button", {
            class: "button button-small", type: "button", text: label,
            "aria-label": `Start a ${label} timer`,
            onclick: () => send("timer.start", { seconds }) })),
          panel.extend, panel.stop)),
      buildLinks(),
      h("div", { class: "panel-group" },
        h("h3", { class: "panel-heading", text: "People" }),
        panel.people = h("ul", { class: "people-list", "aria-label": "People in this workshop" })));
    ui.onEvent((event) => { if (event.type === "invite.rotated") loadLinks(); });
    loadLinks();
  }

  // ---- categories whose items need supporting research before they are accepted -----

  function buildRequireEvidence() {
    panel.require = new Map();
    const items = state.categories.map((category) => {
      const input = h("input", { type: "checkbox", id: `require-${category.key}`, value: category.key,
        onchange: changeRequired });
      panel.require.set(category.key, input);
      return h("li", {}, h("label", { for: `require-${category.key}` }, input, category.label));
    });
    panel.requireSummary = h("summary", {});
    return h("div", { class: "panel-group" },
      h("h3", { class: "panel-heading", text: "Evidence" }),
      h("details", { class: "require-evidence" }, panel.requireSummary,
        h("p", { class: "setting-hint", id: "require-hint",
          text: "Items of these categories can be accepted only once a research passage supports them." }),
        h("ul", { class: "require-list", role: "group", "aria-describedby": "require-hint",
          "aria-label": "Categories that need supporting research" }, ...items)));
  }

  async function changeRequired() {
    const keys = [...panel.require].filter(([, input]) => input.checked).map(([key]) => key);
    await send("settings.update", { require_evidence: keys });
    renderPanel(); // refused: the boxes go back to what the server says
  }

  function renderRequired() {
    const required = new Set(state.workshop.settings.require_evidence ?? []);
    for (const [key, input] of panel.require) input.checked = required.has(key);
    const names = state.categories.filter((c) => required.has(c.key)).map((c) => c.label);
    panel.requireSummary.textContent = names.length
      ? `Required before accepting: ${names.join(", ")}`
      : "Require research before accepting…";
  }

  // ---- links and people (rotating a link; removing someone) ------------------------

  function buildLinks() {
    panel.links = {};
    const rows = [["invite_url", "participant", "Invite link"], ["observer_url", "observer", "Observer link"]]
      .map(([key, role, label]) => {
        const input = h("input", { readonly: true, "aria-label": label, class: "link-input" });
        panel.links[key] = input;
        return h("div", { class: "link-field" },
          h("span", { class: "link-label", text: label }), input,
          h("div", { class: "button-row" },
            h("button", { class: "button button-small", type: "button", text: "Copy",
              "aria-label": `Copy the ${label.toLowerCase()}`,
              onclick: async (event) => {
                input.select();
                try { await navigator.clipboard.writeText(input.value); event.target.textContent = "Copied"; }
                catch { event.target.textContent = "Press Ctrl+C"; }
                setTimeout(() => { event.target.textContent = "Copy"; }, 1500);
              } }),
            h("button", { class: "button button-small", type: "button", text: "New link",
              "aria-label": `New link: replace the ${label.toLowerCase()}; the old one stops working`,
              onclick: () => send("invite.rotate", { role }) })));
      });
    return h("div", { class: "panel-group" },
      h("h3", { class: "panel-heading", text: "Links" }), ...rows,
      h("p", { class: "setting-hint", text: "A new link retires the old one; people already in stay in." }));
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

  function renderPeople() {
    const people = state.participants.filter((p) => !p.removed && p.id !== me.id);
    const key = JSON.stringify(people.map((p) => p.id));
    if (panel.people.dataset.key === key) return;
    panel.people.dataset.key = key;
    panel.people.replaceChildren(...people.map((person) => h("li", { class: "people-item" },
      h("span", { text: person.team ? `${person.name} · ${person.team}` : `${person.name} · ${person.role}` }),
      h("button", { class: "icon-button danger", type: "button", text: "Remove",
        "aria-label": `Remove ${person.name} from the workshop`,
        onclick: (event) => {
          const button = event.currentTarget;
          if (!button.dataset.armed) {
            button.dataset.armed = "1";
            button.textContent = "Sure?";
            setTimeout(() => { delete button.dataset.armed; button.textContent = "Remove"; }, 3000);
            return;
          }
          send("participant.remove", { id: person.id });
        } }))));
    if (!people.length) panel.people.append(h("li", { class: "setting-hint", text: "Nobody else has joined yet." }));
  }

  async function changeSetting(key, value) {
    await send("settings.update", { [key]: value });
    renderPanel(); // refused: the switch goes back to what the server says
  }

  async function changeBudget() {
    const value = Number(panel.budget.value);
    if (!Number.isInteger(value) || value < 0 || value > MAX_DOT_BUDGET) {
      toast(`The dot budget is a whole number from 0 to ${MAX_DOT_BUDGET}.`);
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
    panel.revealStatus.textContent = votesHidden ? "Votes are hidden from everyone."
      : settings.blind_voting ? "Votes are revealed." : "Votes are visible as they come in.";
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

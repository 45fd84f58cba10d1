// Reconciliation on the board: group duplicates (drag and drop, or the keyboard),
// discuss in threads, decide (accepted / rejected / parked / reworded), and filter.
import { plural, t } from "./messages.js";
import { formatTime } from "./dates.js";
import { h } from "./dom.js";
import { reached } from "./registry.js";

const DECISIONS = [
  ["accepted", t("decision.accepted")], ["rejected", t("decision.rejected")],
  ["parked", t("decision.parked")], ["reworded", t("decision.reworded")],
];
const DECISION_LABELS = Object.fromEntries(DECISIONS);

export function createReconcile(ui) {
  const { state, me, send, teamClass } = ui;
  const isFacilitator = me.role === "facilitator";
  const groupElements = new Map(); // group id → its card
  const openThreads = new Set(); // ids of notes and groups whose thread is open
  const filter = { decision: "all", contested: false };
  let picking = null; // the note being grouped by keyboard: its id, or null
  let dragged = null;

  const bar = document.getElementById("reconcile-bar");
  const pickBanner = document.getElementById("pick-banner");

  // ---- filters -------------------------------------------------------------------

  if (bar) {
    const decision = h("select", { id: "filter-decision", "aria-label": t("reconcile.filter.label") },
      h("option", { value: "all", text: t("reconcile.filter.all") }),
      h("option", { value: "open", text: t("reconcile.filter.open") }),
      ...DECISIONS.map(([value, label]) => h("option", { value, text: label })));
    decision.addEventListener("change", () => { filter.decision = decision.value; ui.store.changed(); });
    const contested = h("input", { type: "checkbox", id: "filter-contested" });
    contested.addEventListener("change", () => { filter.contested = contested.checked; ui.store.changed(); });
    bar.append(
      h("label", { class: "filter-label", for: "filter-decision", text: t("reconcile.filter.show") }), decision,
      h("label", { class: "filter-check" }, contested, h("span", { text: t("reconcile.filter.contested") })));
  }

  /** Whether a note or group passes the filters. */
  function visible(item) {
    const decision = item.decision?.decision ?? "open";
    if (filter.decision !== "all" && filter.decision !== decision) return false;
    if (filter.contested && !ui.measuresFor(item.id)?.contested) return false;
    return true;
  }

  // ---- grouping ------------------------------------------------------------------

  function groupOnto(noteId, ontoId) {
    picking = null;
    if (noteId && ontoId && noteId !== ontoId) send("group.add", { assumption_id: noteId, onto_id: ontoId });
    ui.store.changed();
  }

  function startPicking(noteId) {
    picking = noteId;
    ui.store.changed();
    document.querySelector(".group-here")?.focus();
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && picking) {
      const id = picking;
      picking = null;
      ui.store.changed();
      document.querySelector(`.note[data-id="${id}"] .group-start`)?.focus();
    }
  });

  function makeDraggable(el, note) {
    if (!isFacilitator || el.dataset.draggableSet) return;
    el.dataset.draggableSet = "1";
    el.draggable = true;
    el.addEventListener("dragstart", (event) => {
      dragged = el.dataset.id;
      event.dataTransfer.setData("text/plain", dragged);
      event.dataTransfer.effectAllowed = "move";
      el.classList.add("dragging");
    });
    el.addEventListener("dragend", () => { el.classList.remove("dragging"); dragged = null; });
    el.addEventListener("dragover", (event) => {
      if (dragged && dragged !== el.dataset.id) {
        event.preventDefault();
        el.classList.add("drop-target");
      }
    });
    el.addEventListener("dragleave", () => el.classList.remove("drop-target"));
    el.addEventListener("drop", (event) => {
      event.preventDefault();
      event.stopPropagation();
      el.classList.remove("drop-target");
      groupOnto(event.dataTransfer.getData("text/plain") || dragged, el.dataset.id);
    });
    void note;
  }

  // ---- decisions -----------------------------------------------------------------

  function decisionBadge(decision) {
    if (!decision) return null;
    const by = state.participants.find((p) => p.id === decision.by)?.name;
    const when = formatTime(decision.at);
    return h("div", { class: `decision decision-${decision.decision}` },
      h("span", { class: "decision-label", text: DECISION_LABELS[decision.decision] }),
      h("span", { class: "decision-meta", text: [by, when].filter(Boolean).join(" · ") }),
      decision.reason ? h("span", { class: "decision-reason", text: `“${decision.reason}”` }) : null);
  }

  function decideForm(targetType, item) {
    const select = h("select", { name: "decision", "aria-label": t("reconcile.decision") },
      ...DECISIONS.map(([value, label]) => h("option", { value, text: label })),
      h("option", { value: "", text: t("reconcile.reopen") }));
    select.value = item.decision?.decision ?? "accepted";
    const reason = h("input", { name: "reason", maxlength: "500", placeholder: t("reconcile.reason_placeholder"),
      "aria-label": t("reconcile.reason") });
    const wording = h("textarea", { name: "text", rows: "2", maxlength: "500",
      placeholder: t("reconcile.wording_placeholder"), "aria-label": t("reconcile.wording") });
    wording.value = item.decision?.text ?? (item.text ?? item.title ?? "");
    const wordingField = h("div", { class: "decide-wording" }, wording);
    const sync = () => { wordingField.hidden = select.value !== "reworded"; };
    select.addEventListener("change", sync);
    sync();
    const details = h("details", { class: "decide", "data-decide": item.id },
      h("summary", { text: t("reconcile.decide") }));
    const form = h("form", { class: "decide-form" }, select, reason, wordingField,
      h("button", { class: "button button-small button-primary", type: "submit", text: t("reconcile.save_decision") }));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = { target_type: targetType, target_id: item.id, decision: select.value || null,
        reason: reason.value.trim() };
      if (select.value === "reworded") data.text = wording.value.trim();
      const ack = await send("decision.set", data);
      if (!ack.ok) return;
      // The event has rebuilt the card by now (carrying this form's state over): close the form
      // that is on the page, and leave no old reason for the next decision.
      const current = document.querySelector(`details.decide[data-decide="${item.id}"]`) ?? details;
      current.open = false;
      current.querySelector("[name=reason]").value = "";
      current.querySelector("summary").focus();
    });
    details.append(form);
    return details;
  }

  // ---- threads -------------------------------------------------------------------

  function thread(targetType, id) {
    const comments = state.comments.filter((c) => c.target_id === id);
    const toggle = h("button", { class: "icon-button thread-toggle", type: "button",
      "aria-expanded": String(openThreads.has(id)),
      text: comments.length ? t("reconcile.discuss_count", { n: comments.length }) : t("reconcile.discuss"),
      onclick: () => {
        if (openThreads.has(id)) openThreads.delete(id); else openThreads.add(id);
        ui.store.changed();
        if (openThreads.has(id)) document.querySelector(`[data-thread="${id}"] textarea`)?.focus();
      } });
    if (!openThreads.has(id)) return { toggle, panel: null };
    const input = h("textarea", { rows: "2", maxlength: "1000", placeholder: t("reconcile.comment_placeholder"),
      "aria-label": t("reconcile.comment") });
    const form = h("form", { class: "thread-form" }, input,
      h("button", { class: "button button-small", type: "submit", text: t("reconcile.send") }));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = ""; // cleared now: the thread may be rebuilt before the ack arrives
      const ack = await send("comment.add", { target_type: targetType, target_id: id, text });
      if (!ack.ok) {
        const current = document.querySelector(`[data-thread="${id}"] textarea`);
        if (current && !current.value) current.value = text;
      }
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
    });
    const panel = h("div", { class: "thread", "data-thread": id },
      comments.length ? null : h("p", { class: "thread-empty",
        text: me.role === "observer" ? t("reconcile.thread_empty.observer") : t("reconcile.thread_empty") }),
      h("ul", { class: "thread-list", "aria-label": t("reconcile.discussion") }, ...comments.map((comment) => {
        const author = state.participants.find((p) => p.id === comment.author_id);
        const mine = comment.author_id === me.id;
        return h("li", { class: "thread-item" },
          h("span", { class: `thread-author ${teamClass(author?.team)}`,
            text: author ? author.name : t("common.anonymous") }),
          h("span", { class: "thread-text", text: comment.text }),
          mine || isFacilitator ? h("button", { class: "icon-button", type: "button", text: t("common.remove"),
            "aria-label": t("reconcile.remove_comment"), onclick: () => send("comment.delete", { id: comment.id }) }) : null);
      })),
      me.role === "observer" ? null : form);
    return { toggle, panel };
  }

  // ---- rebuilding without losing what someone is typing ----------------------------

  const fieldKey = (field) => field.getAttribute("aria-label") || field.name || "";

  /** Replace `old` by `fresh`, carrying over typed values, open panels and focus. */
  function swap(old, fresh) {
    if (!old) return fresh;
    const values = new Map([...old.querySelectorAll("input, textarea, select")]
      .filter((f) => f.type !== "checkbox").map((f) => [fieldKey(f), f.value]));
    const open = [...old.querySelectorAll("details")].map((d) => d.open);
    const focused = old.contains(document.activeElement) ? fieldKey(document.activeElement) : null;
    for (const field of fresh.querySelectorAll("input, textarea, select")) {
      if (values.has(fieldKey(field))) field.value = values.get(fieldKey(field));
      field.dispatchEvent(new Event("change"));
    }
    fresh.querySelectorAll("details").forEach((d, i) => { if (open[i]) d.open = true; });
    old.replaceWith(fresh);
    if (focused) {
      [...fresh.querySelectorAll("input, textarea, select, button")]
        .find((f) => fieldKey(f) === focused)?.focus();
    }
    return fresh;
  }

  /** What a note's or group's controls depend on; unchanged means no rebuild. */
  function signature(item, extra) {
    return JSON.stringify([item.decision, item.group_id, item.votes, picking, openThreads.has(item.id),
      state.comments.filter((c) => c.target_id === item.id), extra]);
  }

  // ---- decorating notes and groups -------------------------------------------------

  /** Add grouping, decision and discussion controls to a note element. */
  function decorateAssumption(el, note) {
    makeDraggable(el, note);
    el.classList.toggle("picking", picking === note.id);
    el.classList.toggle("filtered-out", !note.group_id && !visible(note));
    const reworded = note.decision?.decision === "reworded" && !note.group_id;
    el.classList.toggle("is-reworded", reworded);
    el.querySelector(".note-original")?.remove();
    if (reworded) {
      el.querySelector(".note-text").textContent = note.decision.text;
      el.querySelector(".note-text").after(h("p", { class: "note-original", text: t("reconcile.originally", { text: note.text }) }));
    }
    const old = el.querySelector(":scope > .reconcile");
    const sig = signature(note, note.text);
    if (old && old.dataset.sig === sig) return;
    const controls = h("div", { class: "reconcile", "data-sig": sig });
    if (!note.group_id) controls.append(decisionBadge(note.decision) ?? "");
    const actions = h("div", { class: "reconcile-actions" });
    if (isFacilitator && !note.hidden) {
      if (picking && picking !== note.id) {
        actions.append(h("button", { class: "button button-small button-primary group-here", type: "button",
          text: t("reconcile.group_here"), "aria-label": t("reconcile.group_with", { text: note.text }),
          onclick: () => groupOnto(picking, note.id) }));
      } else if (picking === note.id) {
        actions.append(h("button", { class: "icon-button", type: "button", text: t("common.cancel"),
          onclick: () => { picking = null; ui.store.changed(); } }));
      } else if (note.group_id) {
        actions.append(h("button", { class: "icon-button", type: "button", text: t("reconcile.take_out"),
          "aria-label": t("reconcile.take_out_label"),
          onclick: () => send("group.remove", { assumption_id: note.id }) }));
      } else {
        actions.append(h("button", { class: "icon-button group-start", type: "button", text: t("common.group"),
          "aria-label": t("reconcile.group_start_label"), onclick: () => startPicking(note.id) }));
      }
      if (!note.group_id) actions.append(decideForm("assumption", note));
    }
    if (!note.group_id && !note.hidden) {
      const { toggle, panel } = thread("assumption", note.id);
      actions.append(toggle);
      controls.append(actions);
      if (panel) controls.append(panel);
    } else {
      controls.append(actions);
    }
    if (old) swap(old, controls); else el.append(controls);
  }

  /** The card of a group, holding its notes' elements in `.group-notes`. */
  function groupCard(group) {
    let card = groupElements.get(group.id);
    if (!card) {
      card = h("li", { class: "group-card", "data-group": group.id, "data-id": "" },
        h("header", { class: "group-head" },
          h("span", { class: "group-kicker", text: t("common.group") }),
          h("h4", { class: "group-title" })),
        h("div", { class: "group-body" }),
        h("ul", { class: "group-notes" }),
        h("div", { class: "group-foot" }));
      groupElements.set(group.id, card);
      if (isFacilitator) {
        card.addEventListener("dragover", (event) => {
          if (dragged) { event.preventDefault(); card.classList.add("drop-target"); }
        });
        card.addEventListener("dragleave", () => card.classList.remove("drop-target"));
        card.addEventListener("drop", (event) => {
          event.preventDefault();
          card.classList.remove("drop-target");
          const first = state.assumptions.find((a) => a.group_id === group.id);
          groupOnto(event.dataTransfer.getData("text/plain") || dragged, first?.id);
        });
      }
    }
    card.dataset.id = group.id;
    card.classList.toggle("filtered-out", !visible(group));
    const reworded = group.decision?.decision === "reworded";
    card.querySelector(".group-title").textContent = reworded ? group.decision.text : group.title;
    const body = card.querySelector(".group-body");
    const summary = group.votes.tally
      ? plural("reconcile.group_voted", group.votes.voters)
      : plural("vote.voted", group.votes.voters);
    body.replaceChildren(
      reworded ? h("p", { class: "note-original", text: t("reconcile.originally", { text: group.title }) }) : "",
      decisionBadge(group.decision) ?? "",
      h("p", { class: "group-votes", text: summary }));
    const measures = ui.measuresFor(group.id);
    if (measures?.agreement != null) {
      body.append(h("p", { class: "group-measures",
        text: t("reconcile.group_measures", { agreement: `${Math.round(measures.agreement * 100)}%`,
          consensus: `${Math.round((measures.consensus ?? 0) * 100)}%` })
          + (measures.contested ? ` · ${t("dv.summary.contested")}` : "") }));
    }
    const oldFoot = card.querySelector(":scope > .group-foot");
    const sig = signature(group, group.title);
    if (oldFoot.dataset.sig === sig) return card;
    const foot = h("div", { class: "group-foot", "data-sig": sig });
    if (isFacilitator) {
      const rename = h("details", { class: "decide" }, h("summary", { text: t("reconcile.rename") }));
      const title = h("input", { maxlength: "200", "aria-label": t("reconcile.group_title") });
      title.value = group.title;
      const form = h("form", { class: "decide-form" }, title,
        h("button", { class: "button button-small", type: "submit", text: t("reconcile.save_title") }));
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const ack = await send("group.rename", { id: group.id, title: title.value.trim() });
        if (ack.ok) rename.open = false;
      });
      rename.append(form);
      foot.append(decideForm("group", group), rename,
        h("button", { class: "icon-button", type: "button", text: t("reconcile.ungroup"),
          onclick: () => send("group.dissolve", { id: group.id }) }));
    }
    const { toggle, panel } = thread("group", group.id);
    foot.append(toggle);
    if (panel) foot.append(panel);
    swap(oldFoot, foot);
    return card;
  }

  /** The filters mean something once reconciling starts, or once anything is decided. */
  function renderBar() {
    if (!bar) return;
    const persona = ui.store.activePersona();
    const decided = state.assumptions.some((a) => a.persona_id === persona && a.decision)
      || state.groups.some((g) => g.persona_id === persona && g.decision);
    const hidden = !(reached(state.workshop.phase, "reconcile") || decided);
    if (hidden && !bar.hidden && (filter.decision !== "all" || filter.contested)) {
      filter.decision = "all"; // a hidden filter must not keep notes out of sight
      filter.contested = false;
      bar.querySelector("#filter-decision").value = "all";
      bar.querySelector("#filter-contested").checked = false;
      queueMicrotask(() => ui.store.changed());
    }
    bar.hidden = hidden;
  }

  function render() {
    renderBar();
    if (pickBanner) {
      const note = picking && state.assumptions.find((a) => a.id === picking);
      pickBanner.hidden = !note;
      if (note) pickBanner.textContent = t("reconcile.picking", { text: note.text });
    }
    for (const id of groupElements.keys()) {
      if (!state.groups.some((g) => g.id === id)) groupElements.delete(id);
    }
  }

  return { decorateAssumption, groupCard, visible, render };
}

// The keyboard help overlay: "?" (outside text fields) or the top bar's "Keyboard shortcuts"
// button opens a modal dialog listing the shortcuts and the keyboard paths for what a mouse
// does by dragging. A modal <dialog> keeps focus inside; Escape closes it and focus goes back.

import { h } from "./dom.js";
import { t } from "./messages.js";
import { boardShortcuts } from "./shortcuts.js";

function rows(list) {
  return h("dl", { class: "help-keys" }, ...list.flatMap(([keys, text]) => [
    h("dt", {}, ...keys.split(" ").map((key) => (key === "/" ? " / " : h("kbd", { text: key })))),
    h("dd", { text }),
  ]));
}

function sections(page) {
  const everywhere = [
    ["?", t("help.show")],
    ["Tab / Shift+Tab", t("help.move")],
    ["Enter / Space", t("help.press")],
    ["Escape", t("help.escape")],
  ];
  const board = [
    ...boardShortcuts(),
    ["Enter", t("help.add_note")],
    ["← →", t("help.tabs")],
  ];
  const paths = [
    t("help.vote", { agree: t("vote.stance.agree"), disagree: t("vote.stance.disagree"),
      unsure: t("vote.stance.unsure") }),
    t("help.group", { start: t("common.group"), here: t("reconcile.group_here") }),
    t("help.decide", { decide: t("reconcile.decide"), save: t("reconcile.save_decision") }),
  ];
  const merge = [
    ["Enter", t("help.open_field")],
    ["Enter", t("help.save_field")],
    ["Ctrl+Enter", t("help.save_text")],
    ["Escape", t("help.undo_field")],
  ];
  const out = [h("h3", { text: t("help.everywhere") }), rows(everywhere)];
  if (page === "board") {
    out.push(h("h3", { text: t("help.board") }), rows(board),
      h("ul", { class: "help-paths" }, ...paths.map((text) => h("li", { text }))));
  } else {
    out.push(h("h3", { text: t("help.merge") }), rows(merge));
  }
  return out;
}

const typing = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

/** Sets up the overlay on a page ("board" or "merge"); returns { open }. */
export function setUpHelp(page) {
  let dialog = null;
  let back = null;
  const button = document.getElementById("help-open");

  function build() {
    const close = h("button", { class: "button button-small help-close", type: "button", text: t("help.close") });
    close.addEventListener("click", () => dialog.close());
    dialog = h("dialog", { class: "help-dialog", "aria-labelledby": "help-title" },
      h("div", { class: "help-head" }, h("h2", { id: "help-title", text: t("help.title") }), close),
      h("p", { class: "help-intro", text: t("help.intro") }),
      ...sections(page));
    dialog.addEventListener("keydown", (event) => { // keep Tab inside (not out to the browser)
      if (event.key !== "Tab") return;
      const stops = [...dialog.querySelectorAll("button, a[href], [tabindex]:not([tabindex='-1'])")];
      const at = stops.indexOf(document.activeElement);
      const next = event.shiftKey ? (at <= 0 ? stops.length - 1 : at - 1) : (at + 1) % stops.length;
      event.preventDefault();
      stops[next].focus();
    });
    dialog.addEventListener("close", () => {
      if (back && back.isConnected) back.focus();
      back = null;
    });
    document.body.append(dialog);
  }

  function open() {
    if (!dialog) build();
    if (dialog.open) return;
    back = document.activeElement;
    dialog.showModal();
    dialog.querySelector(".help-close").focus();
  }

  button?.addEventListener("click", open);
  document.addEventListener("keydown", (event) => {
    if (event.key !== "?" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target) || dialog?.open) return;
    event.preventDefault();
    open();
  });
  return { open };
}

setUpHelp(document.body.classList.contains("page-persona") ? "merge" : "board");

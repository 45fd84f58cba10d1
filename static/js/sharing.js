// The facilitator's sharing settings (/w/<id>/sharing): share links with their views, API
// tokens (each shown once), the webhook with its delivery history, and the library listing.
// Every change is an op sent over HTTP; the page then reads GET /api/workshops/<id>/sharing.
import { postJSON, showError } from "./api.js";
import { fill, h } from "./dom.js";
import { locale, plural, t } from "./messages.js";

const data = JSON.parse(document.getElementById("sharing-data").textContent);
const base = `/api/workshops/${encodeURIComponent(data.workshop_id)}`;
const error = document.getElementById("sharing-error");
const $ = (id) => document.getElementById(id);
let confirming = null; // "rotate:<id>", "revoke:<id>", "token:<id>" or "webhook" while asked

function opId() {
  return `sharing-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

async function send(type, payload) {
  showError(error, "");
  try {
    const ack = await postJSON(`${base}/ops`, { op_id: opId(), type, data: payload });
    return ack;
  } catch (failure) {
    showError(error, failure.message);
    return null;
  }
}

function absolute(path) {
  return new URL(path, window.location.origin).href;
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" }) : "";
}

async function copy(button, input) {
  input.select();
  try { await navigator.clipboard.writeText(input.value); button.textContent = t("common.copied"); }
  catch { button.textContent = t("common.press_ctrl_c"); }
  setTimeout(() => { button.textContent = t("common.copy"); }, 1500);
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (button) copy(button, $(button.dataset.copy));
});

// ---- share links ----------------------------------------------------------------------

function fillPersonas() {
  const persona = $("share-persona");
  fill(persona, ...data.personas.map((p) => h("option", { value: p.id, text: p.name })));
  persona.addEventListener("change", fillVersions);
  fillVersions();
}

function fillVersions() {
  const chosen = data.personas.find((p) => p.id === $("share-persona").value);
  const agreed = (chosen?.versions ?? []).filter((v) => v.status === "agreed");
  fill($("share-version"), h("option", { value: "", text: t("sharing.shares.latest") }),
    ...agreed.map((v) => h("option", { value: String(v.number), text: t("sharing.shares.pinned", { n: v.number }) })));
}

function viewsBars(byDay) {
  const days = [];
  const today = new Date();
  for (let i = 13; i >= 0; i -= 1) {
    const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - i));
    days.push(byDay[day.toISOString().slice(0, 10)] ?? 0);
  }
  const most = Math.max(1, ...days);
  return h("span", { class: "views-bars", "aria-hidden": "true" }, ...days.map((n) => {
    const bar = h("span", { class: n ? "" : "zero" });
    bar.style.height = `${Math.max(1, Math.round((n / most) * 18))}px`; // CSSOM: allowed by the CSP
    return bar;
  }));
}

function confirmBox(question, yes, onYes) {
  return h("div", { class: "confirm", role: "group", "aria-label": question },
    h("p", { text: question }),
    h("button", { class: "button button-small button-danger", type: "button", text: yes, onclick: onYes }),
    h("button", { class: "button button-small", type: "button", text: t("sharing.cancel"),
      onclick: () => { confirming = null; load(); } }));
}

function shareItem(share) {
  const input = h("input", { readonly: true, value: absolute(`/p/${share.token}`),
    "aria-label": t("sharing.shares.link_for", { name: share.persona_name ?? "" }) });
  const copyButton = h("button", { class: "button button-small", type: "button", text: t("common.copy"),
    onclick: () => copy(copyButton, input) });
  const which = share.version ? t("sharing.shares.pinned", { n: share.version }) : t("sharing.shares.latest");
  const recent = Object.values(share.views_by_day).reduce((a, b) => a + b, 0);
  let action = h("div", { class: "button-row" },
    h("a", { class: "button button-small", href: `/p/${share.token}`, target: "_blank", rel: "noopener",
      text: t("sharing.shares.open") }),
    h("button", { class: "button button-small", type: "button", text: t("sharing.shares.rotate"),
      onclick: () => { confirming = `rotate:${share.id}`; render(); } }),
    h("button", { class: "button button-small button-danger", type: "button", text: t("sharing.shares.revoke"),
      onclick: () => { confirming = `revoke:${share.id}`; render(); } }));
  if (confirming === `rotate:${share.id}`) {
    action = confirmBox(t("sharing.shares.rotate_confirm"), t("sharing.shares.rotate"), async () => {
      confirming = null; await send("share.rotate", { id: share.id }); load();
    });
  } else if (confirming === `revoke:${share.id}`) {
    action = confirmBox(t("sharing.shares.revoke_confirm"), t("sharing.shares.revoke"), async () => {
      confirming = null; await send("share.revoke", { id: share.id }); load();
    });
  }
  return h("li", { class: "sharing-item" },
    h("div", { class: "sharing-item-head" },
      h("p", { class: "sharing-item-title", text: `${share.persona_name ?? ""} · ${which}` }),
      h("p", { class: "sharing-item-meta views" }, viewsBars(share.views_by_day),
        h("span", { text: `${plural("sharing.shares.views", share.views)} · ${plural("sharing.shares.recent", recent)}` }))),
    h("div", { class: "copy-row" }, input, copyButton), action);
}

// ---- API tokens -----------------------------------------------------------------------

function tokenItem(token) {
  let action = h("button", { class: "button button-small button-danger", type: "button",
    text: t("sharing.tokens.revoke"), "aria-label": t("sharing.tokens.revoke_named", { label: token.label }),
    onclick: () => { confirming = `token:${token.id}`; render(); } });
  if (confirming === `token:${token.id}`) {
    action = confirmBox(t("sharing.tokens.revoke_confirm", { label: token.label }), t("sharing.tokens.revoke"),
      async () => { confirming = null; await send("api_token.revoke", { id: token.id }); load(); });
  }
  return h("li", { class: "sharing-item" },
    h("div", { class: "sharing-item-head" },
      h("p", { class: "sharing-item-title", text: token.label }),
      h("p", { class: "sharing-item-meta", text: t("sharing.tokens.created", { when: when(token.created_at) }) })),
    action);
}

// ---- the webhook ----------------------------------------------------------------------

const STATUS = { delivered: t("sharing.webhook.status.delivered"),
  pending: t("sharing.webhook.status.pending"), failed: t("sharing.webhook.status.failed") };

function deliveryRow(delivery) {
  const detail = delivery.last_error ?? (delivery.response_status ? `HTTP ${delivery.response_status}` : "");
  return h("tr", {},
    h("td", {}, h("code", { text: delivery.event_type }), ` #${delivery.seq}`),
    h("td", {}, h("span", { class: `status status-${delivery.status}`, text: STATUS[delivery.status] })),
    h("td", { text: String(delivery.attempts) }),
    h("td", { class: "detail", text: delivery.status === "pending" && delivery.next_attempt_at
      ? `${detail}${detail ? " · " : ""}${t("sharing.webhook.next", { when: when(delivery.next_attempt_at) })}` : detail }),
    h("td", { text: when(delivery.finished_at ?? delivery.created_at) }));
}

let state = null;

function render() {
  if (!state) return;
  fill($("share-list"), ...state.shares.map(shareItem));
  $("share-empty").hidden = state.shares.length > 0;
  fill($("token-list"), ...state.api_tokens.map(tokenItem));
  $("token-empty").hidden = state.api_tokens.length > 0;
  const hook = state.webhook;
  $("webhook-details").hidden = !hook;
  $("webhook-save").textContent = hook ? t("sharing.webhook.update") : t("sharing.webhook.save");
  if (hook) {
    if (document.activeElement !== $("webhook-url")) $("webhook-url").value = hook.url;
    $("webhook-secret").value = hook.secret;
    fill($("webhook-events"), t("sharing.webhook.events"), " ",
      ...hook.events.flatMap((type, i) => [i ? ", " : "", h("code", { text: type })]));
    fill($("delivery-rows"), ...hook.deliveries.map(deliveryRow));
    $("delivery-empty").hidden = hook.deliveries.length > 0;
    const remove = $("webhook-remove");
    if (confirming === "webhook") {
      remove.replaceWith(confirmBox(t("sharing.webhook.remove_confirm"), t("sharing.webhook.remove"), async () => {
        confirming = null; await send("webhook.remove", {}); load();
      }));
    }
  }
  $("library-listed").checked = state.library.listed;
  $("library-listed").disabled = !state.library.enabled;
  $("library-off").hidden = state.library.enabled;
  $("library-link").hidden = !state.library.enabled;
}

async function load() {
  try {
    const response = await fetch(`${base}/sharing`, { credentials: "same-origin" });
    if (!response.ok) throw new Error(t("api.status", { status: response.status }));
    state = await response.json();
    // The remove button is rebuilt when a confirmation replaced it.
    if (!$("webhook-remove")) {
      document.querySelector("#webhook-details .confirm")?.replaceWith(h("button", {
        class: "button button-small button-danger", type: "button", id: "webhook-remove",
        text: t("sharing.webhook.remove"), onclick: askRemove }));
    }
    render();
  } catch (failure) {
    showError(error, failure.message);
  }
}

function askRemove() {
  confirming = "webhook";
  render();
}

$("share-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const version = $("share-version").value;
  const ack = await send("share.create", { persona_id: $("share-persona").value,
    ...(version ? { version: Number(version) } : {}) });
  if (ack) load();
});

$("token-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const label = $("token-label").value.trim();
  if (!label) { showError(error, t("sharing.tokens.label_needed")); $("token-label").focus(); return; }
  const ack = await send("api_token.create", { label });
  if (!ack) return;
  $("token-label").value = "";
  $("token-value").value = ack.token;
  $("token-once").hidden = false;
  $("token-value").focus();
  load();
});

$("webhook-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const ack = await send("webhook.set", { url: $("webhook-url").value.trim() });
  if (ack) load();
});

$("webhook-rotate").addEventListener("click", async () => {
  const ack = await send("webhook.set", { url: $("webhook-url").value.trim() || state.webhook.url, rotate_secret: true });
  if (ack) load();
});
$("webhook-remove").addEventListener("click", askRemove);

$("library-listed").addEventListener("change", async (event) => {
  await send("library.list", { listed: event.target.checked });
  load();
});

fillPersonas();
load();
// Views and deliveries change without anyone here doing anything: look again now and then.
setInterval(() => { if (!confirming && document.visibilityState === "visible") load(); }, 15000);

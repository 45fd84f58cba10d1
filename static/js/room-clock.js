// The room clock: the shared countdown on every live page (the board, a persona's document,
// the presenter view), pinned to the corner of the window so it stays in view when scrolling,
// and a soft chime when it runs out, for those who turned sound on. On the board it shows only
// while the phase banner's own countdown is scrolled out of view.
import { h } from "./dom.js";
import { t } from "./messages.js";

const SOUND_KEY = "workshop.chime"; // "on" or absent: off by default
let audio = null; // one AudioContext per page, made on the first gesture that needs it

/** "4:05" for 245 seconds; "1:02:03" from an hour on. */
export function formatClock(seconds) {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${String(minutes).padStart(2, "0")}:${rest}`;
}

export function soundOn() {
  try { return localStorage.getItem(SOUND_KEY) === "on"; } catch { return false; }
}

function setSound(on) {
  try {
    if (on) localStorage.setItem(SOUND_KEY, "on");
    else localStorage.removeItem(SOUND_KEY);
  } catch { /* private mode: the choice lasts for this page only */ }
}

function context() {
  const Context = window.AudioContext ?? window.webkitAudioContext;
  if (!Context) return null;
  audio ??= new Context();
  if (audio.state === "suspended") audio.resume().catch(() => {});
  return audio;
}

/** Two soft sine tones, falling, made in the page (no sound file is downloaded). */
export function chime() {
  const ctx = context();
  if (!ctx) return false;
  const start = ctx.currentTime + 0.02;
  for (const [offset, frequency] of [[0, 880], [0.28, 659.25]]) {
    const tone = ctx.createOscillator();
    const gain = ctx.createGain();
    tone.type = "sine";
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.18, start + offset + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.9);
    tone.connect(gain).connect(ctx.destination);
    tone.start(start + offset);
    tone.stop(start + offset + 1);
  }
  window.__lastChime = Date.now(); // lets the browser tests see that it rang
  return true;
}

const SVG = "http://www.w3.org/2000/svg";

/** A bell, struck through when sound is off (drawn here: no icon font, no file). */
function bell(on) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "16");
  svg.setAttribute("height", "16");
  svg.setAttribute("aria-hidden", "true");
  const paths = ["M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15z", "M10 20.5a2 2 0 0 0 4 0"];
  if (!on) paths.push("M4 4l16 16");
  for (const d of paths) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2");
    path.setAttribute("stroke-linecap", "round");
    path.setAttribute("stroke-linejoin", "round");
    svg.append(path);
  }
  return svg;
}

export function createRoomClock({ state }) {
  const time = h("span", { class: "room-clock-time" });
  const sound = h("button", { class: "room-clock-sound", type: "button", onclick: toggleSound });
  const root = h("div", { class: "room-clock", id: "room-clock", hidden: true },
    h("span", { class: "room-clock-face", role: "timer", "aria-live": "off" }, time), sound);
  (document.getElementById("main") ?? document.body).append(root); // inside a landmark
  const face = root.firstChild;
  const banner = document.getElementById("timer"); // the board's own countdown, if any
  // The board's banner gets a sound switch of its own, beside its countdown.
  const bannerSound = banner ? h("button", { class: "room-clock-sound banner-sound", type: "button",
    id: "timer-sound", hidden: true, onclick: toggleSound }) : null;
  banner?.after(bannerSound);
  let bannerVisible = false;
  if (banner && "IntersectionObserver" in window) {
    new IntersectionObserver((entries) => {
      bannerVisible = entries.some((entry) => entry.isIntersecting);
      render();
    }).observe(banner);
  }
  // Browsers start audio only after a gesture: a page loaded with sound on arms it on the first.
  if (soundOn()) window.addEventListener("pointerdown", () => context(), { once: true });

  let clockOffset = 0;
  let clockFrom = null;
  let ticker = null;
  let endsAt = null;
  let rang = null; // the end time we chimed for, so a render never rings twice

  function toggleSound() {
    setSound(!soundOn());
    if (soundOn()) context(); // this click is the gesture that lets the page play sound
    renderSound();
  }

  function renderSound() {
    const on = soundOn();
    for (const button of [sound, bannerSound]) {
      if (!button) continue;
      button.setAttribute("aria-pressed", String(on));
      button.replaceChildren(bell(on));
      button.title = on ? t("clock.sound.on") : t("clock.sound.off");
      button.setAttribute("aria-label", t("clock.sound.label"));
    }
  }

  function render() {
    if (state.server_time && state.server_time !== clockFrom) {
      clockFrom = state.server_time;
      clockOffset = Date.parse(state.server_time) - Date.now();
    }
    const timer = state.workshop.settings.timer;
    if (!timer) {
      root.hidden = true;
      if (bannerSound) bannerSound.hidden = true;
      clearInterval(ticker);
      ticker = null;
      endsAt = null;
      return;
    }
    const left = Math.max(0, Math.round((Date.parse(timer.ends_at) - (Date.now() + clockOffset)) / 1000));
    // Chime when a countdown seen running on this page reaches zero, not on opening an old one.
    if (endsAt === timer.ends_at && left === 0 && rang !== timer.ends_at) {
      rang = timer.ends_at;
      if (soundOn()) chime();
    }
    if (left > 0) endsAt = timer.ends_at;
    const text = left > 0 ? formatClock(left) : t("timer.up");
    if (time.textContent !== text) time.textContent = text;
    root.dataset.state = left === 0 ? "up" : left <= 60 ? "low" : "running";
    face.setAttribute("aria-label", left > 0
      ? t("timer.left", { min: Math.floor(left / 60), s: left % 60 }) : t("timer.up"));
    root.hidden = bannerVisible;
    if (bannerSound) bannerSound.hidden = false;
    renderSound();
    if (!ticker) ticker = setInterval(render, 1000);
  }

  renderSound();
  return { render };
}

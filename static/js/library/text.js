// The research library's small text helpers: dates, tags, excerpts, search highlights.
import { t } from "../messages.js";
export { formatDate } from "../dates.js"; // the one date formatter (static/js/dates.js)

/** "smooth", unless the reader asked the system for less motion (asked each time: it may change). */
export function scrollBehaviour() {
  return window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
}

/** Tags typed as "a, b, c": trimmed, no empties, no duplicates (case-insensitive). */
export function parseTags(text) {
  const seen = new Set();
  const tags = [];
  for (const raw of text.split(",")) {
    const tag = raw.replace(/\s+/g, " ").trim();
    if (tag && !seen.has(tag.toLowerCase())) { seen.add(tag.toLowerCase()); tags.push(tag); }
  }
  return tags;
}

/** Plain text of Markdown, roughly, for a one-line excerpt (set as text, never as HTML). */
export function excerptOf(markdown, length = 220) {
  const text = markdown
    .replace(/^---\n[\s\S]*?\n---\n/, "")
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]*>/g, " ")
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, "")
    .replace(/[*_`~|]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > length ? `${text.slice(0, length - 1).trimEnd()}…` : text;
}

/** Search highlights as nodes: only their text and <mark> elements survive. */
export function markedNodes(html) {
  const template = document.createElement("template");
  template.innerHTML = html; // inert: a template's content never runs or loads anything
  const out = [];
  const walk = (node, into) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) into.push(document.createTextNode(child.data));
      else if (child.nodeType === Node.ELEMENT_NODE) {
        if (child.tagName === "MARK") {
          const mark = document.createElement("mark");
          mark.textContent = child.textContent;
          into.push(mark);
        } else {
          walk(child, into);
        }
      }
    }
  };
  walk(template.content, out);
  return out;
}

/** Links in a note open in a new tab, so the board (and a draft) stays open. */
export function linksElsewhere(container) {
  for (const anchor of container.querySelectorAll("a[href]")) {
    anchor.target = "_blank";
    anchor.rel = "noopener noreferrer nofollow";
  }
}

/** Base64 of a file's bytes (for the JSON import request). */
export function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] ?? "");
    reader.onerror = () => reject(new Error(t("library.import.unreadable", { name: file.name })));
    reader.readAsDataURL(file);
  });
}

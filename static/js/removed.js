// The notice a removed person's open page shows: the facilitator removed them, so the page
// stops offering changes that would no longer be saved (docs/protocol.md, Removing someone).
import { t } from "./messages.js";

/** Cover the page with the notice, once; the rest of the page becomes inert. */
export function showRemoved() {
  if (document.getElementById("removed-notice")) return;
  for (const el of document.body.children) el.inert = true;
  const title = document.createElement("h2");
  title.id = "removed-title";
  title.textContent = t("removed.title");
  const text = document.createElement("p");
  text.textContent = t("removed.text");
  const home = document.createElement("a");
  home.className = "button";
  home.href = "/";
  home.textContent = t("message.start_new");
  const card = document.createElement("div");
  card.className = "removed-card";
  card.append(title, text, home);
  const notice = document.createElement("div");
  notice.id = "removed-notice";
  notice.className = "removed-notice";
  notice.setAttribute("role", "alertdialog");
  notice.setAttribute("aria-modal", "true");
  notice.setAttribute("aria-labelledby", "removed-title");
  notice.append(card);
  document.body.append(notice);
  home.focus();
}

// Whether the persona fits on one A4 page, checked by the server a moment after changes.
import { t } from "../messages.js";
import { base, current, els, onEvent } from "./page.js";

let fitTimer;

function scheduleFit() {
  clearTimeout(fitTimer);
  fitTimer = setTimeout(checkFit, 1200);
}

export async function checkFit() {
  if (!current()) return;
  try {
    const response = await fetch(`${base}/fit`, { credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status)); // e.g. 503 busy: say unknown
    const body = await response.json();
    els.fit.dataset.fits = String(body.fits);
    els.fit.textContent = body.fits ? t("merge.fit.yes")
      : t("merge.fit.no", { pages: body.pages });
  } catch {
    els.fit.textContent = t("merge.fit.error");
  }
}

onEvent((event) => {
  if (event.type === "document.saved" || event.type === "document.created") scheduleFit();
});

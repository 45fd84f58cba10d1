// The phase pill in the top bar.
import { t } from "../messages.js";
import { state } from "./page.js";

/** The phase pill in the top bar follows the workshop's phase. */
export function render() {
  const pill = document.querySelector(".phase-pill");
  if (!pill) return;
  const phase = state.workshop.phase;
  pill.textContent = t(`phase.${phase}`);
  pill.dataset.phase = phase;
  document.body.dataset.phase = phase;
}

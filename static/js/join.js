// Join page: name and team, then on to the board.
import { postJSON, showError } from "./api.js";
import { t } from "./messages.js";

const form = document.getElementById("join-form");
const error = document.getElementById("join-error");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const nameInput = form.elements.namedItem("name");
  const teamInput = form.elements.namedItem("team");
  const name = nameInput.value.trim();
  const team = teamInput ? teamInput.value.trim() : "";
  if (!name) {
    showError(error, t("join.missing_name"));
    nameInput.focus();
    return;
  }
  if (form.dataset.role === "participant" && !team) {
    showError(error, t("join.missing_team"));
    teamInput.focus();
    return;
  }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const result = await postJSON("/api/join", { token: form.dataset.token, name, team });
    window.location.assign(`/w/${result.workshop_id}`);
  } catch (err) {
    showError(error, err.message);
    button.disabled = false;
  }
});

// Start page: create a workshop and show its three links.
import { postJSON, showError } from "./api.js";
import { t } from "./messages.js";

const form = document.getElementById("create-form");
const error = document.getElementById("create-error");
const created = document.getElementById("created");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const fields = form.elements;
  const title = fields.namedItem("title").value.trim();
  if (!title) {
    showError(error, t("home.create.missing_title"));
    fields.namedItem("title").focus();
    return;
  }
  const teams = fields.namedItem("teams").value.split(",").map((t) => t.trim()).filter(Boolean);
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const result = await postJSON("/api/workshops", { title, context: fields.namedItem("context").value, teams });
    showError(error, "");
    for (const role of ["facilitator", "invite", "observer"]) {
      document.getElementById(`${role}-url`).value = result[`${role}_url`];
    }
    document.getElementById("open-facilitator").href = result.facilitator_url;
    form.closest(".card").hidden = true;
    created.hidden = false;
    document.getElementById("created-heading").focus();
  } catch (err) {
    showError(error, err.message);
  } finally {
    button.disabled = false;
  }
});

created.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const input = document.getElementById(button.dataset.copy);
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
    button.textContent = t("common.copied");
  } catch {
    button.textContent = t("common.press_ctrl_c");
  }
  setTimeout(() => { button.textContent = t("common.copy"); }, 1500);
});

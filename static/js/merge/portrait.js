// The persona's portrait: the uploaded picture or the initials, with upload and "use the avatar".
import { postWithProgress } from "../api.js";
import { newOpId } from "../connection.js";
import { fill, h } from "../dom.js";
import { errorText, t } from "../messages.js";
import { base, canWrite, connection, current, els, locked, personaId, send } from "./page.js";

let pictureStatus = ""; // the last upload's outcome, shown under the portrait

export function portrait(version) {
  const picture = version.document.identity.picture;
  const box = h("div", { class: "portrait" });
  if (picture) {
    box.append(h("img", { src: `data:${picture.media_type};base64,${picture.data}`,
      alt: t("merge.picture_of", { name: version.document.identity.name }) }));
  } else {
    // As the exports' avatar (workshop/domain/avatar.py): the first and the last word.
    const words = (version.document.identity.name || "").split(/\s+/).filter((w) => /^[\p{L}\p{N}]/u.test(w));
    const initials = words.length
      ? (words[0][0] + (words.length > 1 ? words[words.length - 1][0] : "")).toUpperCase() : "?";
    box.append(h("span", { class: "avatar-initials", "aria-hidden": "true", text: initials }));
  }
  if (!canWrite || locked(version)) return box;
  const input = h("input", { type: "file", id: "picture-file", accept: "image/png,image/jpeg,image/webp", class: "sr-only" });
  const progress = h("span", { class: "picture-progress", role: "status", text: pictureStatus });
  input.addEventListener("change", () => uploadPicture(input, progress));
  return h("div", { class: "portrait-box" }, box,
    h("div", { class: "portrait-actions" },
      h("label", { class: "button button-small", for: "picture-file", text: t("merge.picture.upload") }), input,
      picture ? h("button", { class: "button button-small", type: "button", id: "picture-avatar", text: t("merge.picture.avatar"),
        onclick: () => send("document.picture", { persona_id: personaId, picture: null,
          base_rev: current().revisions["identity.picture"]?.rev ?? 0,
          reopen: current().status === "agreed" }) }) : null,
      progress));
}

async function uploadPicture(input, progress) {
  const file = input.files?.[0];
  input.value = "";
  if (!file) return;
  if (!["image/png", "image/jpeg", "image/webp"].includes(file.type)) {
    showPictureStatus(t("merge.picture.type"));
    return;
  }
  if (file.size > 2 * 1024 * 1024) {
    showPictureStatus(t("merge.picture.size"));
    return;
  }
  const bar = h("progress", { max: "100", class: "picture-bar", "aria-label": t("library.import.uploading_dots") });
  pictureStatus = "";
  fill(progress, bar, ` ${t("library.import.uploading_dots")}`);
  const data = await new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1]);
    reader.readAsDataURL(file);
  });
  try {
    const ack = await postWithProgress(`${base}/picture`, { content_base64: data, op_id: newOpId(),
      base_rev: current().revisions["identity.picture"]?.rev ?? 0, reopen: current().status === "agreed" },
    (share) => { bar.value = share * 100; });
    showPictureStatus(ack.ok ? t("merge.picture.saved") : errorText(ack.error));
    if (ack.ok) connection.receive(ack.event);
  } catch (error) {
    showPictureStatus(error.message);
  }
}

/** The upload's outcome, kept for the portrait that a new picture (or name) re-renders. */
function showPictureStatus(text) {
  pictureStatus = text;
  const shown = els.document.querySelector(".picture-progress");
  if (shown) shown.textContent = text;
}

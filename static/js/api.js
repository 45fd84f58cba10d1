// JSON over fetch with the protocol's error shape turned into readable messages.
// (The server's error messages are the API's contract and stay English: errorText says a
// refusal in the page's language by its reason or code.)
import { errorText, t } from "./messages.js";

export async function postJSON(url, body) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    throw new Error(t("api.unreachable"));
  }
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (payload.error?.code) throw new Error(errorText(payload.error));
    throw new Error(t("api.status", { status: response.status }));
  }
  return payload;
}

/** Show or hide a form's error line. */
export function showError(element, message) {
  element.textContent = message || "";
  element.hidden = !message;
}

/** postJSON through XMLHttpRequest, whose upload reports progress (fetch's does not). */
export function postWithProgress(url, body, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.setRequestHeader("Content-Type", "application/json");
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("error", () => reject(new Error(t("api.unreachable"))));
    request.addEventListener("load", () => {
      let payload = {};
      try { payload = JSON.parse(request.responseText); } catch { /* not JSON: use the status */ }
      if (request.status >= 200 && request.status < 300) { resolve(payload); return; }
      reject(new Error(payload.error ? errorText(payload.error) : t("api.status", { status: request.status })));
    });
    request.send(JSON.stringify(body));
  });
}

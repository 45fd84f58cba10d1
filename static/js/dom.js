// The DOM helpers every page module shares: building elements, filling them, and the
// short messages a page shows (the toast) or says (the live region).

/** An element with attributes (`class`, `text`, `on…` listeners, the rest as attributes)
 *  and children; false or null attributes and null children are left out. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) if (child != null) el.append(child);
  return el;
}

/** Replace an element's children, skipping the ones left out (null). */
export function fill(el, ...children) {
  el.replaceChildren(...children.filter((child) => child != null));
}

export function capital(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A function that shows a message in the toast element for `ms`, then hides it. */
export function toaster(el, ms) {
  let timer;
  return (message) => {
    el.textContent = message;
    el.hidden = false;
    clearTimeout(timer);
    timer = setTimeout(() => { el.hidden = true; }, ms);
  };
}

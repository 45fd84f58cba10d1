// Board, Divergence, Research, Data or Research plan: which view is open is the store's `view`.
// This panel turns the switch's buttons into store changes and shows the open view's element,
// hiding the rest.

export function createViewSwitch({ store }) {
  const switcher = document.getElementById("view-switch");
  const roots = {
    board: document.getElementById("columns"),
    divergence: document.getElementById("divergence"),
    research: document.getElementById("research"),
    data: document.getElementById("data"),
    plan: document.getElementById("plan"),
  };

  switcher?.addEventListener("click", (event) => {
    const button = event.target.closest("[data-view]");
    if (button) store.setView(button.dataset.view);
  });

  function render() {
    const view = store.view;
    for (const button of switcher?.querySelectorAll("[data-view]") ?? []) {
      button.setAttribute("aria-pressed", String(button.dataset.view === view));
    }
    for (const [name, root] of Object.entries(roots)) if (root) root.hidden = name !== view;
    document.body.classList.toggle("view-research", view === "research");
    document.body.classList.toggle("view-data", view === "data");
  }

  return { render };
}

"""axe-core (from npm) run inside a page: the accessibility audit the browser tests share."""

from __future__ import annotations

from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# The WCAG 2.0, 2.1 and 2.2 A and AA rules, as axe tags them.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")


@cache
def axe_source() -> str:
    """The axe-core script installed by `npm ci` (a dev dependency in package.json)."""
    if not AXE.exists():
        raise FileNotFoundError(f"{AXE} is missing: run `make setup` (npm ci)")
    return AXE.read_text(encoding="utf-8")


def audit(page) -> list[dict]:
    """Serious and critical WCAG A/AA violations on the page as it is now.

    axe is evaluated through the DevTools protocol, which the page's CSP does not govern,
    so the app's policy stays exactly as served.
    """
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(axe_source())
    result = page.evaluate(
        "async (tags) => await window.axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", WCAG_AA)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5],
             "why": v["nodes"][0].get("failureSummary", "") if v["nodes"] else ""}
            for v in result["violations"] if v["impact"] in BLOCKING]


def assert_accessible(page, where: str) -> None:
    """Fail with a readable list when axe finds serious or critical violations."""
    violations = audit(page)
    assert not violations, f"{where}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in violations)

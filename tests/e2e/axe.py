"""axe-core (from npm) run inside a page: the accessibility audit the browser tests share."""

from __future__ import annotations

from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# The WCAG 2.0, 2.1 and 2.2 A and AA rules, as axe tags them.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe's own best practices (landmarks, heading order, one h1, …): not WCAG failures on their
# own, but they are what makes a page easy to find one's way around with a screen reader.
BEST_PRACTICE = ["best-practice"]
BLOCKING = ("serious", "critical")
# Best-practice findings are rarely rated serious, so they count from "moderate" up.
BLOCKING_BEST_PRACTICE = ("moderate", "serious", "critical")


@cache
def axe_source() -> str:
    """The axe-core script installed by `npm ci` (a dev dependency in package.json)."""
    if not AXE.exists():
        raise FileNotFoundError(f"{AXE} is missing: run `make setup` (npm ci)")
    return AXE.read_text(encoding="utf-8")


def audit(page, best_practice: bool = True) -> list[dict]:
    """Serious and critical WCAG A/AA violations on the page as it is now, and (unless
    switched off) moderate or worse findings of axe's best-practice rules.

    axe is evaluated through the DevTools protocol, which the page's CSP does not govern,
    so the app's policy stays exactly as served.
    """
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(axe_source())
    tags = WCAG_AA + (BEST_PRACTICE if best_practice else [])
    result = page.evaluate(
        "async (tags) => await window.axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", tags)

    def blocking(violation: dict) -> bool:
        wcag = any(tag in WCAG_AA for tag in violation["tags"])
        return violation["impact"] in (BLOCKING if wcag else BLOCKING_BEST_PRACTICE)

    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5],
             "why": v["nodes"][0].get("failureSummary", "") if v["nodes"] else ""}
            for v in result["violations"] if blocking(v)]


def assert_accessible(page, where: str) -> None:
    """Fail with a readable list when axe finds serious or critical violations."""
    violations = audit(page)
    assert not violations, f"{where}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in violations)

"""The screens and languages issue 30's browser tests run in: a 1280 × 800 laptop and a 390 × 844
phone, each in English and Dutch, as one parameter list the test files share.

`WORKSHOP_TEST_SHOTS=<folder>` makes `shoot` save a screenshot of each size at the points a
test marks, to look at every combination without writing a test for the looking.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.axe import audit

LANGS = ("en", "nl")
SHOTS = os.environ.get("WORKSHOP_TEST_SHOTS")


@dataclass(frozen=True)
class Size:
    """A window and the page's language."""

    width: int
    height: int
    lang: str

    @property
    def phone(self) -> bool:
        return self.width < 600

    @property
    def viewport(self) -> dict:
        return {"width": self.width, "height": self.height}

    def __str__(self) -> str:
        return f"{self.width}-{self.lang}"


DESKTOP = (1280, 800)
PHONE = (390, 844)
SIZES = [pytest.param(Size(*screen, lang), id=f"{screen[0]}-{lang}")
         for screen in (DESKTOP, PHONE) for lang in LANGS]


def at(width: int) -> list:
    """The parameters of one screen width, in both languages (for what only that size defines)."""
    return [param for param in SIZES if param.values[0].width == width]


def shoot(page, size: Size, name: str) -> None:
    """A screenshot of the window as it is, when WORKSHOP_TEST_SHOTS names a folder."""
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}-{size}.png"))


# The innermost elements that reach past the window's right edge: what makes it scroll.
STICKING_OUT = """() => {
  const out = (el) => el.getBoundingClientRect().right > window.innerWidth + 1;
  return [...document.body.querySelectorAll('*')]
    .filter((el) => out(el) && ![...el.children].some(out)).slice(0, 6)
    .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`
      + ` "${el.textContent.trim().slice(0, 30)}" (${el.getBoundingClientRect().right | 0})`);
}"""


def check(page, size: Size, where: str, best_practice: bool = True) -> None:
    """The page as shown: nothing makes it scroll sideways (a long Dutch word, a wide row) and
    axe finds nothing serious; a screenshot named after `where` when asked for (above)."""
    page.wait_for_timeout(250)  # notes fade in; colours sampled mid-fade are not the page's
    shoot(page, size, re.sub(r"\W+", "-", where).strip("-"))
    wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 1, f"{where}, {size}: the page is {wide} px wider than the window: " + \
        ", ".join(page.evaluate(STICKING_OUT))
    found = audit(page, best_practice)
    assert not found, f"{where}, {size}: " + "; ".join(
        f"{v['id']} ({v['impact']}) at {v['nodes']}: {v['why']}" for v in found)

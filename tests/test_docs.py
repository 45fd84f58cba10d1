"""The README agrees with the code: settings, dependencies and the quick start."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

# Variables only the tests or the screenshots read; the README's Tests section names them.
TEST_ONLY = {"WORKSHOP_TEST_PG_ADMIN", "WORKSHOP_SCREENSHOTS"}


def section(title: str) -> str:
    """The README's text under `## title`, up to the next second-level heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"the README has no section {title!r}"
    return match.group(1)


def settings_read_by_the_code() -> set[str]:
    """Every WORKSHOP_* name (and HOST, PORT) that the app's code reads."""
    names = set()
    for path in [*(ROOT / "workshop").rglob("*.py"), ROOT / "wsgi.py"]:
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"\b(WORKSHOP_[A-Z_]*[A-Z])\b", text))
        names |= set(re.findall(r"environ\.get\(\s*\"(HOST|PORT)\"", text))
    return names - TEST_ONLY


def test_the_configuration_table_lists_exactly_the_settings_the_code_reads():
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", section("Configuration"), re.M))
    read = settings_read_by_the_code()
    assert {"WORKSHOP_DATABASE_URL", "HOST", "PORT"} <= read  # the scan finds them at all
    assert read - documented == set(), "settings the README's table does not describe"
    assert documented - read == set(), "settings in the README that the code never reads"


def test_the_readme_says_why_each_dependency_was_chosen():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    text = section("Dependencies, and why each").lower()
    for requirement in wanted:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower()
        assert f"**{name}**" in text, f"the README does not say why {name} is a dependency"


def test_the_quick_start_is_exactly_make_run_and_make_test():
    block = re.search(r"```sh\n(.*?)```", section("Quick start"), re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]

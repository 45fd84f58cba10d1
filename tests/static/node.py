"""Running the browser's modules in node, for the tests in this folder."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable

import pytest

from workshop.config import ROOT

# Prepended to every script: `input` is the JSON the test passes in.
READ_INPUT = 'import { readFileSync } from "node:fs";\n' \
             'const input = JSON.parse(readFileSync(0, "utf8"));\n'


def node_runner(module: str, script: str) -> Callable[[object], object]:
    """A function that runs `script` in node, `%s` in it being static/js/`module`'s URL,
    with `input` parsed from its argument; it returns what the script printed, as JSON.
    Skips the test when node is not installed."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    source = READ_INPUT + script % json.dumps((ROOT / "static/js" / module).as_uri())

    def run(payload: object) -> object:
        result = subprocess.run([node, "--input-type=module", "-e", source],
                                input=json.dumps(payload), capture_output=True, text=True,
                                timeout=30)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)
    return run

"""What the bench probes share: run a hook right after a module is imported.

The probes `bench/probes/stall_probe` and `bench/probes/timeline_probe` are `sitecustomize`
modules that load before the server's own imports, so they cannot patch a module that does
not exist yet; `after_import` lets them patch it the moment it is first executed.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType


def after_import(hooks: dict[str, Callable[[ModuleType], None]]) -> None:
    """Call hooks[name](module) right after the module `name` is first executed."""

    class AfterImport(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name not in hooks:
                return None
            sys.meta_path.remove(self)  # find the real spec without finding ourselves
            try:
                spec = importlib.util.find_spec(name)
            finally:
                sys.meta_path.insert(0, self)
            execute = spec.loader.exec_module

            def exec_module(module):
                execute(module)
                hooks[name](module)

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, AfterImport())

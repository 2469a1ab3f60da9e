"""Every matcher kind: importing this module imports each module of the package, so each
registers its kind (see `scanner.matchers.spec.KINDS`)."""

from __future__ import annotations

import importlib
import pkgutil

import scanner.matchers

for _module in pkgutil.iter_modules(scanner.matchers.__path__):
    importlib.import_module(f"scanner.matchers.{_module.name}")

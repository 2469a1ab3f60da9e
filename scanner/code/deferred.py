"""Packages and modules a run may not need, loaded when first used.

libcst is the heaviest thing noticelint imports (about 0.12 s), and a scan whose files all
come from the results cache, or hold no trigger literal, parses nothing. `defer("libcst")`
puts a stand-in for it in `sys.modules`: `import libcst as cst` binds the stand-in, and the
first attribute read from it (`cst.Name`) loads the package into it, after which it is the
package itself.

`importlib.util.LazyLoader` does the same on paper, but on Python 3.11 every later
`import libcst` statement reads the module's `__spec__` (to see whether it is still being
initialised), and any attribute read loads a LazyLoader module. Here only the attributes
the import system reads are there from the start (`__name__`, `__spec__`, `__loader__`,
`__package__`); `__path__` is not, so importing a submodule (`libcst.metadata`) loads the
package first, in the order a plain import would.

The standard library's `inspect` is deferred as well: `dataclasses` imports it (with `ast`,
`dis` and `tokenize`) only to describe a class that has no docstring, at a quarter of a
hook's quick answer on the benchmark's machine.
"""

from __future__ import annotations

import _thread
import sys
import types
from importlib.machinery import ModuleSpec

# `threading` and `importlib.util` are not imported: every run pays for this module, even
# `noticelint --version`, and those two cost more than the rest of its start-up.
_LOCK = _thread.RLock()
_LOADING: set[str] = set()


class _Deferred(types.ModuleType):
    """A package not executed yet: the first attribute it lacks executes it."""

    def __getattr__(self, attribute: str) -> object:
        with _LOCK:
            # Not while it executes: an attribute its own code reads before defining it is
            # missing, as in a partly initialised module.
            if type(self) is _Deferred and self.__name__ not in _LOADING:
                _LOADING.add(self.__name__)
                try:
                    spec = self.__spec__
                    assert spec is not None and spec.loader is not None
                    # What `importlib.util.module_from_spec` sets before a package runs.
                    if spec.submodule_search_locations is not None:
                        self.__path__ = list(spec.submodule_search_locations)
                    self.__file__ = spec.origin
                    self.__cached__ = spec.cached
                    spec.loader.exec_module(self)
                    # From now on a plain module: no lookup passes through here again.
                    object.__setattr__(self, "__class__", types.ModuleType)
                except BaseException:
                    sys.modules.pop(self.__name__, None)  # the next import tries afresh
                    raise
                finally:
                    _LOADING.discard(self.__name__)
        return types.ModuleType.__getattribute__(self, attribute)


def defer(name: str) -> None:
    """Make the top-level package or module `name` load when first used. Nothing happens
    when it is imported already, or cannot be found (its import then fails where it is
    written, as before)."""
    if name in sys.modules:
        return
    spec = _find_spec(name)
    if spec is None or spec.loader is None:
        return
    # As the import system leaves a loaded module's spec. Without it, every import of the
    # package (libcst's parser imports it for each node it makes) reads a missing attribute
    # and raises and drops an AttributeError: a tenth of a parse's time.
    spec._initializing = False  # type: ignore[attr-defined]
    module = _Deferred(name)
    module.__spec__ = spec
    module.__loader__ = spec.loader
    # A top-level module's package is none (""), as the import system sets it.
    module.__package__ = name if spec.submodule_search_locations is not None else ""
    sys.modules[name] = module


def _find_spec(name: str) -> ModuleSpec | None:
    """Where the top-level package `name` would be imported from, as the import system
    looks for it (`importlib.util.find_spec` for a name not imported yet)."""
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        spec = find(name, None) if find is not None else None
        if spec is not None:
            return spec  # type: ignore[no-any-return]
    return None


def load(name: str) -> None:
    """Load the deferred package or module `name` now, if it is deferred and not loaded yet:
    before worker processes are forked, say, so that they share one copy rather than each
    loading its own."""
    module = sys.modules.get(name)
    if type(module) is _Deferred:
        _ = module.__file__  # the first attribute it lacks loads it (and sets this one)

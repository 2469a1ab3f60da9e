"""Files named on the command line (a pre-commit hook's): the tree they belong to, and which
named modules are analysed though they hold no trigger literal. The full scan and the quick
answer (`scanner.scan.quick`) decide these alike."""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from pathlib import Path, PurePosixPath

from scanner.code.decoding import MAX_PARSE_CHARS
from scanner.code.pyast import imports_of


def context_root(here: Path, files: Sequence[Path]) -> Path | None:
    """The tree that a scan of some of its `files` (resolved) reads for what they need (the
    jobs that run them, the constants they import): the repository that holds them (the
    nearest folder above them with a `.git`), wherever the scan runs from; outside one, the
    folder the scan runs in (`here`) when it holds them all, else the folder they share,
    unless that is a file system's root (then None: no tree is read)."""
    folders = [file.parent for file in files]
    if not folders:
        return here
    shared = Path(os.path.commonpath(folders))
    found = next((f for f in (shared, *shared.parents) if (f / ".git").exists()), None)
    if found is not None:
        return found
    base = here.resolve()
    if all(folder == base or base in folder.parents for folder in folders):
        return here
    return None if shared == Path(shared.anchor) else shared


def module_name(display: str) -> str:
    """The last part of the dotted name a module (shown as `display`) is imported by."""
    path = PurePosixPath(display)
    return path.parent.name if path.stem == "__init__" else path.stem


def must_analyse(text: str, modules: Collection[str]) -> bool:
    """Whether a named module that holds no trigger literal is analysed all the same: one
    Python does not read (its syntax error is said), one too large to ask Python about
    (libcst refuses it too, and says so), and one that imports a module of the tree (whose
    `module_name`s are `modules`) by name or a package relatively (a value it sends may come
    from there). Any other can hold nothing to find but through a gate of following, as in a
    scan of its folder. Python's own parser answers in a tenth of libcst's time, and without
    loading libcst."""
    if len(text) > MAX_PARSE_CHARS:
        return True
    imported = imports_of(text)
    return imported is None or imported.relative or any(name in modules for name in imported.names)


def imports_beside(text: str, file: Path, root: Path | None) -> bool:
    """Whether `must_analyse` says yes to the named module `file` (resolved, its text `text`)
    without the tree's listing: for what its text alone decides, or for a name its import
    statements hold that is a module or a package beside it or at the top of its tree `root`
    (`shop` for `shop.py` or `shop/__init__.py`; see `context_root`, None for no tree), as a
    project's own imports mostly are. No answer for a module that imports one elsewhere in
    the tree: only the listing tells."""
    if must_analyse(text, ()):
        return True
    imported = imports_of(text)
    return imported is not None and any(
        _module_in(folder, imported.names)
        for folder in dict.fromkeys((file.parent, *([root] if root is not None else [])))
    )


def _module_in(folder: Path, names: Collection[str]) -> bool:
    """Whether one of `names` is a module (`name.py`) or a package (`name/__init__.py`) in
    `folder`: one look at the folder, and one at each package named."""
    try:
        entries = set(os.listdir(folder))
    except OSError:
        return False
    return any(
        f"{name}.py" in entries
        or (name in entries and os.path.isfile(os.path.join(folder, name, "__init__.py")))
        for name in names
    )

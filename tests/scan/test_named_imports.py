"""Files named alone (a hook's) that import a module of their own tree: told from their
texts and a look at two folders, before the rules' literals are loaded or the tree listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.scan import quick
from scanner.scan.given import imports_beside
from tests.conftest import write_tree

TREE = {
    "app/main.py": "",
    "app/consts.py": "CLAIM = 'x'\n",
    "app/helpers/__init__.py": "",
    "app/loose/notes.py": "",  # a folder without `__init__.py`: no package of that name
    "shop/__init__.py": "",
    "tools.py": "",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from consts import CLAIM\n", True),  # a module beside it
        ("import app.consts\n", True),  # a package at the top of the tree
        ("from helpers import run\n", True),  # a package beside it
        ("def f():\n    import tools\n", True),  # at the top, imported in a function
        ("import shop as s\n", True),
        ("from . import consts\n", True),  # relative: a package's `__init__` is taken
        ("import json\nfrom os import path\n", False),  # nothing of the tree's
        ("from loose import notes\n", False),  # `loose` is no package; `notes` not beside
        ("import data\n", False),  # a folder, no module
        ("x = 'import consts'\n", False),  # not an import statement
        ("def broken(:\n", True),  # Python refuses it: the full scan says why
    ],
)
def test_a_named_modules_imports_of_its_tree_are_seen_beside_it_and_at_the_top(
    tmp_path: Path, text: str, expected: bool
) -> None:
    write_tree(tmp_path, TREE)
    (tmp_path / "data").mkdir()
    main = tmp_path / "app" / "main.py"
    assert imports_beside(text, main, tmp_path) is expected


def test_without_a_tree_only_the_folder_beside_is_looked_into(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": "", "tools.py": ""})
    main = tmp_path / "app" / "main.py"
    assert imports_beside("import tools\n", main, None) is False
    assert imports_beside("import tools\n", main, tmp_path) is True


@pytest.fixture
def literals_asked(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Each time the quick answer asks for the rules' remembered literals (none are)."""
    asked: list[object] = []

    def prefilter(*args: object) -> None:
        asked.append(args)

    monkeypatch.setattr(quick.fastpath, "prefilter", prefilter)
    return asked


def test_a_named_module_importing_its_tree_gives_up_before_the_literals_are_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, literals_asked: list[object]
) -> None:
    write_tree(tmp_path, {"app/main.py": "from consts import CLAIM\n", "app/consts.py": ""})
    monkeypatch.chdir(tmp_path)
    assert quick.quick_scan([Path("app/main.py")]) is None
    assert literals_asked == []


@pytest.mark.parametrize(
    ("paths", "text"),
    [
        (["app/main.py"], "import json\n"),  # imports nothing of its tree
        (["app"], "from consts import CLAIM\n"),  # a folder: no hook's scan
    ],
)
def test_other_scans_go_on_to_the_literals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, literals_asked: list[object],
    paths: list[str], text: str,
) -> None:  # fmt: skip
    write_tree(tmp_path, {"app/main.py": text, "app/consts.py": ""})
    monkeypatch.chdir(tmp_path)
    assert quick.quick_scan([Path(path) for path in paths]) is None  # no literals remembered
    assert len(literals_asked) == 1

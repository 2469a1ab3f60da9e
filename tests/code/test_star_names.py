"""What `from module import *` binds: the names a module's `__all__` lists, when it is written
out, or else every name not starting with an underscore (Python's reference, "The import
statement"); and the linker's lookups through `import *` that follow it."""

from __future__ import annotations

import pytest

from scanner.code.collect import collect
from scanner.code.imports import Linker, binds_by_star, module_exports, star_names
from scanner.code.parse import parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('__all__ = ["A", "B"]\n', {"A", "B"}),
        ("__all__ = ('A',)\n", {"A"}),
        ("__all__ = []\n", set()),
        ('__all__: list[str] = ["A"]\n', {"A"}),
        # No `__all__`, or one that is not a list of strings written out: every public name.
        ("A = 1\n", None),
        ('__all__ = ["A"] + other.__all__\n', None),
        ('__all__ = ["A", *other.__all__]\n', None),
        ('__all__ = ["A", NAME]\n', None),
        ('__all__ = [f"A{x}"]\n', None),
        ("__all__ = [name for name in dir() if name.isupper()]\n", None),
        # Added to, or bound again: what it ends as is not read.
        ('__all__ = ["A"]\n__all__ += ["B"]\n', None),
        ('__all__ = ["A"]\n__all__.append("B")\n', None),
        ('__all__ = ["A"]\nif X:\n    __all__.extend(["B"])\n', None),
        ('__all__ = ["A"]\n__all__ = ["B"]\n', None),
        ('if X:\n    __all__ = ["A"]\n', None),
        ('for _ in range(1):\n    __all__ = ["A"]\n', None),
        # A function's own `__all__` is not the module's; but one called a method of, in a
        # function too (which may say `global __all__`), is not read.
        ('__all__ = ["A"]\ndef f():\n    __all__ = ["B"]\n', {"A"}),
        ('__all__ = ["A"]\ndef f():\n    global __all__\n    __all__.append("C")\n', None),
        ('__all__ = ["A"]\ndef f():\n    global __all__\n    __all__ = ["A", "B"]\n', None),
    ],
)
def test_the_names_a_module_lists_in_all(text: str, expected: set[str] | None) -> None:
    found = star_names(collect("m.py", parse(text)))
    assert found == (None if expected is None else frozenset(expected))


@pytest.mark.parametrize(
    ("listed", "export", "bound"),
    [
        (None, "API", True),
        (None, "_API", False),
        (None, "Paths.ORDERS", True),
        (None, "_Paths.ORDERS", False),
        (frozenset({"API"}), "API", True),
        (frozenset({"API"}), "OTHER", False),
        (frozenset({"_API"}), "_API", True),
        (frozenset({"PATHS", "Client"}), "PATHS[claim]", True),
        (frozenset({"PATHS", "Client"}), "Client.get#url", True),
        (frozenset({"get_url"}), "get_url()", True),
        (frozenset({"PATHS"}), "ROUTES[claim]", False),
    ],
)
def test_an_export_is_bound_by_import_star_by_the_name_it_is_part_of(
    listed: frozenset[str] | None, export: str, bound: bool
) -> None:
    assert binds_by_star(listed, export) is bound


def _linker(tree: dict[str, str]) -> Linker:
    facts = {key: collect(key, parse(text)) for key, text in tree.items()}
    return Linker(
        {key: module_exports(found) for key, found in facts.items()},
        star_names={key: star_names(found) for key, found in facts.items()},
    )


OLD = 'API = "https://open.shoplineapp.com/v1"\n'
NEW = 'API = "https://api.example.com/v1"\n'
BOTH = "from new import *\nfrom old import *\n"


@pytest.mark.parametrize(
    ("old", "source"),
    [
        (OLD, "old.py"),  # no `__all__`: the later `import *` binds it
        (f'__all__ = ["API"]\n{OLD}', "old.py"),
        (f'__all__ = ["OTHER"]\nOTHER = 1\n{OLD}', "new.py"),  # not listed: the earlier's
        (f'__all__ = ["OTHER"]\n__all__ += ["API"]\nOTHER = 1\n{OLD}', "old.py"),
        (OLD.replace("API", "_API") + "API = _API\n", "old.py"),
    ],
)
def test_a_name_is_looked_up_in_the_last_module_whose_import_star_binds_it(
    old: str, source: str
) -> None:
    linker = _linker({"old.py": old, "new.py": NEW, "use.py": BOTH})
    assert linker.starred("use.py", "API") == (source, "API")


def test_a_private_name_is_not_bound_by_import_star_without_all() -> None:
    linker = _linker({"old.py": OLD.replace("API", "_API"), "use.py": "from old import *\n"})
    assert linker.starred("use.py", "_API") is None
    listed = f'__all__ = ["_API"]\n{OLD.replace("API", "_API")}'
    linker = _linker({"old.py": listed, "use.py": "from old import *\n"})
    assert linker.starred("use.py", "_API") == ("old.py", "_API")

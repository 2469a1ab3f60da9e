"""Which modules of the scanned tree a job's command runs.

`python jobs/pull.py` and `/srv/shop/venv/bin/python /srv/shop/jobs/pull.py` run the tree's
`jobs/pull.py` (a path is matched by its longest tail that names a file of the tree, after
`cd … &&`); `python -m shopsync` runs `shopsync/__main__.py` (or `shopsync.py`, or the
package's `__init__.py`); `python manage.py pull_orders` (or `django-admin pull_orders`,
`python -m django pull_orders`) runs the Django command
`*/management/commands/pull_orders.py`; `python -c "import shop; shop.export()"` runs the
modules its code imports (`shop.py` or `shop/__init__.py`); `uv run …`, `poetry run …` and
`bash -c "…"` run what follows them.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Iterator

# Tokens that end one command of a shell line.
_SEPARATORS = {"&&", "||", ";", "|"}
_SHELL = re.compile(r"(?:^|/)(?:ba|z)?sh$")
_PYTHON = re.compile(r"(?:^|/)python[\d.]*$")
# What runs a Django project's management command named next.
_DJANGO = re.compile(r"(?:^|/)(?:manage\.py|django-admin(?:\.py)?)$")
# What Python code given with `-c` imports: `import shop.jobs as jobs, other`, `from shop
# import jobs`.
_IMPORTED = re.compile(
    r"(?:^|[;\n])\s*(?:from\s+([\w.]+)\s+import\b|import\s+([\w.,\s]+?)(?=;|$|\n))"
)


def words_of(command: str) -> list[str]:
    """The command's words, as a shell splits them (`bash -c "…"` opened one level)."""
    try:
        words = shlex.split(command, comments=True, posix=True)
    except ValueError:
        words = command.split()
    opened: list[str] = []
    for index, word in enumerate(words):
        if word == "-c" and index > 0 and _SHELL.search(words[index - 1]):
            continue
        if index > 1 and words[index - 1] == "-c" and _SHELL.search(words[index - 2]):
            opened += words_of(word)
        else:
            opened.append(word)
    split: list[str] = []
    for index, word in enumerate(opened):
        if index > 1 and opened[index - 1] == "-c" and _PYTHON.search(opened[index - 2]):
            split.append(word)  # Python's code: its `;` ends a statement, not a command
        else:
            split += [part for part in re.split(r"(&&|\|\||;)", word) if part]
    return split


def entry_points(command: str) -> Iterator[tuple[str, ...]]:
    """For each module the command starts, the tails of the paths it may be, most specific
    first."""
    words = words_of(command)
    for index, word in enumerate(words):
        after = words[index + 1] if index + 1 < len(words) else None
        if word == "-m" and after == "django":
            # `python -m django pull_orders`: Django runs the project's command.
            name = words[index + 2] if index + 2 < len(words) else None
            if name is not None and name not in _SEPARATORS:
                yield (f"management/commands/{name}.py",)
        elif word == "-m" and after is not None:
            stem = after.replace(".", "/")
            yield (f"{stem}/__main__.py", f"{stem}.py", f"{stem}/__init__.py")
        elif word == "-c" and after is not None and index and _PYTHON.search(words[index - 1]):
            for module in _imported(after):
                stem = module.replace(".", "/")
                yield (f"{stem}.py", f"{stem}/__init__.py")
        elif _DJANGO.search(word) and after is not None and after not in _SEPARATORS:
            yield (f"management/commands/{after}.py",)
        elif word.endswith(".py") and not word.endswith("manage.py"):
            parts = [part for part in word.split("/") if part not in ("", ".")]
            yield tuple("/".join(parts[start:]) for start in range(len(parts)))


def _imported(code: str) -> list[str]:
    """The modules Python code imports (`import shop.jobs as jobs, other`: `shop.jobs`,
    `other`; `from shop import jobs`: `shop`)."""
    found: list[str] = []
    for source, names in _IMPORTED.findall(code):
        if source:
            found.append(source)
        for name in names.split(","):
            parts = name.split()
            if parts:
                found.append(parts[0])
    return found


def scripts_run(command: str) -> Iterator[tuple[str, ...]]:
    """For each shell script the command starts (`sh sync.sh`, `bash -c "./ops/sync.sh"`,
    `/srv/app/bin/sync.sh`), the tails of the paths it may be, most specific first."""
    for word in words_of(command):
        if word.endswith(".sh"):
            parts = [part for part in word.split("/") if part not in ("", ".")]
            yield tuple("/".join(parts[start:]) for start in range(len(parts)))


def script_commands(text: str) -> tuple[str, ...]:
    """A shell script's command lines, with comments, blank lines and continuations read."""
    joined = re.sub(r"\\\n", " ", text)
    return tuple(
        line.strip()
        for line in joined.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


def modules_run(command: str, keys: Iterable[str]) -> list[str]:
    """The keys (module paths) of the tree that the command runs."""
    keys = list(keys)
    found: list[str] = []
    for tails in entry_points(command):
        for tail in tails:
            matched = [key for key in keys if key == tail or key.endswith("/" + tail)]
            if matched:
                found += matched
                break
    return found


_CODE_RUNNERS = re.compile(
    r"(?:^|/)(?:python[\d.]*|uv|poetry|pipenv|celery|manage\.py|django-admin|\S+\.(?:py|sh))$"
)


def starts_code(words: Iterable[str]) -> bool:
    """Whether a command starts Python, a task runner or a script (whose code the tree may
    hold), rather than a program of the system."""
    return any(_CODE_RUNNERS.search(word) or word == "-m" for word in words)

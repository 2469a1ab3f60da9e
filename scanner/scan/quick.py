"""The quick answer: "no findings" for a scan in which no file holds a trigger literal of
the selected rules, given without loading the rule pack, the parser or the command line.

A pre-commit hook runs on a handful of files that are almost always clean: this is what it
pays for. Only what the answer needs is imported here (`scanner.launch` answers from it
before the command line loads); the full scan (`scanner.runner.scan`) asks it first too.
"""

from __future__ import annotations

import stat
import time
from pathlib import Path

from scanner.code.decoding import Unscannable, decode_python, decode_text, read_source
from scanner.code.notebooks import is_notebook, read_notebook
from scanner.code.textfiles import may_schedule, schedules_by_name
from scanner.rulepack.errors import ConfigError
from scanner.rulepack.resources import rules_dir
from scanner.scan import fastpath
from scanner.scan.config import codes, config_for
from scanner.scan.discovery import (
    Basis,
    Watched,
    discover,
    ignored_folders,
    kind_of,
    not_read,
)
from scanner.scan.given import context_root, imports_beside, module_name, must_analyse
from scanner.scan.mentions import mentioned
from scanner.scan.ownfiles import written_by_noticelint
from scanner.scan.passedby import PassedBy
from scanner.scan.triggered import holds_trigger

# Not `typing.TYPE_CHECKING`: typing is not otherwise imported on the way to the answer.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from scanner.scan.config import Config
    from scanner.scan.discovery import SourceFile
    from scanner.scan.fastpath import Remembered


def no_findings(count: int) -> str:
    """What a scan that found nothing in `count` files prints."""
    return f"No findings in {count} file{'' if count == 1 else 's'}."


def quick_scan(paths: Sequence[Path], rests_on: list[Basis] | None = None) -> int | None:
    """`scan PATHS` with no options, when the quick answer holds: the number of files, none
    holding a trigger literal of the rules the configuration selects. None when the full
    scan must answer (a file holds one, or the configuration is broken: it then says how).
    What the answer rests on is added to `rests_on` (see `quick_answer`)."""
    try:
        config = config_for(paths)
        select, ignore = config.rules_chosen((), ())
        return quick_answer(paths, config, select, ignore, config.not_scanned(), rests_on)
    except (ConfigError, OSError):
        return None


def quick_answer(
    paths: Sequence[Path],
    config: Config,
    select: Sequence[str],
    ignore: Sequence[str],
    exclude: Sequence[str],
    rests_on: list[Basis] | None = None,
) -> int | None:
    """The number of files when none holds a trigger literal of the selected rules (so the
    scan would find nothing); None whenever that cannot be known for sure. What the answer
    rests on (the files read, the folders looked into, the rule folders) is added to
    `rests_on`: for files named alone, the files of their tree as well (see `_tree_read`)."""

    started_ns = time.time_ns()
    if _imports_beside(paths):
        return None
    named = [code for _, code in config.named_codes()]
    rule_folders = (rules_dir(), *config.rule_paths)
    remembered = fastpath.prefilter(rule_folders, codes(select), codes(ignore), named)
    if remembered is None:
        return None
    gate = remembered.prefilter
    if _still_held(fastpath.held(paths), paths, remembered):
        return None  # the last scan's first file with a trigger literal still holds one
    refused: list[str] = []
    repositories: list[str] = []
    watched = Watched()
    try:
        files, missing = discover(
            list(paths) or [Path(".")], Path.cwd(), (*config.exclude, *exclude), refused,
            repositories, watched=watched,
        )  # fmt: skip
    except ConfigError:
        return None
    unread = missing or refused or repositories
    if unread or not_read(paths, Path.cwd(), (*config.exclude, *exclude)):
        return None
    if ignored_folders(list(paths) or [Path(".")], files):
        return None  # a folder git ignores is reported, as not read
    given = {path for path in paths if path.is_file()}
    # Only files named, as a hook names them: the full scan reads their tree as well.
    only_files = bool(paths) and all(path in given for path in paths)
    modules: list[str] = []
    counted = 0
    # A hook's named files were just written: none would be passed by unread.
    passed = None if only_files else PassedBy(paths, remembered.identity, started_ns)
    for source in files:
        if source.kind != "python" and not remembered.reads_config:
            continue  # not read by the full scan either: no selected rule looks at it
        entry = f"{source.kind}:{source.key}"
        stamp = None
        try:
            if passed is None:
                text = _source_text(source.path, source.display, source.kind)
            else:
                fresh = passed.read(entry, source.path)
                if fresh is None:
                    counted += 1
                    continue  # passed by as it was
                data, stamp = fresh
                text = _decoded(data, source.display, source.kind)
        except (OSError, Unscannable, ValueError):
            return None
        if source.kind == "config" and written_by_noticelint(text) is not None:
            if source.path in given:
                return None  # named, yet skipped: the full scan says so
            continue  # a report or baseline noticelint wrote: skipped, as the full scan does
        if source.kind == "config" and schedules_by_name(source.path) is True:
            # A crontab, a systemd timer or a Dockerfile: read whatever its text, for the
            # jobs in it (or their zone), as the full scan reads it.
            return None
        python = source.kind == "python"
        if holds_trigger(gate, text, python, source.key) or mentioned(text):
            # A suppression comment is read wherever it is: one may silence nothing, or
            # name no code, and the full scan says so.
            return None
        if only_files and python:
            modules.append(text)
        if passed is not None and stamp is not None:
            passed.passed(entry, stamp)
        counted += 1
    read = files
    if only_files:
        tree = _tree_read(files, modules, (*config.exclude, *exclude), watched)
        if tree is None:
            return None
        read = [*files, *tree]
    if passed is not None:
        passed.keep()
    if rests_on is not None:
        paths_read = dict.fromkeys(str(source.path) for source in read)
        rests_on.append(Basis(tuple(paths_read), watched, rule_folders))
    return counted


def _tree_read(
    files: Sequence[SourceFile], modules: Sequence[str], exclude: Sequence[str], watched: Watched
) -> list[SourceFile] | None:
    """The files of the tree of these named `files` (see `context_root`), none holding a
    trigger literal, when the tree adds nothing to their scan: no named module (whose texts
    are `modules`) is analysed for what it imports or for Python refusing it (see
    `must_analyse`), and no other file of the tree may declare a job (that could run one of
    them). None when it may add something. The folders its listing looked into are added to
    `watched`: the answer rests on the tree's files and on what lists them."""

    here = Path.cwd()
    root = context_root(here, [Path(source.key) for source in files])
    tree = discover([root], here, exclude, watched=watched)[0] if root is not None else []
    names = {module_name(source.display) for source in tree if source.kind == "python"}
    if any(must_analyse(text, names) for text in modules):
        return None
    shown = {source.display for source in files}
    # As the full scan reads them: a job elsewhere can only run a Python module named.
    others = [s for s in tree if s.display not in shown and (modules or s.kind != "python")]
    by_name = [(source, schedules_by_name(source.path)) for source in others]
    if any(says for _, says in by_name):
        return None  # a crontab or a Dockerfile: known without reading it
    for source, says in by_name:
        if says is None:
            try:
                text = _source_text(source.path, source.display, source.kind)
            except (OSError, Unscannable, ValueError):
                continue  # the full scan passes it by as well, and says nothing of it
            if may_schedule(source.path, text):
                return None
    return tree


def _imports_beside(paths: Sequence[Path]) -> bool:
    """Whether the paths are files named alone, one of them a module that the full scan
    analyses for what it imports (see `imports_beside`): known from their texts and a look
    at two folders, before the rules' literals are loaded or the tree is listed, which a
    hook's modules (importing their project's) would pay for nothing."""
    if not paths or not all(path.is_file() for path in paths):
        return False
    files = [path.resolve() for path in paths]
    root = context_root(Path.cwd(), files)
    for file in files:
        if kind_of(file) != "python":
            continue
        try:
            text = _source_text(file, file.name, "python")
        except (OSError, Unscannable, ValueError):
            continue  # said by the scan that reads it
        if imports_beside(text, file, root.resolve() if root is not None else None):
            return True
    return False


def _source_text(path: Path, display: str, kind: str) -> str:
    """A file's text as the scan reads it (a notebook's code cells). Raises `OSError`,
    `Unscannable` or `ValueError` for a file it could not read."""
    return _decoded(read_source(path), display, kind)


def _decoded(data: bytes, display: str, kind: str) -> str:
    """A file's text as the scan reads it from its bytes, `data` (see `_source_text`)."""
    text = decode_python(data) if kind == "python" else decode_text(data)
    return read_notebook(text).source if is_notebook(display) else text


def _still_held(hinted: Sequence[Path], paths: Sequence[Path], remembered: Remembered) -> bool:
    """Whether one of the files a scan of `paths` found holding a trigger literal last time
    (a hint: see `fastpath.held`), that this scan reads, still holds one."""

    roots = [path.resolve() for path in (paths or [Path(".")])]
    for path in hinted:
        kind = kind_of(path)
        if kind is None or (kind == "config" and not remembered.reads_config):
            continue
        if not any(path == root or root in path.parents for root in roots):
            continue
        try:
            if not stat.S_ISREG(path.stat().st_mode):
                continue
            text = _source_text(path, path.name, kind)
        except (OSError, Unscannable, ValueError):
            continue
        if holds_trigger(remembered.prefilter, text, kind == "python", str(path)):
            return True
    return False

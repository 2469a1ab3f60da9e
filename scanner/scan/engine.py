"""A whole scan: discover files, prefilter, analyse each once, link across modules."""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path, PurePosixPath
from time import time_ns
from typing import NamedTuple, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scanner.apis.calls import tie_holds
from scanner.apis.resolve import Tie, resolve_url
from scanner.apis.unresolved import unjudged
from scanner.code.decoding import Unscannable, decode_python, decode_text, read_source
from scanner.code.handing import read_handed
from scanner.code.httpcalls import VERBS
from scanner.code.imports import Linker, bound_name, module_files
from scanner.code.inert import in_code
from scanner.code.notebooks import Notebook, is_notebook, read_notebook
from scanner.code.pyast import imports_of
from scanner.code.strings import HOLE_CHAR, STAR, Ref, Shape, refs, render
from scanner.code.textfiles import may_schedule, schedules_by_name
from scanner.maintenance.checks import (
    PlacedJob,
    PlacedMoment,
    ServiceIndex,
    job_findings,
    moment_findings,
    unresolved_jobs,
)
from scanner.maintenance.commands import (
    entry_points,
    modules_run,
    script_commands,
    scripts_run,
)
from scanner.maintenance.images import ImageZone, installs, runs
from scanner.maintenance.services import MODULE, Service, linked
from scanner.maintenance.windows import Calendar
from scanner.matchers import decide_pending
from scanner.matchers.findings import FileError, Finding, Unresolved, UnresolvedCall
from scanner.matchers.schedule import ScheduleMatcher
from scanner.rulepack.errors import ConfigError
from scanner.rulepack.prefilter import Prefilter
from scanner.rulepack.ruleset import RuleSet
from scanner.scan.analyse import FileAnalysis, Previewer
from scanner.scan.cache import ResultCache
from scanner.scan.cache import key as cache_key
from scanner.scan.discovery import (
    Listing,
    SourceFile,
    discover,
    display_path,
    kind_of,
    listing,
    tree_files,
)
from scanner.scan.edits import Edits
from scanner.scan.given import context_root, module_name, must_analyse
from scanner.scan.mentions import mentioned
from scanner.scan.ownfiles import written_by_noticelint
from scanner.scan.pipeline import Pipeline, Workers
from scanner.scan.stamps import Stamp, content_digest, text_digest
from scanner.scan.suppressions import Suppression
from scanner.scan.suppressions import apply as apply_suppressions
from scanner.scan.suppressions import find as find_suppressions
from scanner.scan.suppressions import unused as unused_suppressions
from scanner.scan.triggered import holds_trigger
from scanner.scan.worker import RECURSION_LIMIT, Job, deep_stack_executor


@dataclass(frozen=True)
class _Named:
    """A text that holds one of the names as a whole word, found with the others in one pass
    (see `Prefilter`), and passes that name's own gate. Only the names found are looked at
    again: a whole-word pattern per name (`\\bBASE\\b`) was tried at every character of
    every text, a third of a following round's time on a tree of modules."""

    names: Prefilter
    gates: Mapping[str, _Either]

    def search(self, text: str) -> bool:
        imported = [name for name in self.names.literals_in(text) if self.gates[name].search(text)]
        # Named in code: `# the public API` in a module that imports `API`'s uses nothing.
        return bool(imported) and in_code(text, imported)


@dataclass(frozen=True)
class _ImportLine:
    """An import statement that names one of `modules`, or a relative one that names no
    module (`from .. import CLAIM` takes the constant from a package's `__init__`, which it
    does not name; `from .paths import CLAIM` names its module, and counts only as one of
    `modules`), as Python reads the module. With a `name`, only one through which the
    module can take that name counts: the statement holds it (`from .consts import (` ...
    `BASE,`), or the module reads it as an attribute somewhere (`consts.BASE`, an alias's
    `c.BASE`); a module that imports `consts` and says `BASE` only as a bare word (its
    own, or in prose) takes nothing from there. The text is searched first, cheaply: each
    `import` word's statement (its line, joined with lines a backslash continues and up to
    the parenthesis that closes it), outside comments, must begin as an import statement
    does (at the line's start, or after a `;` or a `:`) and hold one of `modules` or `from .
    import`; only then is the module parsed by `ast`, to leave out text in strings (one
    that does not parse is taken at its text's word). Never a pattern anchored at every
    line, which backtracks along long lines."""

    modules: re.Pattern[str]
    name: str | None = None

    def search(self, text: str) -> bool:
        start = 0
        # Whether the name is read as an attribute: asked once, at the first statement that
        # imports one of the modules without holding it.
        read: bool | None = None
        while (at := text.find("import", start)) != -1:
            code, ends = _statement(text, at)
            start = ends + 1
            if not _IMPORT_STATEMENT.search(code) or not (
                self.modules.search(code) or _RELATIVE.search(code)
            ):
                continue
            if self.name is not None and not re.search(rf"\b{re.escape(self.name)}\b", code):
                read = _read_as_attribute(text, self.name) if read is None else read
                if not read:
                    continue
            imported = imports_of(text)
            if imported is None:
                return True
            return imported.from_package or bool(self.modules.search(" ".join(imported.names)))
        return False


@dataclass(frozen=True)
class _ReadThrough:
    """The name read as an attribute of one of `modules` (`real.BASE`), as a module reads
    a constant of a package's module through the package it imports (`import shop` ...
    `shop.real.BASE`), which no import statement of it names."""

    name: str
    modules: frozenset[str]

    def search(self, text: str) -> bool:
        for dot in _attribute_reads(text, self.name):
            last = _before_blanks(text, dot)
            first = last
            while first >= 0 and _WORD_CHAR.match(text, first):
                first -= 1
            if text[first + 1 : last + 1] in self.modules:
                return True
        return False


def _attribute_reads(text: str, name: str) -> Iterator[int]:
    """Where the name is read as an attribute (`.name`, blanks, line breaks and backslashes
    allowed between): the place of the dot before each."""
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        dot = _before_blanks(text, at)
        if dot >= 0 and text[dot] == "." and not _WORD_CHAR.match(text, end):
            yield dot
        at = text.find(name, end)


def _read_as_attribute(text: str, name: str) -> bool:
    return next(_attribute_reads(text, name), None) is not None


def _before_blanks(text: str, at: int) -> int:
    """Where the last character before `text[at]` that is no blank (a line's end, inside
    brackets, or a backslash that continues one) and in no comment ending a line above
    (`(consts.  # the base` over `API)`) is; -1 if none."""
    at -= 1
    while at >= 0:
        char = text[at]
        if char == "\n" or char == "\r":
            begins = _line_start(text, at)
            at = begins + len(_code_of_line(text[begins:at]))
        elif char not in " \t\\":
            return at
        at -= 1
    return -1


_WORD_CHAR = re.compile(r"\w")


def _statement(text: str, at: int) -> tuple[str, int]:
    """The code (comments left out) of the statement around `text[at]`, read by lines (any
    of Python's line breaks): back over lines a backslash continues (outside a comment), on
    over lines it continues or an open parenthesis holds, and at least to the end of the
    line that holds `text[at]`. Also where that ends (its line break, or the text's end).
    A line is cut at its first `#` only when no quote comes before it: after one, the `#`
    may lie in a string (`SEP = "#"; from .consts import BASE`), and the whole line is kept
    (more than the code, never less)."""
    begins = _line_start(text, at)
    while begins > 0:
        # The line before: its content ends before its break (`\r\n` is one).
        before = begins - 2 if text.startswith("\r\n", begins - 2) else begins - 1
        starts = _line_start(text, before)
        if not _continued(_code_of_line(text[starts:before])):
            break
        begins = starts
    lines = []
    ends = begins - 1
    depth = 0
    while ends < len(text):
        content, following = _line_end(text, ends + 1)
        line = _code_of_line(text[ends + 1 : content])
        lines.append(line)
        depth += line.count("(") - line.count(")")
        ends = following
        if ends >= at and depth <= 0 and not _continued(line):
            break
    return "\n".join(lines), ends


def _line_start(text: str, at: int) -> int:
    # A `\r` is looked for only after the last `\n`: most texts hold none, and the search
    # would otherwise run back to the start for every statement.
    newline = text.rfind("\n", 0, at)
    return max(newline, text.rfind("\r", newline + 1, at)) + 1


def _line_end(text: str, start: int) -> tuple[int, int]:
    """Where the line from `start` ends: its content, and its last line break character
    (`\n` of a `\r\n`); the text's length for both when no break ends it."""
    newline = text.find("\n", start)
    newline = len(text) if newline == -1 else newline
    back = text.find("\r", start, newline)
    if back == -1:
        return newline, newline
    return back, back + 1 if text.startswith("\n", back + 1) else back


def _code_of_line(line: str) -> str:
    hashed = line.find("#")
    if hashed >= 0 and "'" not in line[:hashed] and '"' not in line[:hashed]:
        return line[:hashed]
    return line


def _continued(code: str) -> bool:
    return code.rstrip().endswith("\\")


# Where an import statement may begin: a line's start, or after `;` or a clause's `:` (`try:
# import ujson`), the lines a backslash continues joined. Text in a string literal mostly
# has words before it ("the form `from ... import *`" in a documentation string).
_IMPORT_STATEMENT = re.compile(r"(?:^|(?<=[\r\n;:]))[ \t\f\\]*(?:import|from)\b")
# `from . import`, `from .. import`: relative, with no module (`from .paths import` names one).
_RELATIVE = re.compile(r"\bfrom\b[\s\\]*\.[.\s\\]*import\b")


@dataclass(frozen=True)
class _Defines:
    """A text that defines one of `names` (`def name`, or `name =` at a line's start), or
    imports it (a package's `__init__` that hands on its module's function: what a call
    through the package runs is told there): each name is read and looked up, rather than
    an alternation of every name tried at every place (slow once there are hundreds)."""

    names: frozenset[str]

    def search(self, text: str) -> bool:
        # `findall` lists the names in C; a Python step per definition cost more than the
        # regex itself on a tree's worth of modules.
        return any(
            not self.names.isdisjoint(p.findall(text))
            for p in (_DEF_NAME, _ASSIGNED_NAME, _IMPORTED_NAME)
        )


# The names are read ahead, not taken: `def def pull` still shows `def pull`.
_DEF_NAME = re.compile(r"\bdef\s+(?=(\w+))")
_ASSIGNED_NAME = re.compile(r"(?m)^\s*(?=(\w+)\s*=)")
# The first name an `import` gives and each after a comma (more than imports: a gate may
# let a file by that it need not, never the reverse).
_IMPORTED_NAME = re.compile(r"(?:\bimport\s*\(?|,)\s*(?=(\w+))")


@dataclass(frozen=True)
class _NamedThenDefined:
    """One of the names found in one pass (`first`, which rejects most files), then `then`:
    where and how one is defined."""

    first: Prefilter
    then: _Defines

    def search(self, text: str) -> bool:
        return self.first.search(text) and self.then.search(text)


@dataclass(frozen=True)
class _Given:
    """A module named on the command line that is analysed though it holds no trigger
    literal (see `must_analyse`); `modules` are the tree's modules' names."""

    modules: frozenset[str]

    def search(self, text: str) -> bool:
        return must_analyse(text, self.modules)


@dataclass(frozen=True)
class _StarImport:
    """`from .consts import *` of one of `modules`: the names it binds are not in the text
    (a package's `__init__` that re-exports them, or a module that uses them). Each
    `import *` is found first, then its statement read (see `_statement`)."""

    modules: frozenset[str]

    def search(self, text: str) -> bool:
        for found in _IMPORT_STAR.finditer(text):
            before = text[found.start() - 1] if found.start() else " "
            if before.isalnum() or before == "_":
                continue  # `reimport *`
            code, _ = _statement(text, found.start())
            module = _FROM_MODULE.search(code)
            if module is not None and module[1].rpartition(".")[2] in self.modules:
                return True
        return False


# A pattern that starts with a literal is searched for that literal first (fast); one that
# starts with `\b` is tried at every character, thirty times slower.
_IMPORT_STAR = re.compile(r"import[ \t]*\*")
# The module of a `from ... import *` statement, continued lines and all.
_FROM_MODULE = re.compile(r"\bfrom[\s\\]+([\w.]+)[\s\\]+import[\s\\]*\*")


class _DeclaresJobs:
    """A file that may declare a scheduled job (see `may_schedule`, which reads its name)."""


_DECLARES_JOBS = _DeclaresJobs()


@dataclass(frozen=True)
class _Either:
    """Any of `gates`."""

    gates: tuple[_Named | _StarImport | _ImportLine | _ReadThrough, ...]

    def search(self, text: str) -> bool:
        return any(gate.search(text) for gate in self.gates)


Gate = (
    Prefilter
    | re.Pattern[str]
    | _NamedThenDefined
    | _Defines
    | _Given
    | _Either
    | _StarImport
    | _DeclaresJobs
)


class _Exported(NamedTuple):
    """A name other modules may import from a module (told by its last name, as the gates
    tell modules), and whether `from module import *` binds it (see `Linker.binds_by_star`)."""

    name: str
    module: str
    by_star: bool


# Told (files read, files in all) as a scan reads its files.
Progress = Callable[[int, int], None]
_T = TypeVar("_T")
_ANYTHING = re.compile("")
MAX_LINK_ROUNDS = 8
# The texts of skipped files that following has read are kept for its later rounds, up to
# this many characters in all (past it, a file is read again each round).
KEPT_TEXT_CHARS = 16_000_000
# How many of the files that hold a trigger literal a scan names (a hint: see `held`).
HELD_FILES = 4


@dataclass
class ScanResult:
    """What a scan gives the reports: its findings and file errors, the jobs it found (and
    could not judge), and how many files it scanned, parsed and took from the cache."""

    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    # Scheduled jobs whose firing time or target the code does not tell.
    unresolved: list[Unresolved] = field(default_factory=list)
    # Requests no rule judged: the code does not tell their host (`scanner.apis.unresolved`).
    unresolved_calls: list[UnresolvedCall] = field(default_factory=list)
    # Every scheduled job found, with the services its target reaches (None: not told).
    jobs: list[tuple[PlacedJob, frozenset[Service] | None]] = field(default_factory=list)
    files_scanned: int = 0
    # The Python modules among `analysed` (read whole, from the cache or parsed now).
    files_parsed: int = 0
    # Files analysed: the prefilter let them through, or a rule reads every such file (a
    # module or config file followed for what it exports, a job's context included).
    analysed: int = 0
    # Of those, analyses taken from the results cache rather than made.
    cache_hits: int = 0
    # Files not read again: their stat shows them as they were when the prefilter let them by.
    unchanged: int = 0
    # The first few files the prefilter let through (see `fastpath.remember_held`).
    held: list[Path] = field(default_factory=list)
    integrations: set[tuple[str, str]] = field(default_factory=set)
    suppressed: list[Finding] = field(default_factory=list)
    # Files read and left alone, with why (noticelint's own baselines and reports).
    skipped: list[tuple[str, str]] = field(default_factory=list)
    previews: dict[str, Edits] = field(default_factory=dict)
    # The file behind each display that is not its path (a name shown escaped, a link).
    located: dict[str, Path] = field(default_factory=dict)
    # Files read only for what the files scanned need (a named module's tree): their
    # findings that stay are those of the jobs that run a file scanned.
    context: frozenset[str] = frozenset()
    # What the scan found to read (None until the scan has listed the paths).
    listing: Listing | None = None


@dataclass
class _Run:
    """One scan's state: the rules, prefilter and calendar it runs with, and what it has
    analysed so far."""

    ruleset: RuleSet
    prefilter: Prefilter | None
    calendar: Calendar | None = None
    as_of: datetime | None = None
    assumed_zone: str | None = None
    jobs: int = 1
    cache: ResultCache | None = None
    previewer: Previewer | None = None
    result: ScanResult = field(default_factory=ScanResult)
    analyses: dict[str, FileAnalysis] = field(default_factory=dict)
    module_names: dict[str, str] = field(default_factory=dict)
    unparsed: list[SourceFile] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    # For a scan of some files of a tree (a pre-commit hook's): the tree, read only for what
    # those files need (what their jobs run), and the files of it that were not given.
    context_root: Path | None = None
    shown_from: Path = Path()  # the folder the paths of the tree's files are shown from
    exclude: Sequence[str] = ()
    context: set[str] = field(default_factory=set)
    # The folders the scan reads (the tree's root for a scan of some of its files).
    roots: list[Path] = field(default_factory=list)
    # In a scan of some files of a tree: the Python modules given (keys), and the jobs of
    # context files that run them (path, line), which are the scan's too.
    given: frozenset[str] = frozenset()
    named: frozenset[str] = frozenset()  # the displays of every file given
    reaching: set[tuple[str, int]] = field(default_factory=set)
    tree: list[SourceFile] | None = None
    # Skipped files' texts read while following, with their content digests, by key (see
    # KEPT_TEXT_CHARS).
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)
    # The content digests of files the prefilter let by unread, their stat unchanged: a
    # gate of following that passed such a file by before passes it by unread.
    unread_digests: dict[str, str] = field(default_factory=dict)
    texts_kept: int = 0
    progress: Progress | None = None
    total: int = 0
    # A file whose source is given (from stdin), not read from the disk.
    buffer: tuple[Path, bytes] | None = None
    # The notebooks read, to tell positions in their joined code cells back as cells.
    notebooks: dict[str, Notebook] = field(default_factory=dict)
    # When the scan started, on the clock files' modification times are read from (ns).
    started_ns: int = field(default_factory=time_ns)
    # The worker processes that every round of analysis shares (see `Workers`).
    workers: Workers = field(init=False)

    def __post_init__(self) -> None:
        self.workers = Workers(self.jobs, self.ruleset, self.calendar, self.previewer)


def scan(
    paths: Sequence[Path],
    ruleset: RuleSet,
    root: Path | None = None,
    exclude: Sequence[str] = (),
    use_prefilter: bool = True,
    calendar: Calendar | None = None,
    as_of: date | None = None,
    assumed_zone: str | None = None,
    jobs: int = 1,
    cache: ResultCache | None = None,
    previewer: Previewer | None = None,
    progress: Progress | None = None,
    stdin: tuple[Path, bytes] | None = None,
) -> ScanResult:
    """Scan the paths. With a calendar, jobs and promotions are checked against the windows
    that have not ended on `as_of` (default: today). Files are parsed in `jobs` processes,
    and analyses are kept in `cache` between scans. With a `previewer` (the fixers', handed
    in by the caller), each Python file's fixes are previewed on the scan's own parse.
    `progress(done, total)` is told of each file read. `stdin` is (a path, its source): the
    file's text comes from there, not from the disk (an editor's unsaved buffer)."""
    if stdin is not None:
        paths = [stdin[0]]
    found = listing(paths, root or Path.cwd(), exclude)
    files, missing = found.files, found.missing
    if stdin is not None and not files:
        missing = []  # a buffer not yet saved: scanned as the file it will be
        display = display_path(stdin[0], root or Path.cwd())
        files = [SourceFile(display, stdin[0], kind_of(stdin[0]) or "python")]
    if missing:
        raise ConfigError(f"no such file or directory: {', '.join(missing)}")
    unread = [FileError(display, why) for display, why in found.unread]
    moment = datetime.combine(as_of or date.today(), time(), tzinfo=UTC)
    run = _Run(
        ruleset, ruleset.prefilter if use_prefilter else None, calendar, moment, assumed_zone,
        max(1, jobs), cache, previewer,
    )  # fmt: skip
    run.progress, run.total = progress, len(files)
    # A name shown escaped (`bad\\xffname.py`) is not a path to open.
    run.result.located = {f.display: f.path for f in files if "\\" in f.display}
    if stdin is not None:
        run.buffer = (files[0].path, stdin[1])
    if paths and all(path.is_file() for path in paths):
        run.shown_from, run.exclude = root or Path.cwd(), exclude
        run.context_root = context_root(run.shown_from, [Path(f.key) for f in files])
        run.given = frozenset(f.key for f in files if f.kind == "python")
        run.named = frozenset(f.display for f in files)
    run.roots = [path for path in paths if path.is_dir()] or [
        run.context_root or root or Path.cwd()
    ]
    previous_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous_limit, RECURSION_LIMIT))
    worker = deep_stack_executor()
    scanning = worker.submit(_scan_all, run, files)
    try:
        scanning.result()
    finally:
        # Interrupted (Ctrl-C, SIGTERM), the scan thread is not waited for: the run ends now,
        # and what it has not finished is not kept in the cache (the thread may still write).
        worker.shutdown(wait=scanning.done(), cancel_futures=True)
        sys.setrecursionlimit(previous_limit)
        if cache is not None and scanning.done():
            cache.flush()
    run.result.errors.extend(unread)
    # What was passed by unread comes first: what was read and left alone comes as read.
    run.result.skipped[:0] = found.passed_by
    run.result.listing = found
    run.result.findings.sort()
    run.result.errors.sort()
    return run.result


@dataclass(frozen=True)
class _Held:
    """A file the prefilter let through in an earlier scan, unchanged since by its stat: its
    analysis is looked up by its text's digest before the file is read."""

    digest: str


def _scan_all(run: _Run, files: Sequence[SourceFile]) -> None:
    with run.workers:
        _scan_rounds(run, files)
    # Every module is read now: one linker for what waited on the others.
    linker = _linker(run, class_urls=True)
    _unjudged(run, linker)
    _check_calendar(run, linker)
    _suppress(run)
    _leave_out_context(run)
    _in_cells(run)


def _scan_rounds(run: _Run, files: Sequence[SourceFile]) -> None:
    """Every round of analysis: the files the prefilter lets through, then those following
    adds."""
    config = bool(run.ruleset.config_readers)
    _analyse_all(
        run,
        (
            (source, text)
            for source in files
            if source.kind == "python" or config
            if (text := _first_read(run, source)) is not None
        ),
    )
    if run.named:
        _add_context(run)
    if run.prefilter is not None:
        _follow(run, _exported_triggers, _importing)
    _follow_handings(run)
    _follow(run, _handed_instances, _importing)
    _follow(run, _handed_to, _defining)
    _follow_references(run)
    _link(run)
    if run.ruleset.schedule_checks and run.calendar is not None:
        _add_job_context(run)
        _open_scripts(run)
        _follow(run, _job_callees, _defining)
        _follow_command_modules(run)
        # The settings that state the zones of jobs read only now (a hook's job context), and
        # the modules whose requests the jobs' code reaches through.
        _follow_references(run, jobs=True)


def _in_cells(run: _Run) -> None:
    """A notebook's findings say their code cell and the line in it."""
    if not run.notebooks:
        return

    def placed(found: list[Finding]) -> list[Finding]:
        return [
            dataclasses.replace(f, cell=run.notebooks[f.path].cell_of(f.line))
            if f.path in run.notebooks
            else f
            for f in found
        ]

    run.result.findings = placed(run.result.findings)
    run.result.suppressed = placed(run.result.suppressed)
    run.result.errors = [_error_in_cells(error, run.notebooks) for error in run.result.errors]


def _error_in_cells(error: FileError, notebooks: Mapping[str, Notebook]) -> FileError:
    """A notebook's fault, placed by its cell (its line in the JSON would mislead)."""
    notebook = notebooks.get(error.path)
    if notebook is None or not error.line:
        return error
    cell, line = notebook.cell_of(error.line)
    return FileError(error.path, f"{error.reason} (cell {cell}, line {line})")


def _add_job_context(run: _Run) -> None:
    """When some Python modules of a tree are scanned, the tree's jobs are read too (its
    crontabs, workflows, CronJobs, Dockerfiles and scheduling modules): a job elsewhere
    that runs a given module is checked with it (see `_leave_out_context`)."""
    if run.context_root is None:
        return
    known = set(run.analyses)
    queued: list[tuple[SourceFile, str]] = []
    for source in _tree(run):
        if source.display in run.named or source.key in known:
            continue
        if source.kind == "python" and not run.given:
            continue  # no module given for a job elsewhere to run; Dockerfiles still count
        run.context.add(source.display)
        stamping = _stamping(run, _declares_key(run, source), source)
        if stamping is not None:
            _, status, found = stamping
            if (
                found is not None
                and found.analysis is None
                and found.unchanged(status, source.path)
            ):
                # Unchanged since a scan found no job in it: following may pass it by unread.
                run.unread_digests.setdefault(source.key, found.digest)
                continue
        text = _read(run, source, _DECLARES_JOBS, stamping=stamping)
        if text is not None:
            _read_suppressions(run, source, text)  # its jobs' findings may be kept
            queued.append((source, text))
    _analyse_all(run, queued)


def _declares_key(run: _Run, source: SourceFile) -> str | None:
    """Where it is kept whether a file of the tree may declare a job (a stamp whose
    `analysis` is None says it declares none); None without a cache."""
    if run.cache is None or run.buffer is not None:
        return None
    return cache_key("declares jobs", run.ruleset.digest, source.kind, source.display, source.key)


def _tree(run: _Run) -> list[SourceFile]:
    """The files of the tree a scan of some of its files reads from (listed once; none when
    the files share no tree, see `context_root`)."""
    if run.tree is None:
        root = run.context_root
        run.tree = discover([root], run.shown_from, run.exclude)[0] if root is not None else []
    return run.tree


def _add_context(run: _Run) -> None:
    """When some files of a tree are scanned (a pre-commit hook's): each is analysed whatever
    its literals when it imports from the tree or Python refuses it (a syntax error in a file
    given is never passed over, see `_Given`), and the rest of the tree's Python is there to
    read what they need (a constant, a base URL or a job's function defined in another
    module), read only when needed."""
    before = len(run.result.errors)
    modules = frozenset(module_name(s.display) for s in _tree(run) if s.kind == "python")
    _scan_unparsed(run, _Given(modules), lambda source: source.display in run.named)
    # These hold no trigger literal. Where Python accepts one, nothing in it can be found,
    # and that the analyser could not read it is not said (as when its folder is scanned, or
    # the quick answer is given).
    run.result.errors[before:] = [e for e in run.result.errors[before:] if not e.valid_python]
    known = set(run.analyses) | {s.key for s in run.unparsed}
    for source in _tree(run):
        key = source.key
        if source.kind == "python" and source.display not in run.named and key not in known:
            run.unparsed.append(source)
            run.context.add(source.display)


def _open_scripts(run: _Run) -> None:
    """A job that starts a shell script of the tree (`sh ops/sync.sh`) runs what the
    script's lines run, one level deep; a script the tree does not hold stays unknown."""
    wanted = {
        tails
        for analysis in run.analyses.values()
        for placed in analysis.jobs
        if placed.job.target.command
        for tails in scripts_run(placed.job.target.command)
    }
    if not wanted:
        return
    scripts = [
        path.resolve().as_posix()
        for root in run.roots
        for path in tree_files(root)
        if path.suffix == ".sh"
    ]
    for analysis in run.analyses.values():
        analysis.jobs = [_with_script(placed, scripts) for placed in analysis.jobs]


def _with_script(placed: PlacedJob, scripts: Sequence[str]) -> PlacedJob:
    target = placed.job.target
    if target.command is None:
        return placed
    lines: list[str] = []
    for tails in scripts_run(target.command):
        found = next(
            (path for tail in tails for path in scripts if path.endswith("/" + tail)), None
        )
        if found is not None:
            try:
                text = read_source(Path(found)).decode("utf-8", errors="replace")
                lines += script_commands(text)
            except OSError:
                continue
    if not lines:
        return placed
    job = dataclasses.replace(placed.job, target=dataclasses.replace(target, script=tuple(lines)))
    return PlacedJob(placed.where, job)


def _leave_out_context(run: _Run) -> None:
    """Findings, errors and fixes of files read only as context are not the scan's, but
    for the jobs that run a module given (`run.reaching`)."""
    if not run.context:
        return
    result = run.result
    result.context = frozenset(run.context)

    def kept(path: str, line: int) -> bool:
        return path not in run.context or (path, line) in run.reaching

    result.findings = [f for f in result.findings if kept(f.path, f.line)]
    result.suppressed = [f for f in result.suppressed if kept(f.path, f.line)]
    result.errors = [e for e in result.errors if e.path not in run.context]
    result.unresolved = [u for u in result.unresolved if kept(u.path, u.line)]
    result.unresolved_calls = [u for u in result.unresolved_calls if kept(u.path, u.line)]
    result.jobs = [(p, s) for p, s in result.jobs if kept(p.where.path, p.where.line)]
    result.previews = {k: v for k, v in result.previews.items() if k not in run.context}


def _suppress(run: _Run) -> None:
    kept, run.result.suppressed = apply_suppressions(run.result.findings, run.suppressions)
    code = run.ruleset.suppression_checks.get("unused")
    if code is not None:
        kept.extend(unused_suppressions(run.suppressions, set(run.ruleset.by_code), code))
    run.result.findings = kept


def _scan_unparsed(
    run: _Run,
    gate: Gate,
    chosen: Callable[[SourceFile], bool] = lambda _: True,
    identity: str | None = None,
) -> None:
    """Analyse, all together, the skipped files that are `chosen` and pass `gate`. With the
    gate's `identity`, an unchanged file it passed by or let through in an earlier scan is
    not read again: one let through is analysed from the cache, by its text's digest."""
    waiting, run.unparsed = run.unparsed, []
    queued: list[tuple[SourceFile, str | _Held]] = []
    for source in waiting:
        said = _gate_said(run, identity, source) if chosen(source) else _PASSED_BY
        if said is not None and said.startswith(_LET_THROUGH):
            queued.append((source, _Held(said.removeprefix(_LET_THROUGH))))
            continue
        text = None if said == _PASSED_BY else _read(run, source, gate, identity)
        if text is None:
            run.unparsed.append(source)
        else:
            queued.append((source, text))
    _analyse_all(run, queued)


def _first_read(run: _Run, source: SourceFile) -> str | _Held | None:
    """The prefilter's reading of a file: its text when a rule may find something in it;
    None when it is skipped; `_Held` when an earlier scan let it through and its stat says
    it is as it was then. With a cache, a file's stamp stands for reading it (see
    `scanner.scan.stamps`)."""
    stamping = _stamping(run, _stamp_key(run, source), source)
    if stamping is None:
        return _read(run, source, None)
    _, status, known = stamping
    if known is not None and known.unchanged(status, source.path):
        _counted(run)
        run.result.unchanged += 1
        if known.analysis is not None:
            _note_held(run, source)
            return _Held(known.analysis)
        run.unread_digests[source.key] = known.digest
        if source.kind == "python":
            run.unparsed.append(source)
        return None
    return _read(run, source, None, stamping=stamping)


def _stamping(
    run: _Run, key: str | None, source: SourceFile
) -> tuple[str, os.stat_result, Stamp | None] | None:
    """Where the file's stamp is kept (`key`), its stat, taken now (before the file is read:
    a later change shows next time), and the stamp found there; None without a cache, a
    key or a stat."""
    if key is None or run.cache is None:
        return None
    try:
        status = os.stat(source.path)
    except OSError:
        return None
    return key, status, Stamp.from_json(run.cache.stamp(key))


def _read(
    run: _Run,
    source: SourceFile,
    derived: Gate | None,
    identity: str | None = None,
    stamping: tuple[str, os.stat_result, Stamp | None] | None = None,
) -> str | None:
    """The file's text when a rule may find something in it; None when it is skipped.
    `derived` is a gate of following (None: the prefilter's first reading), named by
    `identity` for the results cache. `stamping`: where the file's stamp is kept, its stat
    taken before reading, and the stamp found there."""
    if derived is not None and (kept := run.texts.get(source.key)) is not None:
        # Read in an earlier round of following: not read and decoded again.
        if _holds(derived, source, kept[0]) or _schedules(source):
            _gate_says(run, identity, source, kept[1], _LET_THROUGH + text_digest(kept[0]))
            return kept[0]
        _gate_says(run, identity, source, kept[1], _PASSED_BY)
        return None
    read = _text_of(run, source)
    if read is None:
        return None
    data, text = read
    if source.kind == "config" and (own := written_by_noticelint(text)) is not None:
        if derived is None:
            run.result.skipped.append((source.display, f"a {own} noticelint wrote"))
        return None
    # Only the cache keeps what a gate said of a content, by its digest: without one, no
    # digest is taken (every skipped file's bytes were hashed in each round of following).
    cached = run.cache is not None
    digest = content_digest(data) if cached else ""
    if derived is None:
        _counted(run)
        _read_suppressions(run, source, text)
    elif run.texts_kept + len(text) <= KEPT_TEXT_CHARS:
        run.texts[source.key] = text, digest
        run.texts_kept += len(text)
    gate = derived or run.prefilter
    known = stamping[2] if stamping is not None else None
    passed_by = known is not None and known.analysis is None and known.digest == digest
    held = not passed_by and (gate is None or _holds(gate, source, text) or _schedules(source))
    if stamping is not None and not mentioned(text):
        assert run.cache is not None  # a stamp is kept only with a cache
        stamp = Stamp.of(stamping[1], data, run.started_ns, text if held else None)
        run.cache.put_stamp(stamping[0], stamp.to_json())
    if held:
        if derived is None:
            _note_held(run, source)
        elif cached:
            _gate_says(run, identity, source, digest, _LET_THROUGH + text_digest(text))
        return text
    if derived is not None and cached:
        _gate_says(run, identity, source, digest, _PASSED_BY)
    if source.kind == "python" and derived is None:
        run.unparsed.append(source)
    return None


def _text_of(run: _Run, source: SourceFile) -> tuple[bytes, str] | None:
    """The file's bytes and decoded text (a notebook's code cells); None when it cannot be
    read or decoded, which is said."""
    try:
        given = run.buffer is not None and source.path == run.buffer[0]
        data = run.buffer[1] if given and run.buffer is not None else read_source(source.path)
        if is_notebook(source.display):
            notebook = read_notebook(decode_text(data))
            run.notebooks[source.display] = notebook
            return data, notebook.source
        return data, decode_text(data) if source.kind == "config" else decode_python(data)
    except OSError as exc:
        run.result.errors.append(FileError(source.display, f"cannot read: {exc.strerror or exc}"))
    except Unscannable as exc:
        run.result.errors.append(FileError(source.display, str(exc)))
    return None


def _note_held(run: _Run, source: SourceFile) -> None:
    if len(run.result.held) < HELD_FILES:
        run.result.held.append(source.path)


# What a gate of following said of a file's content: passed it by, or let it through (then
# followed by the digest of the text, by which its analysis is cached).
_PASSED_BY = "passed by"
_LET_THROUGH = "let through "


def _gate_says(run: _Run, identity: str | None, source: SourceFile, digest: str, said: str) -> None:
    """Keep what the gate named `identity` said of the file whose content has this digest."""
    if identity is not None and run.cache is not None:
        run.cache.put_stamp(_gate_key(run, identity, source, digest), said)


def _gate_said(run: _Run, identity: str | None, source: SourceFile) -> str | None:
    """What the gate named `identity` said in an earlier scan of the file, when it is not
    read in this one (its stat is as its stamp has it, see `unread_digests`): `_PASSED_BY`,
    or `_LET_THROUGH` and its text's digest. None when that is not known."""
    digest = run.unread_digests.get(source.key)
    if identity is None or digest is None or run.cache is None:
        return None
    return run.cache.stamp(_gate_key(run, identity, source, digest))


def _gate_key(run: _Run, identity: str, source: SourceFile, digest: str) -> str:
    """Where it is kept what the gate named `identity` said of the file with this content."""
    return cache_key("gate", run.ruleset.digest, identity, source.kind, source.key, digest)


def _holds(gate: Gate, source: SourceFile, text: str) -> bool:
    if isinstance(gate, Prefilter):
        # Its names as the analysis reads them, from the resolved path (`module_tie`).
        return holds_trigger(gate, text, source.kind == "python", source.key)
    if isinstance(gate, _DeclaresJobs):
        return may_schedule(source.path, text)
    return bool(gate.search(text))


def _counted(run: _Run) -> None:
    run.result.files_scanned += 1
    if run.progress is not None:
        run.progress(run.result.files_scanned, run.total)


def _stamp_key(run: _Run, source: SourceFile) -> str | None:
    """Where the file's stamp is kept, when a stamp may stand for reading it: with a cache
    and the prefilter, for a file from the disk that is read only for the rules' literals
    (not a notebook, crontab or Dockerfile)."""
    if run.cache is None or run.prefilter is None or run.buffer is not None:
        return None
    if is_notebook(source.display) or _schedules(source):
        return None
    path = source.key
    return cache_key("stamp", run.ruleset.digest, source.kind, source.display, path)


def _schedules(source: SourceFile) -> bool:
    """A crontab or a systemd timer, or a Dockerfile that may set the zone of a crontab: read
    whatever the rules' literals, for the jobs in it. Only a config file: a module named
    `Dockerfile.py` is Python, gated as any other."""
    return source.kind == "config" and schedules_by_name(source.path) is True


def _read_suppressions(run: _Run, source: SourceFile, text: str) -> None:
    if mentioned(text):
        found, refused = find_suppressions(
            source.display, text, source.kind == "python",
            run.ruleset.suppression_checks.get("bare"),
        )  # fmt: skip
        run.suppressions.extend(found)
        run.result.findings.extend(refused)


def _analyse_all(run: _Run, queued: Iterable[tuple[SourceFile, str | _Held]]) -> None:
    """Analyses from the cache, then the rest, handed on as `queued` yields them."""
    todo: list[tuple[str, SourceFile]] = []
    pipeline = Pipeline(run.workers)
    for source, read in queued:
        name = ""  # where the analysis is kept: without a cache, no digest is taken
        if run.cache is not None:
            digest = read.digest if isinstance(read, _Held) else text_digest(read)
            name = _cache_key(run, source, digest)
            cached = run.cache.get(name)
            if isinstance(cached, FileAnalysis | FileError):
                run.result.cache_hits += 1
                _store(run, source, cached)
                continue
        if isinstance(read, _Held):
            # Its analysis is not kept after all (one the cache cannot hold): read it.
            text = _text_of(run, source)
            if text is None:
                continue
            name = _cache_key(run, source, text_digest(text[1]))
            read = text[1]
        pipeline.add(Job(source.kind, source.display, source.key, read))
        todo.append((name, source))
    for (name, source), outcome in zip(todo, pipeline.outcomes(), strict=True):
        if run.cache is not None:
            run.cache.put(name, outcome)
        _store(run, source, outcome)


def _cache_key(run: _Run, source: SourceFile, digest: str) -> str:
    """Where a file's analysis is kept: by the digest of its text (see `text_digest`)."""
    calendar = run.calendar.digest if run.calendar is not None else ""
    previews = "previews" if run.previewer is not None else ""
    return cache_key(
        run.ruleset.digest, calendar, previews, source.kind, source.display, source.key, digest
    )


def _store(run: _Run, source: SourceFile, outcome: FileAnalysis | FileError) -> None:
    run.result.analysed += 1
    if isinstance(outcome, FileError):
        run.result.errors.append(outcome)
        return
    if outcome.error is not None:
        run.result.errors.append(outcome.error)
    elif source.kind == "python":
        run.result.files_parsed += 1
    run.analyses[source.key] = outcome
    run.module_names[source.key] = module_name(source.display)
    run.result.findings.extend(outcome.findings)
    if outcome.edits is not None:
        run.result.previews[source.display] = outcome.edits


def _follow(run: _Run, wanted: Callable[[_Run], set[_T]], gate: Callable[[set[_T]], Gate]) -> None:
    """Parse files the prefilter skipped that `gate` says use what `wanted` finds in the
    parsed ones, round after round: the trigger literal sits in another module than theirs."""
    seen: set[_T] = set()
    for _ in range(MAX_LINK_ROUNDS):
        if not run.unparsed:
            return
        found = wanted(run) - seen
        if not found:
            return
        seen |= found
        # What the gate is made of names it: the same in every scan of the same tree.
        identity = "\0".join([gate.__qualname__, *sorted(map(repr, found))])
        _scan_unparsed(run, gate(found), identity=identity)


def _words(words: Iterable[str]) -> str:
    return "|".join(sorted(map(re.escape, words)))


def _exported_triggers(run: _Run) -> set[_Exported]:
    """Names other modules import whose value holds a trigger literal (a constant, a
    registry, a class, a function whose request template names one), with their modules'
    names."""
    assert run.prefilter is not None
    linker = _linker(run)
    found = {
        _Exported(bound_name(name), run.module_names[key], linker.binds_by_star(key, name))
        for key, analysis in run.analyses.items()
        for name, shape in analysis.exports.items()
        if name != STAR and run.prefilter.mentions(render(shape, linker.resolve))
    }
    # A module that imports everything from one of theirs exports them too (a package's
    # `__init__` that re-exports its modules' names), told by the modules' last names as
    # the gates tell them; a chain of such modules is followed one round at a time. Only
    # the names `import *` binds: those `__all__` lists, if it is written out.
    names_of: dict[str, set[str]] = {}
    for exported in found:
        if exported.by_star:
            names_of.setdefault(exported.module, set()).add(exported.name)
    # So does one that imports such a name by name (`from .client import ShoplineClient` in
    # a package's `__init__`), for modules that import it from there.
    triggering = {(exported.module, exported.name) for exported in found}
    found |= {
        _Exported(name, run.module_names[key], linker.binds_by_star(key, name))
        for key, analysis in run.analyses.items()
        for name, shape in analysis.exports.items()
        if len(shape) == 1
        and isinstance(shape[0], Ref)
        and (there := linker.locate(shape[0])) is not None
        and there[0] in run.module_names
        and (run.module_names[there[0]], bound_name(there[1])) in triggering
    }
    return found | {
        _Exported(name, run.module_names[key], linker.binds_by_star(key, name))
        for key, analysis in run.analyses.items()
        for star in analysis.exports.get(STAR, ())
        if isinstance(star, Ref)
        for name in names_of.get(star.module.rpartition(".")[2], ())
    }


def _importing(exported: set[_Exported]) -> Gate:
    """A file that names an exported constant in its code, on a statement that imports its
    module (`from .consts import (` ... `BASE,`), as an attribute in a file that imports
    its module (`import shop.consts as c` ... `c.BASE`), or as an attribute of its module
    (`shop.consts.BASE`); or that imports everything from a module whose `import *` binds
    one (`from .consts import *`)."""
    modules: dict[str, set[str]] = {}
    for name, module, _ in exported:
        modules.setdefault(name, set()).add(module)
    starred = frozenset(module for _, module, by_star in exported if by_star)
    everything = (_StarImport(starred),) if starred else ()
    # Any of the names as a whole word, found in one pass (see `Prefilter`).
    named = Prefilter.of((name, False, True, (), (), False) for name in modules)
    if named is None:
        return _Either(everything)
    importing = {
        name: _Either(
            (
                _ImportLine(re.compile(rf"\b(?:{_words(found)})\b"), name),
                _ReadThrough(name, frozenset(found)),
            )
        )
        for name, found in modules.items()
    }
    return _Either((_Named(named, importing), *everything))


def _defining(functions: set[str]) -> Gate:
    """A file that defines one of the functions (`def name`, or `name = ...`): the names
    are found in one pass first, and only a file that holds one is searched for how."""
    defines = _Defines(frozenset(functions))
    named = Prefilter.of((name, False, True, (), (), False) for name in functions)
    return defines if named is None else _NamedThenDefined(named, defines)


def _follow_handings(run: _Run) -> None:
    """Parse the skipped modules whose functions or classes the parsed ones hand a client
    of a parsed module (`InventoryService(ShoplineClient(token))`, where `inventory.py`
    holds no trigger literal of its own), round after round."""
    followed: set[str] = set()
    for _ in range(MAX_LINK_ROUNDS):
        if not run.unparsed:
            return
        linker = _linker(run)
        files = (
            {
                callee[0]
                for analysis in run.analyses.values()
                for handing in analysis.handings
                if _sends_requests(linker.locate(handing.instance), run)
                and (callee := linker.locate(handing.callee)) is not None
            }
            - followed
            - set(run.analyses)
        )
        if not files:
            return
        followed |= files
        _scan_unparsed(run, _ANYTHING, functools.partial(_is_one_of, files=frozenset(files)))


def _sends_requests(found: tuple[str, str] | None, run: _Run) -> bool:
    """Whether the class at `found` (module file, name), of a parsed module, is a client:
    a method of it sends a request another module may call (see `request_templates`)."""
    if found is None or found[0] not in run.analyses:
        return False
    prefix = f"{found[1]}."
    return any(
        name.startswith(prefix) and name.endswith("#sends")
        for name in run.analyses[found[0]].exports
    )


def _handed_instances(run: _Run) -> set[_Exported]:
    """Module functions whose requests go through an instance other modules hand them
    (`def sync_orders(client, since)`: see `scanner.code.handing`), with their modules'
    names: the modules that import them may be the ones that hand it."""
    linker = _linker(run)
    found: set[_Exported] = set()
    for analysis in run.analyses.values():
        for pending in analysis.pending:
            for ref in refs(pending.url):
                handed = read_handed(ref.name)
                if handed is None:
                    continue
                module = linker.module_file(ref)
                if module in run.module_names:
                    by_star = linker.binds_by_star(module, handed.function)
                    found.add(_Exported(handed.function, run.module_names[module], by_star))
    return found


def _handed_to(run: _Run) -> set[str]:
    """Functions of other modules that findings wait on (a response handed to a helper)."""
    return {
        ref.name
        for analysis in run.analyses.values()
        for deferred in analysis.deferred
        for ref, _ in deferred.unless_handled
    }


def _job_commands(run: _Run) -> list[str]:
    """The shell lines jobs run (with the scripts they start)."""
    return [
        placed.job.target.shell
        for analysis in run.analyses.values()
        for placed in analysis.jobs
        if placed.job.target.shell
    ]


def _job_callees(run: _Run) -> set[str]:
    """Functions that scheduled jobs run, and the functions those call, by name: as the
    code calls them, the last part of a dotted name (`orders.pull`, `send_task(
    "shop.tasks.pull")`), and the name a function imported under another has in its own
    module (`pull` of `from api import pull as pull_orders`)."""

    def named(analysis: FileAnalysis, called: Iterable[str]) -> set[str]:
        module = analysis.usage.get(MODULE)
        imported = {bound: name for bound, _, _, name in module.imports if name} if module else {}
        return {
            found
            for name in called
            for found in (name, name.rpartition(".")[2], imported.get(name.partition(".")[0]))
            if found
        }

    names: set[str] = set()
    for analysis in run.analyses.values():
        for placed in analysis.jobs:
            target = placed.job.target
            parts = (target.function, *_command_modules(target.shell))
            names |= named(analysis, [part for part in parts if part])
    commands = _job_commands(run)
    started = {key for command in commands for key in modules_run(command, run.analyses)}
    for key in started:  # what a module a job starts calls at its top level
        module = run.analyses[key].usage.get(MODULE)
        names |= named(run.analyses[key], module.callees) if module is not None else set()
    for analysis in run.analyses.values():
        for name, usage in analysis.usage.items():
            if name in names:
                names |= named(analysis, usage.callees)
    return names


def _command_modules(command: str | None) -> list[str]:
    """`python -m ops.cli sync` names module `cli`, found by its own `def main`-free text."""
    if not command:
        return []
    return [word.rsplit(".", 1)[-1] for word in re.findall(r"-m\s+([\w.]+)", command)]


def _follow_command_modules(run: _Run) -> None:
    """Modules that job commands run (`python -m ops.cli`, `python scripts/x.py`, `python
    manage.py pull_orders`; see `maintenance/commands.py`)."""
    commands = _job_commands(run)
    wanted = {tail for command in commands for tails in entry_points(command) for tail in tails}
    if wanted:
        _scan_unparsed(run, _ANYTHING, functools.partial(_is_one_of, files=frozenset(wanted)))
        _follow(run, _job_callees, _defining)


def _follow_references(run: _Run, jobs: bool = False) -> None:
    """Parse the skipped modules that URLs waiting to be linked take values from (a base URL
    or path in a module with no trigger literal of its own; a client class's request a job's
    code calls, once the scan holds jobs: `jobs`), round after round: a value found there may
    come from yet another module."""
    jobs = jobs and any(analysis.jobs for analysis in run.analyses.values())
    for _ in range(MAX_LINK_ROUNDS):
        if not run.unparsed:
            return
        linker = _linker(run)
        frontier = [
            ref
            for analysis in run.analyses.values()
            for shape in (
                *(
                    pending.url
                    for pending in analysis.pending
                    if not _of_an_unread_function(pending.holds_if, linker, run.analyses)
                ),
                *((d.tie.via,) for d in analysis.deferred if d.tie is not None and d.tie.via),
                *(placed.job.zone_later for placed in analysis.jobs),
                *(moment.zone_later for moment in analysis.moments),
                # What a job reaches through requests whose URLs other modules build.
                *(
                    url
                    for usage in (analysis.usage.values() if jobs else ())
                    for url, _, _ in usage.waiting
                ),
            )
            for ref in refs(shape)
        ]
        missing: set[Ref] = set()
        located: set[str] = set()
        starred: set[Ref] = set()  # the same names in modules imported everything from
        seen: set[Ref] = set()
        while frontier:
            # An instance other modules hand is looked for where its class is; one no
            # module of the scan hands is nowhere to be looked for.
            ref = linker.redirected(frontier.pop())
            if ref in seen or read_handed(ref.name) is not None:
                continue
            seen.add(ref)
            found = linker.locate(ref)
            value = linker.exports_of(found[0]).get(found[1]) if found is not None else None
            if value is None:
                starred.update(linker.stars(ref))
                if found is not None:
                    # Where it was looked up: another module's, for a client a function of
                    # the named one makes (`get_client.list_customers`).
                    located.add(found[0])
                    if "#" in found[1] or found[1].endswith("()"):
                        # A function's template (its request, what it returns): where the
                        # function is, not in a package above it (`push#url` of a `push`
                        # that sends none, `Client()` of a class).
                        continue
                missing.add(ref)
            else:
                frontier += refs(value)
        files = {path for ref in missing for path in module_files(ref)} | located
        before = len(run.analyses)
        _scan_unparsed(run, _ANYTHING, functools.partial(_is_one_of, files=frozenset(files)))
        if starred:
            # Of a package's many `import *`s, only a module that names one of the names may
            # define it, or a package's `__init__` that imports everything in turn.
            words = _words({ref.name for ref in starred})  # plain names (see `Linker.stars`)
            places = {path for ref in starred for path in module_files(ref)} - files
            packages = frozenset(p for p in places if PurePosixPath(p).name == "__init__.py")
            chosen = functools.partial(_is_one_of, files=frozenset(places - packages))
            _scan_unparsed(run, re.compile(rf"\b(?:{words})\b"), chosen)
            chosen = functools.partial(_is_one_of, files=packages)
            _scan_unparsed(run, re.compile(rf"\b(?:{words})\b|{_IMPORT_STAR.pattern}"), chosen)
        if len(run.analyses) == before:
            return


def _of_an_unread_function(
    conditions: Iterable[tuple[Shape, str]], linker: Linker, read: Collection[str]
) -> bool:
    """Whether hits wait on a call of another module's function that may be one operation
    (`cancel_order(session, order_id)`: see `PythonContext._elsewhere`) in a module the scan
    has not `read`: one that holds no trigger literal, so no path the function writes
    itself, and sends no operation. Its URL's values are not looked for."""
    for shape, _ in conditions:
        for ref in refs(shape):
            function, _, part = ref.name.rpartition("#")
            if part == "sends" and "." not in function and linker.module_file(ref) not in read:
                return True
    return False


def _linker(run: _Run, class_urls: bool = False, handler_words: bool = False) -> Linker:
    """What the analyses export (and, if asked, their classes' URLs and handlers' words),
    with every module of the tree, analysed or not, to look names up in."""
    analyses = run.analyses
    return Linker(
        {key: a.exports for key, a in analyses.items()},
        {key: a.class_urls for key, a in analyses.items()} if class_urls else None,
        {key: a.handler_words for key, a in analyses.items()} if handler_words else None,
        modules=[source.key for source in run.unparsed],
        handings={key: a.handings for key, a in analyses.items()},
        star_names={key: a.star_names for key, a in analyses.items()},
    )


def _is_one_of(source: SourceFile, files: Collection[str]) -> bool:
    return _names_one_of(source.key, files)


def _names_one_of(key: str, files: Collection[str]) -> bool:
    """Whether a module's key is one of `files`, given whole or as ends of paths."""
    return any(key.endswith(f"/{name}") or key == name for name in files)


def _link(run: _Run) -> None:
    """Decide what waited for other modules: URLs built from their constants, and ties to a
    platform by a class they define (whose base URL may go elsewhere)."""
    linker = _linker(run, class_urls=True, handler_words=True)
    platforms = run.ruleset.platforms
    # Render every waiting request first, noting each value of another module it takes
    # (a registry entry a call uses is judged at the call, not at the entry).
    used: set[tuple[str, str]] = set()

    def resolve(ref: Ref) -> Shape | None:
        found = linker.locate(ref)
        if found is not None:
            used.add(found)
        return linker.resolve(ref)

    requests: dict[tuple[Shape, Shape], tuple[str, str | None]] = {}
    for analysis in run.analyses.values():
        for pending in analysis.pending:
            if (pending.url, pending.method_later) not in requests:
                requests[pending.url, pending.method_later] = (
                    render(pending.url, resolve),
                    _verb(pending.method_later, resolve),
                )
    for key, analysis in run.analyses.items():
        for deferred in analysis.deferred:
            if deferred.entry is not None and (key, deferred.entry) in used:
                continue  # a call of another module uses the entry, and is judged there
            tie = deferred.tie
            if tie is not None and platforms is not None and not tie_holds(tie, linker, platforms):
                continue
            if not any(
                (spelt := linker.handler_words(ref)) is not None and spelt & wanted
                for ref, wanted in deferred.unless_handled
            ):
                run.result.findings.append(deferred.finding)
        # A finding that waited on several requests (a retry policy of a module whose every
        # request takes its URL elsewhere), or for two matchers, holds once at its place.
        decided: set[tuple[str, int, int]] = set()
        for pending in analysis.pending:
            if any(render(part, linker.resolve) != wanted for part, wanted in pending.holds_if):
                continue  # the wrapper of another module is not what the findings need
            rule = run.ruleset.by_code[pending.code]
            url, later = requests[pending.url, pending.method_later]
            tie = pending.tie
            if tie is not None and platforms is not None and not tie_holds(tie, linker, platforms):
                tie = None
            sends = pending.method or later
            for finding in decide_pending(
                rule, pending.matcher, sends, url, tie, pending.findings, pending.by_name
            ):
                place = (finding.code, finding.line, finding.column)
                if place not in decided:
                    decided.add(place)
                    run.result.findings.append(finding)


def _verb(method_later: Shape, resolve: Callable[[Ref], Shape | None]) -> str | None:
    """The method another module's wrapper gives a request (`HttpCall.method_later`)."""
    verb = render(method_later, resolve).upper()
    return verb if verb.lower() in VERBS else None


def _unjudged(run: _Run, linker: Linker) -> None:
    """The requests no rule judged (see `scanner.apis.unresolved`): those each module's
    analysis found, and those that waited for other modules and, once they are known,
    reach no platform. Each is listed where a module of the tree talks to the platform
    whose operation its path is: elsewhere, a path such as `/v1/orders` is another API's."""
    platforms = run.ruleset.platforms
    judged = run.ruleset.judged_platforms
    if platforms is None or not judged:
        return
    found = [pair for analysis in run.analyses.values() for pair in analysis.unresolved_calls]
    for analysis in run.analyses.values():
        for pending in analysis.later_requests:
            request = pending.request
            if any(render(part, linker.resolve) != wanted for part, wanted in request.holds_if):
                continue  # the wrapper of another module sends no request
            tie = request.tie
            if tie is not None and not tie_holds(tie, linker, platforms):
                tie = None
            method = request.method or _verb(request.method_later, linker.resolve)
            url = render(request.url, linker.resolve)
            said = unjudged(method, resolve_url(method, url, platforms, tie), platforms, judged)
            if said is not None:
                call = UnresolvedCall(pending.path, pending.line, said.text, said.why)
                found.append((said.platform, call))
    talked = {platform for analysis in run.analyses.values() for platform in analysis.platforms}
    run.result.unresolved_calls = sorted({call for platform, call in found if platform in talked})


def _zone_linked(placed: PlacedJob, linker: Linker, tree: Collection[str]) -> PlacedJob:
    """A job whose zone another module's settings state (see `Job.zone_later`); `tree` is
    the key of every module of the tree, read or not."""
    job = placed.job
    for ref in job.zone_later:
        found = linker.resolve(ref)
        zone = render(found) if found else ""
        if zone and HOLE_CHAR not in zone:
            made, _, keyword = ref.name.partition("(")
            if job.zone_unread:
                source = f"{ref.name} of {ref.module}, given as {job.zone_source}"
            elif keyword:
                source = f"the {keyword.rstrip(')')}= of {made}, imported from {ref.module}"
            elif "." in ref.name:
                source = f"{ref.name} = in {ref.module}, where {made.split('.')[0]} is made"
            else:
                source = f"{ref.name} of the settings the app reads"
            linked = dataclasses.replace(
                job, zone=zone, zone_stated=True, zone_source=source, zone_unread=""
            )
            return PlacedJob(placed.where, linked)
    in_tree = any(_in_tree(ref, tree) for ref in job.zone_later)
    if job.zone_later and not job.zone_unread and not in_tree:
        # No module of the tree is the settings that may state the zone: the zone is
        # assumed, and says so. Settings of the tree that state none leave the default
        # (Celery's UTC) as stated.
        return PlacedJob(placed.where, dataclasses.replace(job, zone_stated=False, zone_source=""))
    return placed


def _moment_linked(placed: PlacedMoment, linker: Linker) -> PlacedMoment | None:
    """A promotion's moment in the zone another module states (see
    `PlacedMoment.zone_later`); None when no module of the tree tells it: a zone the code
    states but that cannot be read leaves no moment (see `scanner.maintenance.datetimes`)."""
    for ref in placed.zone_later:
        found = linker.resolve(ref)
        name = render(found) if found else ""
        try:
            zone = ZoneInfo(name) if name and HOLE_CHAR not in name else None
        except (ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone is not None:
            when = placed.when.replace(tzinfo=zone)
            return dataclasses.replace(placed, when=when, zone_stated=True, zone_later=())
    return None if placed.zone_later else placed


def _in_tree(ref: Ref, tree: Collection[str]) -> bool:
    """Whether a module of the tree (by key) may be the one `ref` names."""
    tails = module_files(ref)
    return any(_names_one_of(key, tails) for key in tree)


def _image_zone(placed: PlacedJob, images: Sequence[ImageZone]) -> PlacedJob:
    """A job in the process's local zone (no zone of its own: a crontab's line, an
    APScheduler or `schedule` job) runs in the zone of the image that installs the crontab
    or starts the module (a `CRON_TZ=` line or a stated zone still wins)."""
    job = placed.job
    if job.zone_stated or job.zone_unread:
        return placed  # stated, if not read: not the image's
    path = placed.where.path
    for image in images:
        if installs(image, path) if job.kind == "crontab" else runs(image, path):
            zoned = dataclasses.replace(
                job, zone=image.zone, zone_stated=True, zone_source=image.source
            )
            return PlacedJob(placed.where, zoned)
    return placed


def _check_calendar(run: _Run, linker: Linker) -> None:
    if run.calendar is None or run.as_of is None or not run.ruleset.schedule_checks:
        return
    calendar = run.calendar
    platforms = calendar.platforms

    def holds(tie: Tie) -> bool:
        return platforms is None or tie_holds(tie, linker, platforms)

    index = ServiceIndex(
        {key: linked(a.usage, linker.resolve, calendar, holds) for key, a in run.analyses.items()},
        calendar,
        lambda importer, level, module: linker.module_file(Ref(importer, level, module, "")),
    )
    run.result.integrations = index.everything()
    images = [image for analysis in run.analyses.values() for image in analysis.images]
    tree = {*run.analyses, *(source.key for source in run.unparsed)}
    jobs = [
        _image_zone(_zone_linked(job, linker, tree), images)
        for analysis in run.analyses.values()
        for job in analysis.jobs
    ]
    if run.given:
        run.reaching = {
            (placed.where.path, placed.where.line)
            for placed in jobs
            if placed.where.path in run.context and index.runs_any(placed.job, run.given)
        }
    if "job_in_window" in run.ruleset.schedule_checks:
        ahead = [w.window for w in run.calendar.windows if not w.window.ended(run.as_of)]
        run.result.unresolved = sorted(set(unresolved_jobs(jobs, index, ahead)))
        run.result.jobs = [
            (placed, None if (reached := index.of_job(placed.job)) is None else frozenset(reached))
            for placed in sorted(jobs, key=lambda p: (p.where.path, p.where.line))
        ]
    moments = [
        told
        for analysis in run.analyses.values()
        for moment in analysis.moments
        if (told := _moment_linked(moment, linker)) is not None
    ]
    for rule in run.ruleset.rules:
        for matcher in rule.matchers:
            if not isinstance(matcher, ScheduleMatcher):
                continue
            if matcher.check == "job_in_window":
                found = job_findings(
                    rule, matcher, jobs, run.calendar, index, run.as_of, run.assumed_zone
                )
            else:
                found = moment_findings(rule, matcher, moments, run.calendar, run.as_of)
            run.result.findings.extend(found)

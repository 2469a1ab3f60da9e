"""The scan entry point: from what was asked (paths, rules, gates) to a report and the exit
code it earns, for the command line and for any program that embeds noticelint.

`scan(ScanRequest(...))` reads the configuration, loads the rule pack and the calendar, scans,
narrows the findings as a gate should (per-file ignores, baseline, diff) and puts them in a
report. It prints nothing; errors in the user's input or configuration raise `ConfigError`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from time import time_ns
from typing import TYPE_CHECKING

from scanner.rulepack.errors import ConfigError
from scanner.scan.config import Config, codes, config_for
from scanner.scan.discovery import Basis
from scanner.scan.quick import quick_answer

if TYPE_CHECKING:
    from scanner.maintenance.windows import Calendar
    from scanner.matchers.findings import Finding
    from scanner.reporters.jobs import JobView
    from scanner.reporters.remembered import Recalled
    from scanner.reporters.report import Report
    from scanner.rulepack.ruleset import RuleSet
    from scanner.rulepack.schema import Rule
    from scanner.scan.engine import ScanResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
DEFAULT_HORIZON_DAYS = 30


def load_rules(
    select: Sequence[str] = (), ignore: Sequence[str] = (), extra: Sequence[Path] = (),
    config: Config | None = None, remember: bool = True, signed: str | None = None,
) -> RuleSet:  # fmt: skip
    """The shipped rule pack and `extra` rule files, narrowed to `select` less `ignore`; the
    pack is compiled, and their trigger literals are remembered for the start-up fast path,
    in the cache folder (unless `remember` is false: then only the shipped pack alone is
    compiled, beside the package, and the rest read from YAML; see `compiledpack`).
    Every code `config` names must be known (`ConfigError` naming the key otherwise).
    `signed`: the rule folders' `fastpath.signature`, when the caller has it."""
    from scanner.reporters.report import rule_cards
    from scanner.rulepack.resources import rules_dir
    from scanner.rulepack.ruleset import load_rules
    from scanner.scan import compiledpack, fastpath

    directories = [rules_dir(), *extra]
    # Read once: the compiled pack and the fast path's records are both made under it.
    signed = (
        (signed or fastpath.signature(directories, stamped=remember))
        if remember or not extra
        else None
    )
    everything = (
        compiledpack.rules(directories, signed, remember)
        if signed is not None
        else load_rules(directories)
    )
    if config is not None:
        _check_codes(config, everything)
    chosen = everything.select(codes(select), codes(ignore))
    if remember and signed is not None:
        fastpath.remember(
            signed,
            lambda: {r.code: [t.spec for t in r.triggers] for r in everything.rules},
            lambda: sorted(everything.config_readers),
            lambda: rule_cards(everything),
        )
    return chosen


def load_schedules(remember: bool = True) -> Calendar:
    """The shipped maintenance calendar, compiled (beside the package, or in the cache folder
    unless `remember` is false)."""
    from scanner.rulepack.resources import schedules_dir
    from scanner.scan import compiledpack

    paths = [schedules_dir()]
    return compiledpack.calendar(paths, remember)


@dataclass(frozen=True)
class ScanRequest:
    """What a scan is asked to do; each `None` falls back to the configuration, then to the
    default. `select`/`ignore` hold codes or prefixes, `exclude` globs."""

    paths: Sequence[Path] = ()
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    exclude: Sequence[str] = ()
    as_of: date = field(default_factory=date.today)
    horizon: int | None = None
    fail_on: str | None = None
    config_path: Path | None = None
    baseline: Path | None = None
    write_baseline: Path | None = None
    diff_base: str | None = None
    # Files this run writes (reports): never scanned.
    own_files: Sequence[Path] = ()
    jobs: int = 1
    use_cache: bool = True
    use_prefilter: bool = True
    # Answer "no findings" without the rule pack when no file holds a trigger literal.
    quick: bool = False
    # The same for a report: when no file holds a trigger literal, report nothing found
    # from the remembered rule cards. For reports that need neither the scan's result nor
    # the maintenance calendar (not with a baseline, a diff base, HTML or Markdown).
    quick_report: bool = False
    # Give back the report an earlier scan of the same folders with the same rules and
    # options remembered, when no file it read has changed since (see `remembered`). For
    # reports that show no maintenance calendar (not HTML or Markdown).
    recall: bool = False
    # Told (files read, files in all) as the scan goes.
    progress: Callable[[int, int], None] | None = None
    # (path, source): scan this source as the file at path (an editor's buffer on stdin).
    stdin: tuple[Path, bytes] | None = None


@dataclass(frozen=True)
class ScanOutcome:
    """A scan's report (None when the fast path answered: `quick_files` clean files)."""

    fail_on: str
    report: Report | None = None
    result: ScanResult | None = None
    quick_files: int = 0
    # How many findings `write_baseline` recorded (None when none was asked for).
    recorded: int | None = None
    # Files read and left alone, with why, and findings silenced by comments.
    skipped: Sequence[tuple[str, str]] = ()
    suppressed: Sequence[Finding] = ()
    # Whether the report is one an earlier scan remembered (see `ScanRequest.recall`).
    recalled: bool = False
    # What the report rests on, when it is remembered (given back, or kept by this scan),
    # or answered quickly for folders.
    basis: Basis | None = None

    @property
    def exit_code(self) -> int:
        failed = self.report is not None and self.report.fails(self.fail_on)
        return EXIT_FINDINGS if failed else EXIT_CLEAN


def scan(request: ScanRequest) -> ScanOutcome:
    """Scan, gate and report as `noticelint scan` does; raises `ConfigError` on bad input."""
    config = config_for(request.paths, request.config_path)
    select, ignore = config.rules_chosen(request.select, request.ignore)
    fail_on = request.fail_on or config.fail_on or "error"
    horizon = next(
        h for h in (request.horizon, config.horizon, DEFAULT_HORIZON_DAYS) if h is not None
    )
    # The files this run writes (reports, a baseline) are never scanned.
    own_files = [*(p for p in (request.baseline, request.write_baseline) if p), *request.own_files]
    own = config.not_scanned(own_files)
    # `--no-cache`: nothing remembered is read or written, the remembered rules neither.
    quickly = request.stdin is None and request.use_cache
    excluded = (*config.exclude, *request.exclude, *own)
    # A remembered report first: it reads no file, where the quick answer reads every one
    # of a clean tree.
    asked = _asked(request, config, select, ignore, horizon, excluded) if quickly else None
    if asked is not None:
        recalled = _recall(*asked, request, config, select, ignore, excluded)
        if recalled is not None:
            return ScanOutcome(
                fail_on, recalled.report, skipped=recalled.skipped,
                suppressed=recalled.suppressed, recalled=True,
                basis=_with_rules(recalled.basis, config),
            )  # fmt: skip
    rests_on: list[Basis] = []
    if request.quick and quickly:
        excluded_here = (*request.exclude, *own)
        clean = quick_answer(request.paths, config, select, ignore, excluded_here, rests_on)
        if clean is not None:
            return ScanOutcome(fail_on, quick_files=clean, basis=next(iter(rests_on), None))
    if request.quick_report and not request.quick and quickly:
        quick = _quick_report(request, config, select, ignore, horizon, own, rests_on)
        if quick is not None:
            return ScanOutcome(fail_on, quick, basis=next(iter(rests_on), None))
    started = time_ns()

    from scanner.fixes import mark_fixable, preview
    from scanner.reporters.report import build_report
    from scanner.scan import baseline, fastpath
    from scanner.scan.cache import ResultCache
    from scanner.scan.cachedir import default_path
    from scanner.scan.engine import scan as scan_files

    # The rule folders' signature, already read when the scan asked for a remembered report.
    signed = asked[1] if asked is not None else None
    ruleset = load_rules(select, ignore, config.rule_paths, config, request.use_cache, signed)
    root = Path.cwd()
    calendar = load_schedules(request.use_cache)
    cache = ResultCache(default_path()) if request.use_cache else None
    result = scan_files(
        list(request.paths) or [Path(".")], ruleset, root, excluded,
        use_prefilter=request.use_prefilter, calendar=calendar, as_of=request.as_of,
        assumed_zone=config.timezone, jobs=request.jobs, cache=cache, previewer=preview,
        progress=request.progress, stdin=request.stdin,
    )  # fmt: skip
    if cache is not None and request.stdin is None:
        fastpath.remember_held(request.paths, result.held)
    result.findings = baseline.per_file_ignores(result.findings, config.per_file_ignores)
    recorded = None
    if request.write_baseline is not None:
        baseline.write_baseline(request.write_baseline, result.findings)
        recorded = len(result.findings)
    if request.baseline is not None:
        known = baseline.read_baseline(request.baseline)
        result.findings = baseline.new_since_baseline(result.findings, known, request.baseline)
    if request.diff_base is not None:
        result.findings = _introduced(request, config, result.findings, ruleset, calendar, excluded)
    result.findings, fixed_texts = mark_fixable(result.findings, ruleset, cache, result.previews)
    report = build_report(result, ruleset, request.as_of, horizon, calendar, config.severity)
    report = dataclasses.replace(
        report, fixed_texts=fixed_texts, unscannable_fails=config.unscannable == "fail"
    )
    basis = None
    if asked is not None and result.listing is not None:
        from scanner.reporters import remembered

        platforms = ruleset.platforms.platforms if ruleset.platforms is not None else ()
        catalogues = [Path(p.catalogue) for p in platforms if p.catalogue is not None]
        basis = remembered.remember(
            asked[0], result.listing, catalogues, started, report, result.skipped,
            result.suppressed,
        )  # fmt: skip
    return ScanOutcome(
        fail_on, report, result, recorded=recorded, skipped=result.skipped,
        suppressed=result.suppressed, basis=_with_rules(basis, config),
    )  # fmt: skip


def _rule_folders(config: Config) -> list[Path]:
    """The shipped rule folder and those the configuration adds."""
    from scanner.rulepack.resources import rules_dir

    return [rules_dir(), *config.rule_paths]


def _with_rules(basis: Basis | None, config: Config) -> Basis | None:
    """What a report rests on, with the rule folders it was made with."""
    if basis is None:
        return None
    return dataclasses.replace(basis, rule_folders=tuple(_rule_folders(config)))


def _asked(
    request: ScanRequest, config: Config, select: Sequence[str], ignore: Sequence[str],
    horizon: int, excluded: Sequence[str],
) -> tuple[str, str] | None:  # fmt: skip
    """What the scan is asked, as `remembered.question` keeps it, and the rule folders'
    `signature`; None for a scan that is not remembered: not asked to be, of named files
    (which also read what they import, wherever it is), writing a baseline, against a git
    revision, or with a baseline that cannot be read."""
    if not request.recall or request.write_baseline or request.diff_base:
        return None
    if request.paths and all(path.is_file() for path in request.paths):
        return None
    from scanner.reporters.remembered import question
    from scanner.scan import fastpath

    known = ""
    if request.baseline is not None:
        from scanner.code.decoding import read_source
        from scanner.code.digests import hex_digest

        try:
            known = hex_digest(read_source(request.baseline))
        except OSError:
            return None
    from scanner.scan.replies import user

    signed = fastpath.signature(_rule_folders(config), stamped=True)
    asked = question(
        signed, str(Path.cwd()), repr(config), *map(str, request.paths), "select", *select,
        "ignore", *ignore, "exclude", *excluded, request.as_of.isoformat(), str(horizon),
        str(request.use_prefilter), str(request.baseline), known, "user", *user(),
    )  # fmt: skip
    return asked, signed


def _recall(
    asked: str, signed: str, request: ScanRequest, config: Config, select: Sequence[str],
    ignore: Sequence[str], excluded: Sequence[str],
) -> Recalled | None:  # fmt: skip
    from scanner.reporters.remembered import recall
    from scanner.scan import fastpath

    directories = _rule_folders(config)
    return recall(
        asked, list(request.paths) or [Path(".")], Path.cwd(), excluded,
        lambda: fastpath.cards(directories, codes(select), codes(ignore), signed),
    )  # fmt: skip


def _quick_report(
    request: ScanRequest, config: Config, select: Sequence[str], ignore: Sequence[str],
    horizon: int, own: Sequence[str], rests_on: list[Basis],
) -> Report | None:  # fmt: skip
    """The report of a scan in which no file holds a trigger literal, from the remembered
    rule cards; None when that cannot be known for sure (the full scan then reports). What
    it rests on is added to `rests_on` (see `quick_answer`)."""
    from scanner.reporters.report import empty_report
    from scanner.scan import fastpath

    cards = fastpath.cards(_rule_folders(config), codes(select), codes(ignore))
    if cards is None:
        return None
    excluded = (*request.exclude, *own)
    clean = quick_answer(request.paths, config, select, ignore, excluded, rests_on)
    if clean is None:
        return None
    report = empty_report(cards, clean, request.as_of, horizon)
    return dataclasses.replace(report, unscannable_fails=config.unscannable == "fail")


def _introduced(
    request: ScanRequest, config: Config, findings: list[Finding], ruleset: RuleSet,
    calendar: Calendar, excluded: Sequence[str],
) -> list[Finding]:  # fmt: skip
    """The findings a change since `request.diff_base` introduced, wherever they sit: those
    whose fingerprint the same scan of the base revision does not give (as Semgrep's
    `--baseline-commit`)."""
    from scanner.scan import baseline, revisions
    from scanner.scan.cache import ResultCache
    from scanner.scan.cachedir import default_path
    from scanner.scan.engine import scan as scan_files
    from scanner.scan.fingerprints import fingerprints, not_in

    assert request.diff_base is not None
    base = revisions.checkout(request.diff_base, Path.cwd())
    # Each path where it stands in the base, from the work tree's top (`..` from a subfolder
    # as well); one outside the work tree has no base: what is there is new.
    top = base.work_top.resolve()
    inside = [os.path.relpath(path.resolve(), top) for path in request.paths]
    given = [
        base.top / each
        for each in inside
        if each != os.pardir and not each.startswith(os.pardir + os.sep)
    ]
    paths = [path for path in (given if request.paths else [base.root]) if path.exists()]
    if not paths:
        return findings  # what is scanned is new since the base
    before = scan_files(
        paths, ruleset, base.root, excluded, use_prefilter=request.use_prefilter,
        calendar=calendar, as_of=request.as_of, assumed_zone=config.timezone,
        jobs=request.jobs, cache=ResultCache(default_path()) if request.use_cache else None,
    )  # fmt: skip
    known = baseline.per_file_ignores(before.findings, config.per_file_ignores)
    # Both sides' paths from the tops, a file renamed since the base under its new name.
    here, there = Path.cwd().resolve(), base.root.resolve()

    def renamed(shown: str) -> str:
        path = Path(os.path.relpath(there / shown, base.top.resolve())).as_posix()
        return base.renamed.get(path, path)

    def from_top(shown: str) -> str:
        return Path(os.path.relpath(here / shown, base.work_top.resolve())).as_posix()

    return not_in(findings, fingerprints(known, base.root, renamed), path_in=from_top)


def scan_jobs(request: ScanRequest) -> list[JobView]:
    """Every scheduled job in the request's paths, as `noticelint jobs` lists them."""
    from scanner.maintenance.checks import assumed_in
    from scanner.reporters.jobs import views
    from scanner.scan.engine import scan as scan_files

    config = config_for(request.paths, request.config_path)
    every = load_rules((), (), config.rule_paths)
    ruleset = every.select([rule.code for rule in every.rules if _checks_jobs(rule)])
    calendar = load_schedules()
    excluded = (*config.exclude, *request.exclude, *config.not_scanned())
    result = scan_files(
        list(request.paths) or [Path(".")], ruleset, Path.cwd(), excluded,
        use_prefilter=False, calendar=calendar, as_of=request.as_of,
        assumed_zone=config.timezone,
    )  # fmt: skip
    moment = datetime.combine(request.as_of, time(), tzinfo=UTC)
    jobs = result.jobs
    if config.timezone:
        # As the scan reads them: a job that states no zone runs in the project's.
        jobs = [
            (placed if placed.job.zone_stated else assumed_in(placed, config.timezone), reached)
            for placed, reached in jobs
        ]
    return views(jobs, result.unresolved, calendar, moment)


def _checks_jobs(rule: Rule) -> bool:
    from scanner.matchers.schedule import ScheduleMatcher

    return any(isinstance(m, ScheduleMatcher) and m.check == "job_in_window" for m in rule.matchers)


def _check_codes(config: Config, everything: RuleSet) -> None:
    for key, code in config.named_codes():
        if not everything.knows(code):
            raise ConfigError(f"{key}: unknown rule code {code!r}", str(config.path))


@dataclass(frozen=True)
class FixRequest:
    """What `noticelint fix` is asked to do: which files and rules, unsafe fixes or not, and
    whether to write the files (`write=False` only plans them, for a diff)."""

    paths: Sequence[Path] = ()
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    exclude: Sequence[str] = ()
    unsafe: bool = False
    write: bool = True
    config_path: Path | None = None
    # Fix only what is not recorded in this baseline (as `scan --baseline` reports).
    baseline: Path | None = None


@dataclass(frozen=True)
class FileFix:
    """One file's fixes: its unified diff and how many findings it fixes, or why not; and
    how many more only `--unsafe-fixes` would fix (`held`, when it was not given)."""

    display: str
    diff: str = ""
    fixed: int = 0
    error: str | None = None
    held: int = 0


def fix(request: FixRequest) -> list[FileFix]:
    """Every file with fixable findings, planned and (with `write`) written atomically; files
    whose fixes change nothing are left out. Raises `ConfigError` on bad input."""
    import difflib

    from scanner.fixes import FixError, findings_by_file, fixable_codes, plan, wanted_lines, write
    from scanner.scan import baseline
    from scanner.scan.engine import scan as scan_files

    config = config_for(request.paths, request.config_path)
    ruleset = load_rules(
        *config.rules_chosen(request.select, request.ignore), config.rule_paths,
        config,
    )  # fmt: skip
    result = scan_files(
        list(request.paths) or [Path(".")], ruleset, Path.cwd(),
        (*config.exclude, *request.exclude, *config.not_scanned()),
    )  # fmt: skip
    # What `scan` would report under the same configuration, and nothing else, is fixed.
    findings = baseline.per_file_ignores(result.findings, config.per_file_ignores)
    if request.baseline is not None:
        known = baseline.read_baseline(request.baseline)
        findings = baseline.new_since_baseline(findings, known, request.baseline)
    fixable = fixable_codes(request.unsafe) & set(ruleset.by_code)
    wanted = wanted_lines(findings)
    # Files are written only where fix runs and in the folders named (not through a link).
    roots = [Path.cwd().resolve()]
    roots += [p.resolve() for p in request.paths if p.is_dir() and not p.is_symlink()]
    # The fixes only `--unsafe-fixes` applies, counted (fix says they are there) before any
    # file is written: the lines they are wanted at are the files' as scanned.
    held: dict[str, int] = {}
    if not request.unsafe:
        unsafe_only = fixable_codes(unsafe=True) - fixable_codes(unsafe=False)
        for display, file_codes in findings_by_file(
            findings, unsafe_only & set(ruleset.by_code)
        ).items():
            path = result.located.get(display, Path(display))
            try:
                planned = plan(path, display, file_codes, ruleset, wanted[display])
            except FixError:
                continue
            if planned.edits.fixed:
                held[display] = len(planned.edits.fixed)
    done: list[FileFix] = []
    for display, file_codes in findings_by_file(findings, fixable).items():
        try:
            path = result.located.get(display, Path(display))
            if not path.is_symlink() and not any(
                path.resolve().is_relative_to(root) for root in roots
            ):
                raise FixError("outside the folder fix runs in (reached through a link)")
            planned = plan(path, display, file_codes, ruleset, wanted[display])
            if not planned.edits.changes:
                continue
            if request.write:
                write(planned)
        except FixError as exc:
            done.append(FileFix(display, error=str(exc)))
            continue
        before = planned.edits.before.splitlines(keepends=True)
        after = planned.edits.after.splitlines(keepends=True)
        diff = "".join(difflib.unified_diff(before, after, f"a/{display}", f"b/{display}"))
        done.append(FileFix(display, diff, len(planned.edits.fixed), held=held.pop(display, 0)))
    return done + [FileFix(display, held=count) for display, count in held.items()]

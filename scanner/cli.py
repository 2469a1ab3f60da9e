"""The `noticelint` command line: it parses arguments, calls the scan entry point
(`scanner.runner`) or the other commands' functions, and prints."""

from __future__ import annotations

import dataclasses
import os
import sys
import time as time_module
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from scanner import __version__, runner
from scanner.reporters import FORMATS, SHOW_CALENDAR
from scanner.rulepack.errors import ConfigError
from scanner.runner import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from scanner.scan.config import Config, config_for
from scanner.scan.quick import no_findings

if TYPE_CHECKING:
    from scanner.reporters.links import GitPlace
    from scanner.rulepack.ruleset import RuleSet


@dataclasses.dataclass(frozen=True)
class _Entry:
    """What the console entry point tells the command line: whether it already tried the
    quick answer of this scan (and found it could not give it), and the key under which a
    scan's reply is kept (see `scanner.scan.replies`; None: none is kept)."""

    quick_tried: bool = False
    reply_key: str | None = None


class _Transcript:
    """What a scan prints, in order, as the streams receive it (colour kept or stripped as
    `click.echo` does), for a reply (see `scanner.scan.replies`)."""

    def __init__(self) -> None:
        self.said: list[tuple[int, str]] = []

    def echo(
        self, message: str, err: bool = False, nl: bool = True, color: bool | None = None,
        kept: str | None = None,
    ) -> None:  # fmt: skip
        """`click.echo` the message, and note it (`kept` instead, when given: the message
        with what a reply fills in as it is printed)."""
        click.echo(message, err=err, nl=nl, color=color)
        stream = sys.stderr if err else sys.stdout
        text = (message if kept is None else kept) + ("\n" if nl else "")
        shown = color if color is not None else stream is not None and stream.isatty()
        self.said.append((2 if err else 1, text if shown else click.unstyle(text)))


def _quick_tried() -> bool:
    entry = click.get_current_context().find_object(_Entry)
    return entry is not None and entry.quick_tried


def _fail(error: ConfigError | str) -> NoReturn:
    click.echo(f"noticelint: error: {error}", err=True)
    sys.exit(EXIT_ERROR)


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def _file_or_stdout(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """`--output FILE`, where `-` is standard output (as if none were given)."""
    return None if value is None or str(value) == "-" else value


def _reports(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> list[tuple[str, Path]]:
    found = []
    for value in values:
        name, sep, target = value.partition("=")
        if not sep or not target or name not in FORMATS:
            raise click.BadParameter(
                f"{value!r}: give FORMAT=FILE with FORMAT one of {', '.join(FORMATS)}"
            )
        found.append((name, Path(target)))
    return found


def _load(
    select: Sequence[str] = (), ignore: Sequence[str] = (), extra: Sequence[Path] = ()
) -> RuleSet:
    try:
        return runner.load_rules(select, ignore, extra)
    except ConfigError as exc:
        _fail(exc)


def _config(paths: Sequence[Path], explicit: Path | None) -> Config:
    try:
        return config_for(paths, explicit)
    except ConfigError as exc:
        _fail(exc)


# Matched as findings show paths, from the current folder (a configuration's globs are read
# from its own folder): `scan app --exclude shop/x.py` skips nothing; `app/shop/x.py` does.
EXCLUDE_HELP = (
    "Skip files matching this glob (gitignore-style, against paths from the current folder, "
    "as findings show them)."
)
DOCS_URL_HELP = "Where the rules' pages live (default: those installed with noticelint)."


def docs_base(given: str | None) -> str:
    """The base address of the rules' pages: `--docs-url` (a team's fork), else the pages
    installed with noticelint."""
    if given:
        return given
    from scanner.rulepack.resources import docs_dir

    return docs_dir().as_uri() + "/"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="noticelint")
def main() -> None:
    """Find integration code that documented platform API changes break."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--select", multiple=True, help="Only these rule codes (or prefixes), comma-separated."
)
@click.option(
    "--ignore", multiple=True, help="Skip these rule codes (or prefixes), comma-separated."
)
@click.option("--exclude", multiple=True, metavar="GLOB", help=EXCLUDE_HELP)
@click.option(
    "--as-of", "as_of", callback=_as_of, metavar="YYYY-MM-DD",
    help="Judge effective dates as of this day (default: today).",
)  # fmt: skip
@click.option(
    "--horizon", type=click.IntRange(min=0),
    help="Changes effective within this many days are warnings (default 30).",
)  # fmt: skip
@click.option(
    "--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), callback=_file_or_stdout,
    help="Write the report here (-: standard output).",
)  # fmt: skip
@click.option(
    "--report", "reports", multiple=True, callback=_reports, metavar="FORMAT=FILE",
    help="Also write a report in FORMAT to FILE (repeatable), e.g. sarif=out.sarif.",
)  # fmt: skip
@click.option("--repo-url", help="Link findings to this repository (its HTTPS or SSH remote).")
@click.option("--ref", help="Branch, tag or commit for the links (default: HEAD).")
@click.option("--docs-url", help=DOCS_URL_HELP)
@click.option("--project", help="The project's name in reports (default: the repository's).")
@click.option(
    "--fail-on", type=click.Choice(["error", "warning", "info", "never"]),
    help="Exit 1 when a finding is at least this severe (default: error).",
)  # fmt: skip
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Read this noticelint.toml or pyproject.toml instead of searching.")  # fmt: skip
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False),
              help="Report only findings not recorded in this baseline.")  # fmt: skip
@click.option("--write-baseline", type=click.Path(path_type=Path, dir_okay=False),
              help="Record today's findings in this baseline file.")  # fmt: skip
@click.option("--diff-base", metavar="REF",
              help="Report only the findings a change since REF introduced.")  # fmt: skip
@click.option("--show-suppressed", is_flag=True, help="Also list findings silenced by comments.")
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Also how many files were read and analysed, cache hits and time; the files and "
    "folders skipped (a virtualenv, build output, a link), each with why.",
)
@click.option("--quiet", "-q", count=True,
              help="Print the findings only, and on standard error the files that could not be "
              "read and the jobs and calls that could not be resolved (-qq: nothing; the exit "
              "code tells).")  # fmt: skip
@click.option("--statistics", is_flag=True, help="Count the findings per rule instead.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 whatever is found (--fail-on never).")
@click.option(
    "--show-fixes", is_flag=True, help="Also print the diff `noticelint fix` would apply."
)
@click.option(
    "--color", "colour", type=click.Choice(["auto", "always", "never"]), default="auto",
    show_default=True, help="Colour text output (auto: NO_COLOR and FORCE_COLOR apply).",
)  # fmt: skip
@click.option(
    "--stdin-filename", type=click.Path(path_type=Path, dir_okay=False),
    help="With PATH '-': read the source from stdin and scan it as this file.",
)  # fmt: skip
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="CPUs",
    help="Parse files in this many processes.",
)  # fmt: skip
@click.option("--no-cache", is_flag=True, help="Neither read nor write the results cache.")
@click.option("--no-prefilter", is_flag=True, hidden=True, help="Parse every file.")
@click.option(
    "--strict-files", is_flag=True, hidden=True, help="A file that cannot be read exits 2."
)
# `ruff check --fix` fixes, `--diff` shows the fixes; here `fix` is a command of its own:
# asked of scan, they are answered by pointing at it, not with "no such option".
@click.option("--fix", "fix_asked", is_flag=True, hidden=True)
@click.option("--diff", "diff_asked", is_flag=True, hidden=True)
def scan(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    exclude: tuple[str, ...],
    as_of: date,
    horizon: int | None,
    output_format: str,
    output: Path | None,
    reports: list[tuple[str, Path]],
    repo_url: str | None,
    ref: str | None,
    docs_url: str | None,
    project: str | None,
    fail_on: str | None,
    config_path: Path | None,
    baseline: Path | None,
    write_baseline: Path | None,
    diff_base: str | None,
    show_suppressed: bool,
    verbose: bool,
    quiet: int,
    statistics: bool,
    exit_zero: bool,
    show_fixes: bool,
    colour: str,
    stdin_filename: Path | None,
    jobs: int,
    no_cache: bool,
    no_prefilter: bool,
    strict_files: bool,
    fix_asked: bool,
    diff_asked: bool,
) -> None:
    """Scan PATHS (default: the current directory) for code that platform changes break."""
    if fix_asked or diff_asked:
        _fail("scan does not fix: `noticelint fix PATHS` applies the fixes scan marks [*] "
              "(`noticelint fix --diff PATHS` shows them)")  # fmt: skip
    if repo_url is not None:
        from scanner.reporters.links import web_url

        if web_url(repo_url) is None:
            _fail(f"--repo-url {repo_url}: not a repository's HTTPS or SSH address")
    began, started = time_module.monotonic(), time_module.time_ns()
    stdin = _stdin(paths, stdin_filename)
    if stdin is not None:
        paths = (stdin[0],)
    # What needs the scan's own result, or a baseline's or git's word, takes the full path.
    whole = (
        baseline or write_baseline or diff_base or show_suppressed or no_prefilter or verbose
        or show_fixes
    )  # fmt: skip
    plain = output_format == "text" and not (
        whole or output or reports or strict_files or statistics
    )
    formats = {output_format, *(name for name, _ in reports)}
    progress = _Progress() if quiet == 0 and _interactive() else None
    request = runner.ScanRequest(
        paths=paths, select=select, ignore=ignore, exclude=exclude, as_of=as_of, horizon=horizon,
        fail_on="never" if exit_zero else fail_on, config_path=config_path, baseline=baseline,
        write_baseline=write_baseline, diff_base=diff_base,
        own_files=[p for p in (output, *(t for _, t in reports)) if p], jobs=jobs,
        use_cache=not no_cache, use_prefilter=not no_prefilter,
        quick=plain and not _quick_tried(),
        quick_report=not plain and not whole and not formats & SHOW_CALENDAR,
        recall=not formats & SHOW_CALENDAR,
        progress=progress, stdin=stdin,
    )  # fmt: skip
    try:
        outcome = runner.scan(request)
    except ConfigError as exc:
        _fail(exc)
    finally:
        if progress is not None:
            progress.close()
    colour_on = _colour(colour)
    report = outcome.report
    said = _Transcript()
    # A reply only for what prints and nothing else: no file written, no fixes shown, no
    # timing, no calendar (HTML, Markdown), no time to the second (JUnit's).
    replayable = not (
        output or reports or verbose or show_fixes or write_baseline or diff_base or stdin
        or no_cache or no_prefilter or strict_files or formats & {*SHOW_CALENDAR, "junit"}
    )  # fmt: skip
    if report is None:
        count = outcome.quick_files
        if not quiet:
            said.echo(no_findings(count))
        if replayable:
            _keep_reply(said, outcome, started, paths, as_of, None, (config_path, baseline))
        sys.exit(outcome.exit_code)

    from scanner.reporters import Links, renderer, text
    from scanner.reporters.links import here_in_git, provenance
    from scanner.scan import replies

    if outcome.skipped:
        # A file named on the command line and skipped is said even without --verbose.
        named = {path.resolve() for path in paths if path.is_file()}
        for path, why in outcome.skipped:
            if verbose or Path(path).resolve() in named:
                said.echo(f"{path}: skipped: {why}", err=True)
    took = time_module.monotonic() - began
    if verbose and outcome.recalled:
        one = report.files_scanned == 1
        files = f"{report.files_scanned} file{'' if one else 's'}"
        click.echo(
            f"read no file: the {files} an earlier scan with the same rules and options read "
            f"{'is' if one else 'are'} known unchanged by their stat, and its report was given "
            f"back; in {took:.2f} s (--no-cache scans again)",
            err=True,
        )
    elif verbose and outcome.result is not None:
        done = outcome.result
        files = f"{done.files_scanned} file{'' if done.files_scanned == 1 else 's'}"
        click.echo(
            f"read {files} ({done.unchanged} known unchanged by their stat); analysed "
            f"{done.analysed} ({done.files_parsed} Python), {done.cache_hits} of them from "
            f"the results cache; in {took:.2f} s",
            err=True,
        )
    if write_baseline is not None and outcome.recorded is not None:
        # Recording is not judging: what was recorded is the file's, not the screen's.
        count = outcome.recorded
        click.echo(f"wrote {count} finding{'' if count == 1 else 's'} to {write_baseline}")
        if report.errors:
            click.echo(text.render_errors(report), err=True, nl=False)
        sys.exit(EXIT_CLEAN)
    links, place = Links(), None
    if reports or output_format != "text":
        # Only reports that link or name the project need git's word on where this is.
        place = here_in_git()
        links = Links(repo_url, ref or place.commit, docs_base(docs_url), place.prefix, place.top)
        # The time goes in as the report is printed: a reply is printed at its own.
        about = provenance(project, replies.SCANNED_AT, place)
        report = dataclasses.replace(report, about=about)
    now = replies.scanned_at()
    for name, target in reports:
        written = renderer(name)(report, links).replace(replies.SCANNED_AT, now)
        # A file is read later, elsewhere: no terminal's colours in it.
        _write(target, click.unstyle(written) if name == "text" else written)
    if output_format == "text" and statistics:
        rendered = text.statistics(report)
    elif output_format == "text" and quiet:
        rendered = "" if quiet > 1 else text.render_findings(report)
    else:
        rendered = renderer(output_format)(report, links)
    unjudged = report.unresolved or report.unresolved_calls
    if output_format == "text" and (report.errors or unjudged) and quiet < 2:
        said.echo(text.render_errors(report), err=True, nl=False, color=colour_on)
    if output is not None:
        filled = rendered.replace(replies.SCANNED_AT, now)
        _write(output, click.unstyle(filled) if output_format == "text" else filled)
        if output_format == "text" and not quiet:
            click.echo(text.summary(report), color=colour_on)
    else:
        said.echo(
            rendered.replace(replies.SCANNED_AT, now), nl=False, color=colour_on, kept=rendered
        )
    if show_fixes:
        _show_fixes(paths, select, ignore, exclude, config_path, baseline)
    if show_suppressed and outcome.suppressed:
        said.echo(text.render_suppressed(outcome.suppressed), err=output_format != "text", nl=False)
    if strict_files and report.errors:
        if output_format != "text":
            click.echo(text.render_errors(report), err=True, nl=False)
        sys.exit(EXIT_ERROR)
    if replayable:
        _keep_reply(said, outcome, started, paths, as_of, place, (config_path, baseline))
    sys.exit(outcome.exit_code)


def _keep_reply(
    said: _Transcript, outcome: runner.ScanOutcome, started_ns: int, paths: Sequence[Path],
    as_of: date, place: GitPlace | None, named: Sequence[Path | None],
) -> None:  # fmt: skip
    """Keep what the scan printed as the reply to its command (see `scanner.scan.replies`), when
    the console entry point asked for one and the report is remembered; `named`: files the
    options name (a configuration, a baseline)."""
    entry = click.get_current_context().find_object(_Entry)
    basis = outcome.basis
    if entry is None or entry.reply_key is None or basis is None:
        return
    from scanner.scan import replies

    heads: list[Path] = []
    if place is not None and place.top is not None:
        # A report that names the commit: what says which it is.
        repository = place.top / ".git"
        if not repository.is_dir():
            return  # a worktree's or a submodule's: its HEAD is elsewhere
        names = ["HEAD", "packed-refs", *([f"refs/heads/{place.branch}"] if place.branch else [])]
        heads = [repository / name for name in names]
    source = click.get_current_context().get_parameter_source("as_of")
    given = source is not None and source.name != "DEFAULT"
    # The default day is today's: the reply holds until local midnight.
    until = None if given else replies.end_of_day(as_of.year, as_of.month, as_of.day)
    replies.keep_scan(
        entry.reply_key, said.said, outcome.exit_code, started_ns, basis, paths,
        [path for path in named if path is not None], heads, until,
    )  # fmt: skip


def _stdin(paths: Sequence[Path], filename: Path | None) -> tuple[Path, bytes] | None:
    """`scan - --stdin-filename app/api.py`: the source on stdin, scanned as that file."""
    if [str(p) for p in paths] != ["-"]:
        if filename is not None:
            _fail("--stdin-filename goes with the path '-' (read the source from stdin)")
        return None
    if filename is None:
        _fail("scan - reads the source from stdin: name its file with --stdin-filename")
    if sys.stdin is None:
        _fail("scan - reads the source from stdin, which is closed")
    return filename, sys.stdin.buffer.read()


def _colour(choice: str) -> bool | None:
    """`--color`: always or never; `auto` is off with NO_COLOR, on with FORCE_COLOR, else on
    a terminal only (None lets click tell)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return None


def _interactive() -> bool:
    """A person watching: stderr is a terminal and this is not a CI job."""
    return sys.stderr.isatty() and not os.environ.get("CI")


class _Progress:
    """A progress bar on stderr (files read of all), shown only once a scan has run for a
    second, so quick scans print nothing."""

    DELAY = 1.0

    def __init__(self, clock: Callable[[], float] = time_module.monotonic) -> None:
        self._clock = clock
        self._start = clock()
        self._bar: Any = None
        self._shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if self._clock() - self._start < self.DELAY:
                return
            self._bar = click.progressbar(length=total, label="scanning", file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(done - self._shown)
        self._shown = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


def _show_fixes(
    paths: Sequence[Path], select: Sequence[str], ignore: Sequence[str], exclude: Sequence[str],
    config_path: Path | None, baseline: Path | None,
) -> None:  # fmt: skip
    """`scan --show-fixes`: the diff `noticelint fix` would apply (as `fix --diff`)."""
    request = runner.FixRequest(
        paths=paths, select=select, ignore=ignore, exclude=exclude, write=False,
        config_path=config_path, baseline=baseline,
    )  # fmt: skip
    try:
        planned = runner.fix(request)
    except ConfigError as exc:
        _fail(exc)
    for done in planned:
        if done.error is None:
            click.echo(done.diff, nl=False)


def _write(target: Path, rendered: str) -> None:
    """Write a report or page in one replacement: a failure leaves an earlier one intact. A
    link is followed (the file it names is replaced, the link stays), and what is not a
    regular file (a pipe, a device) is written as it is: never replaced by a file.
    `/dev/stdout` and `/dev/stderr` (or `/dev/fd/1`, `/proc/self/fd/2`...) are this process's
    own streams, written as `-` writes standard output, even when they lead to a regular file
    (`>> log`: what the file held, and what the shell writes after, stays)."""
    import stat

    from scanner.scan.atomicfile import replace_text

    stream = _standard_stream(target)
    if stream is not None:
        click.echo(rendered, nl=False, err=stream == 2)
        return
    try:
        try:
            mode: int | None = os.stat(target).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and not stat.S_ISREG(mode):
            with open(target, "w", encoding="utf-8", errors="backslashreplace") as out:
                out.write(rendered)
        else:
            replace_text(Path(os.path.realpath(target)), rendered)
    except OSError as exc:
        _fail(f"cannot write {target}: {exc.strerror or exc}")


def _standard_stream(target: Path) -> int | None:
    """1 or 2 when `target` names this process's standard output or error; else None."""
    name = os.path.normpath(os.path.abspath(target))
    for folder in ("/dev/fd/", "/proc/self/fd/", f"/proc/{os.getpid()}/fd/"):
        if name.startswith(folder) and name[len(folder) :] in ("1", "2"):
            return int(name[len(folder) :])
    return {"/dev/stdout": 1, "/dev/stderr": 2}.get(name)


@main.group(invoke_without_command=True)
@click.pass_context
def rules(ctx: click.Context) -> None:
    """List the rules (also `rules list`), or show one with `rules show CODE`: those shipped
    and those of the folders the configuration's `rule-paths` names."""
    if ctx.invoked_subcommand is None:
        _list_rules()


@rules.command("list")
def list_rules() -> None:
    """List the rules, the configuration's own too: code, date in effect, platform, title."""
    _list_rules()


def _list_rules() -> None:
    from scanner.reporters.ruledocs import table

    click.echo(table(_project_rules().rules))


def _project_rules() -> RuleSet:
    """The shipped rules and those of the rule folders the configuration found from here
    names (`rule-paths`): the rules a scan from here runs."""
    return _load(extra=_config([Path(".")], None).rule_paths)


@rules.command()
@click.argument("code")
@click.option("--docs-url", help=DOCS_URL_HELP)
def show(code: str, docs_url: str | None) -> None:
    """Show one rule: what it finds, why, an example and the fix."""
    from scanner.reporters.ruledocs import describe

    ruleset = _project_rules()
    rule = ruleset.by_code.get(code.upper())
    if rule is None:
        _fail(f"unknown rule code {code!r}; `noticelint rules` lists them")
    click.echo(describe(rule, docs_base(docs_url)))


@rules.command()
@click.option("--output", "-o", type=click.Path(path_type=Path, file_okay=False),
              default=Path("docs/rules"), show_default=True)  # fmt: skip
@click.option("--check", is_flag=True, help="Exit 1 if the pages there are not up to date.")
def docs(output: Path, check: bool) -> None:
    """Write each rule's page (`<CODE>.md`) and an index, from the rule files."""
    from scanner.reporters.ruledocs import index, markdown

    rules = _load().rules
    pages = {f"{rule.code}.md": markdown(rule) for rule in rules}
    pages["README.md"] = index(rules)
    stale = sorted(
        name
        for name, text in pages.items()
        if not (output / name).is_file() or (output / name).read_text(encoding="utf-8") != text
    )
    if check:
        if not output.is_dir():
            _fail(f"{output}: no such folder to check (name the pages' folder with --output)")
        for name in stale:
            state = "not up to date" if (output / name).is_file() else "missing"
            click.echo(f"{output / name}: {state}; run `noticelint rules docs`", err=True)
        sys.exit(EXIT_FINDINGS if stale else EXIT_CLEAN)
    output.mkdir(parents=True, exist_ok=True)
    for name in stale:
        _write(output / name, pages[name])
    click.echo(f"wrote {len(stale)} of {len(pages)} pages to {output}")


@rules.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check rule files (or directories of them) against the rule schema, and that none takes
    the code of a shipped rule."""
    from scanner.rulepack.resources import rules_dir
    from scanner.rulepack.ruleset import load_rules

    shipped = rules_dir().resolve()
    # As a scan loads them (`rule-paths`): beside the shipped rules (the files not theirs).
    own = [p for p in paths if p.resolve() != shipped and shipped not in p.resolve().parents]
    try:
        checked = load_rules(list(paths))
        if own:
            load_rules([shipped, *own])
    except ConfigError as exc:
        _fail(exc)
    click.echo(f"{len(checked.rules)} rule(s) valid: {', '.join(r.code for r in checked.rules)}")


@main.group()
def config() -> None:
    """The configuration's JSON Schema, for editors."""


@config.command()
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              callback=_file_or_stdout,
              help="Write it here instead of printing it (-: print it).")  # fmt: skip
@click.option("--check", is_flag=True, help="Exit 1 if the file --output names is not current.")
def schema(output: Path | None, check: bool) -> None:
    """Print the JSON Schema of `[tool.noticelint]` (and of a noticelint.toml)."""
    from scanner.scan.configtable import json_schema

    text = json_schema()
    if output is None:
        if check:
            _fail("--check compares with the file --output names")
        click.echo(text, nl=False)
        return
    current = output.is_file() and output.read_text(encoding="utf-8") == text
    if check:
        if not current:
            click.echo(f"{output}: not up to date; run `noticelint config schema -o {output}`",
                       err=True)  # fmt: skip
        sys.exit(EXIT_CLEAN if current else EXIT_FINDINGS)
    if not current:
        _write(output, text)
    click.echo(f"{'wrote' if not current else 'up to date:'} {output}")


def _zone(ctx: click.Context, param: click.Parameter, value: str | None) -> tzinfo:
    if value is None:
        local = datetime.now().astimezone().tzinfo
        assert local is not None
        return local
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(
            f"{value!r} is not a time zone name such as Europe/Berlin"
        ) from None


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--as-of", "as_of", callback=_as_of, metavar="YYYY-MM-DD", help="Default: today.")
@click.option("--exclude", multiple=True, metavar="GLOB", help=EXCLUDE_HELP)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def jobs(
    paths: tuple[Path, ...], as_of: date, exclude: tuple[str, ...], output_format: str
) -> None:
    """List every scheduled job in PATHS: when and in what zone it fires, what it runs, which
    platform services that reaches, and its firings in the maintenance windows ahead."""
    from scanner.reporters import jobs as jobsview
    from scanner.runner import ScanRequest, scan_jobs

    try:
        found = scan_jobs(ScanRequest(paths=paths, exclude=exclude, as_of=as_of))
    except ConfigError as exc:
        _fail(exc)
    rendered = jobsview.as_json(found) if output_format == "json" else jobsview.render_text(found)
    click.echo(rendered, nl=False)


@main.command()
@click.option("--as-of", "as_of", callback=_as_of, metavar="YYYY-MM-DD", help="Default: today.")
@click.option("--tz", "zone", callback=_zone, metavar="ZONE", help="Show times in this zone.")
@click.option("--all", "include_past", is_flag=True, help="Include windows that have ended.")
@click.option(
    "--platform", "platforms", multiple=True,
    type=click.Choice(["shopline", "rakuten", "line_shopping"]),
)  # fmt: skip
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option("--ics", type=click.Path(path_type=Path), help="Also write an iCalendar file.")
@click.option("--verbose", "-v", is_flag=True, help="Also what each notice says and assumes.")
def windows(
    as_of: date,
    zone: tzinfo,
    include_past: bool,
    platforms: tuple[str, ...],
    output_format: str,
    ics: Path | None,
    verbose: bool,
) -> None:
    """List maintenance windows and platform calendar events that have not ended."""
    from scanner.maintenance.windows import load_calendar
    from scanner.reporters import calendar as calendarview
    from scanner.rulepack.resources import schedules_dir

    try:
        calendar = load_calendar([schedules_dir()])
    except ConfigError as exc:
        _fail(exc)
    moment = datetime.combine(as_of, time(), tzinfo=zone)
    found = calendarview.entries(calendar, moment, include_past, platforms)
    if ics is not None:
        try:
            ics.write_bytes(calendarview.as_ics(found, datetime.now(UTC)))
        except OSError as exc:
            _fail(f"cannot write {ics}: {exc.strerror or exc}")
    if output_format == "json":
        click.echo(calendarview.as_json(found, zone), nl=False)
    else:
        click.echo(calendarview.render_text(found, zone, verbose), nl=False)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--select", multiple=True, help="Only fix these rule codes (or prefixes).")
@click.option("--ignore", multiple=True, help="Do not fix these rule codes (or prefixes).")
@click.option("--exclude", multiple=True, metavar="GLOB", help=EXCLUDE_HELP)
@click.option(
    "--diff", "show_diff", is_flag=True, help="Print the changes as a diff; change nothing."
)
@click.option(
    "--unsafe-fixes", is_flag=True, help="Also apply fixes that change behaviour (SL004)."
)
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False),
              help="Fix only findings not recorded in this baseline.")  # fmt: skip
def fix(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    exclude: tuple[str, ...],
    show_diff: bool,
    unsafe_fixes: bool,
    config_path: Path | None,
    baseline: Path | None,
) -> None:
    """Apply the mechanical migrations the notices ask for (exit 1 with --diff if any).

    Exactly what `scan` reports as fixable ([*]) under the same configuration is fixed:
    never a suppressed, per-file-ignored or baselined finding."""
    request = runner.FixRequest(
        paths=paths, select=select, ignore=ignore, exclude=exclude, unsafe=unsafe_fixes,
        write=not show_diff, config_path=config_path, baseline=baseline,
    )  # fmt: skip
    try:
        files = runner.fix(request)
    except ConfigError as exc:
        _fail(exc)
    for done in files:
        if done.error is not None:
            click.echo(f"{done.display}: not fixed: {done.error}", err=True)
        elif show_diff:
            click.echo(done.diff, nl=False)
    changed = sum(1 for done in files if done.error is None and done.fixed)
    fixes = sum(done.fixed for done in files)
    held = sum(done.held for done in files)
    verb = "Would fix" if show_diff else "Fixed"
    counted = (
        f"{fixes} finding{'' if fixes == 1 else 's'} in {changed} file{'' if changed == 1 else 's'}"
    )
    more = f"; {held} more with `--unsafe-fixes`" if held else ""
    click.echo(f"{verb} {counted}{more}.", err=show_diff)
    sys.exit(EXIT_FINDINGS if show_diff and changed else EXIT_CLEAN)


@main.group()
def campaigns() -> None:
    """LINE Shopping partner programme: check activity-contract plans."""


@campaigns.command()
@click.argument("plans", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), callback=_file_or_stdout,
    help="Write the report here (-: standard output).",
)  # fmt: skip
@click.option("--report", "reports", multiple=True, callback=_reports, metavar="FORMAT=FILE")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]))
@click.pass_context
def check(
    ctx: click.Context,
    plans: tuple[Path, ...],
    output_format: str,
    output: Path | None,
    reports: list[tuple[str, Path]],
    fail_on: str | None,
) -> None:
    """Check PLANS against the back office's contract rules (LS001-LS011); see the README for
    the plan format. Exit codes as for scan; a plan that does not follow the format exits 2."""
    from scanner.campaigns.plan import is_plan

    for plan in plans:
        try:
            text = plan.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            _fail(f"cannot read {plan}: {exc}")
        if not is_plan(text):
            _fail(f"{plan}: not a campaign plan (it needs programme: line_shopping_partner_2026)")
    ctx.invoke(
        scan, paths=plans, select=("LS",), output_format=output_format, output=output,
        reports=reports, fail_on=fail_on, as_of=date.today(), strict_files=True,
    )  # fmt: skip


def run(quick_tried: bool = False, reply_key: str | None = None) -> None:
    """The command line in full (`scanner.launch` hands on what it does not answer, says
    whether it tried the quick answer already, and gives the key of a scan's reply), ended
    by Ctrl-C, SIGTERM or SIGHUP as `scanner.launch` says."""
    from scanner.launch import Stopped, leave, on_signals, refused

    on_signals()
    try:
        main(standalone_mode=False, obj=_Entry(quick_tried, reply_key))
    except (click.exceptions.Abort, KeyboardInterrupt):
        leave(None)
    except Stopped as exc:
        leave(exc)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except OSError as exc:
        refused(exc)

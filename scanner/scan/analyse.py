"""Scanning one file: decode, parse once, collect facts, run every rule, place the hits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import libcst as cst

from scanner.apis.calls import Condition, LaterRequest
from scanner.apis.resolve import Tie
from scanner.apis.unresolved import Unjudged, platforms_named, unjudged_requests
from scanner.code.clients import handings
from scanner.code.context import PythonContext
from scanner.code.decoding import Unscannable
from scanner.code.facts import ModuleFacts
from scanner.code.handing import Handing
from scanner.code.imports import class_urls, handler_words, module_exports, star_names
from scanner.code.parse import parse
from scanner.code.positions import Located, Positions, locate
from scanner.code.strings import Ref, Shape
from scanner.code.textfiles import ConfigText, is_dockerfile, is_systemd_timer
from scanner.code.wrappers import request_templates
from scanner.maintenance.checks import Placed, PlacedJob, PlacedMoment
from scanner.maintenance.cronfiles import crontab_jobs, is_crontab, timer_jobs, yaml_jobs
from scanner.maintenance.images import ImageZone, image_zones
from scanner.maintenance.jobs import FoundJob, find_jobs
from scanner.maintenance.promotions import config_moments, python_moments, zone_named_elsewhere
from scanner.maintenance.services import FunctionUsage, module_usage
from scanner.maintenance.tomlmoments import toml_moments
from scanner.maintenance.windows import Calendar
from scanner.matchers import run_lines, run_python, run_text
from scanner.matchers.findings import FileError, Finding, UnresolvedCall
from scanner.matchers.hits import Hit, PendingHits
from scanner.rulepack.ruleset import RuleSet
from scanner.scan.edits import Edits

if TYPE_CHECKING:
    from libcst.metadata import CodeRange


@dataclass(frozen=True)
class PendingFindings:
    """Findings of one matcher that wait for other modules: the request's method and URL as far
    as the module tells, and what ties it to a platform."""

    code: str
    matcher: int
    method: str | None
    url: Shape
    findings: tuple[Finding, ...]
    tie: Tie | None = None
    method_later: Shape = ()
    by_name: bool = False
    # What another module's wrapper must be for them to hold (see `PendingHits.holds_if`).
    holds_if: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Deferred:
    """A finding that holds once other modules are known: the class its platform was assumed
    by keeps its base URL on that platform (`tie`), and none of the functions the response
    is handed to handles what the finding is about (`unless_handled`)."""

    finding: Finding
    tie: Tie | None
    unless_handled: tuple[tuple[Ref, frozenset[str]], ...] = ()
    # The registry entry the finding is about, unless another module's call uses it.
    entry: str | None = None


@dataclass(frozen=True)
class PendingRequest:
    """A request of the module whose URL waits for other modules, where it is: once they are
    known, it may turn out to be one no rule judges (see `scanner.apis.unresolved`)."""

    path: str
    line: int
    request: LaterRequest


@dataclass
class FileAnalysis:
    """What analysing one file gives: its findings, those that wait for other modules, what it
    exports, and the jobs, images, moments and function usage it holds."""

    findings: list[Finding] = field(default_factory=list)
    pending: list[PendingFindings] = field(default_factory=list)
    exports: dict[str, Shape] = field(default_factory=dict)
    # The names its `__all__` lists, which alone `import *` of it binds (None: any public one).
    star_names: frozenset[str] | None = None
    class_urls: dict[str, tuple[Shape, ...]] = field(default_factory=dict)
    handler_words: dict[str, frozenset[str]] = field(default_factory=dict)
    # Its calls that hand other modules' functions an instance of a class (a client).
    handings: list[Handing] = field(default_factory=list)
    # Findings that other modules decide (see `Deferred`).
    deferred: list[Deferred] = field(default_factory=list)
    jobs: list[PlacedJob] = field(default_factory=list)
    # A Dockerfile's stages that install a crontab, with the zone they run it in.
    images: list[ImageZone] = field(default_factory=list)
    moments: list[PlacedMoment] = field(default_factory=list)
    usage: dict[str, FunctionUsage] = field(default_factory=dict)
    # Its requests no rule judges, each with the id of the platform whose operation its
    # path is: listed only if a module of the tree talks to that platform.
    unresolved_calls: list[tuple[str, UnresolvedCall]] = field(default_factory=list)
    later_requests: list[PendingRequest] = field(default_factory=list)
    # The ids of the platforms its requests reach or its names tie it to.
    platforms: frozenset[str] = frozenset()
    edits: Edits | None = None
    # Why the file could not be analysed whole (a Python file that does not parse).
    error: FileError | None = None


Preview = Callable[[str, Sequence[Finding], "cst.Module", Located], Edits | None]
# What a scan is handed to preview fixes (the scan itself never imports the fixers):
# (display, key, text, findings, module, located, ruleset) -> the fixed text, or None.
Previewer = Callable[
    [str, str, str, Sequence[Finding], "cst.Module", Located, RuleSet], Edits | None
]


def analyse_python(
    display: str,
    key: str,
    text: str,
    ruleset: RuleSet,
    calendar: Calendar | None = None,
    preview: Preview | None = None,
) -> FileAnalysis:
    """The file's findings, pending findings, exports, jobs and moments; with `preview`, also
    its fixes, made on this same parse."""
    # Here, not at the top: defining the collector loads libcst (see `scanner.code.deferred`).
    from scanner.code.collect import collect

    module = parse(text)
    try:
        facts = collect(key, module, ruleset.symbols)
        try:
            return _analyse_module(display, text, module, facts, ruleset, calendar, preview)
        finally:
            facts.release()
    except RecursionError:
        # libcst read it, so Python does: the limit is the analysis's own.
        raise Unscannable(
            "too deeply nested to analyse (RecursionError)", valid_python=True
        ) from None


def _analyse_module(
    display: str,
    text: str,
    module: cst.Module,
    facts: ModuleFacts,
    ruleset: RuleSet,
    calendar: Calendar | None,
    preview: Preview | None,
) -> FileAnalysis:
    ctx = PythonContext(facts)
    results = list(run_python(ruleset.rules, ctx))
    analysis = FileAnalysis(
        exports=module_exports(facts) | request_templates(ctx.wrappers),
        star_names=star_names(facts),
        class_urls=class_urls(facts),
        handler_words=handler_words(facts),
        handings=handings(facts, ctx.evaluator),
    )
    jobs: list[FoundJob] = []
    moments: list[tuple[cst.CSTNode, str, datetime, bool]] = []
    platforms = ruleset.platforms
    judged = ruleset.judged_platforms
    requests: list[tuple[cst.CSTNode, Unjudged | LaterRequest]] = []
    if platforms is not None and judged:
        requests = list(unjudged_requests(ctx, platforms, judged))
        analysis.platforms = platforms_named(ctx, platforms)
    if calendar is not None and ruleset.schedule_checks:
        analysis.usage = module_usage(ctx, calendar)
        jobs = list(find_jobs(ctx)) if "job_in_window" in ruleset.schedule_checks else []
        if "promotion_in_window" in ruleset.schedule_checks:
            moments = list(python_moments(ctx))
    if results or jobs or moments or requests:
        reported = [
            hit.node
            for result in results
            for hit in (result.hits if isinstance(result, PendingHits) else (result,))
        ]
        reported += [found.node for found in jobs] + [node for node, *_ in moments]
        reported += [node for node, _ in requests]
        located = locate(module, text, reported, facts.tops_of(reported))
        positions = located.positions
        _place(display, positions, results, analysis)
        _place_requests(display, positions, requests, analysis)
        analysis.jobs = [PlacedJob(_where(display, positions[f.node]), f.job) for f in jobs]
        analysis.moments = [
            PlacedMoment(
                _where(display, positions[node]), key_name, when, stated,
                zone_named_elsewhere(node, ctx),
            )
            for node, key_name, when, stated in moments
        ]  # fmt: skip
        # Findings that wait for other modules are fixed here too, on this parse: a fix
        # keeps to the lines the linked scan reports (and the scan's preview is checked
        # against them), so one that linking drops is not applied.
        # Once each: the same finding may wait on several requests.
        waiting = list(
            dict.fromkeys(
                [
                    *(deferred.finding for deferred in analysis.deferred),
                    *(found for pending in analysis.pending for found in pending.findings),
                ]
            )
        )
        if preview is not None and (analysis.findings or waiting):
            analysis.edits = preview(text, [*analysis.findings, *waiting], module, located)
    return analysis


def _where(display: str, where: CodeRange) -> Placed:
    return Placed(
        display, where.start.line, where.start.column + 1, where.end.line, where.end.column + 1
    )


def _place(
    display: str,
    positions: Positions,
    results: list[Hit | PendingHits],
    analysis: FileAnalysis,
) -> None:
    """Findings where the hits are, one per rule and node: a hit known now first; one that
    waits for other modules only where none is known, in each set of hits that waits (the
    same hit may wait on several requests: linking keeps one finding per place, see
    `scanner.scan.engine._link`)."""
    seen: set[tuple[str, int]] = set()

    def finding(hit: Hit) -> Finding:
        where: CodeRange = positions[hit.node]
        return Finding(
            display, where.start.line, where.start.column + 1, where.end.line,
            where.end.column + 1, hit.code, hit.message, hit.fix,
        )  # fmt: skip

    for result in results:
        if not isinstance(result, Hit) or (result.code, id(result.node)) in seen:
            continue
        seen.add((result.code, id(result.node)))
        placed = finding(result)
        tie = result.assumed if result.assumed is not None and result.assumed.via else None
        if tie is not None or result.unless_handled or result.entry is not None:
            analysis.deferred.append(Deferred(placed, tie, result.unless_handled, result.entry))
        else:
            analysis.findings.append(placed)
    for result in results:
        if isinstance(result, Hit):
            continue
        waiting = {(hit.code, id(hit.node)): hit for hit in result.hits}
        analysis.pending.append(
            PendingFindings(
                result.code,
                result.matcher,
                result.method,
                result.url,
                tuple(finding(hit) for key, hit in waiting.items() if key not in seen),
                result.tie,
                result.method_later,
                result.by_name,
                result.holds_if,
            )
        )


def _place_requests(
    display: str,
    positions: Positions,
    requests: Sequence[tuple[cst.CSTNode, Unjudged | LaterRequest]],
    analysis: FileAnalysis,
) -> None:
    """The module's requests no rule judges, and those that wait for other modules, where
    they start: one of each per line and request."""
    for node, request in requests:
        line = positions[node].start.line
        if isinstance(request, LaterRequest):
            pending = PendingRequest(display, line, request)
            if pending not in analysis.later_requests:
                analysis.later_requests.append(pending)
            continue
        unresolved = (request.platform, UnresolvedCall(display, line, request.text, request.why))
        if unresolved not in analysis.unresolved_calls:
            analysis.unresolved_calls.append(unresolved)


def _text_findings(
    display: str, text: str, ruleset: RuleSet, every_matcher: bool = False
) -> list[Finding]:
    read = run_lines if every_matcher else run_text
    hits = read(ruleset.rules, ConfigText(PurePosixPath(display), text))
    return [
        Finding(display, h.line, h.column, h.line, h.end_column, h.code, h.message, h.fix)
        for h in hits
    ]


def analyse_unparsed(display: str, text: str, ruleset: RuleSet, error: FileError) -> FileAnalysis:
    """A Python file that does not parse: reported as `error`, and the rules that read text
    (a retired host, topic or path written as a literal) still run on its lines."""
    return FileAnalysis(findings=_text_findings(display, text, ruleset, True), error=error)


def analyse_config(
    display: str, text: str, ruleset: RuleSet, calendar: Calendar | None = None
) -> FileAnalysis:
    path = PurePosixPath(display)
    analysis = FileAnalysis(findings=_text_findings(display, text, ruleset))
    if ruleset.checks_campaigns and path.suffix.lower() in (".yaml", ".yml"):
        from scanner.campaigns.plan import check_plan, is_plan

        if is_plan(text):
            analysis.findings.extend(check_plan(display, text, ruleset, calendar))
    checks = ruleset.schedule_checks
    if "job_in_window" in checks and is_dockerfile(path):
        analysis.images = image_zones(display, text)
    elif "job_in_window" in checks:
        found = (
            crontab_jobs(text, with_user=path.parent.name == "cron.d")
            if is_crontab(path)
            else timer_jobs(path, text)
            if is_systemd_timer(path)
            else yaml_jobs(path, text)
        )
        analysis.jobs = [
            PlacedJob(Placed(display, j.line, j.column, j.line, j.end_column), j.job) for j in found
        ]
    suffix = path.suffix.lower()
    if "promotion_in_window" in checks and suffix in (".yaml", ".yml", ".json", ".toml"):
        moments = toml_moments(text) if suffix == ".toml" else config_moments(text)
        analysis.moments = [
            PlacedMoment(
                Placed(display, m.line, m.column, m.line, m.end_column),
                m.key,
                m.when,
                m.zone_stated,
            )
            for m in moments
        ]
    return analysis

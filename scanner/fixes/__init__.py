"""Autofixes: one codemod module per change, applied safely to whole files.

Each fixer acts only where the scanner reports its rule, one rule at a time (the file is
analysed again between rules, so positions stay true). The result must parse before it
replaces the original, which is written atomically, and only if the file did not change
since it was read.
"""

from __future__ import annotations

import ast
import codecs
import dataclasses
import importlib
import importlib.util
import io
import os
import pkgutil
import re
import stat
import tokenize
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import libcst as cst

from scanner.code.decoding import Unscannable, read_source, text_codec
from scanner.code.parse import parse
from scanner.code.positions import Located, Span, code_of
from scanner.matchers.findings import Finding
from scanner.rulepack.ruleset import RuleSet
from scanner.scan.analyse import analyse_config, analyse_python
from scanner.scan.atomicfile import replace_file
from scanner.scan.cache import ResultCache
from scanner.scan.cache import key as cache_key
from scanner.scan.edits import Edits, Place, placed_before

if TYPE_CHECKING:
    from scanner.fixes.positioned import PositionedTransformer

# A fixer module is named for the code it fixes: `sl003_claim.py` fixes SL003.
_FIXER_NAME = re.compile(r"([a-z]+[0-9]+)_\w+")


@cache
def fixer_codes() -> frozenset[str]:
    """The codes that have a fixer, from the fixer modules' names: without importing them
    (their transformers load libcst, which a scan whose files come from the cache does not
    need)."""
    return frozenset(
        found[1].upper()
        for info in pkgutil.iter_modules(__path__)
        if (found := _FIXER_NAME.fullmatch(info.name))
    )


@cache
def fixer_safety() -> dict[str, bool]:
    """Whether each fixer is safe (its module's `SAFE = True`), by the code it fixes: read
    from the modules' source, not imported. Their transformers load libcst, which a scan that
    parses nothing does not otherwise need, yet it renders the rules' pages (with whether
    each fix is safe) when it records their cards. Where a module's source cannot be read
    (installed as bytecode only), the modules are imported."""
    # Here: importing `importlib.abc` loads `importlib.resources` (and with it `tempfile`,
    # `shutil`, `random`), which a scan does not otherwise import.
    from importlib.abc import InspectLoader

    found: dict[str, bool] = {}
    for info in pkgutil.iter_modules(__path__):
        named = _FIXER_NAME.fullmatch(info.name)
        if named is None:
            continue
        name = f"{__name__}.{info.name}"
        spec = importlib.util.find_spec(name)
        loader = spec.loader if spec is not None else None
        source = loader.get_source(name) if isinstance(loader, InspectLoader) else None
        if source is None:
            return {code: bool(module.SAFE) for code, module in fixers().items()}
        for node in ast.parse(source).body:
            if (
                isinstance(node, ast.Assign)
                and [getattr(target, "id", None) for target in node.targets] == ["SAFE"]
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, bool)
            ):
                found[named[1].upper()] = node.value.value
    return found


@cache
def fixers() -> dict[str, ModuleType]:
    """Every fixer module of this package, by the rule code it fixes: a module named for its
    code (`sl003_claim.py`) that says `CODE`, `SAFE` and gives a `Transformer`. ImportError
    for a module whose name and `CODE` disagree."""
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        code = getattr(module, "CODE", None)
        named = _FIXER_NAME.fullmatch(info.name)
        if code is None and named is None:
            continue
        if named is None or code != named[1].upper() or code in found:
            raise ImportError(f"fixer module {info.name} does not stand alone for {code}")
        found[code] = module
    return found


class FixError(Exception):
    """A file that was left as it was, with the reason."""


@dataclass
class FilePlan:
    """What fixing one file changes: its path, its original bytes and encoding, and the edits
    made to its text."""

    path: Path
    display: str
    original: bytes
    encoding: str
    edits: Edits


def fixable_codes(unsafe: bool) -> set[str]:
    if unsafe:
        return set(fixer_codes())
    return {code for code, safe in fixer_safety().items() if safe}


def _decode(data: bytes, python: bool) -> tuple[str, str]:
    """The text and the codec that writes it back as it was (its byte-order mark too)."""
    if python:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding), encoding
    encoding = text_codec(data)
    # Python's "utf-16" and "utf-32" write the mark in this machine's byte order: a file in
    # the other order would come back reversed, so it is left alone.
    native = {"utf-16": codecs.BOM_UTF16, "utf-32": codecs.BOM_UTF32}.get(encoding)
    if native is not None and not data.startswith(native):
        raise FixError(f"{encoding.upper()} text in the other byte order: fix it by hand")
    return data.decode(encoding), encoding


# The lines of a file each rule's fixes may act on: those of the findings the scan reports
# (a suppressed, per-file-ignored or baselined finding is not reported, so not fixed).
Wanted = Mapping[str, frozenset[int]]


def wanted_lines(findings: Sequence[Finding]) -> dict[str, dict[str, frozenset[int]]]:
    """Per file, per rule code, the lines of the given findings."""
    found: dict[str, dict[str, set[int]]] = {}
    for finding in findings:
        found.setdefault(finding.path, {}).setdefault(finding.code, set()).add(finding.line)
    return {
        path: {code: frozenset(lines) for code, lines in codes.items()}
        for path, codes in found.items()
    }


def plan(
    path: Path, display: str, codes: Sequence[str], ruleset: RuleSet, only: Wanted | None = None
) -> FilePlan:
    """The file with every given rule's fixes applied, in memory; with `only`, each rule's
    fixes act on those lines alone."""
    python = path.suffix == ".py"
    try:
        data = read_source(path)
        text, encoding = _decode(data, python)
    except (OSError, UnicodeDecodeError, SyntaxError, LookupError) as exc:
        raise FixError(f"cannot read: {exc}") from None
    edits = Edits(text, text)
    for code in sorted(codes):
        rules = ruleset.select([code])
        lines = None if only is None else only.get(code, frozenset())
        if python:
            _fix_python(edits, display, str(path), code, rules, lines)
        else:
            _fix_config(edits, display, code, rules, lines)
    if python:
        _check(edits)
    return FilePlan(path, display, data, encoding, edits)


def preview(
    display: str,
    key: str,
    text: str,
    findings: Sequence[Finding],
    module: cst.Module,
    located: Located,
    ruleset: RuleSet,
) -> Edits | None:
    """What `plan` makes of a Python file, from the scan's own parse of it: each rule's fixes
    act on the scanned tree until one changes the text; only the rules after that need the
    file analysed again."""
    codes = sorted({f.code for f in findings} & fixer_codes() & set(ruleset.by_code))
    if not codes:
        return None
    edits = Edits(text, text)
    try:
        for code in codes:
            if edits.after == text:
                _apply(edits, code, findings, module, located)
            else:
                _fix_python(edits, display, key, code, ruleset.select([code]))
    except FixError:
        return Edits(text, text)
    return edits


def _check(edits: Edits) -> None:
    """The whole fixed file must parse before it is written (each fix checked its part)."""
    if edits.changes:
        _must_parse(edits.after)


def _same_ending(before: str, after: str) -> str:
    """libcst can drop a final lone CR; the file keeps the ending it had."""
    for ending in ("\r\n", "\r", "\n"):
        if before.endswith(ending):
            return after if after.endswith(ending) else after.rstrip("\r\n") + ending
    return after


def _fix_python(
    edits: Edits, display: str, key: str, code: str, rules: RuleSet,
    lines: frozenset[int] | None = None,
) -> None:  # fmt: skip
    # Findings are made on the text as fixed so far; the scan's, and `lines`, are the text's
    # as it was read.
    was = placed_before(edits.before, edits.after)

    def apply(_: str, found: Sequence[Finding], module: cst.Module, located: Located) -> None:
        chosen = [f for f in found if lines is None or was(f.line, f.column)[0] in lines]
        _apply(edits, code, chosen, module, located, was)

    try:
        analyse_python(display, key, edits.after, rules, preview=apply)
    except Unscannable as exc:
        raise FixError(str(exc)) from None


def _apply(
    edits: Edits,
    code: str,
    found: Sequence[Finding],
    module: cst.Module,
    located: Located,
    was: Callable[[int, int], Place] | None = None,
) -> None:
    """Fix the rule's findings in `edits.after`, which `module` was parsed from, noting each
    finding fixed (or why not) at its place in `edits.before` (`was`, when the text has been
    fixed since). Only the statements that hold findings are transformed and put back into
    the text; the result is checked to parse."""
    from scanner.fixes.positioned import Target

    targets = {Target(f.line, f.column) for f in found if f.code == code}
    if not targets:
        return
    fixer = fixers()[code]
    transformer = fixer.Transformer(targets, located.positions, module)
    if located.spans is None:
        after = _same_ending(edits.after, module.visit(transformer).code)
        if after != edits.after:
            _must_parse(after)
    else:
        after = _splice(edits.after, module, located.spans, transformer)
    place = was or (lambda line, column: (line, column))
    edits.fixed |= {(code, *place(t.line, t.column)) for t in transformer.fixed}
    if transformer.fixed and not fixer.SAFE:
        edits.unsafe.add(code)
    edits.reasons.update(
        {(code, *place(t.line, t.column)): why for t, why in transformer.reasons.items()}
    )
    edits.after = after


def _must_parse(code: str) -> None:
    try:
        parse(code)
    except Unscannable as exc:
        raise FixError(f"the fixed file would not parse ({exc}); left as it was") from None


def _splice(
    text: str, module: cst.Module, spans: Sequence[Span], transformer: PositionedTransformer
) -> str:
    """The text with each positioned statement in which the transformer fixed something put
    back transformed, indented as it was; the others (what else the scan reported lies in
    them) are left as they are, their code not generated again."""
    pieces: list[str] = []
    done = 0
    for span in spans:
        if not transformer.may_hold_target(span.statement):
            continue
        fixed = len(transformer.fixed)
        changed = span.statement.visit(transformer)
        if len(transformer.fixed) == fixed:
            continue  # nothing done in it (every fix says what it does)
        if not isinstance(changed, cst.BaseStatement):
            raise FixError("a fix would remove a whole statement; left as it was")
        alone = module.code_for_node(changed)
        code = code_of(module, changed, span.indents) if span.indents else alone
        # Code generation ends every statement with a newline; the file's last may have none.
        missing = span.offset + span.length - len(text)
        code = code[: len(code) - missing] if missing > 0 else code
        end = min(span.offset + span.length, len(text))
        if code == text[span.offset : end]:
            continue
        # A statement stands alone in the grammar, out of its blocks too (a `return` or an
        # `await` is the compiler's concern, not the grammar's): each changed one must parse.
        _must_parse(alone)
        pieces += [text[done : span.offset], code]
        done = end
    return "".join(pieces) + text[done:]


def _fix_config(
    edits: Edits, display: str, code: str, rules: RuleSet, wanted: frozenset[int] | None = None
) -> None:
    fix_line = getattr(fixers()[code], "fix_line", None)
    if fix_line is None:
        return
    found = [
        f
        for f in analyse_config(display, edits.after, rules).findings
        if f.code == code and (wanted is None or f.line in wanted)
    ]
    lines = edits.after.splitlines(keepends=True)
    for finding in found:
        index = finding.line - 1
        body = lines[index].rstrip("\r\n")
        ending = lines[index][len(body) :]
        fixed = fix_line(body, finding.column)
        if fixed != body:
            lines[index] = fixed + ending
            edits.fixed.add((code, finding.line, finding.column))
    edits.after = "".join(lines)


def write(result: FilePlan) -> None:
    """Replace the file atomically with its fixed text, keeping its mode and owner, and only
    if it is still exactly what was read, checked again just before the replacement (an
    edit made meanwhile is never overwritten). `FixError` says why a file was left alone:
    changed while fixing, read-only, a symbolic link, or a failed write."""
    path = result.path
    try:
        if path.is_symlink():
            raise FixError("a symbolic link (fix the file it points to)")
        before = path.stat()
        current = read_source(path)
    except OSError as exc:
        raise FixError(f"cannot read again: {exc.strerror or exc}") from None
    if current != result.original:
        raise FixError("changed since it was read; left as it was")
    if not before.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):
        raise FixError("read-only (make it writable to fix it)")

    def still_current() -> None:
        now = path.stat()
        same = (now.st_size, now.st_mtime_ns, now.st_ino) == (
            before.st_size, before.st_mtime_ns, before.st_ino,
        )  # fmt: skip
        if not same or read_source(path) != result.original:
            raise FixError("changed while fixing; left as it was")

    encoded = result.edits.after.encode(result.encoding)
    try:
        replace_file(
            path, encoded, stat.S_IMODE(before.st_mode), (before.st_uid, before.st_gid),
            still_current,
        )  # fmt: skip
    except OSError as exc:
        raise FixError(f"cannot write: {exc.strerror or exc}; left as it was") from None


def findings_by_file(findings: Sequence[Finding], codes: set[str]) -> dict[str, list[str]]:
    """The fixable codes found in each file; a notebook's are not fixed (its JSON is not
    rewritten)."""
    grouped: dict[str, set[str]] = {}
    for finding in findings:
        if finding.code in codes and finding.cell is None:
            grouped.setdefault(finding.path, set()).add(finding.code)
    return {path: sorted(found) for path, found in grouped.items()}


def _cached_plan(
    display: str, codes: list[str], ruleset: RuleSet, cache: ResultCache | None, only: Wanted
) -> FilePlan:
    """The plan for a file, from the results cache when its bytes and the rules are known."""
    path = Path(display)
    name = ""
    if cache is not None:
        lines = repr(sorted((code, sorted(found)) for code, found in only.items()))
        try:
            name = cache_key(
                "fix-plan", ruleset.digest, display, ",".join(codes), lines, path.read_bytes()
            )
        except OSError:
            name = ""
        cached = cache.get(name) if name else None
        if isinstance(cached, FilePlan) and cached.path == path:
            return cached
    result = plan(path, display, codes, ruleset, only)
    if cache is not None and name:
        cache.put(name, result)
    return result


def mark_fixable(
    findings: list[Finding],
    ruleset: RuleSet,
    cache: ResultCache | None = None,
    previews: Mapping[str, Edits] | None = None,
) -> tuple[list[Finding], dict[str, tuple[str, str]]]:
    """Findings with the fix that `noticelint fix --unsafe-fixes` would make, or the reason
    it makes none; and each such file's text before and after. A file's preview from the
    scan is used when there is one; other files are planned here."""
    by_file = findings_by_file(findings, fixable_codes(unsafe=True) & set(ruleset.by_code))
    wanted = wanted_lines(findings)
    fixed: set[tuple[str, str, int, int]] = set()
    unsafe: set[tuple[str, str]] = set()
    reasons: dict[tuple[str, str, int, int], str] = {}
    texts: dict[str, tuple[str, str]] = {}
    for display, codes in by_file.items():
        only = wanted[display]
        result = (previews or {}).get(display)
        if result is not None and not all(line in only.get(c, ()) for c, line, _ in result.fixed):
            result = None  # the scan's preview fixed what is not reported (suppressed…)
        if result is None:
            try:
                result = _cached_plan(display, codes, ruleset, cache, only).edits
            except FixError:
                continue
        if result.changes:
            texts[display] = (result.before, result.after)
        fixed |= {(display, *key) for key in result.fixed}
        unsafe |= {(display, code) for code in result.unsafe}
        reasons.update({(display, *key): why for key, why in result.reasons.items()})
    if cache is not None:
        cache.flush()
    marked = []
    for finding in findings:
        key = (finding.path, finding.code, finding.line, finding.column)
        if key in fixed:
            rule = ruleset.by_code[finding.code]
            warning = (
                " (unsafe: apply with --unsafe-fixes)"
                if (finding.path, finding.code) in unsafe
                else ""
            )
            finding = dataclasses.replace(
                finding, fix=f"{rule.autofix or 'automatic fix'}{warning}".strip()
            )
        elif key in reasons:
            finding = dataclasses.replace(
                finding, message=f"{finding.message} (no automatic fix: {reasons[key]})"
            )
        marked.append(finding)
    return marked, texts

"""Runs one measured command in a fresh process and reports its peak memory on stderr.

child.py read ROOT [regex|prefilter|ast|libcst]
                                       walk, read and decode every file of ROOT in-process,
                                       and, after a space, the same with one compiled
                                       10-literal regular expression, with the prefilter
                                       as a scan runs it on each module, or with the
                                       prefilter and a parse of each module it lets through
                                       (CPython's own parser, or libcst's); prints the
                                       seconds, the megabytes and how many files the test
                                       held
child.py old-floor ROOT                the earlier floor: load the rules, read, prefilter
child.py run CMD...                    another program (Semgrep, Ruff) as its child
child.py queue CHARS ARGS...           noticelint ARGS, the worker pool starting once CHARS
                                       characters of code wait to be parsed
child.py ARGS...                       noticelint ARGS, through its console entry point
"""

from __future__ import annotations

# Only what every measured process needs is imported here: a noticelint run through this
# child pays for nothing its console entry point would not import itself.
import os
import resource
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

# Ten trigger-like literals, for the cost of one compiled alternation over every byte.
TEN = (
    "shoplineapp", "open.shopline", "user_coupons", "singleMultiCoupon", "new_member",
    "send_info_reward", "PROTOCOL_TLSv1", "rakuten", "line-shopping", "webhooks/",
)  # fmt: skip


def _files(root: str) -> list[tuple[str, str]]:
    """Every Python file under `root`, walked, read and decoded as the scanner does: its
    path as a scan shows it, and its text."""
    files = []
    for folder, folders, names in os.walk(root):
        folders.sort()
        for name in sorted(names):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, "rb") as handle:
                    text = handle.read().decode("utf-8", "replace")
                files.append((os.path.relpath(path, root).replace(os.sep, "/"), text))
    return files


def _read(root: str, extra: str | None) -> None:
    """Prints `SECONDS MEGABYTES HITS`: the in-process time of the walk, read and decode
    (plus the extra test, whose set-up is not counted)."""
    test: Callable[[str, str], bool] | None = None
    if extra == "regex":
        import re

        search = re.compile("|".join(map(re.escape, TEN))).search
        test = lambda shown, text: search(text) is not None  # noqa: E731
    elif extra in ("prefilter", "ast", "libcst"):
        from scanner.rulepack.resources import rules_dir
        from scanner.rulepack.ruleset import load_rules
        from scanner.scan.triggered import holds_trigger

        prefilter = load_rules([rules_dir()]).prefilter
        assert prefilter is not None
        # As a scan asks it of a Python module: comments and docstrings left out, string
        # literals Python joins read as one, the module's path names too.
        test = lambda shown, text: holds_trigger(prefilter, text, True, shown)  # noqa: E731
        if extra != "prefilter":
            test = _parsed(test, extra)
    start = time.perf_counter()
    files = _files(root)
    hits = sum(1 for shown, text in files if test(shown, text)) if test is not None else 0
    elapsed = time.perf_counter() - start
    print(f"{elapsed:.6f} {sum(len(text) for _, text in files) / 1e6:.6f} {hits}")


def _parsed(holds: Callable[[str, str], bool], parser: str) -> Callable[[str, str], bool]:
    """`holds`, and each module it holds parsed: by CPython's own parser (`ast`), the least
    any scanner written in Python spends on a module it reads as code, or by libcst's, the
    least the scan spends (it then resolves the tree's metadata too). A module that does not
    parse costs what it cost to tell (the scan reports it, unparsed)."""
    from contextlib import suppress

    if parser == "ast":
        import _ast

        def parse(text: str) -> None:
            with suppress(SyntaxError, ValueError):
                compile(text, "<module>", "exec", _ast.PyCF_ONLY_AST)
    else:
        import libcst

        def parse(text: str) -> None:
            with suppress(libcst.ParserSyntaxError):
                libcst.parse_module(text)

    def test(shown: str, text: str) -> bool:
        if not holds(shown, text):
            return False
        parse(text)
        return True

    return test


def _old_floor(root: str) -> None:
    from scanner.rulepack.resources import rules_dir
    from scanner.rulepack.ruleset import load_rules

    prefilter = load_rules([rules_dir()]).prefilter
    assert prefilter is not None
    print(sum(1 for _, text in _files(root) if prefilter.search(text)))


def _peak() -> None:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"PEAK_KB {max(own, workers)}", file=sys.stderr)


def main() -> None:
    if sys.argv[1] in ("read", "old-floor", "run"):
        try:
            if sys.argv[1] == "read":
                _read(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
            elif sys.argv[1] == "old-floor":
                _old_floor(sys.argv[2])
            else:
                import subprocess

                completed = subprocess.run(sys.argv[2:], stdout=subprocess.PIPE)
                sys.stdout.buffer.write(completed.stdout)
        finally:
            _peak()
        return
    arguments = sys.argv[1:]
    if arguments[0] == "queue":
        from scanner.scan import pipeline

        pipeline.PARALLEL_CHARS = int(arguments[1])
        arguments = arguments[2:]
    import atexit

    # The console entry point ends the process itself, once its exit handlers have run.
    atexit.register(_peak)
    from scanner.launch import console

    sys.argv = ["noticelint", *arguments]
    console()


if __name__ == "__main__":
    main()

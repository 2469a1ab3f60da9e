"""Runs one measured command in a fresh process and reports its peak memory on stderr
(`run CMD...` measures another program, e.g. Semgrep, as its child)."""

from __future__ import annotations

import re
import resource
import subprocess
import sys
from pathlib import Path


def _floor(root: str, alternation: bool) -> None:
    """Read every file and run the prefilter; with `alternation`, its quick test for any
    literal is one compiled alternation instead of a substring test per literal."""
    from scanner.rulepack.resources import rules_dir
    from scanner.rulepack.ruleset import load_rules

    prefilter = load_rules([rules_dir()]).prefilter
    assert prefilter is not None
    literals = prefilter.any_literal
    folded = [f"(?i:{'|'.join(map(re.escape, literals.folded))})"] if literals.folded else []
    one = re.compile("|".join([*map(re.escape, literals.exact), *folded]))
    hits = 0
    for path in sorted(Path(root).rglob("*.py")):
        text = path.read_bytes().decode("utf-8", "replace")
        if alternation:
            hits += bool(one.search(text)) and prefilter.confirms(text)
        else:
            hits += prefilter.search(text)
    print(hits)


def main() -> None:
    try:
        if sys.argv[1] in ("floor", "floor-alternation"):
            _floor(sys.argv[2], alternation=sys.argv[1] == "floor-alternation")
        elif sys.argv[1] == "pass":
            pass
        elif sys.argv[1] == "run":
            completed = subprocess.run(sys.argv[2:], stdout=subprocess.PIPE)
            sys.stdout.buffer.write(completed.stdout)
        else:
            from scanner.cli import main as cli

            sys.argv = ["noticelint", *sys.argv[1:]]
            cli()
    finally:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"PEAK_KB {max(own, workers)}", file=sys.stderr)


if __name__ == "__main__":
    main()

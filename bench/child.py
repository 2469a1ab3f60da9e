"""Runs one measured command in a fresh process and reports its peak memory on stderr
(`run CMD...` measures another program, e.g. Semgrep, as its child)."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path


def _floor(root: str) -> None:
    from scanner.resources import rules_dir
    from scanner.ruleset import load_rules

    prefilter = load_rules([rules_dir()]).prefilter
    assert prefilter is not None
    hits = 0
    for path in sorted(Path(root).rglob("*.py")):
        hits += prefilter.search(path.read_bytes().decode("utf-8", "replace"))
    print(hits)


def main() -> None:
    try:
        if sys.argv[1] == "floor":
            _floor(sys.argv[2])
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

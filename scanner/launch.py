"""The console entry point (`noticelint`, `python -m scanner`).

What a hook asks most is answered here without loading the command-line framework:
`noticelint --version`, and `noticelint scan [PATH...]` with no options when no file holds a
trigger literal of the rules (`scanner.runner.quick_scan`). Anything else, or a quick answer
that cannot be given, goes to the command line (`scanner.cli`), which answers it in full.

Ctrl-C ends a run with exit code 130 and one line, no traceback, and SIGTERM or SIGHUP with
128 + its number (the results cache is written in transactions, so it stays valid). Workers
end when this process does (see `scanner.scan.worker`).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from scanner import __version__


class Stopped(BaseException):
    """SIGTERM or SIGHUP: the run is ended as Ctrl-C ends it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    raise Stopped(signum)


def on_signals() -> None:
    """SIGTERM and SIGHUP raise `Stopped` in the main thread from now on."""
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop)


def leave(stopped: Stopped | None) -> None:
    """Say why the run ended (Ctrl-C when `stopped` is None) and exit at once: the scan thread
    may still be parsing, and is not waited for."""
    sys.stderr.write(f"noticelint: {'interrupted' if stopped is None else 'terminated'}\n")
    sys.stderr.flush()
    os._exit(130 if stopped is None else 128 + stopped.signum)


def answer(arguments: Sequence[str]) -> bool:
    """Answer `arguments` here when they ask for the version, or for a scan with no options
    whose quick answer holds; False when the command line must answer them."""
    if list(arguments) == ["--version"]:
        sys.stdout.write(f"noticelint, version {__version__}\n")
        return True
    if arguments[:1] != ["scan"] or any(a.startswith("-") or not a for a in arguments[1:]):
        return False
    from scanner import runner

    count = runner.quick_scan([Path(argument) for argument in arguments[1:]])
    if count is None:
        return False
    sys.stdout.write(f"{runner.no_findings(count)}\n")
    return True


def main() -> None:
    on_signals()
    try:
        answered = answer(sys.argv[1:])
    except KeyboardInterrupt:
        leave(None)
    except Stopped as exc:
        leave(exc)
    if not answered:
        from scanner.cli import run

        run()

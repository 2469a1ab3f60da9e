"""The console entry point (`noticelint`, `python -m scanner`).

What is asked most is answered here without loading the command-line framework:
`noticelint --version`; a scan asked again of an unchanged tree, from the reply the command
line kept (`scanner.scan.replies`); and `noticelint scan [PATH...]` with no options when no file
holds a trigger literal of the rules (`scanner.scan.quick`). Anything else, or a quick
answer that cannot be given, goes to the command line (`scanner.cli`), which answers it in
full.

Ctrl-C ends a run with exit code 130 and one line, no traceback, and SIGTERM or SIGHUP with
128 + its number (the results cache is written in transactions, so it stays valid). Workers
end when this process does (see `scanner.scan.worker`). A run that ends otherwise ends at
once too, once its output is flushed (`console`).
"""

from __future__ import annotations

import os
import sys
import time

from scanner import __version__

# Not `typing.TYPE_CHECKING`: importing typing costs `--version` a tenth of its time.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path
    from typing import NoReturn

    from scanner.scan.discovery import Basis


class Stopped(BaseException):
    """SIGTERM or SIGHUP: the run is ended as Ctrl-C ends it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    raise Stopped(signum)


def on_signals() -> None:
    """SIGTERM and SIGHUP raise `Stopped` in the main thread from now on."""
    # Not for `--version`, which is over before a signal could matter. The interpreter's own
    # module, not `signal`: that one turns every constant into an enum member as it loads,
    # a thirtieth of a hook's quick answer, and here `signal` adds nothing.
    try:
        import _signal as signals  # type: ignore[import-not-found]
    except ImportError:  # an interpreter without it
        import signal as signals

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signals, name):
            signals.signal(getattr(signals, name), _stop)


def leave(stopped: Stopped | None) -> None:
    """Say why the run ended (Ctrl-C when `stopped` is None) and exit at once: the scan thread
    may still be parsing, and is not waited for."""
    sys.stderr.write(f"noticelint: {'interrupted' if stopped is None else 'terminated'}\n")
    sys.stderr.flush()
    os._exit(130 if stopped is None else 128 + stopped.signum)


def answer(arguments: Sequence[str], reply_key: str | None = None) -> int | None:
    """Answer `arguments` here when they ask for the version, for a scan whose reply (kept
    under `reply_key`) still holds, or for a scan with no options whose quick answer holds:
    the exit code. None when the command line must answer them."""
    if list(arguments) == ["--version"]:
        _say(f"noticelint, version {__version__}\n")
        return 0
    started = time.time_ns()
    if reply_key is not None:
        from scanner.scan.replies import answer as replayed

        code = replayed(reply_key)
        if code is not None:
            return code
    # Before the first pattern is compiled and the first class is made: every answer from
    # here on does both (`dataclasses` compiles a pattern as it loads).
    from scanner.scan import dataclasscode, regexcode

    regexcode.install()
    dataclasscode.install()
    paths = _plain_scan(arguments)
    if paths is None:
        return None
    on_signals()  # not for a reply, which is printed before `signal` could be imported
    from scanner.scan.quick import no_findings, quick_scan

    rests_on: list[Basis] = []
    count = quick_scan(paths, rests_on)
    if count is None:
        return None
    said = f"{no_findings(count)}\n"
    _say(said)
    if reply_key is not None and rests_on:
        from scanner.scan.replies import end_of_day, keep_scan

        # Judged as of today: the reply holds until local midnight.
        day = time.localtime(started // 1_000_000_000)
        until = end_of_day(day.tm_year, day.tm_mon, day.tm_mday)
        keep_scan(reply_key, [(1, said)], 0, started, rests_on[0], paths, (), (), until)
    return 0


def reply_key(arguments: Sequence[str]) -> str | None:
    """The key a scan's reply is kept under (see `scanner.scan.replies.key`); None for any other
    command."""
    if arguments[:1] != ["scan"]:
        return None
    from scanner.scan.replies import key

    return key(arguments)


def _plain_scan(arguments: Sequence[str]) -> list[Path] | None:
    """The paths of `scan PATH...` given with no options; None for any other command."""
    if arguments[:1] != ["scan"]:
        return None
    from pathlib import Path  # not for `--version`: pathlib costs a third of its start-up

    # An option, or a path the command line reads as one (`./-` is `-`, standard input).
    if any(not argument or str(Path(argument)).startswith("-") for argument in arguments[1:]):
        return None
    return [Path(argument) for argument in arguments[1:]]


def _say(text: str) -> None:
    """Print as the command line prints: nothing at all when there is no output."""
    if sys.stdout is not None:
        sys.stdout.write(text)
        sys.stdout.flush()


def _interruption(error: BaseException) -> KeyboardInterrupt | Stopped | None:
    """The Ctrl-C or signal behind `error`: Python wraps one raised while a class is being
    built (`Error calling __set_name__`), as can happen while a module is imported."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt | Stopped):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def console() -> None:
    """The console script and `python -m scanner`: `main`, then the process ends as
    `sys.exit` would end it, but at once. Its exit handlers run and its output is flushed;
    the interpreter is not torn down object by object, which takes about a tenth of a second
    after a scan of a large tree (freeing what the scan built) and does nothing a run needs:
    the results cache is committed as the scan ends, and every file is written and closed
    before."""
    try:
        main()
    except SystemExit as stop:
        status = stop.code
    else:
        status = None
    os._exit(_ended(status))


def _ended(status: object) -> int:
    """The exit code `sys.exit(status)` ends with, once the exit handlers have run and the
    output is flushed: 0 for None, the number for a number, 1 for anything else (printed on
    stderr, as Python prints it). Output whose reader has gone ends with 1, quietly, as in
    `main`."""
    import atexit

    if status is None:
        code = 0
    elif isinstance(status, int):
        code = status
    else:
        sys.stderr.write(f"{status}\n")
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except BrokenPipeError:
            code = 1 if stream is sys.stdout else code
        except (OSError, ValueError):
            pass  # as Python ends: nothing more can be said on a stream that fails
    return code


def main() -> None:
    if sys.stderr is None:
        # Standard error closed (`2>&-`): what is said there goes nowhere, and the run ends
        # with its own exit code, never a fault's.
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (it stays open till exit)
    try:
        _answer_or_run()
    except OSError as exc:
        refused(exc)
    except Exception as exc:
        # A fault of noticelint's own: exit 2, as for any error, never 1, which a gate reads
        # as findings. The traceback is for the report of it.
        import traceback

        traceback.print_exc()
        sys.stderr.write(f"noticelint: error: internal error: {type(exc).__name__}: {exc}\n")
        sys.exit(2)


def refused(error: OSError) -> NoReturn:
    """The file system refused (a name too long, the current folder deleted, an output on a
    full disk): one line and exit 2, never a traceback that a gate would read as findings
    (exit 1)."""
    where = f"{os.fsdecode(error.filename)}: " if error.filename is not None else ""
    sys.stderr.write(f"noticelint: error: {where}{error.strerror or error}\n")
    sys.exit(2)


def _answer_or_run() -> None:
    # Signals are handled once an answer takes more than printing: `signal` would cost
    # `--version` a third of its time. (The command line sets them up as it starts.)
    try:
        asked = reply_key(sys.argv[1:])
        code = answer(sys.argv[1:], asked)
        if code is None:
            from scanner.cli import run

            # A plain scan that reached here had its quick answer tried: not again.
            run(quick_tried=_plain_scan(sys.argv[1:]) is not None, reply_key=asked)
        elif code:
            sys.exit(code)
    except BrokenPipeError:
        # The reader has gone (`| head`): leave quietly, as the command line does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except (KeyboardInterrupt, Stopped, RuntimeError) as exc:
        interruption = _interruption(exc)
        if interruption is None:
            raise
        leave(interruption if isinstance(interruption, Stopped) else None)

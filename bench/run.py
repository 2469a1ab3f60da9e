"""noticelint's benchmark: ratios against reading the bytes, in one session, interleaved.

    python bench/run.py [--rounds N]

Corpora are built in a temporary folder from this interpreter's standard library (test
folders left out): clean as it is; planted, with sample-app violations appended to 50
files; heavy, with a trigger literal in every file so that every file is parsed. Each mode
runs in a fresh process. Every ratio is against the floor: a bare interpreter's start-up
(`python -c pass`) plus walking, reading and decoding every file in-process. The earlier floor
(a process that loads the rules, reads and prefilters) is printed as a second reference,
and Semgrep and Ruff when installed (the `bench` extra). Beside each floor: the cost of
parsing the modules the prefilter lets through, with CPython's parser and with libcst's;
the floor plus libcst's parse shared by the worker pool is the least a scan can take, and a
target below it is printed as out of reach. The package's bytecode is compiled
first, as installing it compiles it. Last, the worker pool's break-even: `--jobs 1` against
two workers started at once, on queues of more and more heavy files.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SKIP = {
    "test",
    "tests",
    "idlelib",
    "lib2to3",
    "site-packages",
    "__pycache__",
    "ensurepip",
    "turtledemo",
}
PLANTS = [
    'API = "https://open.shoplineapp.com/v1"\n',
    'TOPIC = "user/new_member"\n',
    "def claim(s, c, u):\n"
    '    return s.post("https://open.shopline.io/v1/user_coupons/singleMultiCoupon",\n'
    '                  json={"couponCode": c, "userId": u})\n',
]
# A trigger literal that every rule pack mode must parse for, and that makes no finding.
HEAVY = '\nPLATFORM = "shopline"\n'
SEMGREP_RULES = """rules:
  - id: SL001
    languages: [python]
    severity: ERROR
    message: old Open API host
    pattern-regex: open\\.shoplineapp\\.com
  - id: SL002
    languages: [python]
    severity: WARNING
    message: retired webhook topic
    pattern-either:
      - pattern: '"user/new_member"'
      - pattern: '"user/send_info_reward"'
  - id: SL003
    languages: [python]
    severity: ERROR
    message: retired claim-coupon endpoint
    pattern-regex: user_coupons/singleMultiCoupon
"""


def build(base: Path) -> dict[str, Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    sources = [
        p for p in sorted(stdlib.rglob("*.py"))
        if not SKIP.intersection(p.relative_to(stdlib).parts) and p.stat().st_size < 1_000_000
    ]  # fmt: skip
    corpora = {name: base / name for name in ("clean", "planted", "heavy")}
    for index, source in enumerate(sources):
        text = source.read_text(encoding="utf-8", errors="replace")
        relative = source.relative_to(stdlib)
        planted = (
            text + "\n" + PLANTS[index % len(PLANTS)]
            if index % max(1, len(sources) // 50) == 0
            else text
        )
        for name, body in (
            ("clean", text),
            ("planted", planted),
            ("heavy", text + HEAVY),
        ):
            target = corpora[name] / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
    # As a checked-out tree's files are: written well before a scan, so that a warm scan may
    # trust their stat (a file modified or changed within two seconds of the scan that saw
    # it is read again, as its clock may not have moved; see `scanner/scan/stamps.py`).
    hour_ago = time.time_ns() - 3600 * 1_000_000_000
    for root in corpora.values():
        for path in root.rglob("*.py"):
            os.utime(path, ns=(hour_ago, hour_ago))
    time.sleep(2.1)  # setting the times is a change: its own time must age past two seconds
    return corpora


JOB_MODULE = """from apscheduler.schedulers.blocking import BlockingScheduler
from shop.orders import pull_orders

sched = BlockingScheduler(timezone="Asia/Taipei")


def task_{index}():
    return pull_orders("t")


sched.add_job(task_{index}, "cron", hour=3, minute={minute})
"""
ORDERS = """import requests


def pull_orders(token):
    return requests.get("https://open.shopline.io/v1/orders", timeout=10).json()
"""


def job_modules(root: Path, count: int = 1500) -> Path:
    """A tree of `count` modules that each schedule a job running one shared function: the
    work that grows with the number of modules (following, the jobs' targets), not bytes."""
    for index in range(count):
        target = root / "jobs" / f"m{index}.py"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(JOB_MODULE.format(index=index, minute=index % 60), encoding="utf-8")
    (root / "shop").mkdir(parents=True, exist_ok=True)
    (root / "shop" / "__init__.py").write_text("", encoding="utf-8")
    (root / "shop" / "orders.py").write_text(ORDERS, encoding="utf-8")
    hour_ago = time.time_ns() - 3600 * 1_000_000_000
    for path in root.rglob("*.py"):
        os.utime(path, ns=(hour_ago, hour_ago))
    return root


def measure(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int, str]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    peak = next(
        (int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_KB")), 0
    )
    return elapsed, peak, done.stdout


def findings_of(output: str) -> list[tuple[str, int, str]]:
    try:
        return sorted((f["path"], f["line"], f["code"]) for f in json.loads(output)["findings"])
    except (ValueError, KeyError):
        return []


def in_process(
    child: list[str], root: Path, env: dict[str, str], extra: str = ""
) -> tuple[float, int]:
    """The in-process seconds of `child.py read` (walk + read + decode, plus `extra`), and
    how many files `extra` held (the prefilter: let through)."""
    done = subprocess.run(
        [*child, "read", str(root), *([extra] if extra else [])],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    seconds, _, held = done.stdout.split()
    return float(seconds), int(held)


QUEUES = (1, 2, 3, 4, 6, 8, 12, 16)
# The cores the worker pool may use (the default `--jobs`): at most two.
CORES = min(2, os.cpu_count() or 1)


def _reach(corpus: str, times: int, bounds: dict[str, float], floors: dict[str, float]) -> str:
    """Beside a target of `times` the floor: that no run of this scan can meet it, when the
    least it can take (the floor, and libcst's parse of what the prefilter lets through on
    every core) is already more."""
    least = bounds[corpus] / floors[corpus]
    return f" (out of reach: the least this scan can take is {least:.2f}x)" if least > times else ""


def break_even(
    base: Path, heavy: Path, child: list[str], env: dict[str, str], rounds: int
) -> tuple[int, list[tuple[int, bool]]]:
    """Prints `--jobs 1` against two workers started at once on queues of 1 to 16 heavy
    modules of 10 to 20 KB (every one parsed); returns the characters of code waiting at
    which the pool starts now, and each queue's characters with whether two workers won."""
    from scanner.scan.pipeline import PARALLEL_CHARS

    # Modules of 10 to 20 KB, so that each queue adds about as much code as the last.
    sources = [p for p in sorted(heavy.rglob("*.py")) if 10_000 <= p.stat().st_size <= 20_000]
    sources = sources[: max(QUEUES)]
    print(f"\nworkers: --jobs 1 against 2 workers started at once (the pool now starts at "
          f"{PARALLEL_CHARS:,} characters)")  # fmt: skip
    wins: list[tuple[int, bool]] = []
    for count in QUEUES:
        queue = base / f"queue-{count}"
        queue.mkdir()
        chars = 0
        for index, source in enumerate(sources[:count]):
            text = source.read_text(encoding="utf-8")
            chars += len(text)
            (queue / f"m{index}.py").write_text(text, encoding="utf-8")
        command = ["scan", ".", "--format", "json", "--fail-on", "never", "--no-cache"]
        one, two = [], []
        for _ in range(max(3, rounds)):
            one.append(measure([*child, "queue", "0", *command, "--jobs", "1"], queue, env)[0])
            two.append(measure([*child, "queue", "0", *command, "--jobs", "2"], queue, env)[0])
        alone, pooled = statistics.median(one), statistics.median(two)
        wins.append((chars, pooled < alone))
        print(f"  {count:3} files {chars:9,} chars   --jobs 1 {alone:6.3f} s   "
              f"2 workers {pooled:6.3f} s   {alone / pooled:5.2f}x")  # fmt: skip
    lost = max((chars for chars, won in wins if not won), default=0)
    won = min((chars for chars, won in wins if won and chars > lost), default=None)
    shown = "never" if won is None else f"from {won:,} characters on"
    print(f"  break-even: two workers lose up to {lost:,} characters and win {shown}")
    return PARALLEL_CHARS, wins


def megabytes(root: Path) -> float:
    return sum(path.stat().st_size for path in root.rglob("*.py")) / 1e6


def tools() -> dict[str, str]:
    """The peers installed beside this interpreter or on PATH (the `bench` extra)."""
    found = {}
    for name in ("semgrep", "ruff"):
        beside = Path(sys.executable).with_name(name)
        where = str(beside) if beside.is_file() else shutil.which(name)
        if where:
            found[name] = where
    return found


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    child = [sys.executable, str(HERE / "child.py")]
    peers = tools()
    results: dict[str, dict[str, tuple[float, int]]] = {}
    floors: dict[str, float] = {}
    # The least a scan of each corpus can take, in seconds (see below).
    bounds: dict[str, float] = {}
    identical = True
    # As `pip install` leaves it: without this, a machine that sets PYTHONDONTWRITEBYTECODE
    # would time every process compiling the package again.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "scanner")],
        check=True, capture_output=True,
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as work:
        base = Path(work)
        corpora = build(base)
        cache = base / "cache"
        env = {
            **os.environ,
            "NOTICELINT_CACHE_DIR": str(cache),
            "PYTHONPATH": str(REPO),
            "SEMGREP_ENABLE_VERSION_CHECK": "0",
            "SEMGREP_SEND_METRICS": "off",
        }
        (base / "semgrep.yml").write_text(SEMGREP_RULES)
        # As the first run after installing leaves it: the methods `dataclasses` writes for
        # every class made (the package's and libcst's) compiled and kept beside
        # the package's code (see scanner/scan/dataclasscode.py), which that run writes unless
        # bytecode is not written (PYTHONDONTWRITEBYTECODE, set on some machines, this one too).
        subprocess.run(
            [*child, "scan", "--no-cache", str(REPO / "sample_apps" / "legacy_catalog_sync")],
            cwd=base, capture_output=True, check=False,
            env={k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"},
        )  # fmt: skip
        scan = [*child, "scan", ".", "--format", "json", "--fail-on", "never"]
        modes = {
            "old-floor": lambda root: [*child, "old-floor", str(root)],
            "jobs1": lambda root: [*scan, "--jobs", "1", "--no-cache"],
            "default": lambda root: [*scan, "--no-cache"],
            "no-prefilter": lambda root: [*scan, "--no-prefilter", "--no-cache"],
            "warm-cache": lambda root: [*scan],
        }
        if "semgrep" in peers:
            modes["semgrep"] = lambda root: [
                *child, "run", peers["semgrep"], "scan", "--config", str(base / "semgrep.yml"),
                "--metrics=off", "--disable-version-check", "--quiet", "--json", ".",
            ]  # fmt: skip
        if "ruff" in peers:
            modes["ruff"] = lambda root: [
                *child, "run", peers["ruff"], "check", "--select", "ALL", "--no-cache",
                "--exit-zero", "--statistics", "--isolated", ".",
            ]  # fmt: skip
        bare = [sys.executable, "-c", "pass"]
        startup = statistics.median(measure(bare, base, env)[0] for _ in range(7))
        print(f"start-up (python -c pass): {startup:.3f} s")
        for name, root in corpora.items():
            files = sum(1 for _ in root.rglob("*.py"))
            size = megabytes(root)
            reads: dict[str, list[float]] = {
                "read": [], "regex": [], "prefilter": [], "ast": [], "libcst": []
            }  # fmt: skip
            let_through = 0
            times: dict[str, list[float]] = {mode: [] for mode in modes}
            peaks: dict[str, int] = {mode: 0 for mode in modes}
            seen: dict[str, list[tuple[str, int, str]]] = {}
            subprocess.run([*scan], cwd=root, env=env, capture_output=True)  # fills the cache
            for _ in range(args.rounds):
                for extra in reads:
                    seconds, held = in_process(child, root, env, "" if extra == "read" else extra)
                    reads[extra].append(seconds)
                    let_through = held if extra == "prefilter" else let_through
                for mode, command in modes.items():
                    elapsed, peak, output = measure(command(root), root, env)
                    times[mode].append(elapsed)
                    peaks[mode] = max(peaks[mode], peak)
                    if mode in ("jobs1", "default", "no-prefilter", "warm-cache"):
                        seen[mode] = findings_of(output)
            # A warm scan after one file was written again (its content unchanged): the
            # report remembered for the unchanged tree is not taken, the cached analyses are.
            # Apart from the rounds, whose warm scans would otherwise meet the write too.
            touched = min(root.glob("*.py"))
            times["warm-touched"], peaks["warm-touched"] = [], 0
            for _ in range(args.rounds):
                touched.write_bytes(touched.read_bytes())
                elapsed, peak, output = measure([*scan], root, env)
                times["warm-touched"].append(elapsed)
                peaks["warm-touched"] = max(peaks["warm-touched"], peak)
                seen["warm-touched"] = findings_of(output)
            if len({tuple(found) for found in seen.values()}) != 1:
                identical = False
            read = statistics.median(reads["read"])
            floor = floors[name] = startup + read
            results[name] = {
                mode: (statistics.median(values), peaks[mode]) for mode, values in times.items()
            }
            count = len(next(iter(seen.values())))
            print(f"\n{name}: {files} files, {size:.1f} MB, {count} findings")
            print(f"  floor = start-up {startup:.3f} s + walk, read, decode {read:.3f} s"
                  f" = {floor:.3f} s")  # fmt: skip
            for extra in ("regex", "prefilter"):
                cost = max(0.0, statistics.median(reads[extra]) - read)
                label = "one 10-literal regex" if extra == "regex" else "the scan's prefilter"
                print(f"  {label:21} +{cost:.3f} s  ({1000 * cost / size:5.1f} ms/MB; "
                      f"reading: {1000 * read / size:5.1f} ms/MB)")  # fmt: skip
            prefiltered = statistics.median(reads["prefilter"])
            parses = {
                parser: max(0.0, statistics.median(reads[parser]) - prefiltered)
                for parser in ("ast", "libcst")
            }
            # What no run of this scan goes below, however cheap its prefilter: start-up,
            # reading, and libcst's parse of every module it must read as code, shared by
            # the worker pool.
            bounds[name] = floor + parses["libcst"] / CORES
            print(f"  parsing the {let_through} files it lets through: CPython's parser (ast)"
                  f" +{parses['ast']:.3f} s, libcst's +{parses['libcst']:.3f} s; the least a"
                  f" scan can take, libcst's parse on {CORES} cores: {bounds[name]:.3f} s,"
                  f" {bounds[name] / floor:.2f}x floor")  # fmt: skip
            for mode, (median, peak) in results[name].items():
                versus = "".join(
                    f"  {median / results[name][peer][0]:.2f}x {peer}"
                    for peer in ("semgrep", "ruff")
                    if peer in results[name] and mode not in ("semgrep", "ruff")
                )
                label = (
                    "old floor (process: rules + read + prefilter)" if mode == "old-floor" else mode
                )
                print(f"  {label:17} {median:7.3f} s  {median / floor:6.2f}x floor"
                      f"  peak {peak / 1024:7.1f} MiB{versus}")  # fmt: skip
        doubled = base / "doubled"
        for copy in ("a", "b"):
            shutil.copytree(corpora["clean"], doubled / copy)
        twice = max(
            measure([*scan, "--no-cache"], doubled, env)[1] for _ in range(max(1, args.rounds))
        )
        hook_dir = base / "hook"
        hook_dir.mkdir()
        for index in range(5):
            (hook_dir / f"f{index}.py").write_text(f"x = {index}\n")
        time.sleep(2.1)  # as a checked-out tree's files are: written before the scans
        five = [f"f{i}.py" for i in range(5)]
        hook_bare = statistics.median(measure(bare, hook_dir, env)[0] for _ in range(7))
        version = statistics.median(
            measure([*child, "--version"], hook_dir, env)[0] for _ in range(7)
        )

        # As pre-commit runs it on a commit: five modules named, one of them written since
        # the last run (as a commit's are), so that no reply kept can answer for them.
        def hook_written(round_: int) -> float:
            (hook_dir / "f0.py").write_text(f"x = {round_}\n")
            return measure([*child, "scan", *five], hook_dir, env)[0]

        hook_named = statistics.median(hook_written(round_) for round_ in range(7))
        # The same files asked again, none written since (a commit tried again): a reply.
        (hook_dir / "f0.py").write_text("x = 0\n")
        time.sleep(2.1)
        measure([*child, "scan", *five], hook_dir, env)
        hook_again = statistics.median(
            measure([*child, "scan", *five], hook_dir, env)[0] for _ in range(7)
        )
        # The same files as a folder: answered from the remembered triggers by the console
        # entry point, and from the remembered rule cards by the command line.
        hook_fast = statistics.median(
            measure([*child, "scan", "."], hook_dir, env)[0] for _ in range(7)
        )
        hook_cli = statistics.median(
            measure([*child, "scan", "--format", "json", "."], hook_dir, env)[0] for _ in range(7)
        )
        # As a hook runs in a real tree: five modules named from the root of a git work tree
        # (the clean corpus, committed), one of them written since the last run as a
        # commit's are, the cache warm. They import modules of the tree, so the scan reads
        # it: listed by git, each file for the jobs that may run them (unchanged by stamp).
        tree = base / "committed"
        shutil.copytree(corpora["clean"], tree)
        identity = ["-c", "user.name=bench", "-c", "user.email=bench@localhost"]
        for git_args in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-qm", "corpus"]):
            subprocess.run(["git", "-C", str(tree), *git_args], check=True, capture_output=True)
        in_tree = sorted(path.name for path in tree.glob("*.py"))[:5]
        written = tree / in_tree[0]
        original = written.read_text(encoding="utf-8")
        time.sleep(2.1)  # the times just set must age, as the corpora's do
        measure([*child, "scan", *in_tree], tree, env)

        def tree_written(round_: int) -> float:
            written.write_text(f"{original}\n# {round_}\n", encoding="utf-8")
            return measure([*child, "scan", *in_tree], tree, env)[0]

        hook_tree = statistics.median(tree_written(round_) for round_ in range(7))
        many = job_modules(base / "many")
        time.sleep(2.1)  # the times just set must age, as the corpora's do
        many_cold = measure([*scan, "--no-cache"], many, env)[0]
        measure(scan, many, env)
        many_warm = statistics.median(measure(scan, many, env)[0] for _ in range(3))
        pool_starts, wins = break_even(base, corpora["heavy"], child, env, args.rounds)
    clean, planted = results["clean"], results["planted"]
    targets = [
        (
            f"clean corpus <= 3x the floor{_reach('clean', 3, bounds, floors)}",
            clean["default"][0] <= 3 * floors["clean"],
        ),
        (
            f"planted corpus <= 6x the floor{_reach('planted', 6, bounds, floors)}",
            planted["default"][0] <= 6 * floors["planted"],
        ),
        (
            "warm cache <= 1.5x the floor on every corpus",
            all(r["warm-cache"][0] <= 1.5 * floors[name] for name, r in results.items()),
        ),
        (
            "heavy: --jobs 2 (default) >= 1.7x faster than --jobs 1",
            results["heavy"]["jobs1"][0] >= 1.7 * results["heavy"]["default"][0],
        ),
        ("noticelint --version <= 3x python -c pass", version <= 3 * hook_bare),
        (
            "pre-commit, 5 clean files named, one written since <= 3x python -c pass",
            hook_named <= 3 * hook_bare,
        ),
        (
            "a clean folder of 5 files, console entry point <= 3x python -c pass",
            hook_fast <= 3 * hook_bare,
        ),
        (
            "a clean folder of 5 files, command line (--format json) <= 3x python -c pass",
            hook_cli <= 3 * hook_bare,
        ),
        (
            "peak memory does not grow with the number of files (clean, twice the files)",
            twice <= 1.15 * clean["default"][1],
        ),
        ("findings identical in every mode", identical),
        (
            "the worker pool starts only where two workers beat one (measured break-even)",
            all(won for chars, won in wins if chars >= pool_starts),
        ),
    ]
    if "ruff" in peers:
        targets.append(
            (
                "clean: faster than Ruff --select ALL --no-cache",
                clean["default"][0] < clean["ruff"][0],
            )
        )
    if "semgrep" in peers:
        five_times = all(r["default"][0] * 5 <= r["semgrep"][0] for r in (clean, planted))
        targets.append(("clean and planted: >= 5x faster than Semgrep", five_times))
    print(f"\n--version: {version:.3f} s; python -c pass: {hook_bare:.3f} s; 5 clean files: "
          f"{hook_named:.3f} s named (pre-commit, one written since the last run),"
          f" {hook_again:.3f} s named again (none written since), {hook_fast:.3f} s as a folder,"
          f" {hook_cli:.3f} s as a folder with --format json; 5 modules of the clean corpus"
          f" named from the root of its git work tree, one written since, warm:"
          f" {hook_tree:.3f} s")  # fmt: skip
    print(f"1,500 modules that each schedule a job: {many_cold:.3f} s cold (--no-cache), "
          f"{many_warm:.3f} s warm")  # fmt: skip
    print(
        f"peak memory, clean corpus: {clean['default'][1] / 1024:.1f} MiB; "
        f"twice the files: {twice / 1024:.1f} MiB"
    )
    print("\ntargets:")
    for label, met in targets:
        print(f"  [{'met' if met else 'NOT MET'}] {label}")
    for peer in ("semgrep", "ruff"):
        if peer not in peers:
            missing = f"{peer} is not installed: pip install '.[bench]'"
            print(f"  [skipped] the {peer} comparison ({missing})")
    return 0 if all(met for _, met in targets) else 1


if __name__ == "__main__":
    sys.exit(main())

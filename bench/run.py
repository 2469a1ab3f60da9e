"""noticelint's benchmark: ratios against reading the bytes, in one session, interleaved.

    python bench/run.py [--rounds N]

Corpora are built in a temporary folder from this interpreter's standard library (test
folders left out): clean as it is; planted, with sample-app violations appended to 50
files; heavy, with a trigger literal in every file so that every file is parsed. Each mode
runs in a fresh process; medians are compared with the floor (read every file and run the
prefilter) and with Semgrep when it is installed.
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
    return corpora


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


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    child = [sys.executable, str(HERE / "child.py")]
    beside = Path(sys.executable).with_name("semgrep")
    semgrep = str(beside) if beside.is_file() else shutil.which("semgrep")
    results: dict[str, dict[str, tuple[float, int]]] = {}
    identical = True
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
        scan = [*child, "scan", ".", "--format", "json", "--fail-on", "never"]
        modes = {
            "floor": lambda root: [*child, "floor", str(root)],
            "floor-alternation": lambda root: [*child, "floor-alternation", str(root)],
            "jobs1": lambda root: [*scan, "--jobs", "1", "--no-cache"],
            "default": lambda root: [*scan, "--no-cache"],
            "no-prefilter": lambda root: [*scan, "--no-prefilter", "--no-cache"],
            "warm-cache": lambda root: [*scan],
        }
        if semgrep:
            modes["semgrep"] = lambda root: [
                *child,
                "run",
                semgrep,
                "scan",
                "--config",
                str(base / "semgrep.yml"),
                "--metrics=off",
                "--disable-version-check",
                "--quiet",
                "--json",
                ".",
            ]
        for name, root in corpora.items():
            files = sum(1 for _ in root.rglob("*.py"))
            times: dict[str, list[float]] = {mode: [] for mode in modes}
            peaks: dict[str, int] = {mode: 0 for mode in modes}
            seen: dict[str, list[tuple[str, int, str]]] = {}
            subprocess.run([*scan], cwd=root, env=env, capture_output=True)  # fills the cache
            for _ in range(args.rounds):
                for mode, command in modes.items():
                    elapsed, peak, output = measure(command(root), root, env)
                    times[mode].append(elapsed)
                    peaks[mode] = max(peaks[mode], peak)
                    if mode not in ("floor", "floor-alternation", "semgrep"):
                        seen[mode] = findings_of(output)
            if len({tuple(found) for found in seen.values()}) != 1:
                identical = False
            results[name] = {
                mode: (statistics.median(values), peaks[mode]) for mode, values in times.items()
            }
            count = len(next(iter(seen.values())))
            print(f"\n{name}: {files} files, {count} findings")
            floor = results[name]["floor"][0]
            for mode, (median, peak) in results[name].items():
                versus = (
                    f"  {median / results[name]['semgrep'][0]:.2f}x Semgrep"
                    if semgrep and mode != "semgrep"
                    else ""
                )
                ratio = f"{median / floor:6.2f}x floor"
                print(f"  {mode:17} {median:7.3f} s  {ratio}  peak {peak / 1024:7.1f} MiB{versus}")
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
        bare = statistics.median(measure([*child, "pass"], hook_dir, env)[0] for _ in range(5))
        hook = statistics.median(
            measure([*child, "scan", *[f"f{i}.py" for i in range(5)]], hook_dir, env)[0]
            for _ in range(5)
        )
    targets = [
        (
            "clean corpus <= 3x the floor",
            results["clean"]["default"][0] <= 3 * results["clean"]["floor"][0],
        ),
        (
            "planted corpus <= 5x the floor",
            results["planted"]["default"][0] <= 5 * results["planted"]["floor"][0],
        ),
        (
            "warm cache <= 2x the floor on every corpus",
            all(r["warm-cache"][0] <= 2 * r["floor"][0] for r in results.values()),
        ),
        (
            "heavy: --jobs 2 (default) >= 1.6x faster than --jobs 1",
            results["heavy"]["jobs1"][0] >= 1.6 * results["heavy"]["default"][0],
        ),
        ("pre-commit on 5 clean files < 5x bare python start-up", hook < 5 * bare),
        (
            "peak memory does not grow with the number of files (clean, twice the files)",
            twice <= 1.15 * results["clean"]["default"][1],
        ),
        ("findings identical in every mode", identical),
        (
            "prefilter: a substring test per literal is no slower than one alternation",
            all(r["floor"][0] <= r["floor-alternation"][0] for r in results.values()),
        ),
    ]
    if semgrep:
        faster = all(r["default"][0] < r["semgrep"][0] for r in results.values())
        targets.append(("faster than Semgrep on every corpus", faster))
    print(f"\npre-commit on 5 clean files: {hook:.3f} s; bare python: {bare:.3f} s")
    print(
        f"peak memory, clean corpus: {results['clean']['default'][1] / 1024:.1f} MiB; "
        f"twice the files: {twice / 1024:.1f} MiB"
    )
    print("\ntargets:")
    for label, met in targets:
        print(f"  [{'met' if met else 'NOT MET'}] {label}")
    if not semgrep:
        print("  [skipped] faster than Semgrep (Semgrep is not installed: pip install '.[bench]')")
    return 0 if all(met for _, met in targets) else 1


if __name__ == "__main__":
    sys.exit(main())

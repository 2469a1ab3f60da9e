"""A scan ended by SIGTERM, SIGHUP or SIGKILL leaves no worker behind: a piped CI step sees
its output end. Real processes, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import interruptible

# Parsed everywhere (a trigger literal in each file), so that the workers are busy.
MODULE = "PLATFORM = 'shopline'\n" + "".join(
    f"def f{i}(x):\n    return [y * {i} for y in range(x) if y % 3]\n" for i in range(300)
)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found += [int(child) for child in children]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _long_scan(folder: Path, jobs: int) -> subprocess.Popen[bytes]:
    """A scan, in `jobs` processes, of 120 modules that are all parsed, started."""
    for index in range(120):
        (folder / f"m{index}.py").write_text(MODULE, encoding="utf-8")
    env = {**os.environ, "NOTICELINT_CACHE_DIR": str(folder / ".cache")}
    return subprocess.Popen(
        [sys.executable, "-m", "scanner", "scan", ".", "--jobs", str(jobs), "--no-cache"],
        cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=interruptible,
    )  # fmt: skip


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_workers_end_with_the_scan(tmp_path: Path, signum: int) -> None:
    scan = _long_scan(tmp_path, jobs=2)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline and scan.poll() is None:
        workers = _children(scan.pid)
        time.sleep(0.05)
    assert len(workers) >= 2, "the scan started its workers"
    scan.send_signal(signum)
    # The pipe ends only when every process holding it is gone.
    _, err = scan.communicate(timeout=30)
    # A worker the kernel is still taking down may show for a moment after the pipe ends.
    settled = time.monotonic() + 5
    while any(_alive(worker) for worker in workers) and time.monotonic() < settled:
        time.sleep(0.05)
    assert not any(_alive(worker) for worker in workers)
    if signum != signal.SIGKILL:
        assert scan.returncode == 128 + signum
        assert b"noticelint: terminated" in err and b"Traceback" not in err


@pytest.mark.parametrize(
    ("signum", "said"), [(signal.SIGINT, b"interrupted"), (signal.SIGTERM, b"terminated")]
)
def test_a_signal_ends_a_long_scan_at_once(tmp_path: Path, signum: int, said: bytes) -> None:
    """The scan thread is not waited for: a scan of 120 modules parsed one by one (about
    ten seconds here) ends as soon as it is told to, not when it would have finished."""
    scan = _long_scan(tmp_path, jobs=1)
    time.sleep(2)  # started, and parsing
    assert scan.poll() is None
    sent = time.monotonic()
    scan.send_signal(signum)
    _, err = scan.communicate(timeout=60)
    assert time.monotonic() - sent < 4
    assert scan.returncode == 128 + signum
    assert said in err and b"Traceback" not in err

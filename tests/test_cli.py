"""The `noticelint` command line: options, output formats, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner import __version__
from scanner.cli import main
from tests.conftest import REPO, write_tree

OLD = 'BASE = "https://open.shoplineapp.com/v1"\n'
COUPON = (
    "import requests\n"
    "def claim(code, uid):\n"
    '    return requests.post("https://open.shopline.io/v1/user_coupons/singleMultiCoupon",\n'
    '                         json={"couponCode": code, "userId": uid})\n'
)
TOPIC = 'TOPIC = "user/new_member"\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, {"app/api.py": OLD, "app/coupons.py": COUPON, "app/hooks.py": TOPIC})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out


def test_text_output_lines_and_summary(project: Path) -> None:
    code, out, _ = run("scan", "--as-of", "2025-01-01")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        "app/api.py:1:8: SL001 [*] the Open API host open.shoplineapp.com no longer answers; "
        "use open.shopline.io (broken since 2024-07-31)"
    )
    assert lines[1].startswith(
        "app/coupons.py:3:12: SL003 [*] POST /v1/user_coupons/singleMultiCoupon"
    )
    assert "old body keys here: couponCode, userId" in lines[1]
    assert lines[2].startswith("app/hooks.py:1:9: SL002 [*] webhook topic user/new_member")
    assert lines[2].endswith("(announced 2024-02-05, date not yet set)")
    assert lines[-1] == (
        "3 findings (2 errors, 1 warning) in 3 files. 3 fixable with `noticelint fix` ([*])."
    )
    assert "\x1b[" not in out


PRICES = (
    "import requests\n"
    "def clear(pid, vid):\n"
    '    return requests.put(f"https://open.shopline.io/v1/products/{pid}/variations/{vid}"\n'
    '                        "/update_price", json={"price_sale": None})\n'
)


@pytest.mark.parametrize(
    ("files", "hint"),
    [({"app/prices.py": PRICES},
      "1 fixable with `noticelint fix --unsafe-fixes` ([unsafe fix])."),
     ({"app/prices.py": PRICES, "app/api.py": OLD},
      "1 fixable with `noticelint fix` ([*]); 1 more with `--unsafe-fixes` ([unsafe fix]).")],
    ids=["unsafe-only", "both"],
)  # fmt: skip
def test_the_summary_counts_unsafe_fixes_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], hint: str
) -> None:
    """`noticelint fix` alone does not apply an unsafe fix: the summary says what it takes."""
    write_tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("scan", "--as-of", "2025-01-01")
    assert code == 1
    assert out.splitlines()[-1].endswith(" " + hint)


def test_json_contract(project: Path) -> None:
    code, out, _ = run("scan", "app", "--format", "json", "--as-of", "2024-09-01")
    assert code == 1
    document = json.loads(out)
    assert set(document) == {
        "tool", "about", "findings", "summary", "errors", "unresolved", "unresolved_requests",
        "notices",
    }  # fmt: skip
    assert document["tool"] == "noticelint"
    first = document["findings"][0]
    assert set(first) == {
        "code", "path", "line", "column", "end_line", "end_column", "severity",
        "message", "title", "effective", "status", "fix", "cell", "cell_line",
    }  # fmt: skip
    by_code = {finding["code"]: finding for finding in document["findings"]}
    assert by_code["SL001"]["status"] == "broken" and by_code["SL001"]["severity"] == "error"
    assert by_code["SL001"]["effective"] == "2024-07-31"
    assert (by_code["SL001"]["line"], by_code["SL001"]["column"]) == (1, 8)
    assert (by_code["SL001"]["end_line"], by_code["SL001"]["end_column"]) == (1, 41)
    assert by_code["SL003"]["status"] == "upcoming" and by_code["SL003"]["severity"] == "warning"
    assert "breaks in 10 days" in by_code["SL003"]["message"]
    assert by_code["SL002"]["status"] == "announced" and by_code["SL002"]["effective"] is None
    summary = document["summary"]
    assert summary["findings"] == 3 and summary["files_scanned"] == 3
    assert summary["by_code"] == {"SL001": 1, "SL002": 1, "SL003": 1}
    assert summary["as_of"] == "2024-09-01"
    assert document["errors"] == []


def test_horizon_decides_between_warning_and_info(project: Path) -> None:
    _, out, _ = run("scan", "--select", "SL003", "--as-of", "2024-08-01", "--format", "json")
    assert json.loads(out)["findings"][0]["severity"] == "info"
    _, out, _ = run(
        "scan", "--select", "SL003", "--as-of", "2024-08-01", "--horizon", "60", "--format", "json"
    )
    assert json.loads(out)["findings"][0]["severity"] == "warning"


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        (["--select", "SL001"], {"SL001"}),
        (["--select", "SL001,SL003"], {"SL001", "SL003"}),
        (["--ignore", "SL001", "--ignore", "SL002"], {"SL003"}),
        (["--select", "SL"], {"SL001", "SL002", "SL003"}),
    ],
)
def test_select_and_ignore(project: Path, args: list[str], codes: set[str]) -> None:
    _, out, _ = run("scan", "--format", "json", *args)
    assert {finding["code"] for finding in json.loads(out)["findings"]} == codes


@pytest.mark.parametrize(("fail_on", "expected"), [("error", 1), ("warning", 1), ("never", 0)])
def test_fail_on(project: Path, fail_on: str, expected: int) -> None:
    code, _, _ = run("scan", "--select", "SL002", "--fail-on", fail_on)
    assert code == (0 if fail_on == "error" else expected)


def test_exclude(project: Path) -> None:
    _, out, _ = run(
        "scan", "--format", "json", "--exclude", "app/coupons.py", "--exclude", "*hooks*"
    )
    assert {finding["path"] for finding in json.loads(out)["findings"]} == {"app/api.py"}


def test_output_file(project: Path) -> None:
    code, out, _ = run("scan", "--format", "json", "--output", "report.json")
    assert code == 1 and out == ""
    assert json.loads((project / "report.json").read_text())["summary"]["findings"] == 3


def test_an_output_of_a_dash_is_standard_output(project: Path) -> None:
    """`-o -` prints, as `-` means for most tools: no file named `-` is written."""
    code, out, _ = run("scan", "--format", "json", "-o", "-")
    assert code == 1 and json.loads(out)["summary"]["findings"] == 3
    code, out, _ = run("config", "schema", "-o", "-")
    assert code == 0 and json.loads(out)["type"] == "object"
    assert not (project / "-").exists()


def test_an_output_that_is_a_link_or_a_pipe_stays_one(project: Path) -> None:
    """`-o` replaces a file in one step (a failure keeps the old one), yet never a link (its
    file is written) or what is not a file at all: `-o /dev/stdout` once replaced the link
    with a file."""
    import os
    import threading

    (project / "reports").mkdir()
    (project / "latest.json").symlink_to("reports/scan.json")
    code, _, _ = run("scan", "--format", "json", "-o", "latest.json")
    assert code == 1 and (project / "latest.json").is_symlink()
    assert json.loads((project / "reports" / "scan.json").read_text())["summary"]["findings"]
    os.mkfifo(project / "pipe")
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append((project / "pipe").read_text()))
    reader.start()
    code, _, _ = run("scan", "--format", "json", "-o", "pipe")
    reader.join(timeout=30)
    assert code == 1 and json.loads(received[0])["summary"]["findings"] == 3
    assert not (project / "pipe").is_file()


def test_unparsable_file_is_reported_and_scan_goes_on(project: Path) -> None:
    (project / "app" / "broken.py").write_text('URL = "open.shoplineapp.com"\ndef (:\n')
    code, out, err = run("scan", "--select", "SL001", "--as-of", "2025-01-01")
    assert code == 1
    assert "app/api.py:1:8: SL001" in out
    assert "app/broken.py:1:8: SL001" in out, "the literal rules still read its text"
    assert "app/broken.py:2:5: error: syntax error: invalid syntax" in err
    assert "1 file could not be scanned" in out
    _, out, _ = run("scan", "--select", "SL001", "--format", "json")
    errors = json.loads(out)["errors"]
    assert errors[0]["path"] == "app/broken.py" and "syntax error" in errors[0]["reason"]
    assert (errors[0]["line"], errors[0]["column"]) == (2, 5)


def test_a_file_that_cannot_be_scanned_fails_the_gate_unless_accepted(project: Path) -> None:
    for name in ("api.py", "coupons.py", "hooks.py"):
        (project / "app" / name).unlink()
    (project / "app" / "broken.py").write_text(
        'ORDERS = "https://open.shopline.io/v1/orders"\ndef (:\n'
    )
    code, out, _ = run("scan")
    assert code == 1 and "No findings in 1 file; 1 file could not be scanned" in out
    assert run("scan", "--fail-on", "never")[0] == 0
    (project / "noticelint.toml").write_text('unscannable = "warn"\n')
    code, _, err = run("scan")
    assert code == 0 and "app/broken.py:2:5: warning: syntax error" in err
    (project / "noticelint.toml").write_text('unscannable = "maybe"\n')
    code, _, err = run("scan")
    assert code == 2 and "unscannable: input should be 'fail' or 'warn'" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "--as-of", "2024-13-01"], "not a date"),
        (["scan", "--select", "XX999"], "unknown rule code"),
        (["scan", "missing-dir"], "no such file or directory"),
        (["scan", "--format", "yaml"], "Invalid value"),
        (["scan", "--no-such-option"], "No such option"),
        (["scan", "--config", "."], "is a directory"),
        (["rules", "show", "SL999"], "unknown rule code"),
    ],
)
def test_usage_errors_exit_2(project: Path, args: list[str], message: str) -> None:
    code, _, err = run(*args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_rules_list_and_show() -> None:
    code, out, _ = run("rules")
    assert code == 0
    assert out.splitlines()[0].split() == ["CODE", "EFFECTIVE", "PLATFORM", "TITLE"]
    assert any(line.startswith("SL003  2024-09-11") for line in out.splitlines())
    assert run("rules", "list") == (0, out, "")
    code, out, _ = run("rules", "show", "sl003")
    assert code == 0
    assert out.startswith("SL003: Claim-coupon endpoint")
    for heading in ("What it finds", "Why it matters", "What to do", "Autofix", "Bad example"):
        assert heading in out
    assert "singleMultiCoupon" in out and "001_24598c5a0c606af8.txt" in out


def test_rules_lists_and_shows_the_rules_the_configuration_adds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A team's rule (`rule-paths`) is listed and shown as a scan from there runs it."""
    shipped = next((REPO / "rules" / "shopline").glob("SL002*.yaml")).read_text()
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.noticelint]\nrule-paths = ["team"]\n',
        "team/TM002.yaml": shipped.replace("SL002", "TM002"),
    })  # fmt: skip
    (tmp_path / "app").mkdir()
    monkeypatch.chdir(tmp_path / "app")  # the configuration is found above
    code, out, _ = run("rules")
    assert code == 0 and any(line.startswith("TM002 ") for line in out.splitlines())
    assert any(line.startswith("SL002 ") for line in out.splitlines())
    code, out, _ = run("rules", "show", "tm002")
    assert code == 0 and out.startswith("TM002: ")
    (tmp_path / "pyproject.toml").write_text('[tool.noticelint]\nrule-paths = ["gone"]\n')
    code, _, err = run("rules")
    assert code == 2 and "no such rule file or directory" in err


def test_exclude_globs_are_read_from_the_current_folder_as_its_help_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"app/shop/x.py": 'A = "https://open.shoplineapp.com/v1"\n'})
    monkeypatch.chdir(tmp_path)
    assert "app/shop/x.py:1" in run("scan", "app", "--exclude", "shop/x.py")[1]
    assert run("scan", "app", "--exclude", "app/shop/x.py")[1] == "No findings in 0 files.\n"
    assert "against paths from the current folder" in " ".join(run("scan", "--help")[1].split())


def test_fast_path_gives_the_full_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner.scan import fastpath

    common_words = 'topic = "categories of retry schedule"  # price, promo\n'
    write_tree(tmp_path, {"a.py": "x = 1\n", "b.py": common_words})
    monkeypatch.chdir(tmp_path)
    full = run("scan", "a.py", "b.py")
    assert full == (0, "No findings in 2 files.\n", "")
    assert fastpath._store().is_file(), "a full scan remembers the triggers"
    with monkeypatch.context() as patched:
        patched.setattr("scanner.cli._load", lambda *a, **k: pytest.fail("took the slow path"))
        assert run("scan", "a.py", "b.py") == full
        assert run("scan", "a.py", "--select", "SL001") == (0, "No findings in 1 file.\n", "")
    (tmp_path / "c.py").write_text('URL = "https://open.shoplineapp.com"\n')
    code, out, _ = run("scan")
    assert code == 1 and "c.py:1:7: SL001" in out


def test_rules_always_in_effect_say_so() -> None:
    _, out, _ = run("rules")
    assert any(line.startswith("SL017  always") for line in out.splitlines())
    _, shown, _ = run("rules", "show", "SL017")
    assert "effective: always" in shown.splitlines()[1]


def test_sl003_names_old_body_keys_only_when_there_are_some(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path,
        {"claim.py": (
            "import requests\nURL = 'https://open.shopline.io/v1/user_coupons/singleMultiCoupon'\n"
            "requests.post(URL, json={'couponCode': 'A', 'userId': 1}, timeout=5)\n"
            "requests.post(URL, json={'locale': 'en'}, timeout=5)\n"
        )},
    )  # fmt: skip
    monkeypatch.chdir(tmp_path)
    _, out, _ = run("scan", "--select", "SL003", "--format", "json")
    messages = {f["line"]: f["message"] for f in json.loads(out)["findings"]}
    assert "(old body keys here: couponCode, userId)" in messages[3]
    assert "old body keys" not in messages[4] and "none" not in messages[4]


def _in_process(args: list[str], cwd: Path, **streams: object) -> subprocess.CompletedProcess[str]:
    """`python -m scanner ARGS` in its own process, the standard streams as given."""
    return subprocess.run(
        [sys.executable, "-m", "scanner", *args], cwd=cwd, text=True,
        env={**os.environ, "NO_COLOR": "1"}, **streams,  # type: ignore[call-overload]
    )  # fmt: skip


def test_standard_output_named_as_a_file_is_written_where_it_leads(project: Path) -> None:
    """`-o /dev/stdout` (or `--report json=/dev/stdout`) with standard output appended to a
    file: the report is added to it, and what the file held stays (it was once replaced by
    a file of the report alone)."""
    for args in (
        ["-o", "/dev/stdout", "--format", "json"],
        ["--report", "json=/dev/stdout", "-q", "-q"],
        ["--report", "json=/dev/fd/1", "-q", "-q"],
    ):
        log = project / "log"
        log.write_text("HEADER\n", encoding="utf-8")
        with log.open("a", encoding="utf-8") as appended:
            done = _in_process(["scan", *args], project, stdout=appended, stderr=subprocess.PIPE)
        written = log.read_text(encoding="utf-8")
        assert done.returncode == 1, done.stderr
        assert written.startswith("HEADER\n"), args
        assert json.loads(written.removeprefix("HEADER\n"))["summary"]["findings"] == 3


def test_a_text_report_written_to_a_file_has_no_colours(project: Path) -> None:
    code, _, _ = run("scan", "--color", "always", "--report", "text=report.txt")
    written = (project / "report.txt").read_text(encoding="utf-8")
    assert code == 1 and "SL001" in written and "\x1b[" not in written


def test_closed_standard_error_changes_no_exit_code(project: Path) -> None:
    """`2>&-`: the report is printed and the exit code is the scan's (a crash reading the
    missing stream once ended with 1, as findings do)."""
    closed = {"stdout": subprocess.PIPE, "preexec_fn": lambda: os.close(2)}
    found = _in_process(["scan"], project, **closed)
    assert found.returncode == 1 and "SL001" in found.stdout and "Traceback" not in found.stdout
    write_tree(project, {"clean/a.py": "x = 1\n"})
    assert _in_process(["scan", "--format", "json", "clean"], project, **closed).returncode == 0
    assert _in_process(["scan", "missing"], project, **closed).returncode == 2
    assert _in_process(["jobs", "--format", "json"], project, **closed).returncode == 0


def test_closed_standard_input_for_scan_dash_is_said_in_one_line(project: Path) -> None:
    done = _in_process(
        ["scan", "-", "--stdin-filename", "a.py"], project,
        stdin=None, capture_output=True, preexec_fn=lambda: os.close(0),
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == "noticelint: error: scan - reads the source from stdin, which is closed\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_an_output_that_cannot_be_written_is_said_in_one_line(project: Path) -> None:
    for args in (["--version"], ["scan", "--format", "json"]):
        with open("/dev/full", "w") as full:
            done = _in_process(args, project, stdout=full, stderr=subprocess.PIPE)
        assert done.returncode == 2, args
        assert done.stderr == "noticelint: error: No space left on device\n", args

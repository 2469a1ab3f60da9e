"""Configuration, suppressions, baseline and the diff-aware gate."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.rulepack.resources import rules_dir
from tests.conftest import write_tree

OLD = '"https://open.shoplineapp.com/v1"'


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def found(out: str) -> set[tuple[str, int, str]]:
    return {(f["path"], f["line"], f["code"]) for f in json.loads(out)["findings"]}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_pyproject_configuration(project: Path) -> None:
    write_tree(
        project,
        {
            "pyproject.toml": (
                "[tool.noticelint]\n"
                'ignore = ["SL002"]\n'
                'exclude = ["vendor/"]\n'
                'fail-on = "warning"\n'
                "horizon = 60\n"
                '[tool.noticelint.per-file-ignores]\n"tests/*" = ["SL001"]\n'
                '[tool.noticelint.severity]\nSL003 = "warning"\n'
            ),
            "app/api.py": f"BASE = {OLD}\n",
            "app/hooks.py": 'TOPIC = "user/new_member"\n',
            "app/coupon.py": 'PATH = "/v1/user_coupons/singleMultiCoupon"\n',
            "tests/test_api.py": f"BASE = {OLD}\n",
            "vendor/lib.py": f"BASE = {OLD}\n",
        },
    )
    code, out, _ = run("scan", "app", "tests", "vendor", "--format", "json")
    assert found(out) == {("app/api.py", 1, "SL001"), ("app/coupon.py", 1, "SL003")}
    severities = {f["code"]: f["severity"] for f in json.loads(out)["findings"]}
    assert severities == {"SL001": "error", "SL003": "warning"}
    assert code == 1
    code, _, _ = run("scan", "app/coupon.py", "--fail-on", "error")
    assert code == 0, "the command line overrides the file"


def test_noticelint_toml_found_from_the_scanned_path_upwards(project: Path) -> None:
    write_tree(
        project, {"svc/noticelint.toml": 'select = ["SL002"]\n', "svc/a/b.py": f"X = {OLD}\n"}
    )
    _, out, _ = run("scan", "svc/a", "--format", "json")
    assert found(out) == set()
    _, out, _ = run("scan", "svc/a", "--format", "json", "--select", "SL001")
    assert found(out) == {("svc/a/b.py", 1, "SL001")}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[tool.noticelint]\nselcet = ['SL001']\n", "unknown key 'selcet'"),
        ("[tool.noticelint]\nfail-on = 'sometimes'\n", "fail-on: input should be 'error'"),
        ("[tool.noticelint]\nhorizon = -1\n", "horizon: input should be greater than"),
        ("[tool.noticelint]\nhorizon = true\n", "horizon: input should be a valid integer"),
        ("[tool.noticelint]\nselect = 5\n", "select must be a string or a list of strings"),
        ("[tool.noticelint]\nselect = ['SL', 1]\n", "select must be a string or a list of"),
        ("[tool.noticelint.severity]\nSL001 = 'fatal'\n", "severity.SL001: input should be"),
        ('tool = "noticelint"\n', "`tool` must be a table"),
        ("[tool]\nnoticelint = 5\n", "[tool.noticelint] must be a table"),
        (b"[tool.noticelint]\nselect = '\xff'\n", "not UTF-8 (byte 28), as TOML must be"),
        ("[tool.noticelint]\ntimezone = 'Mars/Base'\n", "not a time zone"),
        ("[tool.noticelint\n", "invalid TOML"),
        ('[tool.noticelint.per-file-ignores]\n"tests/*" = ["SL999"]\n',
         "per-file-ignores: unknown rule code 'SL999'"),
        ("[tool.noticelint]\nignore = ['XX']\n", "ignore: unknown rule code 'XX'"),
        ("[tool.noticelint.severity]\nZZ1 = 'info'\n", "severity: unknown rule code 'ZZ1'"),
    ],
)  # fmt: skip
def test_configuration_errors_exit_2(project: Path, text: str | bytes, message: str) -> None:
    write_tree(project, {"a.py": "x = 1\n"})
    pyproject = project / "pyproject.toml"
    pyproject.write_bytes(text if isinstance(text, bytes) else text.encode())
    code, _, err = run("scan")
    assert code == 2
    assert message in err and "pyproject.toml" in err
    assert "Traceback" not in err


def test_a_pyproject_that_never_names_noticelint_is_not_read(project: Path) -> None:
    """Another tool's pyproject.toml, broken or not, is not noticelint's configuration:
    the scan runs with the defaults (and the nearest noticelint.toml above still counts)."""
    write_tree(project, {"app/a.py": 'API = "https://open.shoplineapp.com/v1"\n'})
    (project / "app" / "pyproject.toml").write_text("[tool.ruff\nselect = \n", encoding="utf-8")
    code, out, err = run("scan", "app", "--format", "json")
    assert (code, err) == (1, "") and found(out) == {("app/a.py", 1, "SL001")}
    (project / "noticelint.toml").write_text("ignore = ['SL001']\n", encoding="utf-8")
    code, out, err = run("scan", "app", "--format", "json")
    assert (code, err, found(out)) == (0, "", set())


def test_team_rule_paths_and_validate(project: Path) -> None:
    rule = (rules_dir() / "shopline" / "SL003-claim-coupon-endpoint.yaml").read_text(
        encoding="utf-8"
    )
    team = rule.replace("code: SL003", "code: ACM001").replace("singleMultiCoupon", "legacyClaim")
    write_tree(
        project,
        {
            "team-rules/acme.yaml": team,
            "pyproject.toml": '[tool.noticelint]\nrule-paths = ["team-rules"]\n',
            "app.py": 'PATH = "/v1/user_coupons/legacyClaim"\n',
        },
    )
    _, out, _ = run("scan", "--format", "json", "--select", "ACM")
    assert found(out) == {("app.py", 1, "ACM001")}
    code, out, _ = run("rules", "validate", "team-rules")
    assert code == 0 and "ACM001" in out
    # A team's rule file holds, on purpose, what the rules flag (its bad examples, here the
    # retired host SL001 finds in config files too): it is the tool's input, never scanned
    # or fixed as the project's code or configuration.
    hosts = (rules_dir() / "shopline" / "SL001-old-open-api-domain.yaml").read_text("utf-8")
    assert "open.shoplineapp.com" in hosts
    write_tree(project, {"team-rules/hosts.yaml": hosts.replace("code: SL001", "code: ACM002")})
    _, out, _ = run("scan", "--format", "json")
    assert {path for path, _, _ in found(out)} == {"app.py"}
    before = (project / "team-rules/hosts.yaml").read_text(encoding="utf-8")
    run("fix", ".")
    assert (project / "team-rules/hosts.yaml").read_text(encoding="utf-8") == before


SUPPRESSED = f"""import requests

A = {OLD}  # noticelint: ignore[SL001]
# noticelint: ignore[SL001]
B = {OLD}
requests.post(
    "https://open.shopline.io/v1/user_coupons/singleMultiCoupon",  # noticelint: ignore[SL003]
    json={{"couponCode": "X"}},
)
C = {OLD}  # noticelint: ignore
D = "https://open.shopline.io/v1"  # noticelint: ignore[SL001]
E = {OLD}
"""


def test_suppressions(project: Path) -> None:
    write_tree(project, {"app.py": SUPPRESSED})
    code, out, _ = run("scan", "--format", "json")
    assert code == 1
    assert found(out) == {
        ("app.py", 10, "SL001"),
        ("app.py", 10, "NL101"),
        ("app.py", 11, "NL100"),
        ("app.py", 12, "SL001"),
    }
    _, text, _ = run("scan", "--show-suppressed")
    assert "app.py:3:5: SL001 (suppressed)" in text and "3 suppressed." in text


def test_file_level_suppression(project: Path) -> None:
    write_tree(project, {"gen.py": f"# noticelint: ignore-file[SL001]\nA = {OLD}\nB = {OLD}\n"})
    code, out, _ = run("scan", "--format", "json")
    assert found(out) == set() and code == 0


def test_baseline_survives_moved_lines_and_counts_duplicates(project: Path) -> None:
    write_tree(project, {"app.py": f"A = {OLD}\nA = {OLD}\n"})
    code, out, _ = run("scan", "--write-baseline", "baseline.json")
    assert (code, out) == (0, "wrote 2 findings to baseline.json\n")
    assert len(json.loads((project / "baseline.json").read_text())["findings"]) == 2
    write_tree(project, {"app.py": f"import os\n\nA = {OLD}\nA = {OLD}\nA = {OLD}\nB = {OLD}\n"})
    code, out, _ = run("scan", "--baseline", "baseline.json", "--format", "json")
    assert found(out) == {("app.py", 5, "SL001"), ("app.py", 6, "SL001")}
    bad = project / "broken.json"
    bad.write_text("[]")
    code, _, err = run("scan", "--baseline", str(bad))
    assert code == 2 and "not a noticelint baseline" in err


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_diff_base_reports_only_changed_lines(project: Path) -> None:
    write_tree(project, {"app.py": f"A = {OLD}\nX = 1\n"})
    _git(project, "init", "-q")
    _git(project, "-c", "user.email=t@example.test", "-c", "user.name=t", "add", "-A")
    _git(project, "-c", "user.email=t@example.test", "-c", "user.name=t", "commit", "-qm", "base")
    write_tree(project, {"app.py": f"A = {OLD}\nX = 2\nB = {OLD}\n", "new.py": f"C = {OLD}\n"})
    _, out, _ = run("scan", "--diff-base", "HEAD", "--format", "json")
    assert found(out) == {("app.py", 3, "SL001"), ("new.py", 1, "SL001")}
    code, _, err = run("scan", "--diff-base", "no-such-ref")
    assert code == 2 and "--diff-base no-such-ref" in err


def test_configured_horizon_and_timezone(project: Path) -> None:
    write_tree(
        project,
        {
            "pyproject.toml": '[tool.noticelint]\nhorizon = 5\ntimezone = "Asia/Taipei"\n',
            "coupon.py": 'PATH = "/v1/user_coupons/singleMultiCoupon"\n',
            "jobs.py": (
                "import requests\n"
                "from apscheduler.schedulers.blocking import BlockingScheduler\n"
                "scheduler = BlockingScheduler()\n"
                "def sync():\n"
                '    return requests.get("https://open.shopline.io/v1/orders")\n'
                'scheduler.add_job(sync, "cron", hour=4, minute=45)\n'
            ),
        },
    )
    _, out, _ = run("scan", "--format", "json", "--as-of", "2024-09-01", "--select", "SL003")
    assert json.loads(out)["findings"][0]["severity"] == "info", "10 days is beyond horizon = 5"
    _, out, _ = run("scan", "--format", "json", "--as-of", "2026-01-01", "--select", "MW001")
    (job,) = json.loads(out)["findings"]
    assert (job["path"], job["line"]) == ("jobs.py", 6)
    assert "in Asia/Taipei (assumed)" in job["message"]


def test_globs_in_configuration_are_relative_to_its_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`exclude` and `per-file-ignores` mean the same whether the scan runs from the
    configuration's folder, from below it, or names a folder with its own configuration."""
    write_tree(
        project,
        {
            "noticelint.toml": (
                'exclude = ["src/generated/", "vendor/"]\n'
                '[per-file-ignores]\n"src/legacy/*.py" = ["SL001"]\n'
            ),
            "src/app.py": f"A = {OLD}\n",
            "src/generated/api.py": f"G = {OLD}\n",
            "src/legacy/old.py": f"L = {OLD}\n",
            "src/vendor/lib.py": f"V = {OLD}\n",
            "svc/noticelint.toml": '[per-file-ignores]\n"legacy/*" = ["SL001"]\n',
            "svc/legacy/x.py": f"X = {OLD}\n",
            "svc/y.py": f"Y = {OLD}\n",
        },
    )
    _, out, _ = run("scan", "src", "--format", "json")
    assert found(out) == {("src/app.py", 1, "SL001")}
    monkeypatch.chdir(project / "src")
    _, out, _ = run("scan", "--format", "json")
    assert found(out) == {("app.py", 1, "SL001")}
    monkeypatch.chdir(project)
    _, out, _ = run("scan", "svc", "--format", "json")
    assert found(out) == {("svc/y.py", 1, "SL001")}


def test_extend_select_and_extend_ignore(project: Path) -> None:
    write_tree(
        project,
        {
            "noticelint.toml": (
                'select = ["SL001"]\nextend-select = ["SL002"]\nextend-ignore = ["SL003"]\n'
            ),
            "a.py": (
                f"A = {OLD}\nTOPIC = 'user/new_member'\nP = '/v1/user_coupons/singleMultiCoupon'\n"
            ),
        },
    )
    _, out, _ = run("scan", "--format", "json")
    assert {code for _, _, code in found(out)} == {"SL001", "SL002"}
    _, out, _ = run("scan", "--format", "json", "--select", "SL003")
    assert {code for _, _, code in found(out)} == {"SL002"}, "extend-ignore still applies"
    (project / "noticelint.toml").write_text('extend-select = ["XX9"]\n')
    code, _, err = run("scan")
    assert code == 2 and "extend-select: unknown rule code 'XX9'" in err

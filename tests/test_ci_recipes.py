"""The CI recipes run as written: the composite GitHub Action's steps, the GitLab job's scan,
and the pre-commit hook through the real pre-commit."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, write_tree

LEGACY = REPO / "sample_apps" / "legacy_coupon_webhooks"


def _bin() -> Path:
    return Path(sys.executable).parent


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PATH": f"{_bin()}{os.pathsep}{os.environ['PATH']}", **extra}


def _expand(
    text: str, inputs: dict[str, str], outputs: dict[str, str], temp: Path | None = None
) -> str:
    text = re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: inputs[m.group(1)], text)
    text = re.sub(r"\$\{\{ github\.action_path \}\}", str(REPO), text)
    text = re.sub(r"\$\{\{ runner\.temp \}\}", str(temp), text)
    return re.sub(
        r"\$\{\{ steps\.scan\.outputs\.([\w-]+) \}\}", lambda m: outputs.get(m.group(1), ""), text
    )


def _run_action(
    work: Path, tmp_path: Path, given: dict[str, str]
) -> tuple[list[subprocess.CompletedProcess[str]], dict[str, str], str]:
    """The action's script steps as GitHub runs them: inputs through each step's `env`, a
    fake GITHUB_OUTPUT and GITHUB_STEP_SUMMARY (the install step is skipped: the test's
    environment has noticelint)."""
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()} | given
    output, summary = tmp_path / "output", tmp_path / "summary.md"
    output.write_text("")
    summary.write_text("")
    outputs: dict[str, str] = {}
    done = []
    for step in action["runs"]["steps"][1:]:
        if "run" not in step:
            continue
        env = {
            name: _expand(str(value), inputs, outputs, tmp_path / "runner-temp")
            for name, value in step.get("env", {}).items()
        }
        assert "${{" not in step["run"], "inputs reach a script through its environment"
        ran = subprocess.run(
            ["bash", "-c", step["run"]], cwd=work, capture_output=True, text=True,
            env=_env(GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary), **env),
        )  # fmt: skip
        done.append(ran)
        outputs.update(
            line.split("=", 1) for line in output.read_text().splitlines() if "=" in line
        )
    return done, outputs, summary.read_text()


def test_github_action_steps(tmp_path: Path) -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    steps = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    upload = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif")]
    assert upload and "inputs.upload-sarif == 'true'" in upload[0]["if"]
    work = tmp_path / "repo"
    shutil.copytree(LEGACY, work)
    done, outputs, summary = _run_action(work, tmp_path, {"upload-sarif": "false"})
    scan = done[0]
    assert "::error file=shopapp/coupons.py,line=31," in scan.stdout
    assert outputs["exit-code"] == "1"
    assert (work / "noticelint.sarif").stat().st_size > 1000
    assert summary.startswith("## noticelint · repo: ")
    assert done[-1].returncode == 1, "the gate step fails the job"
    uploaded, _, _ = _run_action(work, tmp_path, {})
    assert "::error" not in uploaded[0].stdout, "no annotations besides the uploaded SARIF"
    assert "shopapp/coupons.py:31:" in uploaded[0].stdout


def test_github_action_keeps_its_cache_between_runs(tmp_path: Path) -> None:
    """actions/cache restores the folder the scan step points noticelint at (here it simply
    stays): the next run takes the analyses of the files it did not change."""
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    steps = action["runs"]["steps"]
    names = [step.get("uses", "").partition("@")[0] for step in steps]
    restore = steps[names.index("actions/cache/restore")]
    save = steps[names.index("actions/cache/save")]
    # Saved whatever the scan found (the gate fails the job after), under the key restored.
    assert names.index("actions/cache/restore") < names.index("actions/cache/save")
    assert [s.get("name") for s in steps].index("Gate") > names.index("actions/cache/save")
    assert save["if"] == "always() && inputs.cache == 'true'"
    assert restore["if"] == "inputs.cache == 'true'"
    assert restore["with"]["path"] == save["with"]["path"] == "${{ runner.temp }}/noticelint-cache"
    assert restore["with"]["key"] == save["with"]["key"]
    assert restore["with"]["key"].startswith(restore["with"]["restore-keys"])
    # A matrix's jobs tell their caches apart by an input of their own.
    assert "${{ inputs.cache-key }}-" in restore["with"]["restore-keys"]
    assert action["inputs"]["cache-key"]["default"] == ""
    work = tmp_path / "repo"
    shutil.copytree(LEGACY, work)
    given = {"upload-sarif": "false", "args": "-v"}
    said = [_run_action(work, tmp_path, given)[0][0].stderr for _ in range(2)]
    assert "analysed 17 (12 Python), 0 of them from the results cache" in said[0]
    assert "17 of them from the results cache" in said[1]
    assert (tmp_path / "runner-temp" / "noticelint-cache" / "CACHEDIR.TAG").is_file()
    shutil.rmtree(tmp_path / "runner-temp")
    assert _run_action(work, tmp_path, {**given, "cache": "false"})[1]["exit-code"] == "1"
    assert not (tmp_path / "runner-temp").exists(), "cache: false leaves the runner's folder be"
    _run_action(work, tmp_path, {**given, "cache": "True"})  # as `if:` reads it: any case
    assert (tmp_path / "runner-temp" / "noticelint-cache").is_dir()


def test_github_action_reads_its_inputs_as_github_does(tmp_path: Path) -> None:
    """Yes and no in any case, as the steps' `if:` compares them (`False` uploads no SARIF,
    so the findings come as annotations); paths and arguments on lines of their own, as a
    `paths: |` block gives them."""
    work = tmp_path / "repo"
    shutil.copytree(LEGACY, work)
    given = {"upload-sarif": "False", "paths": "shopapp/coupons.py\nshopapp/webhooks.py\n"}
    done, outputs, _ = _run_action(work, tmp_path, {**given, "args": "--select\nSL003\n"})
    annotated = {line.split(",")[0] for line in done[0].stdout.splitlines() if "::" in line}
    assert annotated == {"::error file=shopapp/coupons.py"} and outputs["exit-code"] == "1"
    done, _, _ = _run_action(work, tmp_path, given)
    annotated = {line.split(",")[0] for line in done[0].stdout.splitlines() if "::" in line}
    assert annotated >= {"::error file=shopapp/coupons.py", "::error file=shopapp/webhooks.py"}


def test_github_action_inputs_are_never_run_and_errors_are_told(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    shutil.copytree(LEGACY, work)
    hostile = {"paths": ". ; touch pwned", "args": "$(touch pwned2)", "upload-sarif": "false"}
    done, outputs, summary = _run_action(work, tmp_path, hostile)
    assert not (work / "pwned").exists() and not (work / "pwned2").exists()
    assert outputs["exit-code"] == "2"
    assert "no such file or directory" in done[0].stderr
    assert "noticelint could not run (exit code 2)" in summary
    assert done[-1].returncode == 2


def test_gitlab_job_scan(tmp_path: Path) -> None:
    job = yaml.safe_load((REPO / "ci" / "noticelint.gitlab-ci.yml").read_text(encoding="utf-8"))
    (scan,) = [line for line in job["noticelint"]["script"] if line.startswith("noticelint scan")]
    work = tmp_path / "repo"
    shutil.copytree(LEGACY, work)
    # The job's cache folder, inside the project as GitLab wants it: the second pipeline
    # finds the first's analyses there, and its reports say the same.
    folder = job["noticelint"]["variables"]["NOTICELINT_CACHE_DIR"]
    assert folder.startswith("$CI_PROJECT_DIR/")
    assert job["noticelint"]["cache"]["paths"] == [f"{folder.removeprefix('$CI_PROJECT_DIR/')}/"]
    assert job["noticelint"]["cache"]["when"] == "always", "kept when findings fail the job"
    env = _env(NOTICELINT_CACHE_DIR=folder.replace("$CI_PROJECT_DIR", str(work)))
    reports = []
    for _ in range(2):
        done = subprocess.run(["bash", "-c", scan], cwd=work, env=env, capture_output=True)
        assert done.returncode == 1
        for report in job["noticelint"]["artifacts"]["paths"] + [
            job["noticelint"]["artifacts"]["reports"]["junit"]
        ]:
            assert (work / report).stat().st_size > 0
        reports.append((work / "noticelint.sarif").read_text(encoding="utf-8"))
    assert reports[0] == reports[1] and ".noticelint-cache" not in reports[1]
    assert (work / ".noticelint-cache" / "CACHEDIR.TAG").is_file()


NAMES = [
    "app.py", "APP.PY", "nb.ipynb", "README.md", "notes.txt", "settings.yaml", "ci.YML",
    "data.json", "pyproject.toml", "setup.cfg", "tox.ini", ".env", ".env.local", "prod.env",
    "x.env.bak", "deploy/crontab", "deploy/cron", "jobs.cron", "x.crontab", "etc/cron.d/shop",
    "etc/crontabs/root", "Dockerfile", "Dockerfile.prod", "Containerfile", "web.Dockerfile",
    "script.sh", "image.png", "docs/Dockerfile.md",
]  # fmt: skip


def test_the_hooks_pass_exactly_the_files_noticelint_reads() -> None:
    from scanner.scan.discovery import kind_of

    for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")):
        chosen = re.compile(hook["files"])
        for name in NAMES:
            assert bool(chosen.search(name)) == (kind_of(Path(name)) is not None), name


def test_pre_commit_hook_refuses_the_old_domain(tmp_path: Path) -> None:
    wheelhouse = os.environ.get("NOTICELINT_WHEELHOUSE")
    if not wheelhouse or shutil.which("pre-commit", path=str(_bin())) is None:
        if os.environ.get("CI"):
            pytest.fail(".ci/run provides pre-commit and a wheelhouse for this test")
        pytest.skip("needs pre-commit and NOTICELINT_WHEELHOUSE (a folder of wheels)")
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {hook["id"] for hook in hooks} == {"noticelint", "noticelint-fix"}
    project = tmp_path / "shop"
    write_tree(project, {"api.py": 'BASE = "https://open.shopline.io/v1"\n'})
    env = _env(
        PIP_NO_INDEX="1", PIP_FIND_LINKS=wheelhouse, PRE_COMMIT_HOME=str(tmp_path / "cache"),
        GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.test",
        GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.test",
    )  # fmt: skip

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)

    def hook(name: str = "noticelint") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(_bin() / "pre-commit"), "try-repo", str(REPO), name],
            cwd=project, env=env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip

    git("init", "-q")
    git("add", "api.py")
    clean = hook()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (project / "legacy.py").write_text('OLD = "https://open.shoplineapp.com/v1"\n')
    git("add", "legacy.py")
    refused = hook()
    assert refused.returncode == 1
    assert "legacy.py:1:7: SL001" in refused.stdout
    fixed = hook("noticelint-fix")
    assert fixed.returncode == 1, "pre-commit fails a hook that changed files"
    assert (project / "legacy.py").read_text() == 'OLD = "https://open.shopline.io/v1"\n'
    git("add", "legacy.py")
    assert hook().returncode == 0
    # A baseline, a suppressed line and a file noticelint does not read: the scan hook
    # passes, and the fix hook touches none of them.
    subprocess.run(
        [str(_bin() / "noticelint"), "scan", "--write-baseline", "noticelint-baseline.json"],
        cwd=project, env=env, check=True, capture_output=True,
    )  # fmt: skip
    kept = 'KEEP = "https://open.shoplineapp.com/v1"  # noticelint: ignore[SL001] -- proxy\n'
    (project / "proxy.py").write_text(kept)
    (project / "README.md").write_text("Calls https://open.shoplineapp.com no more.\n")
    baseline = (project / "noticelint-baseline.json").read_text()
    git("add", "-A")
    assert hook().returncode == 0
    untouched = hook("noticelint-fix")
    assert untouched.returncode == 0, untouched.stdout + untouched.stderr
    assert (project / "proxy.py").read_text() == kept
    assert (project / "noticelint-baseline.json").read_text() == baseline

"""A scan of some files of a tree (a pre-commit hook's) reads the rest of the tree for what
their jobs run, and reports only on the files it was given."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest

from scanner.fixes import preview
from scanner.maintenance.windows import Calendar
from scanner.rulepack.ruleset import RuleSet
from scanner.scan import engine
from scanner.scan.cache import ResultCache
from scanner.scan.engine import scan
from scanner.scan.given import context_root
from tests.conftest import scan_tree, triples, write_tree

AS_OF = date(2026, 1, 1)
HOUR_NS = 3600 * 10**9
TREE = {
    "shop/__init__.py": "",
    "shop/client.py": """\
import requests


def pull_orders():
    return requests.get("https://open.shopline.io/v1/orders", timeout=30).json()


def broken_claim(code):
    # A finding of this file's own: not reported when only schedule.py is scanned.
    return requests.post("https://open.shopline.io/v1/coupons/claim", json={"code": code})
""",
    "shop/schedule.py": """\
from apscheduler.schedulers.blocking import BlockingScheduler

from shop.client import pull_orders

sched = BlockingScheduler(timezone="Asia/Taipei")
sched.add_job(pull_orders, "cron", hour=4, minute=40)
sched.add_job(print, "cron", hour=4, minute=41)
""",
}


@pytest.mark.parametrize("prefilter", [True, False], ids=["prefilter", "full"])
def test_a_job_in_a_given_file_runs_a_function_of_the_tree(
    tmp_path: Path, ruleset: RuleSet, calendar: Calendar, prefilter: bool
) -> None:
    write_tree(tmp_path, TREE)
    chosen = ruleset.select(["MW001", "SL018"])
    whole = scan_tree(tmp_path, chosen, as_of=AS_OF, use_prefilter=prefilter)
    assert triples(whole) == {("shop/schedule.py", 6, "MW001"), ("shop/client.py", 10, "SL018")}
    given = scan(
        [tmp_path / "shop" / "schedule.py"], chosen, root=tmp_path, as_of=AS_OF,
        use_prefilter=prefilter, calendar=calendar, previewer=preview,
    )  # fmt: skip
    assert triples(given) == {("shop/schedule.py", 6, "MW001")}
    assert given.files_scanned == 1
    assert given.errors == [] and set(given.previews) <= {"shop/schedule.py"}


def test_a_directory_scan_reads_nothing_outside_it(
    tmp_path: Path, ruleset: RuleSet, calendar: Calendar
) -> None:
    """Given a folder, the scan is that folder: the job's function elsewhere is not read."""
    write_tree(tmp_path, {**TREE, "shop/client.py": "", "lib/client.py": TREE["shop/client.py"]})
    result = scan([tmp_path / "shop"], ruleset.select(["MW001"]), root=tmp_path, as_of=AS_OF)
    assert result.findings == []


ELSEWHERE = {
    **TREE,
    "shop/helpers.py": "def unrelated():\n    return 1\n",
    "deploy/crontab": (
        "CRON_TZ=Asia/Taipei\n"
        "40 4 * * 1 cd /srv/app && python -m shop.cli\n"
        "# noticelint: ignore[MW001] -- the night shift watches this one\n"
        "42 4 * * 1 cd /srv/app && python -m shop.cli\n"
        "44 4 * * 1 cd /srv/app && python -m shop.other\n"
    ),
    "shop/cli.py": "from shop.client import pull_orders\n\npull_orders()\n",
    "shop/other.py": "print('nothing of the platform')\n",
}


@pytest.mark.parametrize("prefilter", [True, False], ids=["prefilter", "full"])
def test_a_given_module_that_a_job_elsewhere_runs_makes_that_job_checked(
    tmp_path: Path, ruleset: RuleSet, calendar: Calendar, prefilter: bool
) -> None:
    """Changing `shop/client.py` alone (a pre-commit hook passes only it) checks the jobs of
    the tree that run it: the APScheduler job and the crontab line whose module calls it,
    reported where they are (a suppression there still holds); a job that runs other code,
    and a module no job runs, give nothing."""
    write_tree(tmp_path, ELSEWHERE)
    chosen = ruleset.select(["MW001"])
    for given, expected in [
        (["shop/client.py"], {("shop/schedule.py", 6, "MW001"), ("deploy/crontab", 2, "MW001")}),
        (["shop/helpers.py"], set()),
    ]:
        result = scan(
            [tmp_path / name for name in given], chosen, root=tmp_path, as_of=AS_OF,
            use_prefilter=prefilter, calendar=calendar,
        )  # fmt: skip
        assert triples(result) == expected, given
        assert [(f.path, f.line) for f in result.suppressed] == (
            [("deploy/crontab", 4)] if expected else []
        )
        assert result.unresolved == [] and result.errors == []


def test_a_hook_scans_summary_says_the_jobs_of_other_files_are_reported_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`noticelint scan shop/client.py` reports the jobs elsewhere that run it; the summary
    says where they are, not only "in 1 file"."""
    from click.testing import CliRunner

    from scanner.cli import main

    write_tree(tmp_path, {".git/HEAD": "", **ELSEWHERE})
    monkeypatch.chdir(tmp_path)
    args = ["scan", "shop/client.py", "--select", "MW001", "--as-of", AS_OF.isoformat()]
    out = CliRunner().invoke(main, args).stdout
    assert out.splitlines()[-1] == (
        "2 findings (2 warnings) in 1 file and in the jobs of 2 other files that run it."
    )
    out = CliRunner().invoke(main, [*args[:1], "shop/schedule.py", *args[2:]]).stdout
    assert out.splitlines()[-1] == "1 finding (1 warning) in 1 file."


DJANGO_BEAT = {
    ".git/HEAD": "",
    "config/__init__.py": "",
    "config/settings.py": 'TIME_ZONE = "Asia/Taipei"\nCELERY_TIMEZONE = TIME_ZONE\n',
    "config/celery.py": (
        "from celery import Celery\nfrom celery.schedules import crontab\n\n"
        'app = Celery("config")\n'
        'app.config_from_object("django.conf:settings", namespace="CELERY")\n'
        "app.conf.beat_schedule = {\n"
        '    "pull": {"task": "shop.tasks.pull", "schedule": crontab(hour=4, minute=45)},\n'
        "}\n"
    ),
    "shop/__init__.py": "",
    "shop/tasks.py": (
        "import requests\nfrom celery import shared_task\n\n\n@shared_task\ndef pull():\n"
        '    return requests.get("https://open.shopline.io/v1/orders", timeout=30).json()\n'
    ),
}


@pytest.mark.parametrize("prefilter", [True, False], ids=["prefilter", "full"])
def test_a_hook_reads_the_zone_of_the_beat_that_runs_its_module_from_the_settings(
    tmp_path: Path, ruleset: RuleSet, calendar: Calendar, prefilter: bool
) -> None:
    """Naming `shop/tasks.py` alone checks the beat entry of `config/celery.py` that runs it,
    in the zone `config/settings.py` states (Celery reads Django's settings): 04:45 Taipei is
    inside the 2026-01-19 window; read as UTC it would not be."""
    write_tree(tmp_path, DJANGO_BEAT)
    result = scan(
        [tmp_path / "shop/tasks.py"], ruleset.select(["MW001"]), root=tmp_path, as_of=AS_OF,
        use_prefilter=prefilter, calendar=calendar,
    )  # fmt: skip
    assert triples(result) == {("config/celery.py", 7, "MW001")}
    assert "in Asia/Taipei" in result.findings[0].message


STARTED = {
    "pkg/__init__.py": "",
    "pkg/api.py": (
        "import requests\n\n\ndef fetch():\n"
        '    return requests.get("https://open.shopline.io/v1/orders", timeout=30).json()\n'
    ),
    "pkg/job.py": "from pkg.api import fetch\n\nfetch()\n",
    "app.crontab": "CRON_TZ=Asia/Taipei\n40 4 * * 1 python -m pkg.job\n",
}


@pytest.mark.parametrize("given", [[], ["app.crontab"], ["pkg/job.py"], ["pkg/api.py"]])
def test_what_a_started_module_calls_at_its_top_level_is_followed(
    tmp_path: Path, ruleset: RuleSet, calendar: Calendar, given: list[str]
) -> None:
    """`python -m pkg.job` runs `pkg/job.py`, whose top level calls `fetch` of another
    module: found whether the whole tree, the crontab, the module or what it calls is given."""
    write_tree(tmp_path, STARTED)
    result = scan(
        [tmp_path / name for name in given] or [tmp_path], ruleset.select(["MW001"]),
        root=tmp_path, as_of=AS_OF, calendar=calendar,
    )  # fmt: skip
    assert triples(result) == {("app.crontab", 2, "MW001")}


def test_a_warm_hook_scan_reads_again_only_what_may_declare_a_job(
    tmp_path: Path,
    ruleset: RuleSet,
    calendar: Calendar,
    settled: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a cache, a file of the tree that declared no job and whose stat is unchanged is
    not read again for the tree's jobs, nor by following that passed it by before; a file
    that now declares a job that runs the given module is read, and its job checked."""
    tree = tmp_path / "tree"
    write_tree(tree, ELSEWHERE)
    for path in tree.rglob("*"):
        os.utime(path, ns=(time.time_ns() - HOUR_NS,) * 2)
    chosen = ruleset.select(["MW001"])
    store = tmp_path / "cache" / "results.sqlite"

    def hook() -> tuple[set[tuple[str, int, str]], set[str]]:
        read: set[str] = set()

        def reading(path: Path) -> bytes:
            read.add(path.relative_to(tree).as_posix())
            return original(path)

        monkeypatch.setattr(engine, "read_source", reading)
        result = scan(
            [tree / "shop/client.py"], chosen, root=tree, as_of=AS_OF, calendar=calendar,
            cache=ResultCache(store),
        )  # fmt: skip
        assert result.errors == [] and result.unresolved == []
        return triples(result), read

    original = engine.read_source
    expected = {("shop/schedule.py", 6, "MW001"), ("deploy/crontab", 2, "MW001")}
    cold, cold_read = hook()
    warm, warm_read = hook()
    assert cold == warm == expected
    assert {"shop/helpers.py", "shop/__init__.py"} <= cold_read
    assert not {"shop/helpers.py", "shop/__init__.py"} & warm_read
    assert {"shop/schedule.py", "deploy/crontab"} <= warm_read  # they declare the jobs
    # Rewritten with its modification time put back: read again, and its job checked.
    helpers = tree / "shop/helpers.py"
    before = helpers.stat()
    helpers.write_text(TREE["shop/schedule.py"])
    os.utime(helpers, ns=(before.st_atime_ns, before.st_mtime_ns))
    changed, changed_read = hook()
    assert "shop/helpers.py" in changed_read
    assert changed == expected | {("shop/helpers.py", 6, "MW001")}


def test_files_named_from_outside_their_tree_are_read_with_their_repository(
    tmp_path: Path, ruleset: RuleSet, calendar: Calendar, reads: list[str]
) -> None:
    """Named from a folder that does not hold them, files take their context (the jobs that
    run them) from their own repository, not from the folder the scan runs in."""
    repository = tmp_path / "repo"
    write_tree(repository, ELSEWHERE)
    (repository / ".git").mkdir()
    here = tmp_path / "here"
    write_tree(here, {"unrelated.py": "x = 1\n", "other/crontab": "0 4 * * * python -m x\n"})
    result = scan(
        [repository / "shop/client.py"], ruleset.select(["MW001"]), root=here, as_of=AS_OF,
        calendar=calendar,
    )  # fmt: skip
    crontab = (repository / "deploy/crontab").as_posix()
    assert triples(result) == {
        ((repository / "shop/schedule.py").as_posix(), 6, "MW001"), (crontab, 2, "MW001")
    }  # fmt: skip
    assert "unrelated.py" not in reads and "crontab" in reads


def test_the_tree_of_files_named_is_where_they_are(tmp_path: Path) -> None:
    here, repository, loose = tmp_path / "here", tmp_path / "repo", tmp_path / "loose"
    for folder in (here / "a", repository / ".git", repository / "pkg" / "sub", loose / "b"):
        folder.mkdir(parents=True)
    assert context_root(here, [here / "a" / "x.py", here / "y.py"]) == here
    inside = [repository / "pkg" / "sub" / "x.py", repository / "pkg" / "y.py"]
    assert context_root(here, inside) == repository
    # Wherever the scan runs from: a folder of the repository, or one above it.
    assert context_root(repository / "pkg", inside) == repository
    assert context_root(tmp_path, inside) == repository
    assert context_root(here, [loose / "b" / "x.py", loose / "y.py"]) == loose
    assert context_root(here, [Path("/x.py"), loose / "y.py"]) is None  # only `/` is shared


@pytest.mark.parametrize("run_from", ["repo/shop", "."])
def test_the_jobs_checked_do_not_depend_on_the_folder_the_scan_runs_from(
    tmp_path: Path, ruleset: RuleSet, calendar: Calendar, run_from: str
) -> None:
    """From a folder of the repository (the crontab above it is still read) or from one
    above it (another project's jobs beside it are not)."""
    repository = tmp_path / "repo"
    write_tree(repository, ELSEWHERE)
    (repository / ".git").mkdir()
    write_tree(tmp_path / "other", {"jobs.py": TREE["shop/schedule.py"]})
    result = scan(
        [repository / "shop/client.py"], ruleset.select(["MW001"]), root=tmp_path / run_from,
        as_of=AS_OF, calendar=calendar,
    )  # fmt: skip
    shown = {(Path(path).name, line, code) for path, line, code in triples(result)}
    assert shown == {("schedule.py", 6, "MW001"), ("crontab", 2, "MW001")}
    assert not any("other" in Path(path).parts for path, _, _ in triples(result))


def test_files_that_share_no_tree_are_still_checked_themselves(
    tmp_path: Path, ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no tree to read (files whose only shared folder is `/`), a module named is still
    parsed when Python refuses it, and still flagged for what it holds."""
    write_tree(tmp_path, {"broken.py": "def broken(:\n", "api.py": TREE["shop/client.py"]})
    monkeypatch.setattr(engine, "context_root", lambda *_: None)
    result = scan([tmp_path / "broken.py", tmp_path / "api.py"], ruleset, root=tmp_path)
    assert [error.path for error in result.errors] == ["broken.py"]
    assert ("api.py", 10, "SL018") in triples(result)


CRONJOB_JSON = """{
  "apiVersion": "batch/v1",
  "kind": "CronJob",
  "metadata": {"name": "order-sync"},
  "spec": {
    "schedule": "40 4 * * 1",
    "timeZone": "Asia/Taipei",
    "jobTemplate": {"spec": {"template": {"spec": {"containers": [
      {"name": "sync", "image": "shop", "command": ["python", "-m", "shop.cli"]}
    ]}}}}
  }
}
"""
NOTEBOOK_JOB = (
    '{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,'
    ' "source": ["from apscheduler.schedulers.blocking import BlockingScheduler\\n",'
    ' "from shop.client import pull_orders\\n",'
    ' "sched = BlockingScheduler(timezone=\\"Asia/Taipei\\")\\n",'
    ' "sched.add_job(pull_orders, \\"cron\\", hour=4, minute=40)\\n"]}],'
    ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
)


@pytest.mark.parametrize(
    ("name", "text"), [("k8s/sync.json", CRONJOB_JSON), ("ops/jobs.ipynb", NOTEBOOK_JOB)]
)
def test_a_job_in_json_or_a_notebook_that_runs_a_given_module_is_checked(
    name: str, text: str, tmp_path: Path, ruleset: RuleSet, calendar: Calendar
) -> None:
    """The scan of the folder finds it; so must the scan of the module alone."""
    tree = {**TREE, "shop/cli.py": ELSEWHERE["shop/cli.py"], name: text}
    del tree["shop/schedule.py"]
    write_tree(tmp_path, tree)
    chosen = ruleset.select(["MW001"])
    whole = scan_tree(tmp_path, chosen, as_of=AS_OF)
    assert {(path, code) for path, _, code in triples(whole)} == {(name, "MW001")}
    given = scan(
        [tmp_path / "shop" / "client.py"], chosen, root=tmp_path, as_of=AS_OF,
        calendar=calendar,
    )  # fmt: skip
    assert triples(given) == triples(whole)

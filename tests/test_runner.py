"""The scan entry point, called as another program would: a request in, a report and an
exit code out, nothing printed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scanner import runner
from scanner.rulepack.errors import ConfigError
from scanner.scan import fastpath, quick
from scanner.scan.config import config_for
from tests.conftest import write_tree

OLD_HOST = 'API = "https://open.shoplineapp.com/v1"\n'


def test_a_scan_returns_its_report_and_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"shop/client.py": OLD_HOST, "shop/clean.py": "x = 1\n"})
    monkeypatch.chdir(tmp_path)
    outcome = runner.scan(runner.ScanRequest(as_of=date(2026, 1, 1), use_cache=False))
    assert outcome.report is not None and outcome.result is not None
    assert {(f.path, f.line, f.code) for f in outcome.result.findings} == {
        ("shop/client.py", 1, "SL001")
    }
    assert outcome.exit_code == runner.EXIT_FINDINGS
    assert capsys.readouterr() == ("", "")
    never = runner.scan(runner.ScanRequest(fail_on="never", use_cache=False))
    assert never.exit_code == runner.EXIT_CLEAN


def test_the_request_narrows_rules_and_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"a.py": OLD_HOST, "b.py": 'TOPIC = "user/new_member"\n'})
    monkeypatch.chdir(tmp_path)
    only_topics = runner.scan(runner.ScanRequest(select=["SL002"], use_cache=False))
    assert only_topics.result is not None
    assert {f.code for f in only_topics.result.findings} == {"SL002"}
    without_b = runner.scan(runner.ScanRequest(exclude=["b.py"], use_cache=False))
    assert without_b.result is not None
    assert {f.path for f in without_b.result.findings} == {"a.py"}


def test_the_quick_answer_needs_no_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"a.py": "x = 1\n", "b.py": "y = 2\n"})
    monkeypatch.chdir(tmp_path)
    runner.load_rules()  # remembers the trigger literals, as every full scan does
    outcome = runner.scan(runner.ScanRequest(quick=True))
    assert (outcome.report, outcome.quick_files, outcome.exit_code) == (None, 2, 0)


def test_literals_only_in_comments_get_the_quick_answer_the_full_scan_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"a.py": "x = 1  # sync orders with open.shoplineapp.com\n"})
    monkeypatch.chdir(tmp_path)
    runner.load_rules()
    outcome = runner.scan(runner.ScanRequest(quick=True))
    assert (outcome.report, outcome.quick_files, outcome.exit_code) == (None, 1, 0)
    full = runner.scan(runner.ScanRequest(use_cache=False))
    assert full.result is not None and full.result.findings == [] and full.exit_code == 0
    write_tree(tmp_path, {"a.py": 'x = "open.shoplineapp.com"  # sync orders\n'})
    outcome = runner.scan(runner.ScanRequest(quick=True))
    assert outcome.result is not None and outcome.exit_code == runner.EXIT_FINDINGS


@pytest.mark.parametrize(
    "tree",
    [
        # The value it sends is another module's constant.
        {
            "settings.py": 'API = "https://open.shopline.io"\n'
            'CLAIM = "/v1/user_coupons/singleMultiCoupon"\n',
            "sync.py": "import requests\nfrom settings import API, CLAIM\n\n"
            "def claim(code):\n    return requests.post(API + CLAIM, json={'couponCode': code})\n",
        },
        # Its literals are split, and joined only when the code runs.
        {
            "sync.py": 'import requests\nBASE = "https://open." "shop" "line.io"\n'
            'PATH = "/v1/" + "user_" "coupons/" + "single" "MultiCoupon"\n\n'
            "def claim(code):\n    return requests.post(BASE + PATH, json={'couponCode': code})\n",
        },
        # A job elsewhere in the tree runs it.
        {
            "shop/cli.py": "from shop.client import pull\n\npull()\n",
            "deploy/crontab": "40 4 * * 1 python -m shop.cli\n",
        },
    ],
)
def test_no_quick_answer_for_a_module_given_by_name(
    tree: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module given by name is parsed whatever its text, and what it imports is followed:
    its findings need not hold a trigger literal of its own, so only the full scan says."""
    write_tree(tmp_path, tree)
    monkeypatch.chdir(tmp_path)
    runner.load_rules()
    given = [Path(name) for name in tree if name.endswith(".py") and name != "settings.py"]
    for asked in ({"quick": True}, {"quick_report": True}):
        outcome = runner.scan(runner.ScanRequest(paths=given, **asked))  # type: ignore[arg-type]
        assert outcome.result is not None and outcome.quick_files == 0


# Repositories and the files a hook names in them; the last item says whether the quick
# answer may be given: whether the rest of the tree adds nothing.
NAMED_IN_TREES = [
    # Modules that import nothing of the tree, in a tree that schedules nothing.
    ({"shop/a.py": "import os\nx = 1\n", "shop/b.py": "y = 2\n",
      "shop/c.py": "import json\n"}, ["shop/a.py", "shop/b.py"], True),
    # A module the tree holds, imported: its values may be sent.
    ({"shop/a.py": "from shop import c\n", "shop/c.py": "z = 3\n"}, ["shop/a.py"], False),
    ({"shop/a.py": "from . import c\n", "shop/c.py": "z = 3\n"}, ["shop/a.py"], False),
    # Its name ties its requests to the Open API: read whatever its text.
    ({"shop/shopline_items.py": "x = 1\n"}, ["shop/shopline_items.py"], False),
    # Python refuses it: the full scan says so.
    ({"shop/a.py": "def f(:\n"}, ["shop/a.py"], False),
    # The tree may run it: a scheduling module, a workflow, a CronJob, a Dockerfile.
    ({"shop/a.py": "x = 1\n", "jobs.py": "s.add_job(run, 'cron', hour=4)\n"}, ["shop/a.py"],
     False),
    ({"shop/a.py": "x = 1\n", ".github/workflows/w.yml": "on:\n  schedule:\n    - cron: x\n"},
     ["shop/a.py"], False),
    ({"shop/a.py": "x = 1\n", "Dockerfile": "FROM python:3.12\n"}, ["shop/a.py"], False),
    ({"shop/a.py": "x = 1\n", "k8s/job.json": '{"spec": {"schedule": "45 4 * * *"}}'},
     ["shop/a.py"], False),
    ({"shop/a.py": "x = 1\n", "jobs.ipynb": '{"cells": [{"cell_type": "code", "source": '
      '["s.add_job(run, \'cron\', hour=4)"]}], "nbformat": 4, "nbformat_minor": 5}'},
     ["shop/a.py"], False),
    # A job in Python cannot run a file that is not a module: only its config jobs count.
    ({"shop/a.yaml": "name: x\n", "jobs.py": "s.add_job(run, 'cron', hour=4)\n"},
     ["shop/a.yaml"], True),
    # Words of a job in a comment or a name of its own are no job.
    ({"shop/a.py": "x = 1\n", "b.py": "# runs every day\neveryone = 1\n",
      "deploy.yml": "rescheduled: true\n"}, ["shop/a.py"], True),
]  # fmt: skip


@pytest.mark.parametrize(("tree", "named", "answered"), NAMED_IN_TREES)
def test_files_named_alone_get_the_quick_answer_when_their_tree_adds_nothing(
    tree: dict[str, str], named: list[str], answered: bool, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    write_tree(tmp_path, {".git/HEAD": "", **tree})
    monkeypatch.chdir(tmp_path / "shop")  # a hook's folder need not be the tree's root
    runner.load_rules()
    paths = [Path("..", name) for name in named]
    answer = quick.quick_answer(paths, config_for(paths), [], [], ())
    assert answer == (len(named) if answered else None)
    if answered:
        full = runner.scan(runner.ScanRequest(paths=paths, use_cache=False))
        assert full.result is not None
        assert (full.result.findings, full.result.errors, full.result.unresolved) == ([], [], [])


def test_a_module_given_by_name_is_flagged_for_another_modules_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {
        "settings.py": 'API = "https://open.shopline.io"\n'
        'CLAIM = "/v1/user_coupons/singleMultiCoupon"\n',
        "sync.py": "import requests\nfrom settings import API, CLAIM\n\n"
        "def claim(code):\n    return requests.post(API + CLAIM, json={'couponCode': code})\n",
    })  # fmt: skip
    monkeypatch.chdir(tmp_path)
    runner.load_rules()
    outcome = runner.scan(runner.ScanRequest(paths=[Path("sync.py")], quick=True))
    assert outcome.result is not None
    assert {(f.path, f.code) for f in outcome.result.findings} == {("sync.py", "SL003")}


@pytest.mark.parametrize(
    "importing",
    ["from .. import API, CLAIM", "from ..settings import API, CLAIM", "import shop.settings"],
)
def test_a_module_given_by_name_is_flagged_for_a_value_its_package_holds(
    importing: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However it imports the value (relatively, from a package's `__init__`), a module
    named alone is read for what it takes from the rest of the tree."""
    value = 'API = "https://open.shopline.io"\nCLAIM = "/v1/user_coupons/singleMultiCoupon"\n'
    use = "shop.settings.API + shop.settings.CLAIM" if "shop" in importing else "API + CLAIM"
    write_tree(tmp_path, {
        "shop/__init__.py": value,
        "shop/settings.py": value,
        "shop/jobs/__init__.py": "",
        "shop/jobs/sync.py": f"import requests\n{importing}\n\n"
        f"def claim(code):\n    return requests.post({use}, json={{'couponCode': code}})\n",
    })  # fmt: skip
    monkeypatch.chdir(tmp_path)
    runner.load_rules()
    request = runner.ScanRequest(paths=[Path("shop/jobs/sync.py")], use_cache=False)
    outcome = runner.scan(request)
    assert outcome.result is not None
    assert {(f.path, f.line, f.code) for f in outcome.result.findings} == {
        ("shop/jobs/sync.py", 5, "SL003")
    }


def test_bad_input_raises_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="unknown rule code"):
        runner.scan(runner.ScanRequest(select=["ZZ9"], use_cache=False))
    with pytest.raises(ConfigError, match="no such file"):
        runner.scan(runner.ScanRequest(paths=[Path("missing.py")], use_cache=False))


def test_fix_plans_or_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"a.py": OLD_HOST, "b.py": "x = 1\n"})
    monkeypatch.chdir(tmp_path)
    planned = runner.fix(runner.FixRequest(write=False))
    assert [(f.display, f.fixed, f.error) for f in planned] == [("a.py", 1, None)]
    assert '+API = "https://open.shopline.io/v1"' in planned[0].diff
    assert (tmp_path / "a.py").read_text() == OLD_HOST
    written = runner.fix(runner.FixRequest())
    assert [f.display for f in written] == ["a.py"]
    assert (tmp_path / "a.py").read_text() == 'API = "https://open.shopline.io/v1"\n'
    assert runner.fix(runner.FixRequest()) == []


def test_the_quick_answer_gives_up_at_the_file_that_held_a_trigger_last_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full scan names the files that held a trigger literal; the next scan of the same
    paths reads them first, and gives up without walking the tree while one still does.
    The hint never changes an answer: once that file is clean, the tree is read."""
    tree = {f"shop/m{index}.py": f"x = {index}\n" for index in range(20)}
    tree["shop/z_api.py"] = 'API = "https://open.shoplineapp.com/v1"\n'
    write_tree(tmp_path, tree)
    monkeypatch.chdir(tmp_path)
    full = runner.scan(runner.ScanRequest())
    assert full.result is not None and full.result.held == [Path("shop/z_api.py")]
    assert fastpath.held([]) == [(tmp_path / "shop/z_api.py").resolve()]
    assert fastpath.held([Path("shop")]) == []  # another command, another record
    walks: list[object] = []
    real_discover = quick.discover

    def counted(*args: object, **kwargs: object) -> object:
        walks.append(args)
        return real_discover(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(quick, "discover", counted)
    config = config_for([])
    assert quick.quick_answer([], config, [], [], ()) is None and walks == []
    (tmp_path / "shop/z_api.py").write_text("API = None\n", encoding="utf-8")
    assert quick.quick_answer([], config, [], [], ()) == 21 and len(walks) == 1
    # A hinted file outside the paths scanned is not read: `shop/` alone is clean.
    (tmp_path / "api.py").write_text('API = "https://open.shoplineapp.com/v1"\n')
    runner.scan(runner.ScanRequest())
    assert fastpath.held([]) == [(tmp_path / "api.py").resolve()]
    assert quick.quick_answer([Path("shop")], config, [], [], ()) == 21
    assert quick._still_held(fastpath.held([]), [Path("shop")], _remembered()) is False


def _remembered() -> fastpath.Remembered:
    from scanner.rulepack.resources import rules_dir

    remembered = fastpath.prefilter([rules_dir()], [], [])
    assert remembered is not None
    return remembered


def test_the_record_of_held_files_is_bounded_and_a_damaged_one_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for index in range(fastpath.HELD_SCANS + 5):
        fastpath.remember_held([Path(f"d{index}")], [tmp_path / f"d{index}/a.py"])
    assert fastpath.held([Path("d0")]) == []  # the oldest scans are forgotten
    latest = fastpath.HELD_SCANS + 4
    assert fastpath.held([Path(f"d{latest}")]) == [tmp_path / f"d{latest}/a.py"]
    store = fastpath._held_store()
    store.write_text(store.read_text().replace("a.py", "b.py"))  # fails its digest
    assert fastpath.held([Path(f"d{latest}")]) == []


@pytest.mark.parametrize(
    "tree",
    [
        {"a.py": "x = 1  # noticelint: ignore[SL001]\n"},
        {"a.py": "y = 2  # noticelint: ignore\n"},
        {"a.py": "# noticelint: ignore-file[SL001]\nx = 1\n"},
        {
            "a.ipynb": '{"cells": [{"cell_type": "code", "metadata": {}, "source": '
            '["x = 1  # noticelint: ignore[SL001]\\n"], "outputs": [], "execution_count": null}],'
            ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
        },
    ],
)
def test_a_suppression_comment_is_never_answered_quickly(
    tree: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One that silences nothing, or names no code, is a finding of the full scan."""
    write_tree(tmp_path, tree)
    monkeypatch.chdir(tmp_path)
    runner.load_rules()
    for paths in ([], [Path(name) for name in tree]):
        assert quick.quick_answer(paths, config_for(paths), [], [], ()) is None
        full = runner.scan(runner.ScanRequest(paths=paths, use_cache=False))
        assert full.result is not None
        assert {f.code for f in full.result.findings} & {"NL100", "NL101"}


def test_the_quick_answer_counts_no_rule_file_of_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A team's rule folder is never scanned (its examples hold what the rules flag): the
    quick answer counts the files the full scan reads."""
    from scanner.rulepack.resources import rules_dir

    rule = (rules_dir() / "shopline" / "SL003-claim-coupon-endpoint.yaml").read_text()
    write_tree(tmp_path, {
        "app.py": "x = 1\n",
        "pyproject.toml": '[tool.noticelint]\nrule-paths = ["ci/rules"]\n',
        "ci/rules/XX003.yaml": rule.replace("code: SL003", "code: XX003"),
    })  # fmt: skip
    monkeypatch.chdir(tmp_path)
    full = runner.scan(runner.ScanRequest())
    assert full.report is not None and full.report.files_scanned == 2
    assert quick.quick_scan([]) == quick.quick_scan([Path(".")]) == 2

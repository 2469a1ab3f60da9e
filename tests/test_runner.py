"""The scan entry point, called as another program would: a request in, a report and an
exit code out, nothing printed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scanner import runner
from scanner.rulepack.errors import ConfigError
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

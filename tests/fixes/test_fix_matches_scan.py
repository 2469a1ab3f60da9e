"""`fix` changes exactly what `scan` reports as fixable under the same configuration:
inline suppressions, per-file-ignores, --select/--ignore and a baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from tests.conftest import write_tree

OLD = '"https://open.shoplineapp.com/v1"'
TREE = {
    "noticelint.toml": '[per-file-ignores]\n"legacy/*" = ["SL001"]\n',
    "app/client.py": (
        f"A = {OLD}\n"
        f"B = {OLD}  # noticelint: ignore[SL001] -- kept for the old proxy\n"
        f"C = {OLD}\n"
        "TOPIC = 'user/new_member'\n"
    ),
    "app/known.py": f"KNOWN = {OLD}\n",
    "legacy/old.py": f"OLD = {OLD}\n",
    "conf/settings.yaml": f"api: {OLD}\nproxy: {OLD}  # noticelint: ignore[SL001] -- proxy\n",
}


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def _fixable(*args: str) -> set[tuple[str, int]]:
    document = json.loads(_run("scan", "--format", "json", *args))
    return {(f["path"], f["line"]) for f in document["findings"] if f["fix"]}


def _changed(root: Path, before: dict[str, str]) -> set[tuple[str, int]]:
    changed = set()
    for name, text in before.items():
        now = (root / name).read_text().splitlines()
        changed |= {
            (name, number)
            for number, (old, new) in enumerate(zip(text.splitlines(), now, strict=True), 1)
            if old != new
        }
    return changed


@pytest.mark.parametrize(
    "args",
    [[], ["--select", "SL001"], ["--ignore", "SL001"], ["--baseline", "baseline.json"]],
    ids=["all", "select", "ignore", "baseline"],
)
def test_fix_changes_what_scan_reports_as_fixable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    write_tree(tmp_path, TREE)
    monkeypatch.chdir(tmp_path)
    if "--baseline" in args:
        _run("scan", "app/known.py", "--write-baseline", "baseline.json")
    expected = _fixable(*args)
    assert expected, "the tree must give fixable findings"
    _run("fix", *args)
    changed = _changed(tmp_path, {k: v for k, v in TREE.items() if k != "noticelint.toml"})
    assert changed == expected
    # Nothing suppressed, ignored per file or baselined was touched.
    assert ("app/client.py", 2) not in changed and ("legacy/old.py", 1) not in changed
    assert ("conf/settings.yaml", 2) not in changed
    if "--baseline" in args:
        assert ("app/known.py", 1) not in changed


SETTINGS = """\
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    api_base: str = "{base}"


settings = Settings()
"""
# Each call on one line (a backslash in the text joins its two lines here).
CLIENT = """\
import requests

from app.settings import settings


class Client:
    def __init__(self):
        self.base_url = settings.api_base

    def _post(self, path, **kwargs):
        return requests.post(self.base_url + path, **kwargs)

    def _put(self, path, **kwargs):
        return requests.put(self.base_url + path, **kwargs)

    def claim(self, code, user_id):
        return self._post("/user_coupons/singleMultiCoupon", \
json={{"couponCode": code, "userId": user_id}})

    def clear_sale(self, pid, vid):
        return self._put(f"/products/{{pid}}/variations/{{vid}}/update_price", \
json={{"price_sale": None}})
"""


@pytest.mark.parametrize(
    ("base", "fixed"),
    [("https://open.shopline.io/v1", {("app/client.py", 17), ("app/client.py", 20)}),
     ("https://api.example.com/v1", set())],
    ids=["open-api", "foreign"],
)  # fmt: skip
def test_a_finding_that_waits_for_another_module_is_fixed_when_linking_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base: str, fixed: set[tuple[str, int]]
) -> None:
    """The client's base URL is a setting of another module: SL003 and SL004 hold only once
    it is read (the Open API), and then carry their fixes, which `fix` applies; a foreign
    base gives no finding, and nothing is changed."""
    tree = {"app/settings.py": SETTINGS.format(base=base), "app/client.py": CLIENT.format()}
    write_tree(tmp_path, tree)
    monkeypatch.chdir(tmp_path)
    assert _fixable("--select", "SL003,SL004") == fixed
    _run("fix", "--unsafe-fixes", "--select", "SL003,SL004")
    assert _changed(tmp_path, tree) == fixed
    if fixed:
        client = (tmp_path / "app/client.py").read_text()
        assert 'self._post(f"/user_coupons/{code}/claim", json={"customer_id": user_id})' in client
        assert 'json={"price_sale": 0}' in client

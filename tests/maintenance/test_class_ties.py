"""A job's requests go to the Open API by a client class of another module only where that
class's base URL does: a `ShoplineClient` on `{handle}.myshopline.com` is the Admin API's,
and neither a maintenance finding nor the maintenance notice follows from it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scanner.rulepack.ruleset import RuleSet
from scanner.scan.engine import ScanResult
from tests.conftest import scan_tree, triples, write_tree

CLIENT = """\
import httpx


class ShoplineClient:
    def __init__(self, handle, client=None):
        self.base_url = {base!r}.format(handle=handle)
        self._client = client or httpx.Client(timeout=30)

    def get(self, path, params=None):
        return self._client.get(f"{{self.base_url}}{{path}}", params=params).json()
"""

JOB = """\
from apscheduler.schedulers.blocking import BlockingScheduler

from app.client import ShoplineClient

sched = BlockingScheduler(timezone="Asia/Taipei")


def pull(client: ShoplineClient):
    return client.get("/products")


def nightly():
    pull(ShoplineClient("acme"))


sched.add_job(nightly, "cron", hour=4, minute=40)
"""


def scan(tmp_path: Path, ruleset: RuleSet, base: str) -> ScanResult:
    write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/client.py": CLIENT.format(base=base),
            "app/jobs.py": JOB,
        },
    )
    return scan_tree(tmp_path, ruleset.select(["MW001"]), as_of=date(2026, 1, 1))


@pytest.mark.parametrize(
    ("base", "found", "reached"),
    [
        ("https://{handle}.myshopline.com/admin/openapi/v20260301", set(), set()),
        (
            "https://open.shopline.io/v1",
            {("app/jobs.py", 16, "MW001")},
            {("shopline", "open_api")},
        ),
    ],
)
def test_a_class_of_another_module_ties_a_job_only_where_its_base_goes(
    tmp_path: Path,
    ruleset: RuleSet,
    base: str,
    found: set[tuple[str, int, str]],
    reached: set[tuple[str, str]],
) -> None:
    """The job fires 2026-01-19 04:40 Taipei, inside the upgrade that stops the Open API."""
    result = scan(tmp_path, ruleset, base)
    assert triples(result) == found
    assert result.integrations == reached

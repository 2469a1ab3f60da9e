"""What the call graph says each function reaches: its own services and, however deep, those
of every function it calls, through cycles as well."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from scanner.maintenance import services
from scanner.maintenance.services import CallGraph, FunctionUsage
from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, write_tree

OPEN_API = ("shopline", "open_api")
RMS = ("rakuten", "rms")


def _graph(functions: dict[str, FunctionUsage]) -> CallGraph:
    """One module, `shop`, holding `functions`."""
    return CallGraph({"shop": functions})


def test_services_are_carried_back_however_deep() -> None:
    graph = _graph(
        {
            "job": FunctionUsage(callees=frozenset({"a"})),
            "a": FunctionUsage(callees=frozenset({"b"})),
            "b": FunctionUsage(callees=frozenset({"c"})),
            "c": FunctionUsage(services=frozenset({OPEN_API})),
            "idle": FunctionUsage(callees=frozenset({"print"})),
        }
    )
    assert graph.services([("shop", "job")]) == {OPEN_API}
    assert graph.services([("shop", "a")]) == {OPEN_API}
    assert graph.services([("shop", "idle")]) == set()


def test_a_cycle_reaches_what_any_of_its_functions_reaches() -> None:
    """Mutual recursion: each function of the cycle reaches both services, and a caller of
    the cycle too; a function the cycle calls reaches only its own."""
    graph = _graph(
        {
            "ping": FunctionUsage(services=frozenset({OPEN_API}), callees=frozenset({"pong"})),
            "pong": FunctionUsage(callees=frozenset({"ping", "leaf"})),
            "leaf": FunctionUsage(services=frozenset({RMS})),
            "caller": FunctionUsage(callees=frozenset({"pong"})),
            "itself": FunctionUsage(callees=frozenset({"itself"})),
        }
    )
    for name in ("ping", "pong", "caller"):
        assert graph.services([("shop", name)]) == {OPEN_API, RMS}, name
    assert graph.services([("shop", "leaf")]) == {RMS}
    assert graph.services([("shop", "itself")]) == set()


def test_two_paths_to_one_function_and_services_met_on_the_way() -> None:
    graph = _graph(
        {
            "top": FunctionUsage(callees=frozenset({"left", "right"})),
            "left": FunctionUsage(services=frozenset({RMS}), callees=frozenset({"bottom"})),
            "right": FunctionUsage(callees=frozenset({"bottom"})),
            "bottom": FunctionUsage(services=frozenset({OPEN_API})),
        }
    )
    assert graph.services([("shop", "top")]) == {OPEN_API, RMS}
    assert graph.services([("shop", "right")]) == {OPEN_API}
    assert graph.reached == {
        ("shop", "top"): {OPEN_API, RMS},
        ("shop", "left"): {OPEN_API, RMS},
        ("shop", "right"): {OPEN_API},
        ("shop", "bottom"): {OPEN_API},
    }


def test_the_call_graph_is_built_only_for_a_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ruleset: RuleSet
) -> None:
    """What each module reaches is read from its own summary: a tree without jobs never
    builds the call graph (for a whole tree, a fifth of a heavy scan), one with a job does,
    and finds what the job reaches through it."""
    built: list[int] = []
    real = services.CallGraph.__init__

    def counted(self: CallGraph, *args: Any, **kwargs: Any) -> None:
        built.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(services.CallGraph, "__init__", counted)
    write_tree(
        tmp_path,
        {
            "shop/api.py": 'import requests\n\n\ndef pull():\n    return requests.get('
            '"https://open.shopline.io/v1/orders.json")\n',
            "shop/sync.py": "from shop.api import pull\n\n\ndef run():\n    pull()\n",
        },
    )  # fmt: skip
    found = scan_tree(tmp_path, ruleset, as_of=date(2026, 12, 1))
    assert built == [] and found.integrations and not found.jobs
    write_tree(
        tmp_path,
        {
            "shop/jobs.py": "from apscheduler.schedulers.blocking import BlockingScheduler\n"
            "from shop.sync import run\n\nscheduler = BlockingScheduler(timezone='UTC')\n"
            "scheduler.add_job(run, 'cron', hour=3)\n",
        },
    )  # fmt: skip
    found = scan_tree(tmp_path, ruleset, as_of=date(2026, 12, 1))
    assert built == [1]
    ((_, reached),) = found.jobs
    assert reached is not None and any(service[0] == "shopline" for service in reached)


def test_a_builtin_called_by_name_is_not_another_modules_method(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """`list(rows)` runs the interpreter's `list`, not the `list` method a client class of
    another module defines (`WebhooksApi.list`, which calls the Open API); a module that
    binds the name itself (`from shop.webhooks import list`) does run that one."""
    write_tree(
        tmp_path,
        {
            "shop/webhooks.py": "import requests\n\n\nclass WebhooksApi:\n    def list(self):\n"
            "        return requests.get('https://open.shopline.io/v1/webhooks')\n\n\n"
            "def list_all():\n    return requests.get('https://open.shopline.io/v1/webhooks')\n",
            "shop/jobs.py": "from apscheduler.schedulers.blocking import BlockingScheduler\n\n"
            "scheduler = BlockingScheduler(timezone='UTC')\n\n\n"
            "def tidy(rows):\n    return sorted(list(rows))\n\n\n"
            "scheduler.add_job(tidy, 'cron', hour=3)\n",
            "shop/bound.py": "from apscheduler.schedulers.blocking import BlockingScheduler\n\n"
            "from shop.webhooks import list_all as list\n\n"
            "scheduler = BlockingScheduler(timezone='UTC')\n\n\n"
            "def pull():\n    return list()\n\n\n"
            "scheduler.add_job(pull, 'cron', hour=4)\n",
        },
    )  # fmt: skip
    found = scan_tree(tmp_path, ruleset, as_of=date(2026, 12, 1))
    reached = {job.where.path: services for job, services in found.jobs}
    assert reached["shop/jobs.py"] == set()
    assert reached["shop/bound.py"] == {OPEN_API}


def test_a_base_url_kept_in_a_config_object_the_client_holds(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """`self._cfg.base_url`, a field of the config class whose instance the client holds
    (annotated in `__init__`), is the base of its requests: the job reaches the Rakuten
    order API through it."""
    write_tree(
        tmp_path,
        {
            "shop/rms.py": "from dataclasses import dataclass\n\nimport requests\n\n\n"
            "@dataclass(frozen=True)\nclass RmsConfig:\n    key: str\n"
            "    base_url: str = 'https://api.rms.rakuten.co.jp/es/2.0'\n\n\n"
            "class RmsClient:\n    def __init__(self, cfg: RmsConfig):\n        self._cfg = cfg\n\n"
            "    def search(self):\n        return requests.post(f'{self._cfg.base_url}"
            "/order/searchOrder/', json={})\n",
            "shop/jobs.py": "from apscheduler.schedulers.blocking import BlockingScheduler\n\n"
            "from shop.rms import RmsClient, RmsConfig\n\n"
            "scheduler = BlockingScheduler(timezone='Asia/Tokyo')\n\n\n"
            "def poll():\n    return RmsClient(RmsConfig('k')).search()\n\n\n"
            "scheduler.add_job(poll, 'cron', hour=3)\n",
        },
    )  # fmt: skip
    found = scan_tree(tmp_path, ruleset, as_of=date(2026, 12, 1))
    ((_, reached),) = found.jobs
    assert reached is not None and {platform for platform, _ in reached} == {"rakuten"}

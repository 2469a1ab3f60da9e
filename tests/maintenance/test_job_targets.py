"""What a job runs, followed through shell scripts, Celery tasks sent by name or `.delay()`,
and task names that are dotted paths of the tree's modules."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

PULL = """\
import requests


def pull():
    return requests.get("https://open.shopline.io/v1/orders", timeout=30).json()
"""

TREE = {
    # Every line fires Monday 2026-01-19 04:40 Taipei time, inside the Open API's upgrade.
    "deploy/crontab": """\
CRON_TZ=Asia/Taipei
40 4 * * 1 sh /srv/app/bin/sync.sh >> /var/log/sync.log 2>&1
40 4 * * 1 /srv/app/bin/missing.sh
40 4 * * 1 sh /srv/app/bin/cleanup.sh
40 4 * * 1 cd /srv/app && python -c "import shopsync.fetch as fetch; fetch.pull()"
""",
    "bin/sync.sh": "#!/bin/sh\nset -eu\ncd /srv/app\nexec python -m shopsync\n",
    "bin/cleanup.sh": "#!/bin/sh\nfind /var/lib/app -mtime +30 -delete\n",
    "shopsync/__init__.py": "",
    "shopsync/__main__.py": "from shopsync.fetch import pull\n\npull()\n",
    "shopsync/fetch.py": PULL,
    "shop/__init__.py": "",
    "shop/tasks.py": """\
from celery import shared_task

from shopsync.fetch import pull


@shared_task
def pull_orders():
    return pull()


@shared_task(name="housekeeping")
def tidy():
    return None


def kick_off():
    pull_orders.delay()


def by_name():
    from shop.celery import app

    app.send_task("shop.tasks.pull_orders")
""",
    "shop/celery.py": """\
from celery import Celery
from celery.schedules import crontab

app = Celery("shop")
app.conf.timezone = "Asia/Taipei"
app.autodiscover_tasks(["shop"])
app.conf.beat_schedule = {
    "a": {"task": "shop.tasks.pull_orders", "schedule": crontab(minute=40, hour=4)},
    "b": {"task": "shop.tasks.kick_off", "schedule": crontab(minute=41, hour=4)},
    "c": {"task": "shop.tasks.by_name", "schedule": crontab(minute=42, hour=4)},
    "d": {"task": "housekeeping", "schedule": crontab(minute=43, hour=4)},
    "e": {"task": "shop.tasks.gone", "schedule": crontab(minute=44, hour=4)},
}
""",
}


@pytest.fixture
def document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[dict[str, str]]]:
    write_tree(tmp_path, TREE)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["scan", "--format", "json", "--select", "MW001", "--as-of", "2026-01-01"]
    )
    found: dict[str, list[dict[str, str]]] = json.loads(result.stdout)
    return found


def test_jobs_are_followed_to_the_code_they_run(
    document: dict[str, list[dict[str, str]]],
) -> None:
    assert {(f["path"], f["line"], f["severity"]) for f in document["findings"]} == {
        ("deploy/crontab", 2, "warning"),  # the script runs `python -m shopsync`
        ("deploy/crontab", 3, "warning"),  # a script the tree does not hold: cannot tell
        ("deploy/crontab", 5, "warning"),  # Python's code given with -c imports the module
        ("shop/celery.py", 8, "warning"),  # the task its dotted name points at
        ("shop/celery.py", 9, "warning"),  # `.delay()` of that task
        ("shop/celery.py", 10, "warning"),  # `send_task` by its name
        ("shop/celery.py", 12, "warning"),  # a dotted name no function of its module has
    }
    told = [f for f in document["findings"] if f["line"] in (3, 12)]
    assert all(f["message"].startswith("cannot tell what") for f in told)
    (python_c,) = [f for f in document["findings"] if f["line"] == 5]
    assert python_c["message"].startswith("crontab job"), python_c["message"]


def test_what_cannot_be_told_is_listed(document: dict[str, list[dict[str, str]]]) -> None:
    assert {(u["path"], u["line"]) for u in document["unresolved"]} == {
        ("deploy/crontab", 3),
        ("shop/celery.py", 12),
    }


@pytest.mark.parametrize(
    ("lines", "zone", "source"),
    [
        (["CRON_TZ=UTC", "TZ=Asia/Taipei"], "UTC", "CRON_TZ= on line 1"),
        (["TZ=Asia/Taipei", "CRON_TZ=UTC"], "UTC", "CRON_TZ= on line 2"),
        (["TZ=Asia/Taipei"], "Asia/Taipei", "TZ= on line 1"),
        (["CRON_TZ=Asia/Taipei", "CRON_TZ=UTC"], "UTC", "CRON_TZ= on line 2"),
    ],
)
def test_cron_tz_wins_over_tz_in_a_crontab(lines: list[str], zone: str, source: str) -> None:
    from scanner.maintenance.cronfiles import crontab_jobs

    (found,) = list(crontab_jobs("\n".join([*lines, "40 4 * * 1 python job.py", ""])))
    assert (found.job.zone, found.job.zone_source) == (zone, source)


def test_a_textual_reference_names_module_and_function(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`add_job("shop.sync:pull", …)`: the function `pull` of `shop/sync.py`, told the same
    by `scan` and `jobs` (which parses every module, the package's `__init__` too)."""
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "VERSION = 1\n",
            "shop/sync.py": PULL,
            "jobs.py": (
                "from apscheduler.schedulers.blocking import BlockingScheduler\n"
                'sched = BlockingScheduler(timezone="Asia/Taipei")\n'
                'sched.add_job("shop.sync:pull", "cron", hour=4, minute=40)\n'
                'sched.add_job("shop.sync:gone", "cron", hour=4, minute=41)\n'
            ),
        },
    )
    monkeypatch.chdir(tmp_path)
    scanned = CliRunner().invoke(
        main, ["scan", "--format", "json", "--select", "MW001", "--as-of", "2026-01-01"]
    )
    document = json.loads(scanned.stdout)
    assert {(f["line"], f["severity"]) for f in document["findings"]} == {
        (3, "warning"),
        (4, "warning"),
    }
    assert [u["line"] for u in document["unresolved"]] == [4]
    listed = CliRunner().invoke(main, ["jobs", "--format", "json", "--as-of", "2026-01-01"])
    reaches = {j["line"]: j["reaches"] for j in json.loads(listed.stdout)["jobs"]}
    assert reaches == {3: ["shopline:open_api"], 4: None}


def test_a_system_crontab_names_the_user_before_the_command(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """In a `cron.d` file each line names the user the command runs as; `root` before a
    command is read so anywhere (no program is named so). The job runs the command."""
    from scanner.maintenance.cronfiles import crontab_jobs

    table = "CRON_TZ=Asia/Taipei\n40 4 * * 1 app\tcd /srv && python -m shop.cli\n"
    (system,) = crontab_jobs(table, with_user=True)
    assert system.job.target.command == "cd /srv && python -m shop.cli"
    (user,) = crontab_jobs(table)
    assert user.job.target.command == "app\tcd /srv && python -m shop.cli"
    (rooted,) = crontab_jobs("40 4 * * 1 root python job.py\n")
    assert rooted.job.target.command == "python job.py"
    (alone,) = crontab_jobs("40 4 * * 1 backup\n", with_user=True)  # a command, no user
    assert alone.job.target.command == "backup"
    write_tree(
        tmp_path,
        {
            "deploy/cron.d/shop": table,
            "shop/__init__.py": "",
            "shop/cli.py": "import requests\n\n"
            'requests.get("https://open.shopline.io/v1/orders", timeout=9)\n',
        },
    )
    result = scan_tree(tmp_path, ruleset.select(["MW001"]))
    ((placed, services),) = result.jobs
    assert placed.job.name == "`cd /srv && python -m shop.cli`" and services


SYNC_CLASSES = {
    "shopline_sync.py": (
        "import requests\n\n\nclass ShoplineSync:\n    def run(self):\n"
        '        return requests.get("https://open.shopline.io/v1/orders", timeout=10)\n'
    ),
    "shopify_sync.py": (
        "import requests\n\n\nclass ShopifySync:\n    def run(self):\n"
        '        return requests.get("https://acme.myshopify.com/admin/api/2024-01/orders.json")\n'
    ),
}
SHOPIFY_PULL = """\
import requests


def pull():
    return requests.get("https://acme.myshopify.com/admin/api/2024-01/orders.json").json()
"""
JOB_HEAD = (
    "from apscheduler.schedulers.blocking import BlockingScheduler\n"
    "{imports}\n"
    'sched = BlockingScheduler(timezone="Asia/Taipei")\n\n\n'
    "def nightly():\n"
)


@pytest.mark.parametrize(
    ("imports", "body", "reached"),
    [
        # A method called through an instance of a class the code names reaches that
        # class's method only, not another class's of the same name.
        ("from shopify_sync import ShopifySync", "    ShopifySync().run()\n", []),
        ("from shopify_sync import ShopifySync", "    s = ShopifySync()\n    s.run()\n", []),
        ("from shopline_sync import ShoplineSync", "    ShoplineSync().run()\n",
         ["shopline:open_api"]),
        ("from shopline_sync import ShoplineSync as Sync", "    Sync().run()\n",
         ["shopline:open_api"]),
        # An instance whose class the code does not tell: any method of that name.
        ("from factory import make", "    make().run()\n", ["shopline:open_api"]),
        # A function imported under another name is the function it names.
        ("from api import pull as pull_orders", "    pull_orders()\n", ["shopline:open_api"]),
        # Functions of one name in two modules: the one the job's module imports, however.
        ("from shopify_api import pull", "    pull()\n", []),
        ("import shopify_api", "    shopify_api.pull()\n", []),
        ("import shopify_api as sp", "    sp.pull()\n", []),
        ("from shop import shopify_api", "    shopify_api.pull()\n", []),
        ("from api import pull", "    pull()\n", ["shopline:open_api"]),
        ("import api", "    api.pull()\n", ["shopline:open_api"]),
        ("from shop import shopify_api as sapi", "    sapi.pull()\n", []),
        ("import shop.shopify_api", "    shop.shopify_api.pull()\n", []),
        # A package that hands on its module's function.
        ("import shopify_pkg", "    shopify_pkg.pull()\n", []),
        ("from shopify_pkg import pull", "    pull()\n", []),
        # Two functions of one name, imported under two others.
        ("from shopify_api import pull as spull\nfrom api import pull as lpull",
         "    spull()\n", []),
        ("from shopify_api import pull as spull\nfrom api import pull as lpull",
         "    lpull()\n", ["shopline:open_api"]),
        # A module the tree does not hold: every function of that name.
        ("from vendor_sdk import pull", "    pull()\n", ["shopline:open_api"]),
    ],
)  # fmt: skip
def test_what_a_job_reaches_follows_classes_and_import_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, imports: str, body: str, reached: list[str]
) -> None:
    write_tree(
        tmp_path,
        {
            **SYNC_CLASSES,
            "api.py": PULL,
            "shopify_api.py": SHOPIFY_PULL,
            "shop/__init__.py": "",
            "shop/shopify_api.py": SHOPIFY_PULL,
            "shopify_pkg/__init__.py": "from .api import pull\n",
            "shopify_pkg/api.py": SHOPIFY_PULL,
            "factory.py": "def make():\n    return object()\n",
            "jobs.py": JOB_HEAD.format(imports=imports)
            + body
            + '\n\nsched.add_job(nightly, "cron", hour=4, minute=45)\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    listed = CliRunner().invoke(main, ["jobs", "--format", "json", "--as-of", "2026-01-01"])
    assert [j["reaches"] for j in json.loads(listed.stdout)["jobs"]] == [reached]


def test_a_job_given_a_function_imported_under_another_name_runs_that_function(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    write_tree(
        tmp_path,
        {
            "api.py": PULL,
            "jobs.py": (
                "from apscheduler.schedulers.blocking import BlockingScheduler\n"
                "from api import pull as pull_orders\n"
                'sched = BlockingScheduler(timezone="Asia/Taipei")\n'
                'sched.add_job(pull_orders, "cron", hour=4, minute=45)\n'
            ),
        },
    )
    result = scan_tree(tmp_path, ruleset.select(["MW001"]), as_of=date(2026, 1, 1))
    assert triples(result) == {("jobs.py", 4, "MW001")}
    assert result.unresolved == []


@pytest.mark.parametrize("prefilter", [True, False], ids=["prefilter", "full"])
def test_a_job_given_a_modules_function_runs_that_modules_function(
    tmp_path: Path, ruleset: RuleSet, prefilter: bool
) -> None:
    """`add_job(shopify_api.pull, …)` runs Shopify's `pull`, not every `pull`; a Celery task
    named by `@app.task(name=…)` runs the function it is given, whatever its callee's name."""
    write_tree(
        tmp_path,
        {
            "api.py": PULL,
            "shopify_api.py": SHOPIFY_PULL,
            "shopify_pkg/__init__.py": "from .api import pull\n",
            "shopify_pkg/api.py": SHOPIFY_PULL,
            "jobs.py": (
                "from apscheduler.schedulers.blocking import BlockingScheduler\n"
                "import api\nimport shopify_api\nimport shopify_pkg\n"
                'sched = BlockingScheduler(timezone="Asia/Taipei")\n'
                'sched.add_job(shopify_api.pull, "cron", hour=4, minute=45)\n'
                'sched.add_job(shopify_pkg.pull, "cron", hour=4, minute=45)\n'
                'sched.add_job(api.pull, "cron", hour=4, minute=45)\n'
            ),
            "tasks.py": (
                "from celery import Celery\n"
                "from celery.schedules import crontab\n"
                "from api import pull as shopline_pull\n"
                "from shopify_api import pull as shopify_pull\n\n"
                'app = Celery("shop")\napp.conf.timezone = "Asia/Taipei"\n\n\n'
                '@app.task(name="shopify.pull")\ndef pull_shopify():\n    shopify_pull()\n\n\n'
                '@app.task(name="shopline.pull")\ndef pull_shopline():\n    shopline_pull()\n\n\n'
                "app.conf.beat_schedule = {\n"
                '    "a": {"task": "shopify.pull", "schedule": crontab(minute=45, hour=4)},\n'
                '    "b": {"task": "shopline.pull", "schedule": crontab(minute=45, hour=4)},\n'
                "}\n"
            ),
        },
    )
    result = scan_tree(
        tmp_path, ruleset.select(["MW001"]), as_of=date(2026, 1, 1), use_prefilter=prefilter
    )
    assert triples(result) == {("jobs.py", 8, "MW001"), ("tasks.py", 22, "MW001")}


RAKUTEN_CLIENT = """\
import requests

from rk import settings


class ApiClient:
    base_url = settings.RAKUTEN_API_BASE

    def post(self, path, body):
        return requests.post(f"{self.base_url}{path}", json=body, timeout=60).json()
"""
RAKUTEN_JOBS = """\
from apscheduler.schedulers.blocking import BlockingScheduler

from rk.client import ApiClient
from rk.local import search_here

sched = BlockingScheduler(timezone="Asia/Tokyo")


def search_orders():
    return ApiClient().post("/order/searchOrder/", {"dateType": 1})


def push_stock():
    client = ApiClient()
    return client.post("/inventory/updateInventoryExternal/", {})


sched.add_job(search_orders, "cron", day_of_week="sun", hour=3)
sched.add_job(push_stock, "cron", day_of_week="sun", hour=3)
sched.add_job(search_here, "cron", day_of_week="sun", hour=3)
"""
RAKUTEN_LOCAL = """\
import requests

BASE = "https://api.rms.rakuten.co.jp/es/2.0"


class Client:
    base_url = BASE

    def post(self, path, body):
        return requests.post(f"{self.base_url}{path}", json=body, timeout=60)


def search_here():
    return Client().post("/order/searchOrder/", {})
"""


@pytest.mark.parametrize("prefilter", [True, False], ids=["prefilter", "full"])
def test_a_job_reaches_what_a_client_class_sends_to_wherever_its_base_url_is_kept(
    tmp_path: Path, ruleset: RuleSet, prefilter: bool
) -> None:
    """A request made through a client class's method (`ApiClient().post(path)`, or
    `client = ApiClient(); client.post(path)`) goes to the class's base URL, also when the
    class and its base URL are kept in other modules: a Rakuten order job in the 2020
    window is RK001; the inventory job, whose API the window leaves up, is not."""
    write_tree(
        tmp_path,
        {
            "rk/__init__.py": "",
            "rk/settings.py": 'RAKUTEN_API_BASE = "https://api.rms.rakuten.co.jp/es/2.0"\n',
            "rk/client.py": RAKUTEN_CLIENT,
            "rk/local.py": RAKUTEN_LOCAL,
            "rk/jobs.py": RAKUTEN_JOBS,
        },
    )
    result = scan_tree(
        tmp_path, ruleset.select(["RK001"]), as_of=date(2020, 5, 1), use_prefilter=prefilter
    )
    assert triples(result) == {("rk/jobs.py", 18, "RK001"), ("rk/jobs.py", 20, "RK001")}


UNTOLD_BASE = """\
import os

import requests
from apscheduler.schedulers.blocking import BlockingScheduler

sched = BlockingScheduler(timezone="Asia/Taipei")


class Client:
    def __init__(self):
        self.base_url = os.environ["{setting}"].rstrip("/")

    def get(self, path):
        return requests.get(f"{{self.base_url}}{{path}}", timeout=30).json()


def nightly():
    return Client().get("/v1/orders")


sched.add_job(nightly, "cron", hour=4, minute=45)
"""


@pytest.mark.parametrize(
    ("setting", "found"),
    [("LEGACY_ERP_BASE", set()), ("SHOPLINE_API_BASE", {("jobs.py", 21, "MW001")})],
)
def test_a_base_url_the_code_does_not_tell_is_judged_by_its_name_not_its_path(
    tmp_path: Path, ruleset: RuleSet, setting: str, found: set[tuple[str, int, str]]
) -> None:
    """A client whose base URL is a value the scan cannot read goes where its names tie it,
    as the rules read it: `/v1/orders` on an ERP's base is not the Open API's, on a base
    named for SHOPLINE it is."""
    write_tree(tmp_path, {"jobs.py": UNTOLD_BASE.format(setting=setting)})
    result = scan_tree(tmp_path, ruleset.select(["MW001"]), as_of=date(2026, 1, 1))
    assert triples(result) == found


def test_a_scheduler_imported_from_another_module_keeps_its_zone(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """A scheduler made (or configured) with its zone in one module, and given jobs in
    another: the jobs run in that zone, said as where it comes from."""
    write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/api.py": PULL,
            "app/sched.py": (
                "from apscheduler.schedulers.background import BackgroundScheduler\n\n"
                "scheduler = BackgroundScheduler()\n"
                'scheduler.configure(timezone="Asia/Taipei")\n'
            ),
            "app/jobs.py": (
                "from app.api import pull\nfrom app.sched import scheduler\n\n"
                'scheduler.add_job(pull, "cron", hour=4, minute=45)\n'
            ),
        },
    )
    result = scan_tree(tmp_path, ruleset.select(["MW001"]), as_of=date(2026, 1, 1))
    assert triples(result) == {("app/jobs.py", 4, "MW001")}
    ((_, job),) = [(placed, placed.job) for placed, _ in result.jobs]
    assert (job.zone, job.zone_stated, job.zone_source) == (
        "Asia/Taipei", True, "the timezone= of scheduler, imported from app.sched",
    )  # fmt: skip


def test_a_paused_job_is_listed_as_paused_and_reported_in_no_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CronJob with `suspend: true`, and an APScheduler job added with `next_run_time=None`
    in a module that resumes none, fire in no window; one the module resumes may."""
    cronjob = (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: sync\nspec:\n"
        '  schedule: "45 4 * * *"\n  timeZone: Asia/Taipei\n  suspend: {suspend}\n'
        "  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n"
        '            - name: sync\n              command: ["python", "-m", "api"]\n'
    )
    aps = (
        "from apscheduler.schedulers.background import BackgroundScheduler\n"
        "from api import pull\n"
        'sched = BackgroundScheduler(timezone="Asia/Taipei")\n'
        'sched.add_job(pull, "cron", hour=4, minute=45, next_run_time=None, id="p")\n'
    )
    write_tree(
        tmp_path,
        {
            "api.py": PULL + "\npull()\n",
            "k8s/paused.yaml": cronjob.format(suspend="true"),
            "k8s/running.yaml": cronjob.format(suspend="false"),
            "paused.py": aps,
            "resumed.py": aps + 'sched.resume_job("p")\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    scanned = CliRunner().invoke(
        main, ["scan", "--format", "json", "--select", "MW001", "--as-of", "2026-01-01"]
    )
    document = json.loads(scanned.stdout)
    assert {(f["path"], f["line"]) for f in document["findings"]} == {
        ("k8s/running.yaml", 6),
        ("resumed.py", 4),
    }
    assert document["unresolved"] == []
    listed = CliRunner().invoke(main, ["jobs", "--format", "json", "--as-of", "2026-01-01"])
    jobs = json.loads(listed.stdout)["jobs"]
    assert {(j["path"], j["paused"], len(j["firings"])) for j in jobs} == {
        ("k8s/paused.yaml", "spec.suspend: true", 0),
        ("k8s/running.yaml", None, 1),
        ("paused.py", "added with next_run_time=None", 0),
        ("resumed.py", None, 1),
    }


@pytest.mark.parametrize(
    "made",
    [
        'app = Celery("shop")\napp.conf.timezone = "Asia/Taipei"\n',
        'app = Celery("shop", timezone="Asia/Taipei")\n',
    ],
)
def test_a_celery_app_imported_from_another_module_keeps_its_zone(
    tmp_path: Path, ruleset: RuleSet, made: str
) -> None:
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/celery_app.py": "from celery import Celery\n\n" + made,
            "shop/beat.py": (
                "from celery.schedules import crontab\n\nfrom shop.celery_app import app\n\n"
                'app.conf.beat_schedule = {"pull": {"task": "shop.tasks.pull", '
                '"schedule": crontab(hour=4, minute=45)}}\n'
            ),
            "shop/tasks.py": "from celery import shared_task\n"
            + PULL.replace("def pull", "@shared_task\ndef pull"),
        },
    )
    result = scan_tree(tmp_path, ruleset.select(["MW001"]), as_of=date(2026, 1, 1))
    assert triples(result) == {("shop/beat.py", 5, "MW001")}
    ((placed, _),) = result.jobs
    assert (placed.job.zone, placed.job.zone_stated) == ("Asia/Taipei", True)


@pytest.mark.parametrize(
    ("settings", "zone"),
    [
        # The settings are read and state a zone: it.
        ({"config/settings.py": 'TIME_ZONE = "Asia/Taipei"\nCELERY_TIMEZONE = TIME_ZONE\n'},
         ("Asia/Taipei", True)),
        # Read, and stating none: Celery's default, UTC, as stated.
        ({"config/settings.py": "DEBUG = False\n"}, ("UTC", True)),
        # Not in the tree (a hook names the beat module alone, say): UTC, assumed.
        ({}, ("UTC", False)),
    ],
)  # fmt: skip
def test_a_celery_zone_in_settings_that_are_not_read_is_assumed(
    tmp_path: Path, ruleset: RuleSet, settings: dict[str, str], zone: tuple[str, bool]
) -> None:
    write_tree(
        tmp_path,
        {
            **settings,
            "config/__init__.py": "",
            "config/celery.py": (
                "from celery import Celery\nfrom celery.schedules import crontab\n\n"
                'app = Celery("config")\n'
                'app.config_from_object("django.conf:settings", namespace="CELERY")\n'
                'app.conf.beat_schedule = {"pull": {"task": "shop.tasks.pull", '
                '"schedule": crontab(hour=4, minute=45)}}\n'
            ),
        },
    )
    result = scan_tree(tmp_path, ruleset.select(["MW001"]), as_of=date(2026, 1, 1))
    ((placed, _),) = result.jobs
    assert (placed.job.zone, placed.job.zone_stated) == zone


HANDED = """\
import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from apscheduler.schedulers.asyncio import AsyncIOScheduler

sched = AsyncIOScheduler(timezone="Asia/Taipei")


def pull(since):
    return requests.get("https://open.shopline.io/v1/orders", params={{"since": since}})


async def job():
    {runs}


sched.add_job(job, "cron", hour=4, minute=40)
"""


@pytest.mark.parametrize(
    "runs",
    [
        'await asyncio.to_thread(pull, "2h")',
        'await asyncio.get_running_loop().run_in_executor(None, pull, "2h")',
        'ThreadPoolExecutor().submit(pull, "2h").result()',
        'threading.Thread(target=pull, args=("2h",)).start()',
    ],
)
def test_a_function_handed_to_a_thread_or_executor_is_what_the_job_runs(
    tmp_path: Path, ruleset: RuleSet, runs: str
) -> None:
    write_tree(tmp_path, {"jobs.py": HANDED.format(runs=runs)})
    found = scan_tree(tmp_path, ruleset.select(["MW001"]), as_of=date(2026, 1, 1))
    assert triples(found) == {("jobs.py", 19, "MW001")}


def test_a_job_reaches_the_open_api_through_a_client_its_module_hands_around(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`main` builds the client class another module defines and hands it to `fetch`, whose
    `client.get("orders", …)` is that class's request: the CronJob that runs the module
    reaches the Open API."""
    client = (
        "import requests\n\nAPI = 'https://open.shopline.io/v1'\n\n\nclass Client:\n"
        "    def get(self, path, params=None):\n"
        "        return requests.get(f'{API}/{path}', params=params, timeout=30).json()\n"
    )
    orders = (
        "from exporter.client import Client\n\n\ndef fetch(client, since):\n"
        "    return client.get('orders', {'updated_after': since})\n\n\n"
        "def main():\n    fetch(Client(), '2026-01-01')\n\n\nmain()\n"
    )
    cronjob = (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: export\nspec:\n"
        '  schedule: "45 5 * * *"\n  timeZone: Asia/Tokyo\n'
        "  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n"
        '            - name: export\n              command: ["python", "-m", "exporter.orders"]\n'
    )
    write_tree(
        tmp_path,
        {
            "exporter/__init__.py": "",
            "exporter/client.py": client,
            "exporter/orders.py": orders,
            "k8s/export.yaml": cronjob,
        },
    )
    monkeypatch.chdir(tmp_path)
    # Every rule, and MW001 alone: the client's module holds no literal of MW001's, and is
    # read for the job all the same.
    for chosen in ([], ["--select", "MW001"]):
        scanned = CliRunner().invoke(
            main, ["scan", "--format", "json", "--as-of", "2026-01-01", *chosen]
        )
        document = json.loads(scanned.stdout)
        assert {(f["path"], f["line"], f["code"]) for f in document["findings"]} == {
            ("k8s/export.yaml", 6, "MW001")
        }, chosen

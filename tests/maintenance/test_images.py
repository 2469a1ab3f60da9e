"""The zone a container image runs its crontab in, from the Dockerfile that installs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.maintenance.images import ImageZone, image_zones, installs
from tests.conftest import write_tree


def test_env_tz_and_a_copied_crontab() -> None:
    text = """\
FROM python:3.12-slim
# the shop's zone
ENV TZ=Asia/Taipei \\
    PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y cron
COPY deploy/crontab /etc/cron.d/shop
CMD ["cron", "-f"]
"""
    assert image_zones("Dockerfile", text) == [
        ImageZone(
            "Dockerfile",
            "Asia/Taipei",
            "ENV TZ= on line 3 of Dockerfile",
            ("deploy/crontab",),
            ("cron -f",),
        )
    ]


def test_localtime_link_through_an_arg_and_crontab_command() -> None:
    text = """\
FROM debian:12
ARG ZONE=Asia/Tokyo
RUN ln -snf /usr/share/zoneinfo/${ZONE} /etc/localtime && echo $ZONE > /etc/timezone
COPY jobs.txt /app/jobs.txt
RUN crontab /app/jobs.txt
"""
    (image,) = image_zones("ops/Dockerfile", text)
    assert (image.zone, image.crontabs) == ("Asia/Tokyo", ("jobs.txt",))
    assert image.source == "/etc/localtime linked by RUN on line 3 of ops/Dockerfile"


def test_env_tz_wins_over_localtime_and_stages_are_apart() -> None:
    text = """\
FROM python:3.12 AS base
ENV TZ Europe/London
RUN ln -sf /usr/share/zoneinfo/UTC /etc/localtime

FROM base AS cron
COPY crontab /etc/crontabs/root

FROM python:3.12 AS web
COPY web.cron /etc/cron.d/web
"""
    (image,) = image_zones("Dockerfile", text)
    assert (image.zone, image.crontabs) == ("Europe/London", ("crontab",))


def test_no_zone_or_no_crontab_gives_nothing() -> None:
    assert image_zones("Dockerfile", "FROM x\nCOPY deploy/crontab /etc/cron.d/a\n") == []
    assert image_zones("Dockerfile", "FROM x\nENV TZ=Asia/Taipei\nCOPY app.py /app/\n") == []
    assert image_zones("Dockerfile", "FROM x\nENV TZ=$ZONE\nCOPY crontab /etc/cron.d/a\n") == []


@pytest.mark.parametrize(
    ("dockerfile", "source", "crontab", "expected"),
    [
        ("docker/Dockerfile", "crontab", "docker/crontab", True),
        ("docker/Dockerfile", "./crontab", "docker/crontab", True),
        ("Dockerfile", "deploy/crontab", "deploy/crontab", True),
        ("docker/Dockerfile", "deploy/crontab", "deploy/crontab", True),  # context at the root
        ("docker/Dockerfile", "crontab", "other/crontab", False),
        ("Dockerfile", "deploy/crontab", "deploy/crontab.bak", False),
    ],
)
def test_which_crontab_an_image_installs(
    dockerfile: str, source: str, crontab: str, expected: bool
) -> None:
    image = ImageZone(dockerfile, "Asia/Taipei", "ENV TZ=", (source,))
    assert installs(image, crontab) is expected


TREE = {
    "docker/Dockerfile": (
        "FROM python:3.12-slim\nENV TZ=Asia/Taipei\nCOPY crontab /etc/cron.d/shop\n"
        'CMD ["cron", "-f"]\n'
    ),
    "docker/crontab": "40 4 * * 1 cd /app && python jobs/pull.py\n",
    "deploy/crontab": "40 4 * * 1 cd /app && python jobs/pull.py\n",
    "jobs/pull.py": (
        'import requests\n\nrequests.get("https://open.shopline.io/v1/orders", timeout=30).json()\n'
    ),
}


@pytest.mark.parametrize("given", [[], ["docker/crontab", "deploy/crontab"]])
def test_a_crontab_runs_in_the_zone_of_its_image(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: list[str]
) -> None:
    """Monday 04:40 in Taipei is inside the upgrade window of 2026-01-19; read as UTC (the
    crontab no image installs) it is 12:40 Taipei time, outside it. Scanning only the
    crontabs (as a pre-commit hook does) still reads the Dockerfile."""
    write_tree(tmp_path, TREE)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["scan", *given, "--format", "json", "--select", "MW001", "--as-of", "2026-01-01"]
    )
    document = json.loads(result.stdout)
    assert {(f["path"], f["line"], f["code"]) for f in document["findings"]} == {
        ("docker/crontab", 1, "MW001")
    }
    (finding,) = document["findings"]
    assert "Asia/Taipei" in finding["message"]
    jobs = CliRunner().invoke(main, ["jobs", *given, "--format", "json", "--as-of", "2026-01-01"])
    zones = {job["path"]: job["zone_source"] for job in json.loads(jobs.stdout)["jobs"]}
    assert zones == {
        "docker/crontab": "ENV TZ= on line 2 of docker/Dockerfile",
        "deploy/crontab": None,
    }


def test_the_image_runs_its_python_processes_in_its_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """APScheduler's scheduler with no `timezone`, and a trigger the code makes without one,
    run in the process's local zone: the image's, when the image starts the module. A Celery
    beat stays in Celery's own default (UTC), and a stated zone wins."""
    write_tree(
        tmp_path,
        {
            "Dockerfile": 'FROM python:3.12\nENV TZ=Asia/Taipei\nCMD ["python", "jobs/run.py"]\n',
            "jobs/run.py": """\
import requests
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

def pull():
    return requests.get("https://open.shopline.io/v1/orders", timeout=30).json()

plain = BlockingScheduler()
plain.add_job(pull, "cron", hour=4, minute=40)
zoned = BlockingScheduler(timezone="UTC")
zoned.add_job(pull, "cron", hour=4, minute=41)
zoned.add_job(pull, CronTrigger(hour=4, minute=42))
""",
            "jobs/other.py": """\
from apscheduler.schedulers.blocking import BlockingScheduler

from jobs.run import pull

BlockingScheduler().add_job(pull, "cron", hour=4, minute=43)
""",
        },
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["scan", "--format", "json", "--select", "MW001", "--as-of", "2026-01-01"]
    )
    findings = json.loads(result.stdout)["findings"]
    assert {(f["path"], f["line"]) for f in findings} == {("jobs/run.py", 9), ("jobs/run.py", 12)}
    jobs = CliRunner().invoke(main, ["jobs", "--format", "json", "--as-of", "2026-01-01"])
    zones = {(j["path"], j["line"]): j["zone_source"] for j in json.loads(jobs.stdout)["jobs"]}
    assert zones == {
        ("jobs/run.py", 9): "ENV TZ= on line 2 of Dockerfile",
        ("jobs/run.py", 11): "the scheduler's timezone=",
        ("jobs/run.py", 12): "ENV TZ= on line 2 of Dockerfile",
        ("jobs/other.py", 5): None,  # a module the image does not start
    }

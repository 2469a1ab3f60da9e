"""Airflow DAGs as jobs (`scanner.maintenance.airflow`): the schedule as Airflow reads it, the
zone of `start_date` (else Airflow's default, assumed), and what the DAG runs."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from scanner.code.collect import collect
from scanner.code.context import PythonContext
from scanner.code.parse import parse
from scanner.maintenance.jobs import Job, find_jobs
from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree


def _jobs(source: str) -> list[Job]:
    facts = collect("dags/nightly.py", parse(textwrap.dedent(source)))
    return [found.job for found in find_jobs(PythonContext(facts))]


def _decorated(
    schedule: str, start: str = 'pendulum.datetime(2025, 1, 1, tz="Asia/Taipei")'
) -> str:
    return f"""
        import pendulum
        from datetime import datetime, timedelta
        from airflow.decorators import dag, task


        @dag(schedule={schedule}, start_date={start})
        def nightly():
            @task
            def pull():
                return 1

            pull()
        """


@pytest.mark.parametrize(
    ("schedule", "cron", "every"),
    [
        ('"45 4 * * *"', "45 4 * * *", None),
        ('"@daily"', "0 0 * * *", None),
        ('"@weekly"', "0 0 * * 0", None),
        ("timedelta(hours=6)", None, 21600),
    ],
)
def test_the_schedule_as_airflow_reads_it(
    schedule: str, cron: str | None, every: int | None
) -> None:
    (job,) = _jobs(_decorated(schedule))
    assert (job.kind, job.name, job.cron, job.every_seconds) == (
        "Airflow DAG",
        "nightly",
        cron,
        every,
    )
    assert (job.zone, job.zone_stated, job.zone_source) == (
        "Asia/Taipei",
        True,
        "the DAG's start_date",
    )
    assert job.target.function == "nightly" and job.unreadable is None


@pytest.mark.parametrize("schedule", ["None", '"@once"'])
def test_a_dag_run_by_hand_or_once_is_no_job(schedule: str) -> None:
    assert _jobs(_decorated(schedule)) == []


def test_a_timetable_is_said_unreadable() -> None:
    (job,) = _jobs(_decorated("CronTriggerTimetable('0 4 * * *', timezone='UTC')"))
    assert job.unreadable is not None and "timetable" in job.unreadable


@pytest.mark.parametrize(
    ("start", "unread"),
    [("datetime(2025, 1, 1)", ""), ("pendulum.datetime(2025, 1, 1, tz=LOCAL_ZONE)", "LOCAL_ZONE")],
)
def test_no_zone_read_from_the_start_date_is_airflows_default_assumed(
    start: str, unread: str
) -> None:
    (job,) = _jobs(_decorated('"45 4 * * *"', start))
    assert (job.zone, job.zone_stated, job.zone_source, job.zone_unread) == (
        "UTC",
        False,
        "",
        unread,
    )


def test_each_operator_of_a_with_dag_block_is_a_job() -> None:
    jobs = _jobs(
        """
        from datetime import datetime
        from airflow import DAG
        from airflow.operators.python import PythonOperator
        from shop import orders


        def pull():
            return 1


        with DAG("orders", schedule_interval="40 20 * * 0", start_date=datetime(2025, 1, 1)) as dag:
            first = PythonOperator(task_id="pull", python_callable=pull)
            second = PythonOperator(task_id="push", python_callable=orders.push)
            first >> second
        """
    )
    assert [(job.name, job.cron, job.target.function) for job in jobs] == [
        ("orders", "40 20 * * 0", "pull"),
        ("orders", "40 20 * * 0", "orders.push"),
    ]


def test_a_dag_decorator_of_another_library_is_no_job() -> None:
    assert (
        _jobs('from mylib import dag\n\n\n@dag(schedule="45 4 * * *")\ndef nightly():\n    pass\n')
        == []
    )


MAPPED = """\
import pendulum
import requests
from airflow.decorators import dag, task


@dag(schedule="45 20 * * 0", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"))
def nightly():
    @task
    def configs():
        return [{{"page": 1}}, {{"page": 2}}]

    @task
    def pull(cfg, per_page=50):
        return requests.get("https://open.shopline.io/v1/orders", params=cfg, timeout=30).json()

    {mapping}


nightly()
"""


@pytest.mark.parametrize(
    "mapping",
    [
        "pull.expand(cfg=configs())",
        "pull.partial(per_page=100).expand(cfg=configs())",
        "pull.expand_kwargs(configs())",
    ],
)
def test_a_task_mapped_over_values_is_run_by_its_dag(
    tmp_path: Path, ruleset: RuleSet, mapping: str
) -> None:
    """Sunday 20:45 UTC is 2026-01-19 04:45 in Taipei, inside the upgrade that stops the Open
    API: the DAG runs `pull` once per value, and `pull` requests the Open API (MW001)."""
    write_tree(tmp_path, {"dags/nightly.py": MAPPED.format(mapping=mapping)})
    result = scan_tree(tmp_path, ruleset.select(["MW001"]), as_of=date(2026, 1, 1))
    assert triples(result) == {("dags/nightly.py", 6, "MW001")}

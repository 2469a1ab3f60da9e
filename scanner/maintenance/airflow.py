"""Airflow DAGs as scheduled jobs: a DAG's schedule, in the zone of its `start_date`, runs
its tasks.

Read in the two ways a DAG is written: TaskFlow's `@dag(schedule=…, start_date=…)` on a
function (the job runs that function's tasks, defined in it), and `with DAG(…) as dag:`
whose operators name the functions they run (`PythonOperator(python_callable=sync)`), one
job for each. Airflow reads `schedule` (2.4 on) or `schedule_interval`: a cron expression,
a preset (`@daily`), or a `timedelta`; a timetable, a dataset or `None` is no clock time.
A `start_date` with no zone, or none, leaves Airflow's `default_timezone` (UTC unless
`airflow.cfg` says otherwise): the zone is then assumed, and said to be.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from scanner.code.context import PythonContext
from scanner.code.facts import callee_name
from scanner.code.syntax import is_none
from scanner.code.treewalk import descendants

# Airflow's presets (`airflow.utils.dates.cron_presets`).
PRESETS = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@quarterly": "0 0 1 */3 *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}

# What a DAG's `start_date` states its zone with: pendulum's `tz=` (`pendulum.datetime(2025,
# 1, 1, tz="Asia/Taipei")`), `datetime`'s `tzinfo=`.
ZONE_KEYWORDS = ("tz", "tzinfo")


def imports_airflow(ctx: PythonContext) -> bool:
    """Whether the module imports Airflow (`from airflow.decorators import dag`)."""
    return any(
        binding.target is not None and binding.target.module.split(".")[0] == "airflow"
        for bindings in ctx.facts.scope.bindings.values()
        for binding in bindings
    )


def schedule_of(fields: dict[str, cst.BaseExpression]) -> cst.BaseExpression | None:
    """What a DAG is scheduled by: `schedule=` or, before Airflow 2.4, `schedule_interval=`;
    None when it is given neither or `None` (run by hand only)."""
    given = fields.get("schedule", fields.get("schedule_interval"))
    return None if given is None or is_none(given) else given


def start_zone(fields: dict[str, cst.BaseExpression]) -> cst.BaseExpression | None:
    """The zone a DAG's `start_date` states, as written (`"Asia/Kuala_Lumpur"` of
    `pendulum.datetime(2025, 11, 1, tz="Asia/Kuala_Lumpur")`); None when it states none."""
    start = fields.get("start_date")
    if not isinstance(start, cst.Call):
        return None
    return next(
        (
            arg.value
            for arg in start.args
            if arg.keyword is not None and arg.keyword.value in ZONE_KEYWORDS
        ),
        None,
    )


def operator_callables(block: cst.CSTNode) -> Iterator[cst.BaseExpression]:
    """The functions the operators of a `with DAG(…)` block run (`python_callable=`)."""
    for node in descendants(block):
        if isinstance(node, cst.Call):
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value == "python_callable":
                    yield arg.value


def dag_blocks(module: cst.Module) -> Iterator[tuple[cst.Call, cst.BaseSuite]]:
    """Each `with DAG(…) as dag:` of the module: the call and the block it holds."""
    for node in descendants(module):
        if isinstance(node, cst.With):
            for item in node.items:
                if isinstance(item.item, cst.Call) and is_dag_call(item.item):
                    yield item.item, node.body


def is_dag_call(call: cst.Call) -> bool:
    """`DAG(…)` or `models.DAG(…)`, `airflow.DAG(…)`."""
    return callee_name(call.func).rpartition(".")[2] == "DAG"

"""Scheduled jobs and promotion times that fall inside maintenance windows (MW001, MW002,
RK001's order half). The rule names the check and the platforms; `scanner.maintenance.checks`
runs it once every file is read, since a job's code and its schedule may sit in different
files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from scanner.matchers.spec import (
    MatcherSpec,
    Trigger,
    word_starting,
    word_trigger,
)

# What the job readers look for: APScheduler, Celery beat, `schedule`, arq, workflow `cron:`
# lines and Kubernetes CronJobs.
JOB_WORD = "cron"  # as a whole word: `cron:` lines, `"cron"` triggers
JOB_WORDS = (
    "crontab", "CronJob", "add_job", "scheduled_job", "CronTrigger", "IntervalTrigger",
    "DateTrigger",
    # Django settings name Celery's keys in capitals, with the `CELERY_` namespace.
    # `periodic_task` is in `add_periodic_task` and Celery 3's `@periodic_task` alike.
    "beat_schedule", "BEAT_SCHEDULE", "periodic_task",
)  # fmt: skip
# An APScheduler trigger named by its word (`"cron"` is a word of its own, above) where no
# other job word is: Flask-APScheduler's `@scheduler.task("interval", …)` and `JOBS` entries
# (`"trigger": "date"`).
TRIGGER_WORDS = tuple(f"{quote}{word}{quote}" for word in ("interval", "date") for quote in "\"'")
TRIGGER_GIVEN = r"\.task\s*\(|" + word_starting("trigger") + r"(?!\w)"
# In Python, a trigger is given to a task decorator, or as a key or a keyword (`"trigger":`,
# `trigger=`); the word in a comment gives none.
TRIGGER_GIVEN_IN_PYTHON = word_starting("trigger") + r"""(?:["']|\s*=(?!=))|\.\s*task\b"""
# APScheduler's `sched.reschedule_job(id, jobstore, "cron", …)` and `job.reschedule("cron",
# …)`: a method called, in a module that names a trigger by its word (a trigger object is a
# job word). asyncio's `Timeout.reschedule(when)` is defined, not called so.
RESCHEDULED = r"\.\s*reschedule(?:_job)?\s*\("
TRIGGER_WORD = "[\"'](?:cron|interval|date)[\"']"
# `schedule.every(10)`, `every (10)`: the word counts only where it is called, or imported
# under another name (`from schedule import every as ev`).
EVERY_CALLED = r"every(?:\s*\(|\s+as\s)"
# arq's `cron(coroutine, hour=…)`, in a module that imports it from arq.
ARQ_CRON = word_starting("cron") + r"\s*\("
# An Airflow DAG's schedule (`schedule=`, or `schedule_interval=` before Airflow 2.4).
AIRFLOW_SCHEDULE = r"\bschedule(?:_interval)?\s*=(?!=)"
# A Celery beat entry, `{"task": …, "schedule": …}`, kept in a module of its own that names
# neither Celery nor the setting it is given to: either quote, beside a `schedule` key.
BEAT_ENTRY_KEYS = ('"task"', "'task'")
BEAT_SCHEDULE_KEY = "[\"']schedule[\"']"
# The same entry made by `dict(task=…, schedule=…)`.
BEAT_ENTRY_KEYWORDS = tuple(word_starting(key) + r"\s*=(?!=)" for key in ("task", "schedule"))
# Keys and names that make data about a promotion, and the date-time text of its moments.
PROMOTION_WORDS = ("promo", "campaign", "flash", "sale", "discount", "coupon")
MOMENT_TEXT = r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}"
# What a file that writes a moment holds: a date as text (`"2026-01-19T04:45"`, or a day the
# code joins a time to: `f"{DAY}T04:45"`, `"%s %s" % (DAY, HOUR)`) or a `datetime(` call (its
# year positional or by keyword, after a comment or not).
# Each written literal first (`-`, `datetime`), which `re` finds at C speed: a pattern that
# starts with a digit class or `\b` was tried at every character (a third of a second over
# the standard library).
MOMENT_WRITTEN = r"-\d\d-\d\d(?<=\d{4}-\d\d-\d\d)|" + word_starting("datetime") + r"\("


@dataclass(frozen=True, kw_only=True)
class ScheduleMatcher(MatcherSpec):
    """Jobs or promotion times that fall inside maintenance windows of given platforms."""

    kind: Literal["schedule"]
    check: Literal["job_in_window", "promotion_in_window"]
    platforms: list[Literal["shopline", "rakuten", "line_shopping"]]
    # For a job whose target the code does not tell, firing in a window that stops the
    # services named in `stops_all` (a warning): the same placeholders and {runs}.
    unresolved_message: str | None = None
    stops_all: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.at_least_one("platforms")

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"job", "schedule", "fires", "window", "stops", "key", "runs"}

    def derived_triggers(self) -> list[Trigger]:
        """The words by which the job readers find schedules, or the promotion words beside
        a date and time (the only moments the promotion reader takes)."""
        if self.check == "job_in_window":
            # Made here, not at import: a scan whose rules come compiled builds no validator.
            return [
                # In Python, APScheduler's word: where a trigger is given (a job added by
                # `add_job` or `scheduled_job` counts by that word, a rescheduled one by its).
                Trigger(literal=JOB_WORD, word=True, python_requires=(TRIGGER_GIVEN_IN_PYTHON,)),
                Trigger(literal="reschedule", requires=(RESCHEDULED, TRIGGER_WORD)),
                word_trigger("every", False, EVERY_CALLED),
                *(Trigger(literal=key, requires=(BEAT_SCHEDULE_KEY,)) for key in BEAT_ENTRY_KEYS),
                word_trigger("task", False, *BEAT_ENTRY_KEYWORDS),
                *(Trigger(literal=word) for word in JOB_WORDS),
                # arq's cron jobs.
                word_trigger("arq", False, ARQ_CRON),
                # An Airflow DAG given a schedule.
                Trigger(literal="airflow", python_requires=(AIRFLOW_SCHEDULE,)),
                *(
                    Trigger(
                        literal=word,
                        requires=(TRIGGER_GIVEN,),
                        python_requires=(TRIGGER_GIVEN_IN_PYTHON,),
                    )
                    for word in TRIGGER_WORDS
                ),
            ]
        moment = MOMENT_WRITTEN
        return [
            Trigger(literal=word, ignore_case=True, requires=(moment,)) for word in PROMOTION_WORDS
        ]

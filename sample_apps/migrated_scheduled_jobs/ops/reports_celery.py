"""Celery app for reporting, on its own Redis database: ``celery -A ops.reports_celery beat``."""
from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

from . import jobs

reports = Celery("reports", broker=os.environ.get("REPORTS_BROKER_URL", "redis://localhost:6379/3"))


@reports.task(name="reports.weekly_reconcile")
def weekly_reconcile_report() -> None:
    jobs.weekly_reconcile()


@reports.task(name="reports.product_snapshot")
def product_snapshot() -> None:
    jobs.refresh_product_cache()


reports.conf.beat_schedule = {
    "weekly-reconcile": {"task": "reports.weekly_reconcile",
                         "schedule": crontab(minute=50, hour=21, day_of_week="sun")},
    "product-snapshot": {"task": "reports.product_snapshot", "schedule": crontab(minute=45, hour=4)},
}

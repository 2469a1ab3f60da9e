"""Celery app for the sync workers: ``celery -A ops.celery_app worker --beat``."""
from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

from . import jobs

app = Celery("ops", broker=os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0"))
app.conf.timezone = "Asia/Taipei"
app.conf.task_acks_late = True
app.conf.worker_prefetch_multiplier = 1


@app.task(name="ops.pull_shopline_orders")
def pull_shopline_orders() -> None:
    jobs.sync_shopline_orders()


@app.task(name="ops.push_shopline_stock")
def push_shopline_stock() -> None:
    jobs.push_shopline_stock()


app.conf.beat_schedule = {
    "pull-shopline-orders": {"task": "ops.pull_shopline_orders", "schedule": crontab(minute=40, hour=5)},
    "push-shopline-stock-morning": {"task": "ops.push_shopline_stock", "schedule": crontab(minute=15, hour=6)},
}

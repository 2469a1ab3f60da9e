"""APScheduler process on the ops VM (``python -m ops.scheduler``). The main
scheduler is on UTC like the VM; most jobs give their own zone."""
from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from . import jobs

scheduler = BlockingScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})

# --- SHOPLINE -----------------------------------------------------------------
scheduler.add_job(jobs.sync_shopline_orders, "cron", hour=4, minute=45, timezone="Asia/Taipei",
                  id="shopline-orders-daily")
scheduler.add_job(jobs.push_shopline_stock, CronTrigger(hour=20, minute=40, timezone="UTC"),
                  id="shopline-stock-nightly")
scheduler.add_job(jobs.refresh_product_cache, CronTrigger.from_crontab("45 20 * * *", timezone="UTC"),
                  id="shopline-product-cache")
scheduler.add_job(jobs.push_shopline_stock, CronTrigger(hour=5, minute=45, timezone="Asia/Taipei"),
                  id="shopline-stock-morning")
# accounting wants last month's orders on the 7th, before the office opens
scheduler.add_job(jobs.monthly_order_export, "cron", day=7, hour=2, minute=30, timezone="Asia/Taipei",
                  id="shopline-monthly-export")


@scheduler.scheduled_job("cron", day_of_week="mon", hour=4, minute=35, timezone="Asia/Taipei",
                         id="shopline-weekly-reconcile")
def weekly_reconcile() -> None:
    jobs.weekly_reconcile()


# --- Rakuten Ichiba -------------------------------------------------------------
scheduler.add_job(jobs.pull_rakuten_orders, CronTrigger(hour=3, minute=0, timezone="Asia/Tokyo"),
                  id="rakuten-orders-nightly")
scheduler.add_job(jobs.push_rakuten_stock, "cron", hour=3, minute=0, timezone="Asia/Tokyo",
                  id="rakuten-stock-nightly")

# --- jobs on the shop's local clock ------------------------------------------------
shop_clock = BackgroundScheduler(timezone="Asia/Taipei")
shop_clock.add_job(jobs.rotate_logs, "cron", hour=4, minute=45, id="rotate-logs")
shop_clock.add_job(jobs.push_shopline_stock, "cron", hour=4, minute=50, id="stock-before-opening")


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    shop_clock.start()
    scheduler.start()

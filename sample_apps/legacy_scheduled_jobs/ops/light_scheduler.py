"""In-process schedule loop of the ops-sync container (``python -m ops.light_scheduler``).

The container runs with TZ=UTC (deploy/Dockerfile): ``.at()`` without a zone is UTC.
"""
from __future__ import annotations

import logging
import time

import schedule

from . import jobs

schedule.every().monday.at("04:45", "Asia/Taipei").do(jobs.weekly_reconcile)
schedule.every().day.at("04:40").do(jobs.refresh_product_cache)
schedule.every().day.at("20:45").do(jobs.sync_shopline_orders)

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    while True:
        schedule.run_pending()
        time.sleep(20)

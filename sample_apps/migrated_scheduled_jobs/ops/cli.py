"""Entry point for cron and Kubernetes CronJobs: ``python -m ops.cli sync-orders``."""
from __future__ import annotations

import logging
import sys

from . import jobs

COMMANDS = {
    "sync-orders": jobs.sync_shopline_orders,
    "push-stock": jobs.push_shopline_stock,
    "product-cache": jobs.refresh_product_cache,
    "rakuten-orders": jobs.pull_rakuten_orders,
    "rakuten-stock": jobs.push_rakuten_stock,
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python -m ops.cli {{{','.join(COMMANDS)}}}")
    logging.basicConfig(level=logging.INFO)
    COMMANDS[sys.argv[1]]()

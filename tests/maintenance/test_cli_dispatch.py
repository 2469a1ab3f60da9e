"""A job that runs one command of a CLI module reaches what that command runs, not the whole
module: a table of command words, or branches on the word (`if args.cmd == "…"`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

SHOP = """\
import requests

BASE = "https://open.shopline.io/v1"


def export_orders():
    return requests.get(f"{BASE}/orders", timeout=30).json()
"""

ERP = """\
import os

import requests

ERP_BASE = os.environ["ERP_BASE_URL"]


def erp_reconcile():
    return requests.get(f"{ERP_BASE}/v1/orders", timeout=30).json()
"""

BRANCHES = """\
import argparse

from .erp import erp_reconcile
from .shop import export_orders


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("cmd")
    args = parser.parse_args(argv)
    if args.cmd == "export-orders":
        print(export_orders())
    elif args.cmd in ("erp-reconcile", "reconcile"):
        return erp_reconcile()
    return 0


if __name__ == "__main__":
    main()
"""

TABLE = """\
import sys

from .erp import erp_reconcile
from .shop import export_orders

COMMANDS = {"export-orders": export_orders, "erp-reconcile": erp_reconcile}

if __name__ == "__main__":
    COMMANDS[sys.argv[1]]()
"""

# One module for both: its names tie it to SHOPLINE, and the ERP's request is still the ERP's.
INLINE = """\
import os
import sys

import requests

SHOPLINE_BASE = "https://open.shopline.io/v1"


def export_orders():
    return requests.get(f"{SHOPLINE_BASE}/orders", timeout=30).json()


def erp_reconcile(erp_base):
    return requests.get(f"{erp_base}/v1/orders", timeout=30).json()


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "export-orders":
        export_orders()
    if command == "erp-reconcile":
        erp_reconcile(os.environ["ERP_BASE_URL"])
"""

WORKFLOW = """\
on:
  schedule:
    - cron: "40 20 * * 0"
jobs:
  run:
    runs-on: ubuntu-latest
    steps:
      - run: python -m app.cli {word}
"""


@pytest.mark.parametrize("cli", [BRANCHES, TABLE, INLINE], ids=["branches", "table", "inline"])
@pytest.mark.parametrize(
    ("word", "found"),
    [
        ("erp-reconcile", set()),
        ("export-orders", {(".github/workflows/nightly.yml", 3, "MW001")}),
    ],
)
def test_a_job_reaches_what_its_command_runs(
    tmp_path: Path, ruleset: RuleSet, cli: str, word: str, found: set[tuple[str, int, str]]
) -> None:
    """Sunday 20:40 UTC is 2026-01-19 04:40 in Taipei, inside the upgrade that stops the
    Open API: only the command that calls it is reported. The ERP's `/v1/orders` is the
    ERP's (`ERP_BASE`)."""
    write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/shop.py": SHOP,
            "app/erp.py": ERP,
            "app/cli.py": cli,
            ".github/workflows/nightly.yml": WORKFLOW.format(word=word),
        },
    )
    result = scan_tree(tmp_path, ruleset.select(["MW001"]), as_of=date(2026, 1, 1))
    assert triples(result) == found

"""Where the shipped rule packs and report templates live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

# This module sits one folder below the package root.
_PACKAGE = Path(__file__).resolve().parent.parent


def _shipped(name: str, checkout_relative: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / checkout_relative


def rules_dir() -> Path:
    return _shipped("rules", "rules")


def templates_dir() -> Path:
    return _shipped("templates", "reports/templates")


def docs_dir() -> Path:
    """The rules' pages (`docs/rules/<CODE>.md`), shipped with the package."""
    return _shipped("docs/rules", "docs/rules")


def schedules_dir() -> Path:
    return rules_dir() / "schedules"

"""Renderers of a report, one module per output format, chosen by name."""

from __future__ import annotations

from collections.abc import Callable

from scanner.reporters.links import Links
from scanner.reporters.report import Report

__all__ = ["FORMATS", "SHOW_CALENDAR", "Links", "renderer"]

FORMATS = ("text", "json", "html", "markdown", "sarif", "junit", "github")
# The formats that show the maintenance windows ahead, whatever the scan found.
SHOW_CALENDAR = frozenset({"html", "markdown"})


def renderer(name: str) -> Callable[[Report, Links], str]:
    """The renderer for a format, imported only when asked for."""
    if name == "text":
        from scanner.reporters import text

        return lambda report, _: text.render(report)
    if name == "json":
        from scanner.reporters import json_report

        return lambda report, _: json_report.render(report)
    if name == "sarif":
        from scanner.reporters import sarif

        return lambda report, links: sarif.render(report, links, links.top)
    if name == "github":
        from scanner.reporters import github

        return lambda report, _: github.render(report)
    from scanner.reporters import templated

    if name == "html":
        return lambda report, links: templated.render_html(report, links)
    if name == "markdown":
        return lambda report, links: templated.render_markdown(report, links)
    if name == "junit":
        return lambda report, _: templated.render_junit(report)
    raise ValueError(f"unknown format {name!r}")

"""HTML, Markdown and JUnit reports, rendered from the Jinja2 templates."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from scanner import __version__
from scanner.reporters.links import Links
from scanner.reporters.report import Report
from scanner.reporters.templating import environment

GITHUB_COMMENT_LIMIT = 65_536
_TRUNCATED = (
    "\n\n> **Truncated:** the full report did not fit in a comment; see the job's artifacts.\n"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x1b]")


def _plain(text: str) -> str:
    """Control characters (ANSI escapes among them) never reach a report."""
    return _CONTROL.sub("\ufffd", str(text))


def _md(text: str) -> str:
    escaped = html.escape(_plain(text), quote=False)
    return re.sub(r"([\\`*_\[\]|])", r"\\\1", escaped).replace("\n", " ")


def _code(text: str) -> str:
    """Text for a Markdown code span: no backtick to end it, no line break to start a
    heading or a block (a file named with a newline)."""
    return _plain(text).replace("`", "'").replace("\r", "\\r").replace("\n", "\\n")


def render_html(report: Report, links: Links | None = None) -> str:
    from scanner.reporters import view  # its jobs and windows are for HTML and Markdown only

    env = environment(autoescape=True)
    env.finalize = lambda value: _plain(value) if isinstance(value, str) else value
    context = view.build(report, links or Links())
    return env.get_template("report.html.j2").render(**context, platform_names=view.PLATFORMS)


def render_markdown(report: Report, links: Links | None = None) -> str:
    from scanner.reporters import view

    env = environment(autoescape=False)
    env.filters.update(md=_md, code=_code)
    rendered = env.get_template("report.md.j2").render(**view.build(report, links or Links()))
    rendered = re.sub(r"\n{3,}", "\n\n", rendered)
    if len(rendered) <= GITHUB_COMMENT_LIMIT:
        return rendered
    cut = rendered[: GITHUB_COMMENT_LIMIT - len(_TRUNCATED) - 16]
    cut = cut[: cut.rfind("\n")]
    if cut.count("<details") > cut.count("</details>"):
        cut += "\n</details>"
    return cut + _TRUNCATED


def render_junit(report: Report) -> str:
    """A suite per rule with a test case per finding (so CI shows every failure, where it
    is), or one passing case; files that could not be scanned are errors, jobs and requests
    that could not be judged skipped."""
    env = environment(autoescape=True)
    env.finalize = lambda value: _plain(value) if isinstance(value, str) else value
    cases = [
        {
            "code": rule.code,
            "title": rule.title,
            "platform": rule.platform,
            "found": [item for item in report.items if item.rule.code == rule.code],
        }
        for rule in report.rules
    ]
    totals = {
        "tests": sum(max(len(case["found"]), 1) for case in cases)
        + len(report.errors) + len(report.unresolved) + len(report.unresolved_calls),
        "failures": len(report.items),
    }  # fmt: skip
    return env.get_template("junit.xml.j2").render(
        report=report,
        cases=cases,
        totals=totals,
        version=__version__,
        timestamp=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
    )

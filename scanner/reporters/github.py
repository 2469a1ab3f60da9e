"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

import re

from scanner.reporters.report import Report

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _data(text: str) -> str:
    plain = _CONTROL.sub("\ufffd", text)
    return plain.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for item in report.items:
        f = item.finding
        title = f"title={_property(f'{f.code} {item.rule.title}')}"
        if f.cell is not None:  # a line of the notebook's JSON would mislead
            place = f"cell {f.cell[0]}, line {f.cell[1]}"
            props = f"file={_property(f.path)},{title}{_property(f' ({place})')}"
        else:
            props = (
                f"file={_property(f.path)},line={f.line},col={f.column},endLine={f.end_line},"
                f"endColumn={f.end_column},{title}"
            )
        lines.append(f"::{COMMANDS[item.standing.severity]} {props}::{_data(item.text)}")
    for notice in report.notices:
        lines.append(f"::warning title={_property('maintenance ahead')}::{_data(notice.text)}")
    for error in report.errors:
        command = "error" if report.unscannable_fails else "warning"
        lines.append(
            f"::{command} file={_property(error.path)}"
            + (f",line={error.line},col={error.column}" if error.line else "")
            + f",title=cannot scan::{_data(error.reason)}"
        )
    return "".join(f"{line}\n" for line in lines)

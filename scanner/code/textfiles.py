"""Config and text files (.env, YAML, JSON, TOML, INI) read line by line, comments blanked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePath

_CONFIG_SUFFIXES = {".yaml", ".yml", ".json", ".toml", ".ini", ".cfg"}
_LINE_COMMENTS = {".ini": "#;", ".cfg": "#;"}
_QUOTE_OPENERS = " \t:=[{,("


def is_crontab(path: PurePath) -> bool:
    return (
        path.name in ("crontab", "cron")
        or path.suffix in (".cron", ".crontab")
        or path.parent.name in ("cron.d", "crontabs")
    )


def is_dockerfile(path: PurePath) -> bool:
    name = path.name
    return (
        name in ("Dockerfile", "Containerfile")
        or name.startswith("Dockerfile.")
        or name.lower().endswith(".dockerfile")
    )


# What a file that declares scheduled jobs holds: a Python module that schedules with
# APScheduler, Celery beat or `schedule`, a workflow's `on.schedule`, a CronJob's schedule.
_PYTHON_SCHEDULES = re.compile(
    r"\b(?:add_job|scheduled_job|add_periodic_task|crontab|every)\s*\(|beat_schedule|BEAT_SCHEDULE"
)
_YAML_SCHEDULES = re.compile(r"\bschedule\b")


def may_schedule(path: PurePath, text: str) -> bool:
    """Whether the file may declare a scheduled job, or set the zone of one (a crontab or a
    Dockerfile always may)."""
    if is_crontab(path) or is_dockerfile(path):
        return True
    if path.suffix == ".py":
        return bool(_PYTHON_SCHEDULES.search(text))
    return path.suffix.lower() in (".yaml", ".yml") and bool(_YAML_SCHEDULES.search(text))


def is_config_file(path: PurePath) -> bool:
    name = path.name
    return (
        path.suffix.lower() in _CONFIG_SUFFIXES
        or is_crontab(path)
        or is_dockerfile(path)
        or name == ".env"
        or name.startswith(".env.")
        or name.endswith(".env")
    )


class ConfigText:
    def __init__(self, path: PurePath, text: str) -> None:
        self.path = path
        self.text = text
        suffix = path.suffix.lower()
        self._has_comments = suffix != ".json"
        self._line_comments = _LINE_COMMENTS.get(suffix, "#")

    def lines(self) -> Iterator[tuple[int, str]]:
        for number, line in enumerate(self.text.splitlines(), start=1):
            yield number, self._mask(line) if self._has_comments else line

    def _mask(self, line: str) -> str:
        stripped = line.lstrip()
        if stripped[:1] and stripped[0] in self._line_comments:
            return " " * len(line)
        quote = ""
        for index, char in enumerate(line):
            if quote:
                if char == quote:
                    quote = ""
            elif char in "'\"" and (index == 0 or line[index - 1] in _QUOTE_OPENERS):
                quote = char
            elif char == "#" and index > 0 and line[index - 1] in " \t":
                return line[:index] + " " * (len(line) - index)
        return line

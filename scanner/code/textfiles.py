"""Config and text files (.env, YAML, JSON, TOML, INI) read line by line, comments blanked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePath

import ahocorasick_rs

_CONFIG_SUFFIXES = {".yaml", ".yml", ".json", ".toml", ".ini", ".cfg"}
_LINE_COMMENTS = {".ini": "#;", ".cfg": "#;"}
_QUOTE_OPENERS = " \t:=[{,("


def is_crontab(path: PurePath) -> bool:
    return (
        path.name in ("crontab", "cron")
        or path.suffix in (".cron", ".crontab")
        or path.parent.name in ("cron.d", "crontabs")
    )


def is_systemd_timer(path: PurePath) -> bool:
    """A systemd timer unit (`sync.timer`), which starts a service on a calendar."""
    return path.suffix == ".timer"


def is_dockerfile(path: PurePath) -> bool:
    name = path.name
    return (
        name in ("Dockerfile", "Containerfile")
        or name.startswith("Dockerfile.")
        or name.lower().endswith(".dockerfile")
    )


# What a file that declares scheduled jobs holds: a Python module or a notebook that schedules
# with APScheduler, Celery beat or `schedule` (a call of one of `_SCHEDULING_CALLS`, or a beat
# schedule), a workflow's `on.schedule` or a CronJob's schedule (in YAML or JSON). The calls'
# names are found in one pass of an automaton: a pattern that starts with `\b` or an
# alternation is tried at every character, ten times slower.
_SCHEDULING_CALLS = ("add_job", "scheduled_job", "add_periodic_task", "crontab", "every")
_BEAT_SCHEDULES = ("beat_schedule", "BEAT_SCHEDULE")
_PYTHON_SCHEDULES = ahocorasick_rs.AhoCorasick(
    [*_SCHEDULING_CALLS, *_BEAT_SCHEDULES], implementation=ahocorasick_rs.Implementation.DFA
)
_CALLED = re.compile(r"\s*\(")
_DATA_SCHEDULES = re.compile(r"schedule(?<!\wschedule)(?!\w)")
_CODE_SUFFIXES = (".py", ".ipynb")
_DATA_SUFFIXES = (".yaml", ".yml", ".json")


def schedules_by_name(path: PurePath) -> bool | None:
    """Whether the file's name alone says if it may declare a scheduled job (see
    `may_schedule`): True for a crontab, a systemd timer or a Dockerfile, False for a file
    whose text cannot tell either way, None when its text must be read."""
    if is_crontab(path) or is_dockerfile(path) or is_systemd_timer(path):
        return True
    return None if path.suffix.lower() in (*_CODE_SUFFIXES, *_DATA_SUFFIXES) else False


def may_schedule(path: PurePath, text: str) -> bool:
    """Whether the file may declare a scheduled job, or set the zone of one (a crontab or a
    Dockerfile always may)."""
    by_name = schedules_by_name(path)
    if by_name is not None:
        return by_name
    if path.suffix.lower() in _CODE_SUFFIXES:
        return any(
            key >= len(_SCHEDULING_CALLS)
            or (not _word_char_at(text, start - 1) and _CALLED.match(text, end) is not None)
            for key, start, end in _PYTHON_SCHEDULES.find_matches_as_indexes(text)
        )
    return _DATA_SCHEDULES.search(text) is not None


def _word_char_at(text: str, at: int) -> bool:
    """Whether `text[at]` is there and is what `\\w` matches."""
    return at >= 0 and (text[at].isalnum() or text[at] == "_")


def is_config_file(path: PurePath) -> bool:
    name = path.name
    return (
        path.suffix.lower() in _CONFIG_SUFFIXES
        or is_crontab(path)
        or is_dockerfile(path)
        or is_systemd_timer(path)
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

"""Scheduled jobs declared in config: crontab files (with CRON_TZ), GitHub Actions
`on.schedule` (always UTC) and Kubernetes CronJobs (`spec.schedule`, `spec.timeZone`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

import yaml

from scanner.code.textfiles import is_crontab
from scanner.maintenance.jobs import DEFAULT_ZONE, Job, Target
from scanner.rulepack.yamlsource import MAX_VALUES, added_by_aliases
from scanner.rulepack.zones import known_zone

__all__ = ["ConfigJob", "crontab_jobs", "is_crontab", "timer_jobs", "yaml_jobs"]

_CRON_LINE = re.compile(r"^\s*((?:@\w+)|(?:\S+\s+){4}\S+)\s+(.+)$")
_ENV_LINE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


@dataclass(frozen=True)
class ConfigJob:
    """A job a config file declares (a crontab line, a workflow's schedule), and where on its
    line."""

    line: int
    column: int
    end_column: int
    job: Job


def crontab_jobs(text: str, with_user: bool = False) -> Iterator[ConfigJob]:
    """The jobs of a crontab. In a system crontab (`with_user`: a file of a `cron.d`
    folder), each line names the user the command runs as before the command; in any
    crontab, a command that starts with `root` is read so too (no program is named so)."""
    zone: str | None = None
    source = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        env = _ENV_LINE.match(line)
        if env and not _CRON_LINE.match(line):
            # cronie reads the table's schedule in CRON_TZ; TZ sets it only where CRON_TZ
            # is not set (it is the commands' own zone too).
            name = env.group(1)
            if name == "CRON_TZ" or (name == "TZ" and not source.startswith("CRON_TZ")):
                zone = env.group(2).strip("'\"") or None
                source = f"{name}= on line {number}" if zone else ""
            continue
        found = _CRON_LINE.match(line)
        if found is None:
            continue
        spec, command = found.group(1), found.group(2)
        if spec.startswith("@reboot"):
            continue
        words = command.split(None, 1)
        if (with_user or words[0] == "root") and len(words) == 2:
            command = words[1]
        start = line.index(spec) + 1
        name = f"`{command if len(command) <= 60 else command[:57] + '...'}`"
        job = Job("crontab", name, " ".join(spec.split()), None, zone or DEFAULT_ZONE,
                  zone is not None, Target(command=command),
                  zone_source=source if zone else "")  # fmt: skip
        yield ConfigJob(number, start, start + len(spec), job)


def _get(node: yaml.Node | None, *keys: str) -> yaml.Node | None:
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return None
        node = next(
            (v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None
        )
    return node


def _scalars(node: yaml.Node | None) -> Iterator[str]:
    if isinstance(node, yaml.ScalarNode):
        yield str(node.value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item)
    elif isinstance(node, yaml.MappingNode):
        for _, value in node.value:
            yield from _scalars(value)


def _run_commands(node: yaml.Node | None) -> list[str]:
    """Every `run:` of a workflow's steps, and containers' command/args."""
    found: list[str] = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value in ("run", "command", "args"):
                found.append(" ".join(_scalars(value)))
            else:
                found += _run_commands(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found += _run_commands(item)
    return found


# A timer's settings that make it fire: on a calendar, or some time after an event.
_TIMER_SETTING = re.compile(
    r"[ \t]*(OnCalendar|OnActiveSec|OnBootSec|OnStartupSec|OnUnitActiveSec|OnUnitInactiveSec)"
    r"[ \t]*=[ \t]*(\S.*?)[ \t]*$"
)
_TIMER_UNIT = re.compile(r"[ \t]*Unit[ \t]*=[ \t]*(\S+)")


def timer_jobs(path: PurePosixPath, text: str) -> Iterator[ConfigJob]:
    """The firings a systemd timer unit declares (`OnCalendar=`, `OnBootSec=`, ...), each
    a job whose schedule is not read: a scan lists it as a job it could not judge rather
    than pass the timer by. It runs the service of its `Unit=`, else of its own name."""
    lines = text.splitlines()
    units = [found.group(1) for line in lines if (found := _TIMER_UNIT.match(line))]
    service = units[-1] if units else f"{path.stem}.service"
    for number, line in enumerate(lines, start=1):
        found = _TIMER_SETTING.match(line)
        if found is None or found.group(2) == '""':
            continue
        setting = f"{found.group(1)}={found.group(2)}"
        start = line.index(found.group(1)) + 1
        why = (
            f"noticelint does not read systemd timers yet ({setting}); check when it fires "
            "against the maintenance windows by hand"
        )
        # `OnCalendar=*-*-* 02:00 Asia/Taipei`: the zone ends the expression.
        zone = _zone_named(found.group(2).split()[-1]) if found.group(1) == "OnCalendar" else None
        # The service's command is in another file, not read: what it reaches is not told.
        job = Job("systemd timer", path.name, None, None, zone or DEFAULT_ZONE, zone is not None,
                  Target(task=service), unreadable=why,
                  zone_source=f"OnCalendar= on line {number}" if zone else "")  # fmt: skip
        yield ConfigJob(number, start, start + len(setting), job)


def _zone_named(word: str) -> str | None:
    try:
        return known_zone(word) if "/" in word or word == "UTC" else None
    except ValueError:
        return None


def yaml_jobs(path: PurePosixPath, text: str) -> Iterator[ConfigJob]:
    if "schedule" not in text:
        return
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return
    workflow = ".github/workflows/" in f"/{path.as_posix()}"
    for root in documents:
        # A document of aliases of aliases would be walked billions of times over.
        if root is None or added_by_aliases(root) > MAX_VALUES:
            continue
        if workflow:
            yield from _workflow_jobs(path, root)
        kind = _get(root, "kind")
        if isinstance(kind, yaml.ScalarNode) and kind.value == "CronJob":
            yield from _cronjob(root)


def _workflow_jobs(path: PurePosixPath, root: yaml.Node) -> Iterator[ConfigJob]:
    trigger = _get(root, "on") or _get(root, "true")
    schedule = _get(trigger, "schedule")
    if not isinstance(schedule, yaml.SequenceNode):
        return
    command = " ; ".join(_run_commands(_get(root, "jobs")))
    for item in schedule.value:
        cron = _get(item, "cron")
        if isinstance(cron, yaml.ScalarNode):
            job = Job("GitHub Actions", path.name, cron.value, None, "UTC", True,
                      Target(command=command),
                      zone_source="GitHub Actions runs schedules in UTC")  # fmt: skip
            yield _placed(cron, job)


def zone_prefix(schedule: str) -> tuple[str | None, str]:
    """`CRON_TZ=Asia/Taipei 40 4 * * *` (or `TZ=`): the zone the cron parser of Kubernetes
    CronJobs (robfig/cron) reads from the schedule itself, and the expression after it."""
    found = re.match(r"^\s*(?:CRON_TZ|TZ)=(\S+)\s+(.*)$", schedule)
    return (found.group(1), found.group(2).strip()) if found else (None, schedule)


# YAML's spellings of true (1.1's as well, which Kubernetes' YAML reader takes).
_YAML_TRUE = frozenset({"true", "yes", "on", "y"})


def _cronjob(root: yaml.Node) -> Iterator[ConfigJob]:
    schedule = _get(root, "spec", "schedule")
    if not isinstance(schedule, yaml.ScalarNode):
        return
    zone_node = _get(root, "spec", "timeZone")
    zone = zone_node.value if isinstance(zone_node, yaml.ScalarNode) else None
    prefixed, cron = zone_prefix(schedule.value)
    source = "spec.timeZone" if zone else "CRON_TZ= in spec.schedule" if prefixed else ""
    zone = zone or prefixed
    name_node = _get(root, "metadata", "name")
    name = name_node.value if isinstance(name_node, yaml.ScalarNode) else "cronjob"
    command = " ".join(_run_commands(_get(root, "spec", "jobTemplate")))
    suspend = _get(root, "spec", "suspend")
    suspended = isinstance(suspend, yaml.ScalarNode) and suspend.value.lower() in _YAML_TRUE
    job = Job("Kubernetes CronJob", name, cron, None, zone or DEFAULT_ZONE,
              zone is not None, Target(command=command), zone_source=source,
              paused="spec.suspend: true" if suspended else "")  # fmt: skip
    yield _placed(schedule, job)


def _placed(node: yaml.Node, job: Job) -> ConfigJob:
    mark, end = node.start_mark, node.end_mark
    end_column = end.column + 1 if end.line == mark.line else mark.column + 2
    return ConfigJob(mark.line + 1, mark.column + 1, end_column, job)

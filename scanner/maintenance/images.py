"""The zone a container image runs its crontab and its Python processes in, read from its
Dockerfile.

A cron daemon reads its firing times in the process's zone: `TZ` from the environment
(`ENV TZ=Asia/Taipei`, also through `ARG TZ=…` and `ENV TZ=$TZ`), else the zone
`/etc/localtime` links to (`RUN ln -snf /usr/share/zoneinfo/Asia/Taipei /etc/localtime`).
An image installs a crontab by `COPY`/`ADD` of a crontab file, or of any file into
`/etc/cron.d`, `/etc/crontabs` or `/var/spool/cron`, or one later handed to `crontab FILE`.
Each build stage is read apart; a stage built `FROM` an earlier one keeps its zone.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from scanner.code.textfiles import is_crontab
from scanner.maintenance.commands import modules_run

_CRON_PLACES = ("/etc/cron.d", "/etc/crontabs", "/var/spool/cron")
_LOCALTIME = re.compile(r"\bln\s+(?:-\w+\s+)*\S*/zoneinfo/(\S+)\s+/etc/localtime\b")
_VARIABLE = re.compile(r"\$\{?(\w+)\}?")


@dataclass(frozen=True)
class ImageZone:
    """A build stage's zone (`zone`, stated at `source`) and the crontab files it installs,
    as paths relative to the build context; `dockerfile` is the Dockerfile's display path."""

    dockerfile: str
    zone: str
    source: str
    crontabs: tuple[str, ...]
    # What the image runs (`CMD`, `ENTRYPOINT`), as shell lines: its Python processes run
    # in the image's zone too.
    commands: tuple[str, ...] = ()


@dataclass
class _Stage:
    """One stage of a Dockerfile as it is read: its variables, the zone it sets, the files it
    copies, the crontabs it installs and the commands it runs."""

    name: str | None
    values: dict[str, str] = field(default_factory=dict)
    tz: tuple[str, str] | None = None
    localtime: tuple[str, str] | None = None
    copied: dict[str, str] = field(default_factory=dict)  # destination -> source
    crontabs: list[str] = field(default_factory=list)
    commands: dict[str, str] = field(default_factory=dict)  # CMD, ENTRYPOINT

    def zone(self) -> tuple[str, str] | None:
        return self.tz or self.localtime


def _instructions(text: str) -> list[tuple[int, str, str]]:
    """(line, instruction, arguments) with continuation lines joined and comments dropped."""
    found: list[tuple[int, str, str]] = []
    pending, start = "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = (pending + stripped).strip()
        pending = ""
        instruction, _, rest = whole.partition(" ")
        found.append((start, instruction.upper(), rest.strip()))
    return found


def _words(arguments: str) -> list[str]:
    try:
        return shlex.split(arguments)
    except ValueError:
        return arguments.split()


def _expand(text: str, values: dict[str, str]) -> str:
    return _VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _pairs(arguments: str) -> list[tuple[str, str]]:
    """`ENV A=1 B=2` and the older `ENV A 1`."""
    words = _words(arguments)
    if words and "=" not in words[0]:
        return [(words[0], " ".join(words[1:]))]
    return [(key, value) for key, _, value in (w.partition("=") for w in words if "=" in w)]


def image_zones(display: str, text: str) -> list[ImageZone]:
    """The stages of the Dockerfile at `display` that install a crontab, with their zone."""
    stages: list[_Stage] = []
    for line, instruction, arguments in _instructions(text):
        where = f"{instruction} on line {line} of {display}"
        if instruction == "FROM":
            words = _words(arguments)
            base = next((s for s in stages if s.name and words and s.name == words[0]), None)
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stage = _Stage(name)
            if base is not None:
                stage.values, stage.tz, stage.localtime = dict(base.values), base.tz, base.localtime
                stage.copied, stage.crontabs = dict(base.copied), list(base.crontabs)
                stage.commands = dict(base.commands)
            stages.append(stage)
            continue
        if not stages:
            stages.append(_Stage(None))
        stage = stages[-1]
        if instruction in ("ARG", "ENV"):
            for key, value in _pairs(arguments):
                if instruction == "ARG" and key in stage.values:
                    continue
                stage.values[key] = _expand(value.strip("'\""), stage.values)
                if instruction == "ENV" and key == "TZ" and "$" not in stage.values[key]:
                    stage.tz = (stage.values[key], f"ENV TZ= on line {line} of {display}")
        elif instruction in ("CMD", "ENTRYPOINT"):
            stage.commands[instruction] = _shell_line(arguments)
        elif instruction in ("COPY", "ADD"):
            _copy(stage, [w for w in _words(arguments) if not w.startswith("--")])
        elif instruction == "RUN":
            command = _expand(arguments, stage.values)
            linked = _LOCALTIME.search(command)
            if linked and "$" not in linked.group(1):
                stage.localtime = (linked.group(1), f"/etc/localtime linked by {where}")
            for installed in re.findall(r"\bcrontab\s+(?:-u\s+\S+\s+)?(/?[\w./-]+)", command):
                source = stage.copied.get(installed)
                if source is not None and source not in stage.crontabs:
                    stage.crontabs.append(source)
    found = []
    for stage in stages:
        zone = stage.zone()
        if zone is not None and (stage.crontabs or stage.commands):
            commands = tuple(stage.commands.values())
            found.append(ImageZone(display, zone[0], zone[1], tuple(stage.crontabs), commands))
    return found


def _shell_line(arguments: str) -> str:
    """`CMD ["python", "-m", "shop"]` (exec form) or `CMD python -m shop` (shell form)."""
    if arguments.startswith("["):
        try:
            words = json.loads(arguments)
        except ValueError:
            return arguments
        if isinstance(words, list):
            return shlex.join(str(word) for word in words)
    return arguments


def runs(image: ImageZone, path: str) -> bool:
    """Whether the image's command starts the Python module at `path` (a display path)."""
    return any(modules_run(command, [path]) for command in image.commands)


def _copy(stage: _Stage, words: list[str]) -> None:
    if len(words) < 2:
        return
    *sources, destination = words
    for source in sources:
        name = PurePosixPath(source).name
        target = destination.rstrip("/") + "/" + name if destination.endswith("/") else destination
        stage.copied[target] = source
        cron_place = any(target.startswith(place + "/") for place in _CRON_PLACES)
        if (cron_place or is_crontab(PurePosixPath(source))) and source not in stage.crontabs:
            stage.crontabs.append(source)


def installs(image: ImageZone, crontab: str) -> bool:
    """Whether the image installs the crontab file at `crontab` (a display path): a source
    is read relative to the Dockerfile's folder (the usual build context) or the scanned
    root; one with a folder in it also as a tail of the path (a context above the root)."""
    folder = PurePosixPath(image.dockerfile).parent
    for source in image.crontabs:
        tail = source.removeprefix("./")
        if crontab in ((folder / tail).as_posix(), tail):
            return True
        if "/" in tail and crontab.endswith(f"/{tail}"):
            return True
    return False

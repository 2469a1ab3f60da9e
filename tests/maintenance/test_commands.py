"""Which modules of the tree a job's command runs (`scanner/maintenance/commands.py`)."""

from __future__ import annotations

import pytest

from scanner.maintenance.commands import modules_run, script_commands, scripts_run

TREE = [
    "/repo/manage.py",
    "/repo/shop/management/commands/pull_shopline_orders.py",
    "/repo/shop/management/commands/other.py",
    "/repo/shopsync/__main__.py",
    "/repo/shopsync/__init__.py",
    "/repo/jobs/pull_rms_orders.py",
    "/repo/tools/pull_rms_orders.py",
    "/repo/ops/cli.py",
]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            "python manage.py pull_shopline_orders",
            ["shop/management/commands/pull_shopline_orders.py"],
        ),
        (
            "django-admin pull_shopline_orders --days 2",
            ["shop/management/commands/pull_shopline_orders.py"],
        ),
        (
            "/srv/venv/bin/python -m django pull_shopline_orders",
            ["shop/management/commands/pull_shopline_orders.py"],
        ),
        ("python -m shopsync", ["shopsync/__main__.py"]),
        ("python -m ops.cli sync", ["ops/cli.py"]),
        (
            "cd /srv/shop && /usr/bin/python3 jobs/pull_rms_orders.py >> /var/log/x 2>&1",
            ["jobs/pull_rms_orders.py"],
        ),
        (
            "/srv/shop/venv/bin/python /srv/shop/jobs/pull_rms_orders.py",
            ["jobs/pull_rms_orders.py"],
        ),
        ("bash -c 'cd /srv/shop && python -m shopsync'", ["shopsync/__main__.py"]),
        ("uv run python -m ops.cli", ["ops/cli.py"]),
        # Python's own code: the modules it imports run (their top level, and what it calls).
        (
            'cd /srv/shop && /srv/shop/.venv/bin/python -c "import shopsync; shopsync.pull()"',
            ["shopsync/__init__.py"],
        ),
        ('python3 -c "from ops.cli import sync; sync()" && echo done', ["ops/cli.py"]),
        ("sh -c 'python -c \"import jobs.missing; import shopsync\"'", ["shopsync/__init__.py"]),
        ('python -c "print(1)"', []),
        ("python scripts/missing.py", []),
        ("echo hello", []),
    ],
)
def test_modules_a_command_runs(command: str, expected: list[str]) -> None:
    assert modules_run(command, TREE) == [f"/repo/{tail}" for tail in expected]


def test_a_bare_file_name_matches_every_file_so_named() -> None:
    """`python pull_rms_orders.py` run from an unknown directory: either file may be it."""
    assert sorted(modules_run("python pull_rms_orders.py", TREE)) == [
        "/repo/jobs/pull_rms_orders.py",
        "/repo/tools/pull_rms_orders.py",
    ]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("sh bin/sync.sh", [("bin/sync.sh", "sync.sh")]),
        ("cd /srv/app && ./ops/run.sh --all", [("ops/run.sh", "run.sh")]),
        ("bash -c '/srv/app/bin/sync.sh >> /var/log/sync.log'",
         [("srv/app/bin/sync.sh", "app/bin/sync.sh", "bin/sync.sh", "sync.sh")]),
        ("python -m shopsync", []),
    ],
)  # fmt: skip
def test_scripts_a_command_starts(command: str, expected: list[tuple[str, ...]]) -> None:
    assert list(scripts_run(command)) == expected


def test_a_scripts_lines_are_its_commands() -> None:
    text = (
        "#!/bin/sh\nset -eu\n\n# pull the orders\ncd /srv/app\nexec python -m shopsync \\\n  pull\n"
    )
    assert script_commands(text) == ("set -eu", "cd /srv/app", "exec python -m shopsync    pull")

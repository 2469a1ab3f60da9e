"""Jupyter notebooks: code cells are scanned, positions told as cell and line; magics are
not Python; notebooks are never rewritten by `fix`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.code.notebooks import read_notebook
from tests.conftest import write_tree


def _notebook(*cells: tuple[str, str]) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": kind, "metadata": {}, "source": text.splitlines(keepends=True)}
                for kind, text in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    )


NOTEBOOK = _notebook(
    ("markdown", "# Pulling orders\nuses https://open.shoplineapp.com in prose\n"),
    ("code", "%pip install requests\nimport requests\n"),
    ("code", "%%time\nx = 'https://open.shoplineapp.com/v1'\n"),
    ("code", "BASE = 'https://open.shoplineapp.com/v1'\n\nrequests.get(BASE + '/orders')\n"),
    ("code", "SKIP = 'https://open.shoplineapp.com/v1'  # noticelint: ignore[SL001] -- demo\n"),
)


def test_cells_are_read_in_order_with_magics_blanked() -> None:
    notebook = read_notebook(NOTEBOOK)
    lines = notebook.source.splitlines()
    assert notebook.starts == (1, 3, 5, 8)
    assert lines[0] == "#%pip install requests" and lines[2] == "#%%time"
    assert lines[3].startswith("#x = "), "a cell magic makes its whole cell not Python"
    assert notebook.cell_of(6) == (3, 2)


def test_findings_are_placed_in_cells(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"analysis/pull.ipynb": NOTEBOOK})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", "--select", "SL001"])
    assert result.exit_code == 1
    assert "analysis/pull.ipynb:cell 3:1:8: SL001" in result.stdout
    assert "cell 2" not in result.stdout and "cell 4" not in result.stdout
    document = json.loads(
        CliRunner().invoke(main, ["scan", "--select", "SL001", "--format", "json"]).stdout
    )
    (finding,) = document["findings"]
    assert (finding["cell"], finding["cell_line"], finding["fix"]) == (3, 1, None)
    fixed = CliRunner().invoke(main, ["fix"])
    assert fixed.exit_code == 0
    assert (tmp_path / "analysis/pull.ipynb").read_text() == NOTEBOOK


def test_a_file_named_that_cannot_be_read_is_not_counted_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"notes.txt": "open.shoplineapp.com\n", "bad.ipynb": "{not json"})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", "notes.txt"])
    assert result.exit_code == 1
    assert "notes.txt: error: not a kind of file noticelint reads" in result.stderr
    assert "0 files" not in result.stdout
    broken = CliRunner().invoke(main, ["scan", "bad.ipynb"])
    assert broken.exit_code == 1 and "bad.ipynb: error: not a Jupyter notebook" in broken.stderr

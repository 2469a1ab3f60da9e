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
    ("code", "%%bash\ncurl https://open.shoplineapp.com/v1/orders\n"),
)


def test_cells_are_read_in_order_with_magics_blanked() -> None:
    notebook = read_notebook(NOTEBOOK)
    lines = notebook.source.splitlines()
    assert notebook.starts == (1, 3, 5, 8, 9)
    assert lines[0] == "#%pip install requests" and lines[2] == "#%%time"
    assert lines[3].startswith("x = "), "%%time runs its cell as Python"
    assert lines[9].startswith("#curl "), "%%bash does not"
    assert notebook.cell_of(6) == (3, 2)


def test_findings_are_placed_in_cells(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"analysis/pull.ipynb": NOTEBOOK})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", "--select", "SL001"])
    assert result.exit_code == 1
    assert "analysis/pull.ipynb:cell 3:1:8: SL001" in result.stdout
    assert "analysis/pull.ipynb:cell 2:2:5: SL001" in result.stdout
    assert "cell 4" not in result.stdout and "cell 5" not in result.stdout
    document = json.loads(
        CliRunner().invoke(main, ["scan", "--select", "SL001", "--format", "json"]).stdout
    )
    cells = {(f["cell"], f["cell_line"], f["fix"]) for f in document["findings"]}
    assert cells == {(2, 2, None), (3, 1, None)}
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


def test_every_format_places_a_notebook_finding_by_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"nb.ipynb": _notebook(("code", "x = 1\nB = 'open.shoplineapp.com'\n"))})
    monkeypatch.chdir(tmp_path)

    def rendered(fmt: str) -> str:
        return CliRunner().invoke(main, ["scan", "--select", "SL001", "--format", fmt]).stdout

    assert "nb.ipynb:cell 1:2:5" in rendered("markdown")
    assert "nb.ipynb:cell 1:2:5" in rendered("html")
    assert "nb.ipynb:cell 1:2:5" in rendered("junit")
    github = rendered("github")
    assert "line=" not in github and "(cell 1%2C line 2)" in github
    (result,) = json.loads(rendered("sarif"))["runs"][0]["results"]
    assert "region" not in result["locations"][0]["physicalLocation"]
    assert result["message"]["text"].startswith("cell 1, line 2: ")


def test_a_syntax_error_is_placed_by_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"nb.ipynb": _notebook(("code", "x = 1\n"), ("code", "def f(:\n"))})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", "nb.ipynb"])
    assert result.exit_code == 1
    assert "nb.ipynb: error: syntax error: invalid syntax (cell 2, line 1)" in result.stderr

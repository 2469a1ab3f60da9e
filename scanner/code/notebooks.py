"""Jupyter notebooks (`.ipynb`) read as Python: their code cells one after another.

Magics and shell escapes (`%time`, `!pip install`, a cell's `%%time`) are not Python:
their lines are blanked to comments, so every line keeps its number; so are the cells of a
cell magic that runs another language (`%%bash`, `%%sql`). A position in the joined
source is told back as (cell, line in the cell), counting code cells from 1, as Ruff does.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass

from scanner.code.decoding import Unscannable

# Not `typing.TYPE_CHECKING`: a hook's quick answer imports this module, and typing is
# not otherwise on its way (importing it costs a tenth of the answer).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SUFFIX = ".ipynb"
# IPython's cell magics whose cell is not Python (`%%time`, `%%capture`, … run Python).
FOREIGN_CELL_MAGICS = frozenset({
    "bash", "sh", "script", "html", "javascript", "js", "latex", "markdown", "perl",
    "ruby", "svg", "sql", "writefile", "file", "sx", "system", "python2", "pypy",
})  # fmt: skip


@dataclass(frozen=True)
class Notebook:
    """A notebook's code cells joined into one module's source, and the line each cell starts on."""

    source: str
    # The joined source's line where each code cell starts (1-based, ascending).
    starts: tuple[int, ...]

    def cell_of(self, line: int) -> tuple[int, int]:
        """(code cell number, line in the cell), both from 1."""
        index = max(bisect.bisect_right(self.starts, line) - 1, 0)
        return index + 1, line - self.starts[index] + 1 if self.starts else line


def is_notebook(path: str) -> bool:
    return path.endswith(SUFFIX)


def read_notebook(text: str) -> Notebook:
    """The code cells of a notebook's JSON; `Unscannable` when it is not a notebook."""
    try:
        document: Any = json.loads(text)
        cells = document["cells"]
        if not isinstance(cells, list):
            raise TypeError("cells is not a list")
    except (ValueError, KeyError, TypeError) as exc:
        raise Unscannable(f"not a Jupyter notebook: {exc}") from None
    lines: list[str] = []
    starts: list[int] = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text_of_cell = "".join(source) if isinstance(source, list) else str(source)
        starts.append(len(lines) + 1)
        foreign = False  # a cell magic that runs another language (`%%bash`, `%%sql`)
        for line in text_of_cell.splitlines() or [""]:
            stripped = line.lstrip()
            if stripped.startswith("%%") and not lines[starts[-1] - 1 :]:
                foreign = stripped[2:].split(" ", 1)[0].strip() in FOREIGN_CELL_MAGICS
                line = "#" + line
            elif foreign or stripped.startswith(("%", "!")):
                line = "#" + line  # not Python; the line keeps its place
            lines.append(line)
    return Notebook("\n".join(lines) + "\n" if lines else "", tuple(starts))

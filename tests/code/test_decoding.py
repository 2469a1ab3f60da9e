"""A module's bytes decoded as Python decodes them: by its coding line or mark, else UTF-8."""

from __future__ import annotations

import codecs
import io
import os
import tokenize
from pathlib import Path

import pytest

from scanner.code.decoding import Unscannable, decode_python, read_source

TEXTS = [
    b"",
    b"x = 1\n",
    b"x = 1",
    "名前 = 'ショップ'\n".encode(),
    codecs.BOM_UTF8 + b"x = 1\n",
    codecs.BOM_UTF8 + b"# coding: latin-1\nx = 1\n",  # a mark and another coding: refused
    "# -*- coding: latin-1 -*-\nx = 'é'\n".encode("latin-1"),
    "#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '€'\n".encode("cp1252"),
    "\n\n# coding: latin-1\nx = 'é'\n".encode("latin-1"),  # third line: not a coding line
    "x = 1\n# coding: latin-1\n".encode("latin-1"),  # after code: not a coding line
    b"# coding: nosuch\nx = 1\n",
    b"# coding=utf-8\nx = '\xe9'\n",
    b"x = '\xe9'\n",  # not UTF-8, no coding line
    b"\n\nx = '\xe9'\n",  # not UTF-8 on the third line
    b"# first\r# coding: latin-1\rx = '\xe9'\r",  # one line to `detect_encoding`
    b"x = 'coding'\ny = '\xe9'\n",
    "s = '\udcff'\n".encode("utf-8", "surrogatepass"),
]


def _as_tokenize_says(data: bytes) -> str:
    """The text, or the error, when `tokenize.detect_encoding` always names the codec."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        return f"cannot decode: {exc}"
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        return f"cannot decode as {encoding}: {exc}"


@pytest.mark.parametrize("data", TEXTS)
def test_the_text_is_what_the_coding_line_or_utf_8_says(data: bytes) -> None:
    """Without a coding line or a mark, UTF-8 is taken without asking `tokenize` (not
    imported for it); every answer, and every error, is the one it would give."""
    try:
        said = decode_python(data)
    except Unscannable as exc:
        said = str(exc)
    assert said == _as_tokenize_says(data)


def test_a_module_without_a_coding_line_imports_no_tokenize() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from scanner.code.decoding import decode_python\n"
        "decode_python('x = \"ショップ\"\\n'.encode())\n"
        "print('tokenize' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_a_file_is_read_where_os_has_no_nonblocking_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on Windows: rule files and modules are read all the same."""
    (tmp_path / "a.py").write_bytes(b"x = 1\n")
    monkeypatch.delattr(os, "O_NONBLOCK")
    assert read_source(tmp_path / "a.py") == b"x = 1\n"

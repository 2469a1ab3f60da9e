"""Reading a file's text the way Python would (coding cookie, BOM), or saying why not."""

from __future__ import annotations

import errno
import io
import os
import stat
import tokenize
from pathlib import Path


class Unscannable(Exception):
    """A file that cannot be decoded or parsed; the reason is shown to the user, at `line`
    and `column` (1-based; 0 when the fault has no place). `valid_python`: Python accepts
    the file, and the fault is the analyser's limit (libcst's parser, its own depth)."""

    def __init__(
        self, reason: str, line: int = 0, column: int = 0, valid_python: bool = False
    ) -> None:
        super().__init__(reason)
        self.line, self.column, self.valid_python = line, column, valid_python


def read_source(path: Path) -> bytes:
    """The bytes of a regular file. Opened without waiting, so that a FIFO or device put
    where a file was found never blocks the scan; anything but a regular file is refused
    with `OSError` ("not a regular file"), as are the errors of reading."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(descriptor)


def decode_python(data: bytes) -> str:
    if b"\0" in data:
        raise Unscannable("binary file (contains NUL bytes)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise Unscannable(f"cannot decode: {exc}") from None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise Unscannable(f"cannot decode as {encoding}: {exc}") from None


def decode_text(data: bytes) -> str:
    if b"\0" in data:
        raise Unscannable("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unscannable(f"cannot decode as utf-8: {exc}") from None

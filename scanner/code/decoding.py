"""Reading a file's text the way Python would (coding cookie, BOM), or saying why not."""

from __future__ import annotations

import codecs
import errno
import io
import os
import stat

# Not `typing.TYPE_CHECKING`, nor `pathlib` itself: a reply read from the cache folder
# (`scanner.scan.replies`) is read through here, before either is imported.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

# The largest module parsed: libcst needs minutes and gigabytes on generated files of tens of
# megabytes. Here, not with the parser: a hook's quick answer asks it, and loads no parser.
MAX_PARSE_CHARS = 8_000_000


class Unscannable(Exception):
    """A file that cannot be decoded or parsed; the reason is shown to the user, at `line`
    and `column` (1-based; 0 when the fault has no place). `valid_python`: Python accepts
    the file, and the fault is the analyser's limit (libcst's parser, its own depth)."""

    def __init__(
        self, reason: str, line: int = 0, column: int = 0, valid_python: bool = False
    ) -> None:
        super().__init__(reason)
        self.line, self.column, self.valid_python = line, column, valid_python


def read_source(path: Path | str) -> bytes:
    """The bytes of a regular file. Opened without waiting, so that a FIFO or device put
    where a file was found never blocks the scan; anything but a regular file is refused
    with `OSError` ("not a regular file"), as are the errors of reading."""
    # Windows has neither flag, nor FIFOs to wait on.
    flags = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, os.O_RDONLY | flags)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(descriptor)


def wide_codec(data: bytes) -> str | None:
    """The codec a UTF-16 or UTF-32 byte-order mark at the start names (Windows editors and
    PowerShell's `>` write them), else None."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def decode_python(data: bytes) -> str:
    wide = wide_codec(data)
    if wide is not None:
        # Python reads source as UTF-8 or as its coding line says, never UTF-16: not "binary".
        raise Unscannable(
            f"{wide.upper()} text, which Python does not read as source: save it as UTF-8"
        )
    if b"\0" in data:
        raise Unscannable("binary file (contains NUL bytes)")
    if b"coding" not in _first_lines(data) and not data.startswith(codecs.BOM_UTF8):
        # No coding line and no mark: Python reads UTF-8, as `detect_encoding` would say, and
        # `tokenize` need not be imported (about 0.4 ms of a hook's answer). Text that is
        # not UTF-8 is left to it: its error says where.
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise Unscannable(f"cannot decode: {exc}") from None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise Unscannable(f"cannot decode as {encoding}: {exc}") from None


def _first_lines(data: bytes) -> bytes:
    """The first two lines of the bytes, as `tokenize.detect_encoding` reads them (split at
    `\n` alone): where a coding line may stand."""
    first = data.find(b"\n")
    second = -1 if first == -1 else data.find(b"\n", first + 1)
    return data if second == -1 else data[:second]


def text_codec(data: bytes) -> str:
    """The codec of a config file's bytes, byte-order mark and all: UTF-16 or UTF-32 by
    their mark (which the codec reads and writes), else UTF-8, with its mark or without."""
    return wide_codec(data) or ("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8")


def decode_text(data: bytes) -> str:
    codec = text_codec(data)
    if codec.startswith("utf-8") and b"\0" in data:
        raise Unscannable("binary file (contains NUL bytes)")
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise Unscannable(f"cannot decode as {codec.removesuffix('-sig')}: {exc}") from None

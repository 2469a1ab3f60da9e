"""Writing a file so that a failure never leaves it half written or empty.

The bytes go to a temporary file beside the target, are flushed to the disk, and replace
the target in one `os.replace`: a reader sees the old file or the new one, never a mix, and
an error (a full disk, a name that cannot be encoded) leaves the old one as it was.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path


def replace_file(
    target: Path,
    data: bytes,
    mode: int | None = None,
    owner: tuple[int, int] | None = None,
    still_current: Callable[[], None] | None = None,
) -> None:
    """Put `data` in `target` atomically, with `mode` (default 0o644 less the umask) and
    `owner` (uid, gid; kept where the process may set it). `still_current` is called just
    before the replacement and may raise to call it off. Raises `OSError`; no temporary
    file is left behind."""
    # Here: `tempfile` brings `shutil` and `random`, and most scans write no file this way.
    import tempfile

    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        if owner is not None:
            # Only root may give a file away; anyone else keeps their own.
            with contextlib.suppress(PermissionError):
                os.chown(temporary, *owner)
        if still_current is not None:
            still_current()
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def replace_text(target: Path, text: str) -> None:
    """`replace_file` for a report or a record: UTF-8, with any unpaired surrogate (a byte
    of a file name that is not UTF-8) escaped rather than failing the write."""
    target.parent.mkdir(parents=True, exist_ok=True)
    replace_file(target, text.encode("utf-8", "backslashreplace"))

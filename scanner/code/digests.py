"""The digests that name what the caches and records hold, made without importing `hashlib`.

`hashlib` loads OpenSSL's library as it is imported: about a tenth of a hook's quick answer
on the benchmark's machine, spent before any file is read. BLAKE2b is built into CPython
itself, as the `_blake2` module that `hashlib.blake2b` is taken from, and costs nothing to
import; an interpreter without that module gets the same algorithm from `hashlib`. These
digests only name records (a changed digest is a cache miss): what a report shows (SARIF
fingerprints, a baseline's) keeps its own SHA-256.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # not CPython: `hashlib` has it
    from hashlib import blake2b

# 256 bits, as the SHA-256 digests these replaced: records keyed by them stay as unlikely
# to collide.
DIGEST_SIZE = 32


def hasher(data: bytes = b"") -> blake2b:
    """A running digest of `data` and what is `update`d into it."""
    return blake2b(data, digest_size=DIGEST_SIZE)


def hex_digest(data: bytes, size: int = DIGEST_SIZE) -> str:
    """The digest of `data`, `size` bytes long, in hexadecimal digits (twice as many)."""
    return blake2b(data, digest_size=size).hexdigest()

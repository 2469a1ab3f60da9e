"""noticelint: finds integration code that documented platform changes break."""

from scanner.code.deferred import defer

__version__ = "0.1.0"

# Parsing is the only use of libcst: a scan that parses nothing never loads it. Nor does a
# scan whose rule pack comes compiled load PyYAML, or one with no per-file ignores pathspec,
# or a run whose data classes all have docstrings `inspect`, or a run that walks no tree of
# Python's parser `ast` (see `scanner.code.deferred`).
for _package in ("libcst", "yaml", "pathspec", "inspect", "ast"):
    defer(_package)

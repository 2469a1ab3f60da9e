"""noticelint: finds integration code that documented platform changes break."""

from scanner.code.deferred import defer

__version__ = "0.1.0"

# Parsing is the only use of libcst: a scan that parses nothing never loads it. Nor does a
# scan whose rule pack comes compiled load PyYAML, or one with no per-file ignores pathspec,
# or a run whose data classes all have docstrings `inspect`, or a run that walks no tree of
# Python's parser `ast` (see `scanner.code.deferred`), or a run that splits no URL with a
# bracketed host `ipaddress` (`urllib.parse`, which `pathlib` imports, reads it only then:
# a thirtieth of a hook's quick answer).
for _package in ("libcst", "yaml", "pathspec", "inspect", "ast", "ipaddress"):
    defer(_package)

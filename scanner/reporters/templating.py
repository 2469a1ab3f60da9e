"""The Jinja2 environment over the shipped report templates."""

from __future__ import annotations

from functools import cache

import jinja2

from scanner.rulepack.resources import templates_dir


# One environment of each kind per run: it keeps the templates it compiled (a rule page's
# template took a fiftieth of a second to compile, for each of the rules).
@cache
def environment(autoescape: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )

"""The Jinja2 environment over the shipped report templates."""

from __future__ import annotations

import jinja2

from scanner.rulepack.resources import templates_dir


def environment(autoescape: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )

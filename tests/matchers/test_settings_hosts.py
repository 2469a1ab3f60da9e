"""Data read from a request whose base URL is a setting (a settings class's field, here or in
another module) is judged by that URL's host, not by the names around the read."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

CONFIG = """\
from pydantic import Field
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    line_shopping_api: str = "https://partner-api.shopping.line.me/v2"
    shopline_api: str = Field(default="https://open.shopline.io/v1")
    line_by_field: str = Field("https://partner-api.shopping.line.me/v2", alias="LINE_API")


settings = Settings()
"""
READ = """\
import os

import requests

{imports}


def open_chats():
    resp = requests.get(f"{{{base}}}/conversations", timeout=20)
    return [conv["receiver_id"] for conv in resp.json()["items"]]
"""


@pytest.mark.parametrize(
    ("imports", "base", "flagged"),
    [
        ("from app.config import settings", "settings.line_shopping_api", False),
        ("from app.config import settings", "settings.line_by_field", False),
        ("from app import config", "config.settings.line_shopping_api", False),
        ("from app.config import settings", "settings.shopline_api", True),
        # A base URL the scan cannot read at all: the names around the read decide.
        ('BASE = os.environ["SHOPLINE_API"]', "BASE", True),
    ],
)
def test_a_read_is_judged_by_the_host_its_settings_give(
    tmp_path: Path, ruleset: RuleSet, imports: str, base: str, flagged: bool
) -> None:
    write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/config.py": CONFIG,
            "app/chats.py": READ.format(imports=imports, base=base),
        },
    )
    found = triples(scan_tree(tmp_path, ruleset.select(["SL010"])))
    assert found == ({("app/chats.py", 10, "SL010")} if flagged else set())


def test_a_field_default_in_the_same_module_gives_the_host(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    source = CONFIG + READ.format(imports="", base="settings.line_by_field")
    write_tree(tmp_path, {"chats.py": source})
    assert triples(scan_tree(tmp_path, ruleset.select(["SL010"]))) == set()

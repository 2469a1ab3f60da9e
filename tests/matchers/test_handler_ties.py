"""A webhook handler whose own names tie it to another platform (its route, the header it
reads, FastAPI's header parameter) handles that platform's topics and payloads: the
SHOPLINE rules leave them alone, beside a SHOPLINE handler in the same module that they do
judge."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

FLASK = """\
from flask import Flask, request

app = Flask(__name__)


@app.post("/hooks/shopline")
def shopline_hook():
    body = request.get_json()
    if body["topic"] == "user/new_member":
        return body["resource"].get("birthday")
    return ""


@app.post("/hooks/shopify")
def shopify_hook():
    topic = request.headers.get("X-Shopify-Topic", "")
    payload = request.get_json()
    if topic == "user/new_member":
        return payload.get("birthday")
    if topic.startswith("user/"):
        return "ignored"
    return ""
"""
# The Shopify handler is told apart by its header parameter alone: its route names nothing.
FASTAPI = """\
from fastapi import FastAPI, Header, Request

app = FastAPI()


@app.post("/webhooks/a")
async def shopline_webhook(request: Request):
    body = await request.json()
    if body["topic"] == "user/new_member":
        return body["resource"].get("birthday")
    return {}


@app.post("/webhooks/b")
async def store_webhook(request: Request, *, x_shopify_topic: str = Header(...)):
    payload = await request.json()
    if x_shopify_topic == "user/new_member":
        return payload.get("birthday")
    if x_shopify_topic.startswith("user/"):
        return {}
    return {}
"""


@pytest.mark.parametrize("code", [FLASK, FASTAPI], ids=["flask", "fastapi"])
def test_only_the_shopline_handler_is_judged(tmp_path: Path, ruleset: RuleSet, code: str) -> None:
    write_tree(tmp_path, {"shop/hooks.py": code})
    found = triples(scan_tree(tmp_path, ruleset, as_of=None))
    assert found == {("shop/hooks.py", 9, "SL002"), ("shop/hooks.py", 10, "SL009")}


def test_a_shopify_handler_alone_is_not_judged(tmp_path: Path, ruleset: RuleSet) -> None:
    """Nothing else in the module says Shopify: no request, no other name."""
    shopify_only = FLASK[FLASK.index('@app.post("/hooks/shopify")') :]
    write_tree(tmp_path, {"shop/hooks.py": "from flask import request\n\n\n" + shopify_only})
    assert triples(scan_tree(tmp_path, ruleset, as_of=None)) == set()


SUBSCRIBES = """\
import requests

from shop.settings import {name}


def subscribe(address):
    requests.post(f"{{{name}}}/webhooks.json",
                  json={{"webhook": {{"topic": "user/new_member", "address": address}}}})


HANDLERS = {{"user/new_member": "welcome"}}
"""


@pytest.mark.parametrize(
    ("name", "value", "flagged"),
    [
        # The host is another platform's, and so is the name the URL takes it by.
        ("SHOPIFY_HOST", "https://example.myshopify.com/admin/api/2024-07", False),
        # The name says nothing: the topic is SHOPLINE's unless the tree says otherwise.
        ("BASE", "https://open.shopline.io/v1", True),
        # The name says SHOPLINE.
        ("SHOPLINE_API", "https://open.shopline.io/v1", True),
    ],
)
def test_a_request_whose_host_another_module_holds_goes_where_its_name_ties_it(
    tmp_path: Path, ruleset: RuleSet, name: str, value: str, flagged: bool
) -> None:
    """A module whose every request takes its host from another module's constant named for
    another platform (`SHOPIFY_HOST`) sends that platform's topics, as when the constant is
    its own."""
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/settings.py": f"{name} = {value!r}\n",
            "shop/hooks.py": SUBSCRIBES.format(name=name),
        },
    )
    found = triples(scan_tree(tmp_path, ruleset.select(["SL002"]), as_of=None))
    expected = {("shop/hooks.py", 8, "SL002"), ("shop/hooks.py", 11, "SL002")}
    assert found == (expected if flagged else set())

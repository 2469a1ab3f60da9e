"""End-to-end scans of request shapes beyond the precision cases: inbound routes are not calls,
foreign hosts get no Open API finding, hostless calls count only when a name ties them to the
Open API, status handling follows the response, retry and write loops are judged by how they
end and what they loop over, and webhook topics by the platform the code subscribes on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import pytest

from scanner.rulepack.ruleset import RuleSet
from scanner.scan.engine import ScanResult
from tests.conftest import scan_tree, triples, write_tree

AS_OF = date(2026, 1, 1)
OPEN_API_RULES = ["SL012", "SL013", "SL014", "SL018"]
ASSUMED = "(assumed SHOPLINE Open API"


def _scan(
    root: Path, ruleset: RuleSet, files: Mapping[str, str], select: Sequence[str] = ()
) -> ScanResult:
    """Scan `files` written under `root` with the selected rules, as of AS_OF."""
    write_tree(root, files)
    chosen = ruleset.select(list(select)) if select else ruleset
    result = scan_tree(root, chosen, as_of=AS_OF)
    assert result.errors == []
    return result


def _line(text: str, needle: str, after: str | None = None) -> int:
    """The 1-based line of the one line holding `needle` (the first after the line holding
    `after`, when given)."""
    lines = text.splitlines()
    start = 0
    if after is not None:
        starts = [i for i, line in enumerate(lines) if after in line]
        assert len(starts) == 1, f"{after!r} is not on exactly one line"
        start = starts[0]
    found = [i for i, line in enumerate(lines) if needle in line and i >= start]
    assert found, f"{needle!r} not found"
    if after is None:
        assert len(found) == 1, f"{needle!r} is not on exactly one line"
    return found[0] + 1


# (a) Inbound routes of the scanned application are not calls. Each module is named so that
# its file ties hostless calls to the Open API (see the control test): a route declaration
# taken for a call would resolve to Get Order there.

FLASK = """\
import requests
from flask import Blueprint, Flask

app = Flask(__name__)
bp = Blueprint("orders", __name__)
API = "https://open.shopline.io/v1"


@app.get("/orders/<oid>")
def show(oid):
    return requests.get(f"{API}/orders/{oid}").json()


@bp.route("/v1/orders/<oid>", methods=["GET"])
def show_v1(oid):
    return {"id": oid}


def register(view):
    app.add_url_rule("/orders/<oid>", view_func=view)
"""

FASTAPI = """\
import httpx
from fastapi import APIRouter, FastAPI

app = FastAPI()
router = APIRouter()
API = "https://open.shopline.io/v1"


@router.get("/orders/{order_id}")
async def show(order_id: str):
    async with httpx.AsyncClient() as client:
        return (await client.get(f"{API}/orders/{order_id}")).json()


async def show_v1(order_id: str):
    return {"id": order_id}


app.add_api_route("/orders/{order_id}/preview", show_v1, methods=["GET"])
"""

AIOHTTP_WEB = """\
import aiohttp
from aiohttp import web

routes = web.RouteTableDef()
API = "https://open.shopline.io/v1"


@routes.get("/orders/{id}")
async def show(request):
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{API}/orders/{request.match_info['id']}") as resp:
            return web.json_response(await resp.json())


async def show_v1(request):
    return web.json_response({})


app = web.Application()
app.router.add_get("/v1/orders/{id}", show_v1)
app.router.add_route("GET", "/orders/{id}/raw", show_v1)
app.add_routes(routes)
"""

SANIC = """\
import httpx
from sanic import Blueprint, Sanic
from sanic.response import json

app = Sanic("orders")
bp = Blueprint("orders")
API = "https://open.shopline.io/v1"


@app.get("/orders/<oid>")
async def show(request, oid):
    async with httpx.AsyncClient() as client:
        return json((await client.get(f"{API}/orders/{oid}")).json())


@bp.route("/v1/orders/<oid:int>", methods=["GET"])
async def show_v1(request, oid):
    return json({})


app.add_route(show_v1, "/orders/<oid>/raw", methods=["GET"])
"""

LITESTAR = """\
import httpx
from litestar import Litestar, get

API = "https://open.shopline.io/v1"


@get("/orders/{order_id:str}")
async def show(order_id: str) -> dict:
    async with httpx.AsyncClient() as client:
        return (await client.get(f"{API}/orders/{order_id}")).json()


@get(path="/v1/orders/{order_id:str}")
async def show_v1(order_id: str) -> dict:
    return {}


app = Litestar(route_handlers=[show, show_v1])
"""

STARLETTE_DJANGO = """\
import requests
from django.urls import path, re_path
from rest_framework.decorators import action
from starlette.routing import Route

API = "https://open.shopline.io/v1"


def fetch(oid):
    return requests.get(f"{API}/orders/{oid}").json()


def show(request, oid):
    return None


routes = [Route("/orders/{id}", show), Route("/v1/orders/{id}", show, methods=["GET"])]
urlpatterns = [path("orders/<int:id>/", show), re_path(r"^v1/orders/(?P<id>[0-9]+)/$", show)]


class OrderViewSet:
    @action(detail=True, methods=["get"], url_path="orders")
    def order(self, request, pk=None):
        return None
"""


@pytest.mark.parametrize(
    ("name", "text", "call"),
    [
        ("shopline_flask.py", FLASK, 'requests.get(f"{API}/orders/{oid}")'),
        ("shopline_fastapi.py", FASTAPI, 'client.get(f"{API}/orders/{order_id}")'),
        ("shopline_aiohttp.py", AIOHTTP_WEB, 'session.get(f"{API}/orders/{request'),
        ("shopline_sanic.py", SANIC, 'client.get(f"{API}/orders/{oid}")'),
        ("shopline_litestar.py", LITESTAR, 'client.get(f"{API}/orders/{order_id}")'),
        ("shopline_routing.py", STARLETTE_DJANGO, 'requests.get(f"{API}/orders/{oid}")'),
    ],
)
def test_route_declarations_are_not_calls(
    tmp_path: Path, ruleset: RuleSet, name: str, text: str, call: str
) -> None:
    """Only the module's outbound Get Order is reported, never a declared route."""
    result = _scan(tmp_path, ruleset, {name: text}, ["SL013", "SL018"])
    assert triples(result) == {(name, _line(text, call), "SL013")}
    (finding,) = result.findings
    assert ASSUMED not in finding.message


def test_control_a_hostless_call_in_such_a_module_is_tied_by_its_file(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """What a route declaration would be if taken for a call: the file name ties it."""
    text = 'def probe(client, oid):\n    return client.get(f"/orders/{oid}").json()\n'
    result = _scan(tmp_path, ruleset, {"shopline_flask.py": text}, ["SL013"])
    assert triples(result) == {("shopline_flask.py", 2, "SL013")}
    assert "(assumed SHOPLINE Open API: module `" in result.findings[0].message


HAND_APPLIED_ROUTE = """\
from flask import Flask

app = Flask(__name__)


def show(oid):
    return {"id": oid}


show_route = app.get("/v1/orders/<oid>")(show)
"""


def test_a_hand_applied_route_decorator_is_not_a_call(tmp_path: Path, ruleset: RuleSet) -> None:
    result = _scan(tmp_path, ruleset, {"shopline_app.py": HAND_APPLIED_ROUTE}, ["SL013"])
    assert triples(result) == set()


# (b) Foreign hosts: the same code against another company's API gets no Open API finding.

CLIENTS = """\
import aiohttp
import httpx
import requests

BASE = "https://HOST"


class ShoplineMirror:
    BASE_URL = "https://HOST/v1"

    def __init__(self):
        self.session = requests.Session()

    def order(self, oid):
        resp = self.session.get(f"{self.BASE_URL}/orders/{oid}")
        if resp.status_code == 404:
            return None
        return resp.json()


async def cancel(oid):
    async with httpx.AsyncClient(base_url=BASE + "/v1") as client:
        await client.patch(f"orders/{oid}/cancel", json={"reason": "stock"})


async def refund(oid):
    async with aiohttp.ClientSession(BASE) as session:
        async with session.post(f"/v1/orders/{oid}/refund", json={}) as resp:
            return await resp.json()


def open_return(order, address):
    shopline_client = httpx.Client(base_url=BASE)
    body = {"order_id": order, "status": "pending", "recipient_address": address}
    return shopline_client.post("/v1/return_orders", json=body)


def order_total(oid):
    return httpx.get(f"{BASE}/v1/orders/{oid}").json()["total"]
"""


def test_control_the_clients_against_the_open_api(tmp_path: Path, ruleset: RuleSet) -> None:
    text = CLIENTS.replace("HOST", "open.shopline.io")
    result = _scan(tmp_path, ruleset, {"clients.py": text}, OPEN_API_RULES)
    assert triples(result) == {
        ("clients.py", _line(text, "self.session.get("), "SL013"),
        ("clients.py", _line(text, "await client.patch("), "SL014"),
        ("clients.py", _line(text, 'session.post(f"/v1/orders/{oid}/refund"'), "SL018"),
        ("clients.py", _line(text, 'body = {"order_id": order, "status"'), "SL012"),
        ("clients.py", _line(text, 'httpx.get(f"{BASE}/v1/orders/{oid}")'), "SL013"),
    }
    assert not any(ASSUMED in finding.message for finding in result.findings)


@pytest.mark.parametrize("host", ["api.example.com", "erp.internal.example", "127.0.0.1:8080"])
def test_foreign_hosts_get_no_open_api_finding(tmp_path: Path, ruleset: RuleSet, host: str) -> None:
    text = CLIENTS.replace("HOST", host)
    assert triples(_scan(tmp_path, ruleset, {"clients.py": text}, OPEN_API_RULES)) == set()


def test_foreign_hosts_get_no_finding_of_any_rule(tmp_path: Path, ruleset: RuleSet) -> None:
    text = CLIENTS.replace("HOST", "api.example.com")
    assert triples(_scan(tmp_path, ruleset, {"clients.py": text})) == set()


# (c) Hostless clients count for the Open API only when a name ties them there.

TIED_BY_PARAMETER = """\
def load(shopline_client, oid):
    return shopline_client.get(f"/orders/{oid}").json()
"""

TIED_BY_ANNOTATION = """\
from vendor import ShoplineClient


def load(client: ShoplineClient, oid):
    resp = client.get(f"/orders/{oid}")
    if resp.status_code == 404:
        return None
    return resp.json()
"""

TIED_BY_CONSTRUCTOR = """\
from vendor import ShoplineAPI


class OrderSync:
    def __init__(self, token):
        self.api = ShoplineAPI(token)

    def order(self, oid):
        return self.api.get(f"/orders/{oid}").json()
"""

TIED_BY_INJECTION = """\
from vendor import ShoplineAPI


class OrderSync:
    def __init__(self, api: ShoplineAPI):
        self.api = api

    def order(self, oid):
        return self.api.get(f"/orders/{oid}").json()
"""

TIED_BY_SETTING = """\
from django.conf import settings


def load(http, oid):
    return http.get(f"{settings.SHOPLINE_API_URL}/orders/{oid}").json()
"""


@pytest.mark.parametrize(
    ("text", "call", "what"),
    [
        (TIED_BY_PARAMETER, "shopline_client.get(", "client `shopline_client`"),
        (TIED_BY_ANNOTATION, "client.get(", "client `ShoplineClient`"),
        (TIED_BY_CONSTRUCTOR, "self.api.get(", "client `ShoplineAPI`"),
        (TIED_BY_INJECTION, "self.api.get(", "client `ShoplineAPI`"),
        (TIED_BY_SETTING, "http.get(", "setting `SHOPLINE_API_URL`"),
    ],
    ids=["parameter", "annotation", "constructor", "injection", "setting"],
)
def test_a_tied_hostless_call_is_reported_and_says_what_it_assumed(
    tmp_path: Path, ruleset: RuleSet, text: str, call: str, what: str
) -> None:
    result = _scan(tmp_path, ruleset, {"jobs/sync.py": text}, ["SL013", "SL018"])
    assert triples(result) == {("jobs/sync.py", _line(text, call), "SL013")}
    (finding,) = result.findings
    assert finding.message.endswith(f" {ASSUMED}: {what})")


def test_a_tied_hostless_typo_is_reported_as_undocumented(tmp_path: Path, ruleset: RuleSet) -> None:
    text = (
        "def load(shopline_client, erp, oid):\n"
        '    mine = shopline_client.get(f"/order/{oid}")\n'
        '    theirs = erp.get(f"/order/{oid}")\n'
        "    mine.raise_for_status()\n"
        "    theirs.raise_for_status()\n"
        "    return mine.json(), theirs.json()\n"
    )
    result = _scan(tmp_path, ruleset, {"jobs/sync.py": text}, ["SL018"])
    assert triples(result) == {("jobs/sync.py", 2, "SL018")}
    message = result.findings[0].message
    assert "GET /v1/orders/{id}" in message
    assert message.endswith(f" {ASSUMED}: client `shopline_client`)")


UNTIED_PARAMETER = """\
def load(erp, oid):
    return erp.get(f"/orders/{oid}").json()
"""

UNTIED_CLASS = """\
class ErpClient:
    def __init__(self, http):
        self.http = http

    def order(self, oid):
        return self.http.get(f"/orders/{oid}").json()
"""

ADMIN_BY_FILE = TIED_BY_PARAMETER

ADMIN_BY_CONSTRUCTOR = """\
from vendor import MyShoplineClient


def load(token, oid):
    shopline_client = MyShoplineClient(token)
    return shopline_client.get(f"/orders/{oid}").json()
"""

ADMIN_BY_SETTING = """\
from django.conf import settings


def load(http, oid):
    return http.get(f"{settings.MYSHOPLINE_API_URL}/orders/{oid}").json()
"""

ADMIN_BY_MODULE_STRING = """\
STORE_API = "https://acme.myshopline.com/admin/openapi/v20240601"


def load(shopline_client, oid):
    return shopline_client.get(f"/orders/{oid}").json()
"""

ADMIN_BY_MODULE_IMPORT = """\
import myshopline


def load(shopline_client, oid):
    return shopline_client.get(f"/orders/{oid}").json()
"""


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("jobs/erp_sync.py", UNTIED_PARAMETER),
        ("jobs/erp_client.py", UNTIED_CLASS),
        ("jobs/myshopline_sync.py", ADMIN_BY_FILE),
        ("jobs/admin_made.py", ADMIN_BY_CONSTRUCTOR),
        ("jobs/admin_setting.py", ADMIN_BY_SETTING),
        ("jobs/admin_string.py", ADMIN_BY_MODULE_STRING),
        ("jobs/admin_import.py", ADMIN_BY_MODULE_IMPORT),
    ],
    ids=[
        "erp-parameter",
        "erp-class",
        "myshopline-file",
        "myshopline-constructor",
        "myshopline-setting",
        "myshopline-module-string",
        "myshopline-module-import",
    ],
)
def test_an_untied_hostless_call_is_not_the_open_api(
    tmp_path: Path, ruleset: RuleSet, name: str, text: str
) -> None:
    assert triples(_scan(tmp_path, ruleset, {name: text}, OPEN_API_RULES)) == set()


# (d) Status handling follows the response into helpers and to the caller.

HELPER_HANDLES = """\
import requests

API = "https://open.shopline.io/v1"


def _checked(resp):
    if resp.status_code == 410:
        return None
    resp.raise_for_status()
    return resp.json()


def load(oid):
    resp = requests.get(f"{API}/orders/{oid}", timeout=10)
    return _checked(resp)


def load_inline(oid):
    return _checked(requests.get(f"{API}/orders/{oid}", timeout=10))
"""

METHOD_HANDLES = """\
from http import HTTPStatus

import httpx


class OrderReader:
    def __init__(self):
        self.http = httpx.AsyncClient(base_url="https://open.shopline.io/v1")

    def _parse(self, response):
        if response.status_code == HTTPStatus.GONE:
            return {"archived": True}
        return response.json()

    async def read(self, oid):
        response = await self.http.get(f"/orders/{oid}")
        return self._parse(response=response)
"""

HANDED_TO_CALLER = """\
import aiohttp
import httpx

API = "https://open.shopline.io/v1"


class OrderError(Exception):
    def __init__(self, status, body):
        super().__init__(f"{status}: {body}")
        self.status = status


async def read(session: aiohttp.ClientSession, oid):
    async with session.get(f"{API}/orders/{oid}") as resp:
        resp.raise_for_status()
        return await resp.json()


async def read_httpx(client: httpx.AsyncClient, oid):
    r = await client.get(f"{API}/orders/{oid}")
    r.raise_for_status()
    return r.json()


def read_sync(oid):
    r = httpx.get(f"{API}/orders/{oid}")
    if r.status_code != 200:
        raise OrderError(r.status_code, r.text)
    return r.json()


def read_message(oid):
    r = httpx.get(f"{API}/orders/{oid}")
    if not r.is_success:
        raise RuntimeError(f"order {oid}: HTTP {r.status_code}")
    return r.json()
"""


@pytest.mark.parametrize(
    "text",
    [HELPER_HANDLES, METHOD_HANDLES, HANDED_TO_CALLER],
    ids=["module-helper", "class-method", "to-the-caller"],
)
def test_status_handled_where_the_response_goes_is_not_reported(
    tmp_path: Path, ruleset: RuleSet, text: str
) -> None:
    assert triples(_scan(tmp_path, ruleset, {"app/orders.py": text}, ["SL013"])) == set()


HELPER_IGNORES = """\
import requests

API = "https://open.shopline.io/v1"


def _json(resp):
    if resp.status_code == 404:
        return None
    return resp.json()


def load(oid):
    resp = requests.get(f"{API}/orders/{oid}", timeout=10)
    return _json(resp)
"""

DROPPED_OR_SWALLOWED = """\
import logging

import httpx

API = "https://open.shopline.io/v1"
log = logging.getLogger(__name__)


def order_or_none(oid):
    r = httpx.get(f"{API}/orders/{oid}")
    if r.status_code == 404:
        return None
    return r.json()


def order_quiet(oid):
    try:
        r = httpx.get(f"{API}/orders/{oid}")
        r.raise_for_status()
    except httpx.HTTPStatusError as exc:
        log.warning("order %s failed: %s", oid, exc)
        return None
    return r.json()
"""


def test_a_helper_without_410_does_not_count(tmp_path: Path, ruleset: RuleSet) -> None:
    result = _scan(tmp_path, ruleset, {"app/orders.py": HELPER_IGNORES}, ["SL013"])
    assert triples(result) == {("app/orders.py", _line(HELPER_IGNORES, "requests.get("), "SL013")}


def test_dropped_responses_and_swallowed_errors_are_reported(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    text = DROPPED_OR_SWALLOWED
    result = _scan(tmp_path, ruleset, {"app/orders.py": text}, ["SL013"])
    assert triples(result) == {
        ("app/orders.py", _line(text, "httpx.get(", after="def order_or_none"), "SL013"),
        ("app/orders.py", _line(text, "httpx.get(", after="def order_quiet"), "SL013"),
    }


CROSS_FILE_CALLER = """\
import requests

from app.checks import archived_or_json

API = "https://open.shopline.io/v1"


def load(oid):
    resp = requests.get(f"{API}/orders/{oid}", timeout=10)
    return archived_or_json(resp)
"""

CROSS_FILE_HELPER = """\
def archived_or_json(resp):
    if resp.status_code == 410:
        return None
    return resp.json()
"""


def test_a_helper_in_another_file_of_the_tree_counts(tmp_path: Path, ruleset: RuleSet) -> None:
    files = {"app/orders.py": CROSS_FILE_CALLER, "app/checks.py": CROSS_FILE_HELPER}
    assert triples(_scan(tmp_path, ruleset, files, ["SL013"])) == set()


# (e) SL015: a loop that ends on failure is no retry; SL008: short literal loops and
# throttled wrappers are no burst.

PAGE_LOOPS = """\
import logging
import os
import sys

import requests

API = "https://open.shopline.io/v1"
log = logging.getLogger(__name__)


def pages_exit(session):
    page = 1
    while True:
        try:
            resp = session.get(f"{API}/customers", params={"page": page})
            resp.raise_for_status()
        except requests.HTTPError as exc:
            log.error("customers page %s: %s", page, exc)
            sys.exit(1)
        items = resp.json()["items"]
        if not items:
            return
        yield from items
        page += 1


def pages_os_exit(session):
    page = 1
    while True:
        try:
            items = session.get(f"{API}/customers", params={"page": page}).json()["items"]
        except requests.RequestException:
            log.exception("customers page %s", page)
            os._exit(1)
        if not items:
            return
        yield from items
        page += 1


def pages_raise(session):
    page = 1
    while True:
        try:
            items = session.get(f"{API}/customers", params={"page": page}).json()["items"]
        except requests.RequestException:
            log.exception("customers page %s", page)
            raise
        if not items:
            return
        yield from items
        page += 1


def pages_return(session):
    out, page = [], 1
    while True:
        try:
            items = session.get(f"{API}/customers", params={"page": page}).json()["items"]
        except requests.RequestException:
            log.exception("customers page %s", page)
            return out
        if not items:
            return out
        out.extend(items)
        page += 1


def pages_break(session):
    out, page = [], 1
    while True:
        try:
            items = session.get(f"{API}/customers", params={"page": page}).json()["items"]
        except requests.RequestException:
            log.exception("customers page %s", page)
            break
        if not items:
            break
        out.extend(items)
        page += 1
    return out


def pages_forever(session):
    out, page = [], 1
    while True:
        try:
            items = session.get(f"{API}/customers", params={"page": page}).json()["items"]
        except requests.RequestException:
            log.exception("customers page %s", page)
            continue
        if not items:
            break
        out.extend(items)
        page += 1
    return out


def pages_forever_else(session):
    out, page = [], 1
    while True:
        try:
            items = session.get(f"{API}/customers", params={"page": page}).json()["items"]
        except requests.RequestException as exc:
            log.warning("retrying page %s: %s", page, exc)
        else:
            if not items:
                break
            out.extend(items)
            page += 1
    return out
"""


def test_page_loops_that_end_on_failure_are_not_retries(tmp_path: Path, ruleset: RuleSet) -> None:
    """sys.exit, os._exit, raise, return and break end the loop; only the two loops whose
    handler logs and goes round again are reported."""
    text = PAGE_LOOPS
    result = _scan(tmp_path, ruleset, {"app/pages.py": text}, ["SL015", "SL008"])
    assert triples(result) == {
        ("app/pages.py", _line(text, "while True:", after="def pages_forever(session)"), "SL015"),
        ("app/pages.py", _line(text, "while True:", after="def pages_forever_else"), "SL015"),
    }


RETURN_ON_404_ONLY = """\
import logging
import time

import requests

API = "https://open.shopline.io/v1"
log = logging.getLogger(__name__)


def pages(session):
    out, page = [], 1
    while True:
        try:
            resp = session.get(f"{API}/customers", params={"page": page})
            resp.raise_for_status()
        except requests.HTTPError as exc:
            if exc.response.status_code == 404:
                return out
            log.warning("page %s failed, retrying: %s", page, exc)
            time.sleep(5)
            continue
        items = resp.json()["items"]
        if not items:
            return out
        out.extend(items)
        page += 1
"""

BREAK_OF_AN_INNER_LOOP = """\
import logging

import requests

API = "https://open.shopline.io/v1"
log = logging.getLogger(__name__)


def pages(session, channels):
    out, page = [], 1
    while True:
        try:
            items = session.get(f"{API}/customers", params={"page": page}).json()["items"]
        except requests.RequestException:
            for channel in channels:
                if channel.enabled:
                    log.error("page %s failed; alerting %s", page, channel)
                    break
            continue
        if not items:
            break
        out.extend(items)
        page += 1
    return out
"""


@pytest.mark.parametrize(
    "text", [RETURN_ON_404_ONLY, BREAK_OF_AN_INNER_LOOP], ids=["return-on-404", "inner-break"]
)
def test_a_handler_that_leaves_only_sometimes_still_retries(
    tmp_path: Path, ruleset: RuleSet, text: str
) -> None:
    result = _scan(tmp_path, ruleset, {"app/pages.py": text}, ["SL015"])
    assert triples(result) == {("app/pages.py", _line(text, "while True:"), "SL015")}


# A `while True` that leaves at the end of every round goes round again only through its
# `continue`s: bounded when a count guards each of them.
COUNTED_LOOP = """\
import time

API = "https://open.shopline.io/v1"
MAX_ATTEMPTS = 4


def call(session, path):
    attempt = 0
    while True:
        attempt += 1
        resp = session.get(f"{{API}}{{path}}", timeout=20)
{check}
        return resp
"""


@pytest.mark.parametrize(
    ("check", "flagged"),
    [
        ("        if resp.status_code in (429, 503) and attempt < MAX_ATTEMPTS:\n"
         "            time.sleep(2**attempt)\n"
         "            continue", False),
        ("        if resp.status_code == 503:\n"
         "            if attempt < MAX_ATTEMPTS:\n"
         "                continue", False),
        ("        if resp.status_code == 503:\n"
         "            for _ in range(3):\n"
         "                continue\n"
         "            if attempt <= MAX_ATTEMPTS:\n"
         "                continue", False),
        # No count guards the `continue`: it goes round for as long as the answer is 503.
        ("        if resp.status_code == 503:\n"
         "            continue", True),
        ("        if resp.status_code == 503:\n"
         "            if attempt < MAX_ATTEMPTS:\n"
         "                time.sleep(1)\n"
         "            continue", True),
    ],
    ids=["counted", "nested-count", "inner-loop", "uncounted", "count-beside"],
)  # fmt: skip
def test_a_loop_that_goes_round_again_only_while_a_count_allows_is_bounded(
    tmp_path: Path, ruleset: RuleSet, check: str, flagged: bool
) -> None:
    text = COUNTED_LOOP.format(check=check)
    result = _scan(tmp_path, ruleset, {"app/client.py": text}, ["SL015"])
    expected = {("app/client.py", _line(text, "while True:"), "SL015")}
    assert triples(result) == (expected if flagged else set())


def test_a_loop_that_does_not_leave_at_the_end_of_a_round_is_not_bounded_by_a_counted_continue(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """After the check the round falls through and goes round again, whatever the count."""
    text = (
        'API = "https://open.shopline.io/v1"\n\n\n'
        "def call(session, path, attempt=0):\n"
        "    while True:\n"
        "        attempt += 1\n"
        '        resp = session.get(f"{API}{path}")\n'
        "        if resp.status_code == 503 and attempt < 3:\n"
        "            continue\n"
        "        print(resp)\n"
    )
    result = _scan(tmp_path, ruleset, {"app/client.py": text}, ["SL015"])
    assert triples(result) == {("app/client.py", 5, "SL015")}


WRITE_LOOPS = """\
import requests

API = "https://open.shopline.io/v1"


def tag_literal(session, order_id):
    for tag in ["vip", "wholesale", "repeat"]:
        session.post(f"{API}/orders/{order_id}/messages", json={"content": tag})


def tag_range(session, order_id):
    for i in range(5):
        session.post(f"{API}/orders/{order_id}/messages", json={"content": str(i)})


def tag_data(session, order_ids):
    for order_id in order_ids:
        session.post(f"{API}/orders/{order_id}/messages", json={"content": "hello"})


def tag_many(session, order_id):
    for tag in (
        "t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09", "t10", "t11",
        "t12", "t13", "t14", "t15", "t16", "t17", "t18", "t19", "t20", "t21", "t22",
    ):
        session.post(f"{API}/orders/{order_id}/messages", json={"content": tag})


def tag_big_range(session, order_id):
    for i in range(500):
        session.post(f"{API}/orders/{order_id}/messages", json={"content": str(i)})
"""


def test_write_loops_over_data_are_reported_not_short_literals(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    text = WRITE_LOOPS
    result = _scan(tmp_path, ruleset, {"app/tags.py": text}, ["SL008"])
    assert triples(result) == {
        ("app/tags.py", _line(text, "session.post(", after="def tag_data"), "SL008"),
        ("app/tags.py", _line(text, "session.post(", after="def tag_many"), "SL008"),
        ("app/tags.py", _line(text, "session.post(", after="def tag_big_range"), "SL008"),
    }


PACED_WRAPPER = """\
import time

import requests


class Paced:
    BASE_URL = "https://open.shopline.io/v1"

    def __init__(self):
        self.session = requests.Session()

    def post(self, path, body):
        resp = self.session.post(self.BASE_URL + path, json=body)
        time.sleep(0.1)
        return resp


def notify_all(order_ids):
    api = Paced()
    for order_id in order_ids:
        api.post(f"/orders/{order_id}/messages", {"content": "hi"})
"""

RETRYING_WRAPPER = """\
import time

import requests


class Retrying:
    BASE_URL = "https://open.shopline.io/v1"

    def __init__(self):
        self.session = requests.Session()

    def post(self, path, body):
        for attempt in range(5):
            resp = self.session.post(self.BASE_URL + path, json=body)
            if resp.status_code != 429:
                return resp
            time.sleep(2**attempt)
        return resp


def notify_all(order_ids):
    api = Retrying()
    for order_id in order_ids:
        api.post(f"/orders/{order_id}/messages", {"content": "hi"})
"""

LIMITED_AND_RETRYING_WRAPPER = """\
import time

import requests


class Limited:
    BASE_URL = "https://open.shopline.io/v1"

    def __init__(self, limiter):
        self.session = requests.Session()
        self.limiter = limiter

    def post(self, path, body):
        self.limiter.acquire()
        for attempt in range(5):
            resp = self.session.post(self.BASE_URL + path, json=body)
            if resp.status_code != 429:
                return resp
            time.sleep(2**attempt)
        return resp


def notify_all(order_ids, limiter):
    api = Limited(limiter)
    for order_id in order_ids:
        api.post(f"/orders/{order_id}/messages", {"content": "hi"})
"""

BARE_WRAPPER = """\
import requests


class Bare:
    BASE_URL = "https://open.shopline.io/v1"

    def __init__(self):
        self.session = requests.Session()

    def post(self, path, body):
        return self.session.post(self.BASE_URL + path, json=body)


def notify_all(order_ids):
    api = Bare()
    for order_id in order_ids:
        api.post(f"/orders/{order_id}/messages", {"content": "hi"})
"""


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        (PACED_WRAPPER, False),
        # A second between writes, as the notice asks, whatever the retries: a wrapper that
        # only waits to retry a 429 lets the loop burst until the 429s come.
        (RETRYING_WRAPPER, True),
        (LIMITED_AND_RETRYING_WRAPPER, False),
        (BARE_WRAPPER, True),
    ],
    ids=["sleeps", "retries-429-only", "limiter-and-retries", "bare"],
)
def test_a_write_loop_through_a_wrapper_is_throttled_by_the_wrapper(
    tmp_path: Path, ruleset: RuleSet, text: str, reported: bool
) -> None:
    result = _scan(tmp_path, ruleset, {"app/notify.py": text}, ["SL008"])
    line = _line(text, "api.post(")
    assert triples(result) == ({("app/notify.py", line, "SL008")} if reported else set())


HELPERS_ELSEWHERE = """\
import time

import requests

API = "https://open.shopline.io/v1"
ERP = "https://erp.example.com/api"
session = requests.Session()


def sl(method, path, **kw):
    return session.request(method, f"{API}{path}", timeout=20, **kw)


def paced_sl(method, path, **kw):
    resp = session.request(method, f"{API}{path}", timeout=20, **kw)
    time.sleep(0.1)
    return resp


def erp_call(method, path, **kw):
    return session.request(method, f"{ERP}{path}", timeout=20, **kw)
"""

LOOPS_THROUGH_HELPERS_ELSEWHERE = """\
from app.helpers import erp_call, paced_sl, sl


def ship(order_ids):
    for order_id in order_ids:
        sl("PATCH", f"/orders/{order_id}/order_delivery_status", json={"status": "shipped"})  # <-
        paced_sl("PATCH", f"/orders/{order_id}/order_delivery_status", json={"status": "shipped"})
        erp_call("POST", "/shipments", json={"order": order_id})
        sl("GET", f"/orders/{order_id}")
"""


def test_a_write_loop_through_another_modules_helper_is_judged_by_its_template(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """The helper's template says whether it paces and where it sends; the call says the
    method it writes with."""
    files = {
        "app/__init__.py": "",
        "app/helpers.py": HELPERS_ELSEWHERE,
        "app/jobs.py": LOOPS_THROUGH_HELPERS_ELSEWHERE,
    }
    result = _scan(tmp_path, ruleset, files, ["SL008"])
    lines = LOOPS_THROUGH_HELPERS_ELSEWHERE.splitlines()
    marked = {n for n, line in enumerate(lines, start=1) if line.endswith("# <-")}
    assert triples(result) == {("app/jobs.py", n, "SL008") for n in marked}


DIRECT_BESIDE_A_PACED_WRAPPER = """\
import time

import requests

API = "https://open.shopline.io/v1"


class Paced:
    def __init__(self):
        self.session = requests.Session()

    def post(self, path, body):
        resp = self.session.post(API + path, json=body)
        time.sleep(0.1)
        return resp


def notify_all(session, order_ids):
    for order_id in order_ids:
        session.post(f"{API}/orders/{order_id}/messages", json={"content": "hi"})
"""


def test_a_wrapper_the_call_does_not_go_through_does_not_throttle_it(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    text = DIRECT_BESIDE_A_PACED_WRAPPER
    result = _scan(tmp_path, ruleset, {"app/notify.py": text}, ["SL008"])
    assert triples(result) == {("app/notify.py", _line(text, 'session.post(f"{API}'), "SL008")}


LITERAL_CONSTANT_LOOP = """\
import requests

API = "https://open.shopline.io/v1"
DEFAULT_TAGS = ("vip", "wholesale", "repeat")


def tag_defaults(session, order_id):
    for tag in DEFAULT_TAGS:
        session.post(f"{API}/orders/{order_id}/messages", json={"content": tag})
"""


def test_a_loop_over_a_short_literal_constant_is_not_a_burst(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    result = _scan(tmp_path, ruleset, {"app/tags.py": LITERAL_CONSTANT_LOOP}, ["SL008"])
    assert triples(result) == set()


# (f) Webhook topics belong to the platform the code subscribes on.

ADMIN_SUBSCRIPTIONS = """\
import httpx

TOPICS = [
    "orders/create",
    "products/update",
    "customers/delete",
]


def subscribe(shop, token, address):
    client = httpx.Client(
        base_url=f"https://{shop}.myshopline.com/admin/openapi/v20240601",
        headers={"Authorization": f"Bearer {token}"},
    )
    for topic in TOPICS:
        body = {"webhook": {"topic": topic, "address": address}}
        resp = client.post("/webhooks.json", json=body)
        resp.raise_for_status()
"""

OPEN_API_SUBSCRIPTIONS = """\
import httpx

TOPICS = [
    "orders/create",
    "products/update",
    "customers/delete",
]


def subscribe(token, address):
    for topic in TOPICS:
        resp = httpx.post(
            "https://open.shopline.io/v1/webhooks",
            headers={"Authorization": f"Bearer {token}"},
            json={"topic": topic, "address": address},
        )
        resp.raise_for_status()
"""

ADMIN_TIED_SUBSCRIPTIONS = """\
from vendor import MyShoplineAdmin

TOPICS = ["orders/create", "products/update", "customers/delete"]


def subscribe(admin: MyShoplineAdmin, address):
    for topic in TOPICS:
        admin.post("/webhooks.json", json={"webhook": {"topic": topic, "address": address}})
"""

OPEN_API_TIED_SUBSCRIPTIONS = """\
from vendor import ShoplineClient

TOPICS = ["orders/create", "products/update", "customers/delete"]


def subscribe(client: ShoplineClient, address):
    for topic in TOPICS:
        client.post("/webhooks", json={"topic": topic, "address": address})
"""


@pytest.mark.parametrize(
    "text", [ADMIN_SUBSCRIPTIONS, ADMIN_TIED_SUBSCRIPTIONS], ids=["admin-host", "admin-name"]
)
def test_admin_api_topics_are_not_judged_by_the_open_api_catalogue(
    tmp_path: Path, ruleset: RuleSet, text: str
) -> None:
    assert triples(_scan(tmp_path, ruleset, {"hooks/subscribe.py": text}, ["SL017"])) == set()


def test_open_api_subscriptions_get_sl017_per_topic(tmp_path: Path, ruleset: RuleSet) -> None:
    text = OPEN_API_SUBSCRIPTIONS
    result = _scan(tmp_path, ruleset, {"hooks/subscribe.py": text}, ["SL017"])
    assert triples(result) == {
        ("hooks/subscribe.py", _line(text, '"orders/create"'), "SL017"),
        ("hooks/subscribe.py", _line(text, '"products/update"'), "SL017"),
        ("hooks/subscribe.py", _line(text, '"customers/delete"'), "SL017"),
    }
    by_line = {finding.line: finding.message for finding in result.findings}
    assert "did you mean 'order/create'" in by_line[_line(text, '"orders/create"')]
    assert "did you mean 'product/update'" in by_line[_line(text, '"products/update"')]


def test_media_types_are_not_judged_as_topics(tmp_path: Path, ruleset: RuleSet) -> None:
    """`text/html` has a topic's shape: under a key that says topic, in a module that calls
    the Open API, it is still a media type, and the topic beside it is judged alone."""
    text = OPEN_API_SUBSCRIPTIONS.replace(
        '"customers/delete",', '"customers/delete",\n    "text/html",\n    "image/png",'
    )
    assert '"text/html"' in text
    expected = {
        ("hooks/subscribe.py", _line(text, f'"{topic}"'), "SL017")
        for topic in ("orders/create", "products/update", "customers/delete")
    }
    result = _scan(tmp_path, ruleset, {"hooks/subscribe.py": text}, ["SL017"])
    assert triples(result) == expected
    chosen = ruleset.select(["SL017"])
    assert triples(scan_tree(tmp_path, chosen, as_of=AS_OF, use_prefilter=False)) == expected


def test_open_api_tied_subscriptions_get_sl017(tmp_path: Path, ruleset: RuleSet) -> None:
    text = OPEN_API_TIED_SUBSCRIPTIONS
    result = _scan(tmp_path, ruleset, {"hooks/subscribe.py": text}, ["SL017"])
    assert {(f.path, f.line, f.code, f.message.split(":")[0]) for f in result.findings} == {
        ("hooks/subscribe.py", 3, "SL017", f"webhook topic {topic}")
        for topic in ("orders/create", "products/update", "customers/delete")
    }


# A client class defined in another module of the tree: its base URL there decides.

CLIENT_MODULE = """\
import httpx


class ShoplineClient:
    def __init__(self, handle, token):
        self.base_url = f"https://{handle}.BASE_HOST/admin/openapi/v20240601"
        self.http = httpx.Client(headers={"Authorization": f"Bearer {token}"})

    def get(self, path):
        resp = self.http.get(f"{self.base_url}{path}")
        resp.raise_for_status()
        return resp.json()
"""
USER_MODULE = """\
from .shopline_client import ShoplineClient


def recent(client: ShoplineClient, oid):
    return client.get(f"/orders/{oid}").json()  # Get Order, 410 unhandled


def loop(client: ShoplineClient, rows):
    for row in rows:
        client.post("/orders.json", json=row)
"""


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("myshopline.com", set()),
        ("example.com", set()),
    ],
    ids=["admin-api", "foreign"],
)
def test_a_client_class_of_another_module_that_goes_elsewhere_ties_nothing(
    tmp_path: Path, ruleset: RuleSet, host: str, expected: set[tuple[str, int, str]]
) -> None:
    files = {
        "app/__init__.py": "",
        "app/shopline_client.py": CLIENT_MODULE.replace("BASE_HOST", host),
        "app/sync.py": USER_MODULE,
    }
    assert triples(_scan(tmp_path, ruleset, files, OPEN_API_RULES)) == expected


def test_a_client_class_of_another_module_on_the_open_api_still_ties(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    client = CLIENT_MODULE.replace("https://{handle}.BASE_HOST/admin/openapi/v20240601", "{base}")
    client = client.replace("def __init__(self, handle, token):", "def __init__(self, token):")
    client = client.replace('self.base_url = f"{base}"', "self.base_url = BASE")
    client = 'BASE = "https://open.shopline.io/v1"\n' + client
    files = {"app/__init__.py": "", "app/shopline_client.py": client, "app/sync.py": USER_MODULE}
    found = _scan(tmp_path, ruleset, files, ["SL013"])
    assert triples(found) == {("app/sync.py", 5, "SL013")}


RETURNS_RESPONSE = """\
import requests

API = "https://open.shopline.io/v1"


def get_order(oid):
    return requests.get(f"{API}/orders/{oid}")


def get_order_later(oid):
    resp = requests.get(f"{API}/orders/{oid}")
    return resp


def get_order_body(oid):
    resp = requests.get(f"{API}/orders/{oid}")  # the body, not the response: 410 is lost
    return resp.json()
"""


def test_returning_the_response_hands_it_to_the_caller(tmp_path: Path, ruleset: RuleSet) -> None:
    found = _scan(tmp_path, ruleset, {"orders.py": RETURNS_RESPONSE}, ["SL013"])
    assert triples(found) == {("orders.py", 16, "SL013")}


# previous_id sent however the query string is built (SL005).

PAGES = """\
from urllib.parse import urlencode

import httpx
import requests

API = "https://open.shopline.io/v1"


def by_urlencode_pairs(prev):
    data = requests.get(f"{API}/products?" + urlencode([("previous_id", prev)])).json()
    return data["pagination"]["total_count"]  # SL005


def by_bound_url(prev):
    url = API + "/customers?" + urlencode({"previous_id": prev, "per_page": 50})
    data = requests.get(url).json()
    return data["pagination"]["total_pages"]  # SL005


def by_params_pairs(prev):
    data = httpx.get(f"{API}/orders", params=[("previous_id", prev)]).json()
    return data["pagination"]["total_pages"]  # SL005


def by_fstring(prev):
    data = requests.get(f"{API}/orders?per_page=50&previous_id={prev}").json()
    return data["pagination"]["total_pages"]  # SL005


def without_previous_id(page):
    data = requests.get(f"{API}/orders?" + urlencode({"page": page})).json()
    return data["pagination"]["total_pages"]
"""


def test_previous_id_in_any_query_string(tmp_path: Path, ruleset: RuleSet) -> None:
    found = _scan(tmp_path, ruleset, {"pages.py": PAGES}, ["SL005"])
    marked = [n for n, line in enumerate(PAGES.splitlines(), 1) if line.endswith("# SL005")]
    assert triples(found) == {("pages.py", n, "SL005") for n in marked} and len(marked) == 4


def test_a_helper_in_another_file_that_ignores_410_does_not_count(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    helper = CROSS_FILE_HELPER.replace("resp.status_code == 410", "resp.status_code == 404")
    files = {"app/__init__.py": "", "app/orders.py": CROSS_FILE_CALLER, "app/checks.py": helper}
    found = _scan(tmp_path, ruleset, files, ["SL013"])
    assert triples(found) == {("app/orders.py", _line(CROSS_FILE_CALLER, "requests.get"), "SL013")}


SWALLOWED = """\
import logging

API = "https://open.shopline.io/v1"


def cancel_quietly(session, order_id):
    try:
        session.patch(f"{API}/orders/{order_id}/cancel", json={})
    except Exception:
        pass


def cancel_logged(session, order_id):
    try:
        session.patch(f"{API}/orders/{order_id}/cancel", json={})
    except Exception:
        logging.exception("order %s not cancelled", order_id)
"""


def test_an_update_whose_error_is_swallowed_is_unchecked(tmp_path: Path, ruleset: RuleSet) -> None:
    found = _scan(tmp_path, ruleset, {"orders.py": SWALLOWED}, ["SL014"])
    assert triples(found) == {("orders.py", 8, "SL014")}


# (f) SL015 and SL008 retry policies in a module whose requests take their URL from another
# module: judged once linking tells where the requests go.

RETRY_POLICIES = """\
import backoff
import requests
from requests.adapters import HTTPAdapter
from tenacity import retry
from urllib3.util.retry import Retry

{host}


@retry
def fetch(session, order_id):
    return session.get(f"{{API}}/orders/{{order_id}}/tags").json()


@backoff.on_exception(backoff.expo, requests.RequestException)
def fetch_again(session, order_id):
    return session.get(f"{{API}}/orders/{{order_id}}").json()


def mounted(session):
    session.mount("https://", HTTPAdapter(max_retries=Retry(total=None)))
    session.mount("http://", HTTPAdapter(max_retries=Retry(total=3, status_forcelist=[500])))
"""


@pytest.mark.parametrize(
    "importing", ["from .consts import API", "from shop import consts\nAPI = consts.API"]
)
def test_retry_policies_hold_for_requests_whose_host_another_module_names(
    importing: str, tmp_path: Path, ruleset: RuleSet
) -> None:
    """The same findings, once each, as with the host named in the module itself."""
    inline = RETRY_POLICIES.format(host='API = "https://open.shopline.io/v1"')
    alone = _scan(tmp_path / "alone", ruleset, {"shop/orders.py": inline}, ["SL015", "SL008"])
    split = RETRY_POLICIES.format(host=importing)
    files = {
        "shop/__init__.py": "",
        "shop/consts.py": 'API = "https://open.shopline.io/v1"\n',
        "shop/orders.py": split,
    }
    linked = _scan(tmp_path / "split", ruleset, files, ["SL015", "SL008"])
    lines = inline.splitlines()
    expected = {(path, _line(split, lines[line - 1]), code) for path, line, code in triples(alone)}
    assert {(code, lines[line - 1]) for _, line, code in triples(alone)} >= {
        ("SL015", "@retry"),
        ("SL015", "@backoff.on_exception(backoff.expo, requests.RequestException)"),
    }
    assert triples(linked) == expected
    places = [(f.path, f.line, f.column, f.code) for f in linked.findings]
    assert len(places) == len(set(places)), "one finding per place"


def test_retry_policies_of_requests_to_another_host_are_not_the_platforms(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    files = {
        "shop/__init__.py": "",
        "shop/consts.py": 'API = "https://warehouse.example.com/v1"\n',
        "shop/orders.py": RETRY_POLICIES.format(host="from .consts import API"),
    }
    assert triples(_scan(tmp_path, ruleset, files, ["SL015", "SL008"])) == set()


def test_retry_policies_hold_when_any_request_of_the_module_reaches_the_platform(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """The module's first request goes elsewhere, a later one to the Open API: the policy
    concerns the platform all the same, and is reported once."""
    orders = (
        "from tenacity import retry\n\nfrom .consts import API, WAREHOUSE\n\n\n"
        "def stock(session, sku):\n"
        '    return session.get(f"{WAREHOUSE}/stock/{sku}").json()\n\n\n'
        "@retry\ndef fetch(session, order_id):\n"
        '    return session.get(f"{API}/orders/{order_id}/tags").json()\n\n\n'
        "def fetch_all(session, order_id):\n"
        '    return session.get(f"{API}/orders/{order_id}").json()\n'
    )
    files = {
        "shop/__init__.py": "",
        "shop/consts.py": 'API = "https://open.shopline.io/v1"\n'
        'WAREHOUSE = "https://warehouse.example.com"\n',
        "shop/orders.py": orders,
    }
    result = _scan(tmp_path, ruleset, files, ["SL015"])
    assert triples(result) == {("shop/orders.py", _line(orders, "@retry"), "SL015")}
    assert len(result.findings) == 1


# A retry policy that serves another service's session, beside the Open API's.
TWO_SESSIONS = """\
import os

import requests
from requests.adapters import HTTPAdapter
from tenacity import retry, stop_after_attempt
from urllib3.util.retry import Retry

API = "https://open.shopline.io/v1"
ERP = os.getenv("ERP_API_URL", "https://erp.example.com/api")


def _session(retries):
    made = requests.Session()
    made.mount("https://", HTTPAdapter(max_retries=retries))
    return made


shopline = _session(Retry(total=5, backoff_factor=1, status_forcelist=[500, 503]))
erp = _session(Retry(total=5, backoff_factor=1, status_forcelist=[500, 503]))
payments = requests.Session()
payments.mount("https://", HTTPAdapter(max_retries=Retry(total=3, status_forcelist=[503])))
anywhere = Retry(total=3, status_forcelist=[503])


def orders():
    return shopline.get(f"{API}/orders").json()


def stock(sku):
    return erp.get(f"{ERP}/stock/{sku}").json()


def charge(amount):
    return payments.post("https://pay.example.com/charges", json={"amount": amount})


@retry(stop=stop_after_attempt(3))
def ledger():
    return requests.get("https://ledger.example.com/entries").json()


@retry(stop=stop_after_attempt(3))
def products():
    return requests.get(f"{API}/products").json()
"""


def test_a_retry_policy_that_serves_only_another_service_is_not_judged(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """Only the policies of the Open API's session and function are judged, and one whose
    requests the module does not tell (`anywhere`)."""
    text = TWO_SESSIONS
    result = _scan(tmp_path, ruleset, {"app/clients.py": text}, ["SL008"])
    assert triples(result) == {
        ("app/clients.py", _line(text, "shopline = _session("), "SL008"),
        ("app/clients.py", _line(text, "anywhere = Retry("), "SL008"),
        ("app/clients.py", _line(text, "def products") - 1, "SL008"),
    }

"""End-to-end scans of the shapes real clients take: response values read under any name,
base URLs kept wherever clients keep them, endpoint registries in other modules, query
strings however they are built, and wrapper methods named for HTTP verbs. Each test names
the lines that must be reported; every other line must not be."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

AS_OF = date(2026, 1, 1)
MARK = "# <-"


def _expected(files: Mapping[str, str]) -> set[tuple[str, int, str]]:
    """(path, line, code) of every line marked `# <- CODE`."""
    found = set()
    for path, text in files.items():
        for number, line in enumerate(text.splitlines(), start=1):
            if MARK in line:
                for code in line.split(MARK, 1)[1].split():
                    found.add((path, number, code))
    return found


def _check(root: Path, ruleset: RuleSet, files: Mapping[str, str], *codes: str) -> None:
    """Scan `files` with the rules `codes`, with the prefilter on and off, and compare with
    the marked lines."""
    write_tree(root, files)
    for prefilter in (True, False):
        result = scan_tree(root, ruleset.select(list(codes)), as_of=AS_OF, use_prefilter=prefilter)
        assert result.errors == []
        assert triples(result) == _expected(files), f"prefilter {prefilter}"


# 4. Values read from a response, whatever the variable is called -------------------------

ITEMS_UNDER_ANY_NAME = """\
import requests

API = "https://open.shopline.io/v1"


def _age(entry):
    return entry.get("birthday")  # <- SL009


def ages(token):
    payload = requests.get(f"{API}/customers", headers={"Authorization": token}).json()
    return [_age(it) for it in payload.get("items", [])]


def by_comprehension(token):
    resp = requests.get(f"{API}/customers/search", headers={"Authorization": token})
    return {c["id"]: c.get("birthday") for c in resp.json().get("items", [])}  # <- SL009


def by_loop(token):
    data = requests.get(f"{API}/customers").json()
    out = []
    for person in data["items"]:
        out.append(person["birthday"])  # <- SL009
    return out


def nested(token):
    data = requests.get(f"{API}/customers").json()
    return [c.get("birthday") for page in [data] for c in page["items"]]  # <- SL009


def products(token):
    data = requests.get(f"{API}/products").json()
    return [p.get("birthday") for p in data["items"]]


def stripe_customers(token):
    data = requests.get("https://api.stripe.com/v1/customers").json()
    return [c.get("birthday") for c in data["data"]]


def _unrelated(entry):
    return entry.get("birthday")


def local(rows):
    return [_unrelated(r) for r in rows]
"""


def test_items_keep_their_origin_under_any_name(tmp_path: Path, ruleset: RuleSet) -> None:
    _check(tmp_path, ruleset, {"sync.py": ITEMS_UNDER_ANY_NAME}, "SL009")


METHOD_RETURNS = """\
import requests


class ShoplineClient:
    base_url = "https://open.shopline.io"

    def __init__(self, token):
        self.session = requests.Session()

    def list_orders(self, previous_id=None, per_page=50):
        params = {"per_page": per_page}
        if previous_id:
            params["previous_id"] = previous_id
        return self.session.get(self.base_url + "/v1/orders", params=params).json()

    def customer(self, customer_id):
        return self.session.get(f"{self.base_url}/v1/customers/{customer_id}").json()


def count_orders(client: ShoplineClient):
    first = client.list_orders()
    total = first["pagination"]["total_count"]
    page = client.list_orders(previous_id=first["items"][-1]["id"])
    later = page["pagination"]["total_count"]  # <- SL005
    again = client.list_orders(first["items"][-1]["id"])
    return total, later, again["pagination"]["total_pages"]  # <- SL005


def none_given(client: ShoplineClient):
    return client.list_orders(previous_id=None)["pagination"]["total_count"]


def born(token, cid):
    client = ShoplineClient(token)
    return client.customer(cid)["birthday"]  # <- SL009
"""


def test_values_returned_by_client_methods_keep_their_origin(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """A request sends previous_id only on calls that give the parameter putting it there."""
    _check(tmp_path, ruleset, {"client.py": METHOD_RETURNS}, "SL005", "SL009")


KEPT_ITEMS = """\
BASE = "https://open.shopline.io/v1"


def active_in(session):
    resp = session.get(f"{BASE}/customers")
    return [c for c in resp.json()["items"] if c["active"]]


def ages(session):
    for c in active_in(session):
        print(c["birthday"])  # <- SL009
"""


def test_the_items_a_comprehension_keeps_of_an_answer_keep_its_origin(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    _check(tmp_path, ruleset, {"shop.py": KEPT_ITEMS}, "SL009")


OPERATION_FUNCTIONS = {
    "shop/__init__.py": "",
    "shop/api.py": """\
BASE = "https://open.shopline.io/v1"


def cancel_order(session, order_id):
    return session.patch(f"{BASE}/orders/{order_id}/cancel", json={})


def order_report(session, order_id):
    return session.patch(f"{BASE}/orders/{order_id}/status", json={"status": "completed"})


def set_order_status(session, order_id, status):
    resp = session.patch(f"{BASE}/orders/{order_id}/status", json={"status": status})
    resp.raise_for_status()
    return resp.json()
""",
    "shop/jobs.py": """\
from shop import api
from shop.api import cancel_order, order_report, set_order_status


def expire(session, order_id):
    cancel_order(session, order_id)  # <- SL014
    set_order_status(session, order_id, "completed")
    # Named for no operation: not read as one.
    order_report(session, order_id)
    api.cancel_order(session, order_id)  # <- SL014
""",
}


def test_a_function_of_another_module_named_for_one_operation_is_that_operation(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """`cancel_order(session, order_id)` imported, or reached through its module: the Cancel
    Order its module sends, its answer dropped (SL014), unless that function raises on a
    refusal. One named for no operation is not read as one."""
    _check(tmp_path, ruleset, OPERATION_FUNCTIONS, "SL014")


# 1. Base URLs wherever clients keep them --------------------------------------------------

BASE_CLASS_ELSEWHERE = {
    "shopkit/base.py": """\
import requests

BASE_URL = "https://open.shopline.io"


class ApiClient:
    def __init__(self, token, base_url=BASE_URL):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
""",
    "shopkit/client.py": """\
from shopkit.base import ApiClient


class Client(ApiClient):
    def order(self, order_id):
        return self.session.get(f"{self.base_url}/v1/order/{order_id}")  # <- SL018

    def orders(self):
        return self.session.get(self.base_url + "/v1/orders")
""",
    "erpkit/base.py": """\
import requests


class ApiClient:
    base = "https://erp.example.com"

    def __init__(self):
        self.session = requests.Session()
""",
    "erpkit/client.py": """\
from erpkit.base import ApiClient


class Client(ApiClient):
    def order(self, order_id):
        return self.session.get(f"{self.base}/v1/order/{order_id}")
""",
}


def test_a_base_class_in_another_module_gives_the_base_url(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """`Client` names no platform: only its parent's base URL says where it goes."""
    _check(tmp_path, ruleset, BASE_CLASS_ELSEWHERE, "SL018")


SETTINGS_OBJECTS = {
    "app/settings.py": """\
import os

SHOPLINE_API_BASE = os.environ.get("SHOPLINE_API_BASE", "https://open.shopline.io")
ERP_BASE = os.getenv("ERP_BASE", default="https://erp.example.com")
""",
    "app/conf.py": """\
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    api_base: str = "https://open.shopline.io/v1"


settings = Settings()
""",
    "app/jobs.py": """\
import requests
from django.conf import settings as django_settings

from app import settings as plain
from app.conf import settings


def by_pydantic():
    return requests.delete(f"{settings.api_base}/customers")  # <- SL018


def by_module():
    data = requests.get(plain.SHOPLINE_API_BASE + "/v1/customers").json()
    return [person.get("birthday") for person in data["items"]]  # <- SL009


def by_django():
    return requests.put(django_settings.SHOPLINE_API_BASE + "/v1/customers")  # <- SL018


def foreign():
    return requests.delete(plain.ERP_BASE + "/v1/customers")
""",
}


def test_settings_objects_and_environment_defaults_give_the_base_url(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    _check(tmp_path, ruleset, SETTINGS_OBJECTS, "SL018", "SL009")


IN_MODULE_SETTINGS = """\
import os

import httpx


class Settings:
    base_url = os.environ.get("SHOPLINE_URL", "https://open.shopline.io/v1/")


settings = Settings()
client = httpx.Client(base_url=settings.base_url.rstrip("/"))


def purge(customer_id):
    return client.delete(f"/customers/{customer_id}/tags")  # <- SL018
"""


def test_an_instance_of_a_settings_class_of_the_module(tmp_path: Path, ruleset: RuleSet) -> None:
    _check(tmp_path, ruleset, {"sync.py": IN_MODULE_SETTINGS}, "SL018")


# 2. Endpoint registries -------------------------------------------------------------------

REGISTRY_ELSEWHERE = {
    "api/endpoints.py": """\
from enum import Enum

ENDPOINTS = {
    "orders": "/v1/orders",
    "products": "/v1/products",
    "claim": "/v1/promotions/{id}/claim",
    "wallet": "/v1/customers/{id}/wallet",  # <- SL018
}


class Paths(str, Enum):
    CUSTOMERS = "/v1/customers"
    CATEGORIES = "/v1/categories"
    STAFF = "/v1/staff_members"  # <- SL018
""",
    "api/client.py": """\
import requests

from api.endpoints import ENDPOINTS, Paths

BASE = "https://open.shopline.io"


def api_post(key, body, **params):
    return requests.post(BASE + ENDPOINTS[key].format(**params), json=body).json()


def get_path(path: Paths, **kw):
    return requests.get(BASE + path.value, **kw).json()


def claim(promotion_id):
    return api_post("claim", {}, id=promotion_id)  # <- SL018


def birthdays():
    return [x.get("birthday") for x in get_path(Paths.CUSTOMERS)["items"]]  # <- SL009


def new_category(body):
    return requests.put(BASE + Paths.CATEGORIES, json=body)  # <- SL018
""",
}


def test_registries_in_another_module(tmp_path: Path, ruleset: RuleSet) -> None:
    """Calls are judged at the call; an entry on no documented path is reported at the entry
    (a registry module has no calls of its own)."""
    _check(tmp_path, ruleset, REGISTRY_ELSEWHERE, "SL018", "SL009")


CLIENT_OF_ANOTHER_MODULE = {
    "desk/api.py": """\
import functools

import httpx
import requests


class OrdersApi:
    BASE_URL = "https://open.shopline.io/v1"

    def __init__(self, token):
        self._http = httpx.Client(base_url=self.BASE_URL)

    def get(self, path, **kwargs):
        return self._http.request("GET", path, **kwargs)

    def put(self, path, **kwargs):
        return self._http.request("PUT", path, **kwargs)


class Session(requests.Session):
    def __init__(self, root="https://open.shopline.io"):
        super().__init__()
        self.root = root.rstrip("/")
""",
    "desk/views.py": """\
from desk.api import OrdersApi, Session


def by_annotation(api: OrdersApi, order_id):
    return api.put(f"/orders/{order_id}", json={})  # <- SL018


def by_construction(token, order_id):
    api = OrdersApi(token)
    return api.get(f"/order/{order_id}")  # <- SL018


class Inventory:
    def __init__(self, session: Session):
        self._put = functools.partial(session.request, "PUT")

    def push(self, rows):
        for row in rows:
            self._put(f"/v1/products/{row['id']}/update_quantity", json={"quantity": 1})  # <- SL008
""",
}


def test_instances_of_client_classes_of_another_module(tmp_path: Path, ruleset: RuleSet) -> None:
    """Instances built from, annotated with, or bound by `partial` to a client class of
    another module; a write loop through one is judged once the base URL is linked."""
    files = dict(CLIENT_OF_ANOTHER_MODULE)
    files["desk/views.py"] = "import functools\n" + files["desk/views.py"]
    _check(tmp_path, ruleset, files, "SL018", "SL008")


def test_a_module_holding_only_the_base_url_is_read_with_the_prefilter_on(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """`kit/base.py` holds no trigger literal: the prefilter skips it until a waiting URL
    takes its value from it (and from `kit/hosts.py`, where its value comes from)."""
    files = {
        "kit/hosts.py": 'OPEN_API = "https://open.shopline.io"\n',
        "kit/base.py": "from kit.hosts import OPEN_API\n\nBASE = OPEN_API + '/v1'\n",
        "kit/gifts.py": """\
import requests

from kit.base import BASE


def push(sku, count):
    body = requests.put(BASE + "/gifts/update_quantity", json={"sku": sku}).json()
    return body["title_translations"]  # <- SL007
""",
    }
    for prefilter in (True, False):
        write_tree(tmp_path, files)
        chosen = ruleset.select(["SL007"])
        result = scan_tree(tmp_path, chosen, as_of=AS_OF, use_prefilter=prefilter)
        assert triples(result) == _expected(files)
        assert result.findings[0].message.startswith("/v1/gifts/update_quantity no longer")


HELPERS_ELSEWHERE = {
    "office/routes.py": """\
from enum import Enum

import requests

API_BASE = "https://open.shopline.io"


class Route(str, Enum):
    CATEGORIES = "/v1/categories"
    CATEGORY_CHILDREN = "/v1/categories/{id}/children"
    RETURN_ORDERS = "/v1/return_orders"


def get_url(route: Route, **params) -> str:
    return API_BASE + route.value.format(**params)


def erp_url(path):
    return "https://erp.example.com" + path


def send(method, url, **kwargs):
    prepared = requests.Request(method, url, **kwargs).prepare()
    with requests.Session() as session:
        return session.send(prepared, timeout=20)
""",
    "office/categories.py": """\
from office import routes
from office.routes import Route, erp_url, get_url, send


def subcategories(category_id):
    return send("GET", get_url(Route.CATEGORY_CHILDREN, id=category_id))  # <- SL018


def by_module(category_id):
    return send("DELETE", routes.get_url(Route.CATEGORIES))  # <- SL018


def erp(category_id):
    return send("GET", erp_url(f"/v1/categories/{category_id}/children"))


def categories():
    return send("GET", get_url(Route.CATEGORIES))
""",
}


def test_url_helpers_of_another_module(tmp_path: Path, ruleset: RuleSet) -> None:
    """`get_url(Route.X)` of another module is its template with the argument in place; the
    registry entries the calls use are not reported at the entry."""
    _check(tmp_path, ruleset, HELPERS_ELSEWHERE, "SL018")


# 3. Query strings however they are built ----------------------------------------------------

QUERY_STRINGS = """\
import json
import urllib.request

import httpx
import requests

API = "https://open.shopline.io/v1"


def conditional_suffix(session, previous_id):
    url = f"{API}/products?per_page=50" + (f"&previous_id={previous_id}" if previous_id else "")
    body = session.get(url).json()
    return body["pagination"]["total_count"]  # <- SL005


def appended_pairs(session, prev):
    pairs = [("per_page", 200)]
    if prev:
        pairs.append(("previous_id", prev))
    prepared = requests.Request("GET", f"{API}/customers", params=pairs).prepare()
    page = session.send(prepared).json()
    return page["pagination"]["total_pages"]  # <- SL005


def httpx_url(prev):
    url = httpx.URL(API + "/orders", params={"previous_id": prev})
    return httpx.get(url).json()["pagination"]["total_count"]  # <- SL005


def urllib_request(prev):
    req = urllib.request.Request(f"{API}/orders?previous_id={prev}")
    with urllib.request.urlopen(req) as resp:
        data = json.load(resp)
    return data["pagination"]["total_count"]  # <- SL005


def first_page(session):
    pairs = [("per_page", 200)]
    prepared = requests.Request("GET", f"{API}/customers", params=pairs).prepare()
    return session.send(prepared).json()["pagination"]["total_count"]


def next_link(session, prev):
    first = session.get(f"{API}/orders?previous_id={prev}").json()
    follow = first["links"]["next"]
    return session.get(follow).json()["pagination"]["total_count"]
"""


def test_previous_id_however_the_query_is_built(tmp_path: Path, ruleset: RuleSet) -> None:
    """A URL taken from a response is a new request, not the one that answered it."""
    _check(tmp_path, ruleset, {"feeds.py": QUERY_STRINGS}, "SL005")


# 5 and 6. Wrapper methods named for HTTP verbs, and SL018 through wrappers ------------------

WRAPPER_METHODS = """\
import functools

import requests

ENDPOINTS = {
    "orders": "/v1/orders",
    "order": "/v1/orders/{id}",
    "claim": "/v1/user_coupons/{code}/claim",
}


class Shopline:
    base_url = "https://open.shopline.io"

    def __init__(self):
        self.session = requests.Session()
        self.post = functools.partial(self._request, "POST")

    def _request(self, method, path, **kwargs):
        return self.session.request(method, self.base_url + path, **kwargs)

    def put(self, path, body):
        # The Open API updates with PATCH: every "put" of this client is one.
        return self._request("PATCH", path, json=body)

    def update(self, path, body):
        return self._request("PUT", path, json=body)

    def call(self, key, method="GET", **kwargs):
        return self._request(method, ENDPOINTS[key].format(**kwargs.pop("ids", {})), **kwargs)

    def orders_after(self, prev):
        data = self.call("orders", params={"previous_id": prev}).json()
        return data["pagination"]["total_count"]  # <- SL005

    def close_order(self, oid):
        return self.update(f"/v1/orders/{oid}", {"status": "closed"})  # <- SL018

    def claim(self, code):
        return self.call("claim", ids={"code": code})  # <- SL018


def use(client: Shopline, oid):
    client.put(f"/v1/orders/{oid}", {})
    client.call("order", "DELETE", ids={"id": oid})  # <- SL018
    client.post(f"/v1/orders/{oid}/split", json={})
    client.post(f"/v1/orders/{oid}/cancel", json={})  # <- SL018
    return client.call("orders", params={"per_page": 5}).json()["pagination"]["total_count"]
"""


def test_wrapper_methods_count_as_the_verb_they_forward(tmp_path: Path, ruleset: RuleSet) -> None:
    """`put` forwards PATCH (a documented update), `update` forwards PUT (not documented),
    `call` takes its method from a parameter with a default, `post` is a partial; keyword
    arguments reach the request through `**kwargs` (`params=` with previous_id or not)."""
    _check(tmp_path, ruleset, {"client.py": WRAPPER_METHODS}, "SL005", "SL018")


WRAPPERS_OVER_CLIENTS_WITH_A_BASE = """\
import httpx

shopline = httpx.Client(base_url="https://open.shopline.io/v1")
erp = httpx.Client(base_url="https://erp.example.com/v1")


def api_get(path, **kwargs):
    return shopline.get(path, **kwargs)


def erp_get(path, **kwargs):
    return erp.get(path, **kwargs)


def orders_after(prev):
    data = api_get("/orders", params={"previous_id": prev}).json()
    return data["pagination"]["total_count"]  # <- SL005


def erp_orders_after(prev):
    data = erp_get("/orders", params={"previous_id": prev}).json()
    return data["pagination"]["total_count"]
"""


def test_a_wrapper_request_joins_its_clients_base_url(tmp_path: Path, ruleset: RuleSet) -> None:
    _check(tmp_path, ruleset, {"sync.py": WRAPPERS_OVER_CLIENTS_WITH_A_BASE}, "SL005")


WRAPPERS_OF_ANOTHER_MODULE = {
    "couponkit/endpoints.py": """\
ENDPOINTS = {
    "coupon_list": "/v1/user_coupons",
    "coupon_claim": "/v1/user_coupons/{coupon_code}/claim",
    "coupon_claim_legacy": "/v1/user_coupons/singleMultiCoupon",
    "coupon_redeem": "/v1/user_coupons/{coupon_code}/redeem",
    "coupon_bulk_issue": "/v1/user_coupons/bulk_issue",
    "unused_typo": "/v1/user_coupon/list",  # <- SL018
}
""",
    "couponkit/base.py": """\
import functools

import requests

BASE_URL = "https://open.shopline.io"


class ApiClient:
    def __init__(self, token, base_url=BASE_URL):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.get = functools.partial(self._request, "GET")
        self.post = functools.partial(self._request, "POST")

    def _request(self, method, path, **kwargs):
        return self.session.request(method, f"{self.base_url}{path}", **kwargs).json()
""",
    "couponkit/client.py": """\
from couponkit.base import ApiClient
from couponkit.endpoints import ENDPOINTS


class ShoplineClient(ApiClient):
    def path(self, key, **params):
        return ENDPOINTS[key].format(**params)

    def api_get(self, key, params=None, **path_params):
        return self.get(self.path(key, **path_params), params=params)

    def api_post(self, key, body, **path_params):
        return self.post(self.path(key, **path_params), json=body)
""",
    "couponkit/calls.py": """\
import requests

from couponkit.endpoints import ENDPOINTS

API = "https://open.shopline.io"


def call_api(method, key, body=None):
    return requests.request(method, API + ENDPOINTS[key], json=body).json()
""",
    "jobs.py": """\
from couponkit.calls import call_api
from couponkit.client import ShoplineClient


def kiosk(client: ShoplineClient, code, who):
    return client.api_post("coupon_claim_legacy", {"couponCode": code, "userId": who})  # <- SL003


def claimed(client: ShoplineClient, code):
    return client.api_get("coupon_claim", coupon_code=code)  # <- SL018


def bulk(token, code, ids):
    client = ShoplineClient(token)
    return client.api_post("coupon_bulk_issue", {"coupon_code": code, "ids": ids})  # <- SL018


def redeem(client: ShoplineClient, code, order_id):
    return client.api_post("coupon_redeem", {"order_id": order_id}, coupon_code=code)


def claim(client: ShoplineClient, code, customer_id):
    return client.api_post("coupon_claim", {"customer_id": customer_id}, coupon_code=code)


def wallet():
    return call_api("GET", "coupon_list")


def wallet_wrong():
    return call_api("DELETE", "coupon_list")  # <- SL018
""",
}


def test_wrappers_of_another_module(tmp_path: Path, ruleset: RuleSet) -> None:
    """Client methods and functions of other modules that look their path up by key: the
    request each call sends is that module's template with the call's arguments; the
    registry's entries the calls use are judged at the calls, the unused one at the entry."""
    for prefilter in (True, False):
        write_tree(tmp_path, WRAPPERS_OF_ANOTHER_MODULE)
        chosen = ruleset.select(["SL003", "SL018"])
        result = scan_tree(tmp_path, chosen, as_of=AS_OF, use_prefilter=prefilter)
        assert result.errors == []
        assert triples(result) == _expected(WRAPPERS_OF_ANOTHER_MODULE)


# Wrappers whose names say nothing of a request (`sl`, `shop`): a call that hands one an HTTP
# method or a path is read as the request its template says it sends.
TERSE_WRAPPERS = {
    "shop/__init__.py": "",
    "shop/http.py": """\
import requests

BASE = "https://open.shopline.io/v1"
session = requests.Session()


def sl(method, path, **kwargs):
    return session.request(method, f"{BASE}{path}", timeout=20, **kwargs)


def shop(path, body):
    return session.post(BASE + path, json=body, timeout=20)


def label(text):
    return text.upper()
""",
    "shop/coupons.py": """\
from shop.http import label, shop, sl


def claim(code, who):
    body = {"couponCode": code, "userId": who}
    return sl("POST", "/user_coupons/singleMultiCoupon", json=body)  # <- SL003


def claim_again(code, who):
    return shop("/user_coupons/singleMultiCoupon", {"couponCode": code, "userId": who})  # <- SL003


def wallet():
    return sl("DELETE", "/user_coupons")  # <- SL018


def title():
    return label("/user_coupons/no_such_endpoint")
""",
}


def test_wrappers_of_another_module_handed_a_method_or_a_path(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """Whatever the wrapper is called, the request it sends is read at the call; a function
    of the tree that sends nothing (`label`) stays what it is."""
    _check(tmp_path, ruleset, TERSE_WRAPPERS, "SL003", "SL018")


# A client class whose request helpers its base class defines: in the same module, in
# another module of the tree, or a client library's session (then the call is the request).
INHERITED_HELPERS = {
    "catalog/__init__.py": "",
    "catalog/base.py": """\
import requests

OPEN_API = "https://open.shopline.io/v1"


class BaseApi:
    def __init__(self, token):
        self.session = requests.Session()

    def _put(self, path, body):
        answer = self.session.put(f"{OPEN_API}{path}", json=body, timeout=30)
        answer.raise_for_status()
        return answer.json()
""",
    "catalog/operations.py": """\
from .base import BaseApi


class CatalogApi(BaseApi):
    def set_addon_unlimited(self, addon_id):
        path = f"/addon_products/{addon_id}/update_quantity"
        return self._put(path, {"quantity": None})  # <- SL006


class GiftApi(CatalogApi):
    def set_gift_unlimited(self, gift_id):
        return self._put(f"/gifts/{gift_id}/update_quantity", {"quantity": None})  # <- SL006
""",
    "catalog/local.py": """\
import requests

OPEN_API = "https://open.shopline.io/v1"


class LocalBase:
    def _put(self, path, body):
        return requests.put(f"{OPEN_API}{path}", json=body, timeout=30)


class LocalApi(LocalBase):
    def set_addon_unlimited(self, addon_id):
        path = f"/addon_products/{addon_id}/update_quantity"
        return self._put(path, {"quantity": None})  # <- SL006
""",
    "catalog/session.py": """\
import requests


class ShoplineSession(requests.Session):
    base_url = "https://open.shopline.io/v1"

    def request(self, method, url, *args, **kwargs):
        return super().request(method, self.base_url + url, *args, **kwargs)
""",
    "catalog/coupons.py": """\
from catalog.session import ShoplineSession


class Coupons(ShoplineSession):
    def claim(self, code, who):
        body = {"couponCode": code, "userId": who}
        return self.post("/user_coupons/singleMultiCoupon", json=body)  # <- SL003
""",
}


def test_request_helpers_a_base_class_defines(tmp_path: Path, ruleset: RuleSet) -> None:
    """`self._put(path, body)` runs the helper its nearest base class defines, in this module
    or another of the tree; a method no class of the tree defines is the client library's,
    and the call is read as the request it is (judged at the call, with its fix)."""
    _check(tmp_path, ruleset, INHERITED_HELPERS, "SL003", "SL006")
    result = scan_tree(tmp_path, ruleset.select(["SL003"]), as_of=AS_OF)
    (claim,) = [f for f in result.findings if f.path == "catalog/coupons.py"]
    assert (claim.column, claim.message.split()[0]) == (16, "POST")


URL_BUILDER_METHODS = {
    "shop/client.py": """\
import requests

BASE = "https://open.shopline.io/v1"


class Client:
    def __init__(self):
        self.base_url = BASE
        self.session = requests.Session()

    def _url(self, path):
        return f"{self.base_url}/{path.lstrip('/')}"

    def complete(self, order_id):
        url = self._url(f"orders/{order_id}/status")
        self.session.patch(url, json={"status": "done"})  # <- SL014

    def claim(self, code, who):
        url = self._url("/user_coupons/singleMultiCoupon")
        return self.session.post(url, json={"couponCode": code, "userId": who})  # <- SL003
""",
}


def test_a_url_built_by_a_method_of_the_client(tmp_path: Path, ruleset: RuleSet) -> None:
    """`self._url(path)` joins the client's base URL: the request reaches the path it names."""
    _check(tmp_path, ruleset, URL_BUILDER_METHODS, "SL003", "SL014")


# SL013 and SL014 at calls of another module's wrapper: judged as at the module's own, by
# whether the wrapper raises when the request fails.
def _orders_through(raises: str) -> dict[str, str]:
    return {
        "shop/__init__.py": "",
        "shop/http.py": f"""\
import requests

BASE = "https://open.shopline.io/v1"
session = requests.Session()


def sl(method, path, **kwargs):
    answer = session.request(method, f"{{BASE}}{{path}}", timeout=20, **kwargs)
    {raises}
    return answer
""",
        "shop/orders.py": """\
from shop.http import sl


def order_status(order_id):
    return sl("GET", f"/orders/{order_id}").json()["status"]  # <- SL013


def complete(order_id):
    sl("PATCH", f"/orders/{order_id}/status", json={"status": "completed"})  # <- SL014


def complete_checked(order_id):
    try:
        sl("PATCH", f"/orders/{order_id}/status", json={"status": "completed"})
    except Exception:
        raise
""",
    }


def test_another_modules_wrapper_that_does_not_raise_leaves_the_failure_to_the_call(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    _check(tmp_path / "plain", ruleset, _orders_through("pass"), "SL013", "SL014")
    raising = _orders_through("answer.raise_for_status()")
    write_tree(tmp_path / "raising", raising)
    for prefilter in (True, False):
        chosen = ruleset.select(["SL013", "SL014"])
        found = scan_tree(tmp_path / "raising", chosen, as_of=AS_OF, use_prefilter=prefilter)
        assert triples(found) == set()


MCP_SERVER_SHAPE = {
    "mcp/config/settings.py": """\
BASE_URL = "https://open.shopline.io"
API_VERSION = "v1"

ENDPOINTS = {
    "orders": f"/{API_VERSION}/orders",
    "order_detail": f"/{API_VERSION}/orders/{{order_id}}",
    "order_labels": f"/{API_VERSION}/orders/{{order_id}}/labels",
    "order_cancel": f"/{API_VERSION}/orders/{{order_id}}/cancel",
}


def get_url(endpoint_key, **kwargs):
    path = ENDPOINTS[endpoint_key].format(**kwargs)
    return f"{BASE_URL}{path}"
""",
    "mcp/tools/base_tool.py": """\
import time

import requests

from mcp.config.settings import get_url


class ShoplineAPIError(Exception):
    def __init__(self, status_code, message, endpoint=""):
        super().__init__(f"[{status_code}] {endpoint}: {message}")


def _api_request(method, endpoint_key, json_body=None, params=None, path_params=None):
    path_params = path_params or {}
    url = get_url(endpoint_key, **path_params)
    for attempt in range(3):
        resp = requests.request(method, url, params=params, json=json_body, timeout=60)
        if resp.status_code in (200, 201):
            return resp.json()
        if resp.status_code >= 500 and attempt < 2:
            time.sleep(2**attempt)
            continue
        raise ShoplineAPIError(resp.status_code, resp.text[:500], url)


def api_get(endpoint_key, params=None, path_params=None):
    return _api_request("GET", endpoint_key, params=params, path_params=path_params)


def api_post(endpoint_key, json_body=None, path_params=None):
    return _api_request("POST", endpoint_key, json_body=json_body, path_params=path_params)
""",
    "mcp/tools/order_tools.py": """\
from mcp.tools.base_tool import api_get, api_post


def labels(order_id):
    return api_get("order_labels", path_params={"order_id": order_id})  # <- SL018


def cancel(order_id):
    return api_post("order_cancel", path_params={"order_id": order_id})  # <- SL018


def orders():
    return api_get("orders")
""",
}


def test_an_mcp_server_shape(tmp_path: Path, ruleset: RuleSet) -> None:
    """Tools pass registry keys to wrappers of another module, which build the URL with a
    helper of a third module through locals (`path = …`, `url = get_url(…)`); an exception
    class named for the API is not a request."""
    _check(tmp_path, ruleset, MCP_SERVER_SHAPE, "SL018")


STATUS_IN_WRAPPERS = """\
import requests

API = "https://open.shopline.io/v1"


def get_order(order_id):
    return requests.get(f"{API}/orders/{order_id}").json()  # <- SL013


def get_order_or_none(order_id):
    resp = requests.get(f"{API}/orders/{order_id}")
    if resp.status_code == 410:
        return None
    return resp.json()


def show(order_id):
    order = get_order(order_id)
    print(order["order_number"])


def show_archived(order_id):
    order = get_order_or_none(order_id)
    print(order and order["order_number"])
"""


def test_a_wrapper_call_is_judged_where_its_request_is_sent(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """The wrapper's own request is reported once, not again at each call of the wrapper;
    and a wrapper that deals with 410 deals with it for its callers."""
    _check(tmp_path, ruleset, {"orders.py": STATUS_IN_WRAPPERS}, "SL013")


MORE_CLIENTS = """\
import functools

import aiohttp
import requests


class ShoplineSession(requests.Session):
    def __init__(self, base="https://open.shopline.io"):
        super().__init__()
        self.base = base

    def request(self, method, url, *args, **kwargs):
        return super().request(method, self.base + url, *args, **kwargs)


session = ShoplineSession()


def claim(code):
    return session.post(f"/v1/promotions/{code}/claim", json={})  # <- SL018


class Client:
    base_url = "https://open.shopline.io"

    def _request(self, method, path, **kwargs):
        return requests.request(method, self.base_url + path, **kwargs)

    delete = functools.partialmethod(_request, "DELETE")

    def drop(self, order_id):
        return self.delete(f"/v1/orders/{order_id}")  # <- SL018


async def products(prev):
    async with aiohttp.ClientSession(base_url="https://open.shopline.io") as s:
        async with s.get("/v1/products", params={"previous_id": prev}) as r:
            data = await r.json()
            return data["pagination"]["total_count"]  # <- SL005
"""


def test_session_subclasses_partialmethods_and_aiohttp_sessions(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    _check(tmp_path, ruleset, {"clients.py": MORE_CLIENTS}, "SL005", "SL018")


# A wrapper whose `**kwargs` are the request's query or body: `def _get(self, path, **params)`
# then `session.get(url, params=params)`. The keyword arguments of a call are what it sends,
# in the wrapper's module and from another module (where the wrapper's template says so).

KWARGS_BASE = """\
import requests

API = "https://open.shopline.io/v1"


class Base:
    def _get(self, path, **params):
        r = requests.get(f"{API}{path}", params=params, timeout=30)
        r.raise_for_status()
        return r.json()

    def _put(self, path, **fields):
        r = requests.put(f"{API}{path}", json=fields, timeout=30)
        r.raise_for_status()
        return r.json()

    def _post(self, path, **fields):
        r = requests.post(f"{API}{path}", json=fields, timeout=30)
        r.raise_for_status()
        return r.json()

    def _fetch(self, path, **headers):
        r = requests.get(f"{API}{path}", headers=headers, timeout=30)
        r.raise_for_status()
        return r.json()

    def count_after(self, last):
        data = self._get("/customers", per_page=1, previous_id=last)
        return data["pagination"]["total_count"]  # <- SL005

    def clear_sale(self, product_id, variation_id):
        url = f"/products/{product_id}/variations/{variation_id}/update_price"
        return self._put(url, price_sale=None)  # <- SL004

    def open_return(self, order_id, items):
        return self._post(
            "/return_orders",
            order_id=order_id,
            status="cancelled",  # <- SL012
            subtotal_items=items,
        )

    def counted_first(self):
        data = self._get("/customers", per_page=1)
        return data["pagination"]["total_count"]

    def as_header(self, last):
        data = self._fetch("/customers", previous_id=last)
        return data["pagination"]["total_count"]
"""

KWARGS_SUBCLASS = """\
from .base import Base


class Orders(Base):
    def pages_after(self, last):
        data = self._get("/orders", per_page=50, previous_id=last)
        return data["pagination"]["total_pages"]  # <- SL005

    def first_pages(self):
        data = self._get("/orders", per_page=50)
        return data["pagination"]["total_pages"]

    def as_header(self, last):
        data = self._fetch("/orders", previous_id=last)
        return data["pagination"]["total_pages"]

    def clear_member_price(self, product_id, variation_id):
        url = f"/products/{product_id}/variations/{variation_id}/update_price"
        return self._put(url, member_price=None)  # <- SL004
"""


def test_a_wrappers_kwargs_are_the_query_or_the_body(tmp_path: Path, ruleset: RuleSet) -> None:
    files = {"sdk/__init__.py": "", "sdk/base.py": KWARGS_BASE, "sdk/orders.py": KWARGS_SUBCLASS}
    _check(tmp_path, ruleset, files, "SL004", "SL005", "SL012")


# A generated SDK: one method per operation, the path written in the method, the host in a
# configuration object. Calls of those methods from another module are those operations: the
# body the call hands over is judged there, the package's name ties them to the Open API,
# and what the path itself gets wrong is reported once, where it is written.

SDK_CLIENT = """\
import json

import urllib3


class ApiClient:
    def __init__(self, host):
        self.host = host
        self.pool = urllib3.PoolManager()

    def call_api(self, resource_path, method, path_params=None, body=None, **kwargs):
        for key, value in (path_params or {}).items():
            resource_path = resource_path.replace("{%s}" % key, str(value))
        resp = self.pool.request(method, self.host + resource_path, body=json.dumps(body))
        return json.loads(resp.data)
"""

SDK_PRODUCTS = """\
class ProductsApi:
    def __init__(self, api_client):
        self.api_client = api_client

    def update_product_variation_price(self, product_id, id, body, **kwargs):
        return self.api_client.call_api(
            "/v1/products/{product_id}/variations/{id}/update_price", "PUT",
            path_params={"product_id": product_id, "id": id}, body=body,
        )

    def claim_coupon(self, code, user_id):
        return self.api_client.call_api(
            "/v1/user_coupons/singleMultiCoupon", "POST",  # <- SL003
            body={"couponCode": code, "userId": user_id},
        )
"""

SDK_CALLER = """\
from shopline_sdk.api.products_api import ProductsApi


def end_sale(client, product_id, variation_ids):
    products = ProductsApi(client)
    for variation_id in variation_ids:
        products.update_product_variation_price(
            product_id,
            variation_id,
            body={"price_sale": None},  # <- SL004
        )


def vip(client, code, customer_id):
    ProductsApi(client).claim_coupon(code, customer_id)
    products = ProductsApi(client)
    reply = products.claim_coupon(code, customer_id)
    return reply.json()
"""


# A client class no module of the tree defines: its calls are no operation of the tree's,
# and the data they return is judged as before (by its name).
NOT_THE_TREES_SDK = """\
from vendor_sdk import CustomersApi, PricesApi

API = "https://open.shopline.io/v1"


def clear(client):
    PricesApi(client).update_product_variation_price(1, 2, body={"price_sale": None})


def age(client, customer_id):
    customer = CustomersApi(client).get_customer(customer_id)
    return 2026 - int(customer["birthday"][:4])  # <- SL009
"""


def test_a_generated_sdks_operations_called_from_another_module(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    files = {
        "shopline_sdk/__init__.py": "",
        "shopline_sdk/api_client.py": SDK_CLIENT,
        "shopline_sdk/api/__init__.py": "",
        "shopline_sdk/api/products_api.py": SDK_PRODUCTS,
        "jobs/campaign.py": SDK_CALLER,
        "jobs/vendor.py": NOT_THE_TREES_SDK,
    }
    _check(tmp_path, ruleset, files, "SL003", "SL004", "SL009", "SL014")


# An instance of a client class another module of the tree defines (`client =
# ShoplineClient()`): `client.get("orders", **params)` sends what that class's method sends,
# to the URL it builds, with the call's `**params` as the query.

INSTANCE_CLIENT = """\
import requests

HOST = "https://open.shopline.io"


class ShoplineClient:
    def __init__(self):
        self.base = f"{HOST}/v1"
        self.http = requests.Session()

    def get(self, path, **params):
        resp = self.http.get(f"{self.base}/{path}", params=params, timeout=30)
        resp.raise_for_status()
        return resp.json()
"""

INSTANCE_CALLER = """\
from proj.shopline import ShoplineClient


def sync_orders():
    client = ShoplineClient()
    params = {"per_page": 100}
    first = client.get("orders", per_page=100)
    total = first["pagination"]["total_pages"]
    while True:
        data = client.get("orders", **params)
        pagination = data["pagination"]
        if not data["items"] or pagination["current_page"] >= pagination["total_pages"]:  # <- SL005
            break
        params["previous_id"] = data["items"][-1]["id"]
    return total
"""


def test_an_instance_of_a_client_class_of_the_tree(tmp_path: Path, ruleset: RuleSet) -> None:
    files = {
        "proj/__init__.py": "",
        "proj/shopline.py": INSTANCE_CLIENT,
        "proj/tasks.py": INSTANCE_CALLER,
    }
    _check(tmp_path, ruleset, files, "SL005")


# A module function handed its client by every call of it in the module (`main` builds
# `client = Client()` and calls `pages(client, …)`): its parameter holds that class's
# instance. A function some call hands anything else (a dict) is not told.

HANDED_CLIENT = """\
import requests

API = "https://open.shopline.io/v1"


class Client:
    def __init__(self):
        self.session = requests.Session()

    def get(self, path, params=None):
        resp = self.session.get(f"{API}/{path}", params=params, timeout=30)
        resp.raise_for_status()
        return resp.json()
"""

HANDED_CALLER = """\
from exporter.client import Client


def pages(client, last):
    data = client.get("orders", {"previous_id": last})
    return data["pagination"]["total_pages"]  # <- SL005


def cached(store, last):
    data = store.get("orders", {"previous_id": last})
    return data["pagination"]["total_pages"]


def main():
    client = Client()
    pages(client, 1)
    cached(client, 1)
    cached({}, 1)
"""


def test_a_client_handed_to_a_function_by_every_call(tmp_path: Path, ruleset: RuleSet) -> None:
    files = {
        "exporter/__init__.py": "",
        "exporter/client.py": HANDED_CLIENT,
        "exporter/orders.py": HANDED_CALLER,
    }
    _check(tmp_path, ruleset, files, "SL005")


# A client handed to a function by calls in other modules (`orders.load_order(client, id)`
# in `jobs.py`, after `client = ShoplineClient(token)`): the function's module cannot tell
# the class alone; the calls that hand it one tell it when linked, through modules that hand
# it on (`batch.clear_all` hands its own parameter to `clear_sale`), by position or keyword,
# imported by name or through its module. Only the requests the class's methods send are
# judged so; a parameter handed two classes, or annotated, is not told.

HANDED_ACROSS_CLIENT = """\
import requests

BASE = "https://open.shopline.io/v1"


class ShoplineClient:
    def __init__(self, token):
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path, **params):
        return self.session.get(f"{BASE}{path}", params=params, timeout=30)

    def post(self, path, body):
        resp = self.session.post(f"{BASE}{path}", json=body, timeout=30)
        resp.raise_for_status()
        return resp.json()

    def put(self, path, body):
        resp = self.session.put(f"{BASE}{path}", json=body, timeout=30)
        resp.raise_for_status()
        return resp.json()


class Cache:
    def get(self, path, **params):
        return {}

    def post(self, path, body):
        return {}
"""

HANDED_ACROSS_ORDERS = """\
def load_order(client, order_id):
    resp = client.get(f"/orders/{order_id}")  # <- SL013
    if resp.status_code == 404:
        return None
    return resp.json()


def create_return(client, order_id, items):
    return client.post(
        "/return_orders",
        {"order_id": order_id, "status": "pending", "subtotal_items": items},  # <- SL012
    )


def count_after(client, last_id):
    data = client.get("/customers", per_page=1, previous_id=last_id).json()
    return data["pagination"]["total_count"]  # <- SL005


def clear_sale(client, product_id, variation_id):
    client.put(
        f"/products/{product_id}/variations/{variation_id}/update_price",
        {"price_sale": None},  # <- SL004
    )


def either(store, order_id):
    return store.post("/return_orders", {"order_id": order_id, "status": "pending"})


def annotated(client: "object", order_id):
    return client.post("/return_orders", {"order_id": order_id, "status": "pending"})


def never_handed(client, order_id):
    return client.post("/return_orders", {"order_id": order_id, "status": "pending"})
"""

HANDED_ACROSS_BATCH = """\
from ops.orders import clear_sale


def clear_all(client, ids):
    for product_id, variation_id in ids:
        clear_sale(client, product_id, variation_id)
"""

HANDED_ACROSS_JOBS = """\
import httpx

from ops import batch, orders
from ops.client import Cache, ShoplineClient
from ops.orders import count_after, create_return


def run(token):
    client = ShoplineClient(token)
    orders.load_order(client, "o1")
    create_return(order_id="o1", items=[{"id": "i1"}], client=client)
    count_after(client, "c9")
    batch.clear_all(client, [("p1", "v1")])
    orders.either(client, "o1")
    orders.either(Cache(), "o1")
    orders.annotated(client, "o1")
    orders.never_handed(httpx.Client(), "o1")
"""


def test_a_client_handed_from_another_module(tmp_path: Path, ruleset: RuleSet) -> None:
    files = {
        "ops/__init__.py": "",
        "ops/client.py": HANDED_ACROSS_CLIENT,
        "ops/orders.py": HANDED_ACROSS_ORDERS,
        "ops/batch.py": HANDED_ACROSS_BATCH,
        "ops/jobs.py": HANDED_ACROSS_JOBS,
    }
    _check(tmp_path, ruleset, files, "SL004", "SL005", "SL012", "SL013")


def test_the_module_that_hands_a_client_is_read_for_it(tmp_path: Path, ruleset: RuleSet) -> None:
    """The module that hands the client holds no trigger literal of the rule chosen, nor
    does the client's: both are read because the module whose request waits on them names
    a function they call."""
    client = HANDED_ACROSS_CLIENT.replace('"https://open.shopline.io/v1"', "shop_settings.ROOT")
    files = {
        "ops/__init__.py": "",
        "ops/shop_settings.py": 'ROOT = "https://open.shopline.io/v1"\n',
        "ops/client.py": "from ops import shop_settings\n\n" + client,
        "ops/orders.py": "def create_return(client, order_id):\n"
        '    return client.post("/return_orders", {"id": order_id, "status": "x"})  # <- SL012\n',
        "ops/jobs.py": "from ops.client import ShoplineClient\n"
        "from ops.orders import create_return\n\n\n"
        "def run():\n    create_return(ShoplineClient('t'), 'o1')\n",
    }
    _check(tmp_path, ruleset, files, "SL012")


# A class that keeps the client its constructor is handed (`self.client = client`): the
# calls that build it tell the class, in its module or in others.

KEEPS_A_CLIENT = """\
from desk.client import ShoplineClient


class OrderDesk:
    def __init__(self, client, dry_run=False):
        self.client = client
        self.dry_run = dry_run

    def load_order(self, order_id):
        resp = self.client.get(f"/orders/{order_id}")  # <- SL013
        if resp.status_code == 404:
            return None
        return resp.json()

    def create_return(self, order_id, items):
        return self.client.post(
            "/return_orders",
            {"order_id": order_id, "status": "pending", "subtotal_items": items},  # <- SL012
        )


class LocalDesk:
    def __init__(self, api):
        self.api = api

    def create_return(self, order_id):
        return self.api.post("/return_orders", {"order_id": order_id, "status": "x"})  # <- SL012


class CacheDesk:
    def __init__(self, store):
        self.store = store

    def create_return(self, order_id):
        return self.store.post("/return_orders", {"order_id": order_id, "status": "x"})


def local():
    LocalDesk(ShoplineClient("t")).create_return("o1")
"""

BUILDS_THE_DESK = """\
from desk.client import Cache, ShoplineClient
from desk.orders import CacheDesk, OrderDesk


def run(token):
    desk = OrderDesk(ShoplineClient(token), dry_run=True)
    desk.load_order("o1")
    CacheDesk(Cache()).create_return("o1")
"""


def test_a_client_kept_by_the_class_it_is_handed_to(tmp_path: Path, ruleset: RuleSet) -> None:
    files = {
        "desk/__init__.py": "",
        "desk/client.py": HANDED_ACROSS_CLIENT,
        "desk/orders.py": KEEPS_A_CLIENT,
        "desk/jobs.py": BUILDS_THE_DESK,
    }
    _check(tmp_path, ruleset, files, "SL012", "SL013")


# A client made by a function (`client = make_client()`), of the module or of another: the
# class it is annotated to return, or that every `return` of it builds. One that may return
# anything else (`None`) makes no client of its result.

MAKES_CLIENTS = """\
from ops.client import ShoplineClient


def make_client() -> "ShoplineClient":
    return _cached or ShoplineClient("t")


def build(token):
    return ShoplineClient(token)


def maybe(token):
    if token:
        return ShoplineClient(token)
    return None


_cached = None
"""

USES_MADE_CLIENTS = """\
from ops import factory
from ops.client import ShoplineClient


def local_client():
    return ShoplineClient("t")


def count_after(last_id):
    client = local_client()
    data = client.get("/customers", per_page=1, previous_id=last_id).json()
    return data["pagination"]["total_count"]  # <- SL005


def create_return(order_id):
    client = factory.make_client()
    return client.post("/return_orders", {"order_id": order_id, "status": "x"})  # <- SL012


def later(order_id):
    return factory.maybe("t").post("/return_orders", {"order_id": order_id, "status": "x"})
"""

HANDS_MADE_CLIENTS = """\
from ops.factory import build as make, maybe
from ops.orders import clear_sale, either


def run(token):
    clear_sale(make(token), "p1", "v1")
    either(maybe(token), "o1")
"""


def test_a_client_a_function_makes(tmp_path: Path, ruleset: RuleSet) -> None:
    orders = HANDED_ACROSS_ORDERS.replace("# <- SL013", "").replace("# <- SL012", "")
    orders = orders.replace("# <- SL005", "")
    files = {
        "ops/__init__.py": "",
        "ops/client.py": HANDED_ACROSS_CLIENT,
        "ops/factory.py": MAKES_CLIENTS,
        "ops/sync.py": USES_MADE_CLIENTS,
        "ops/orders.py": orders,
        "ops/jobs.py": HANDS_MADE_CLIENTS,
    }
    _check(tmp_path, ruleset, files, "SL004", "SL005", "SL012")


# A client handed to a function or a service, whose methods are named for operations
# (`client.list_customers(**params)`): the data they return is the platform's their class
# sends to. The service's module is read for the client handed to it, though it holds no
# trigger literal of the rules chosen.

OPERATION_CLIENTS = """\
import requests


class OpenApiClient:
    def __init__(self, token):
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def _request(self, method, path, params=None, json=None):
        url = f"https://open.shopline.io/v1/{path}"
        resp = self.session.request(method, url, params=params, json=json, timeout=20)
        resp.raise_for_status()
        return resp.json()

    def list_customers(self, **params):
        return self._request("GET", "customers", params=params)

    def update_quantity_by_sku(self, sku, quantity):
        body = {"sku": sku, "quantity": quantity}
        return self._request("PUT", "products/update_quantity", json=body)


class AdminClient:
    def __init__(self, handle, token):
        self.base = f"https://{handle}.myshopline.com/admin/openapi/v20240601"
        self.session = requests.Session()

    def list_customers(self, **params):
        resp = self.session.get(f"{self.base}/customers.json", params=params, timeout=20)
        resp.raise_for_status()
        return resp.json()
"""

BIRTHDAYS = """\
def open_api_ages(client, year):
    data = client.list_customers(per_page=50)
    return [year - int(c["birthday"][:4]) for c in data["items"]]  # <- SL009


def admin_ages(client, year):
    data = client.list_customers(limit=50)
    return [year - int(c["birthday"][:4]) for c in data["customers"]]
"""

STOCK_SERVICE = """\
class StockService:
    def __init__(self, client):
        self.client = client

    def push(self, rows):
        for row in rows:
            resp = self.client.update_quantity_by_sku(row["sku"], row["qty"])  # <- SL008
            print(resp["title_translations"])  # <- SL007
"""

RUNS_THEM = """\
from shop.clients import AdminClient, OpenApiClient
from shop.customers import admin_ages, open_api_ages
from shop.stock import StockService


def run(token, handle):
    open_api_ages(OpenApiClient(token), 2026)
    admin_ages(AdminClient(handle, token), 2026)
    StockService(OpenApiClient(token)).push([])
"""


def test_operations_of_a_handed_client_and_what_they_return(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    files = {
        "shop/__init__.py": "",
        "shop/clients.py": OPERATION_CLIENTS,
        "shop/customers.py": BIRTHDAYS,
        "shop/stock.py": STOCK_SERVICE,
        "shop/run.py": RUNS_THEM,
    }
    _check(tmp_path, ruleset, files, "SL007", "SL008", "SL009")
    write_tree(tmp_path, files)
    result = scan_tree(tmp_path, ruleset.select(["SL008"]), as_of=AS_OF)
    assert triples(result) == {("shop/stock.py", 7, "SL008")}


# A client class's method for one operation that sends one of its parameters as the body
# (`def create_return_order(self, body)`), called with a dict the module builds (`body =
# {…}` then `client.create_return_order(body)`): the dict is the request's body. A method
# that takes keyword arguments as the query and hands them to the class's `_request`
# (`params=params`) sends them too. The client comes from a factory of a module that holds
# no trigger literal (`deps.get_client()`).

BODY_CLIENT = """\
import requests


class ShoplineClient:
    def __init__(self, token):
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def _request(self, method, path, json=None, params=None):
        url = f"https://open.shopline.io{path}"
        resp = self.session.request(method, url, json=json, params=params, timeout=20)
        resp.raise_for_status()
        return resp.json()

    def create_return_order(self, body):
        return self._request("POST", "/v1/return_orders", json=body)

    def update_variation_price(self, product_id, variation_id, payload):
        path = f"/v1/products/{product_id}/variations/{variation_id}/update_price"
        return self._request("PUT", path, json=payload)

    def list_customers(self, **params):
        return self._request("GET", "/v1/customers", params=params)

    def tag_order(self, order_id, tags, note=None):
        return self._request("PUT", f"/v1/orders/{order_id}/tags", json={"tags": tags})
"""

DEPS = """\
import os

from shop.client import ShoplineClient


def get_client():
    return ShoplineClient(os.environ["SHOPLINE_TOKEN"])
"""

BODIES = """\
from shop.deps import get_client


def open_return(client, order):
    body = {"order_id": order["id"], "status": "pending", "subtotal_items": []}  # <- SL012
    return client.create_return_order(body)


def end_sale(client, product_id, variation_id):
    payload = {"price": 100, "price_sale": None}  # <- SL004
    return client.update_variation_price(product_id, variation_id, payload=payload)


def tag(client, order_id):
    extra = {"status": "pending"}
    return client.tag_order(order_id, ["vip"], note=extra)


def count_all():
    client = get_client()
    params = {"per_page": 50}
    while True:
        data = client.list_customers(**params)
        if data["pagination"]["current_page"] >= data["pagination"]["total_pages"]:  # <- SL005
            break
        params["previous_id"] = data["items"][-1]["id"]
"""

HANDS_BODIES = """\
from shop.client import ShoplineClient
from shop.orders import end_sale, open_return, tag


def run(token):
    client = ShoplineClient(token)
    open_return(client, {"id": "o1"})
    end_sale(client, "p1", "v1")
    tag(client, "o1")
"""


def test_a_body_an_operation_method_sends_and_a_factory_of_a_module_without_triggers(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    files = {
        "shop/__init__.py": "",
        "shop/client.py": BODY_CLIENT,
        "shop/deps.py": DEPS,
        "shop/orders.py": BODIES,
        "shop/run.py": HANDS_BODIES,
    }
    _check(tmp_path, ruleset, files, "SL004", "SL005", "SL012")
    for code in ("SL004", "SL005", "SL012"):
        result = scan_tree(tmp_path, ruleset.select([code]), as_of=AS_OF)
        assert triples(result) == {t for t in _expected(files) if t[2] == code}, code


# A session made on first use, its base URL a constructor's `or` fallback, and a module
# function every other module sends through with a path relative to the version -----------

LAZY_SETTINGS = """\
import os

API_BASE = "https://open.shopline.io"
API_VERSION = "v1"
MAX_RPS = 18
OTHER_BASE = os.getenv("OTHER_API") or "https://api.example.com"
"""

LAZY_HTTP = """\
import threading
import time
from urllib.parse import urljoin, urlparse

import requests

from . import settings

LEGACY_HOSTS = frozenset({"open.shoplineapp.com"})


class _Throttle:
    def __init__(self, rate):
        self.interval = 1.0 / rate
        self._lock = threading.Lock()

    def wait(self):
        with self._lock:
            time.sleep(self.interval)


class ApiSession(requests.Session):
    def __init__(self, token=None, base_url=None):
        super().__init__()
        self.base_url = (base_url or settings.API_BASE).rstrip("/") + "/"
        if urlparse(self.base_url).hostname in LEGACY_HOSTS:
            raise ValueError("retired host")
        self._throttle = _Throttle(settings.MAX_RPS)

    def request(self, method, url, *args, **kwargs):
        if not url.startswith("http"):
            url = urljoin(self.base_url, url.lstrip("/"))
        self._throttle.wait()
        return super().request(method, url, *args, **kwargs)


_session = None


def session():
    global _session
    if _session is None:
        _session = ApiSession()
    return _session


def _request(method, path, **kw):
    path = f"/{settings.API_VERSION}/{path.lstrip('/')}"
    resp = session().request(method, path, **kw)
    resp.raise_for_status()
    return resp.json()


def other(method, path, **kw):
    return requests.request(method, settings.OTHER_BASE + path, **kw)
"""

LAZY_CALLERS = """\
from .http import _request, other


def open_return(order):
    body = {"order_id": order["id"], "status": "pending"}  # <- SL012
    return _request("POST", "return_orders", json=body)


def clear_sale(product_id, variation_id):
    return _request(
        "PUT",
        f"products/{product_id}/variations/{variation_id}/update_price",
        json={"price_sale": None},  # <- SL004
    )


def set_stock(product_id, variation_id, qty):
    return _request(  # <- SL018
        "PUT", f"products/{product_id}/variations/{variation_id}/stock", json={"quantity": qty}
    )


def all_orders(since):
    params = {"updated_after": since, "per_page": 50}
    while True:
        data = _request("GET", "orders", params=params)
        items = data.get("items", [])
        yield from items
        pagination = data.get("pagination", {})
        last = pagination.get("total_pages", 0)  # <- SL005
        if not items or pagination.get("current_page", 1) >= last:
            break
        params["previous_id"] = items[-1]["id"]


def customers(page):
    data = _request("GET", "customers", params={"page": page})
    return data.get("pagination", {}).get("total_pages", 0)


def drop_hooks(ids):
    for hook_id in ids:
        _request("DELETE", f"webhooks/{hook_id}")


def elsewhere(ids):
    for item in ids:
        other("PUT", f"/v1/products/{item}/stock", json={"price_sale": None})
"""


def test_a_session_made_on_first_use_behind_a_module_function(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """`_request("PUT", f"products/{id}/…")` imported from the tree runs that function, not
    a client library's: its session (made on first use by `session()`) joins the path to a
    base URL that falls back to the settings' (`base_url or settings.API_BASE`) and paces
    every request. What the answer holds is read through `data.get(…)`, which is no request.
    A host the module only refuses (`in LEGACY_HOSTS`) is no use of it, and a base URL that
    falls back to another company's host reaches that host."""
    files = {
        "shop/__init__.py": "",
        "shop/settings.py": LAZY_SETTINGS,
        "shop/http.py": LAZY_HTTP,
        "shop/calls.py": LAZY_CALLERS,
    }
    _check(tmp_path, ruleset, files, "SL001", "SL004", "SL005", "SL008", "SL012", "SL018")


ANSWERS_OF_A_WRAPPER = """\
import requests

API = "https://open.shopline.io/v1/"


def api(method, path, params=None, **kw):
    return requests.request(method, API + path, params=params, timeout=30, **kw).json()
"""

READS_THE_ANSWERS = """\
from .api import api


def count_after(last_id):
    query = {"per_page": 1, "previous_id": last_id}
    data = api("GET", "customers", params=query)
    return data["pagination"]["total_count"]  # <- SL005


def pages(last_id):
    data = api("GET", "products", params={"previous_id": last_id})
    return data.get("pagination", {}).get("total_pages")  # <- SL005


def first_page():
    query = {"per_page": 1}
    data = api("GET", "customers", params=query)
    return data.get("pagination", {}).get("total_count")


def counted(since):
    params = {"updated_after": since}
    total = None
    while True:
        data = api("GET", "orders", params=params)
        if total is None:
            total = data["pagination"]["total_count"]
        if not data["items"]:
            return total
        params["previous_id"] = data["items"][-1]["id"]
"""


def test_the_query_and_the_answer_of_another_modules_wrapper(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """A dict named and handed as `params=` is the request's query, never a candidate for
    its body; and `data.get("pagination", {})` of what the wrapper answered reads that
    answer (a `get` with a plain key is no request of its own). The count read on the
    loop's first pass only answers a request without the previous_id the loop adds later."""
    files = {"shop/__init__.py": "", "shop/api.py": ANSWERS_OF_A_WRAPPER}
    files["shop/reads.py"] = READS_THE_ANSWERS
    _check(tmp_path, ruleset, files, "SL005")


ENUM_ENDPOINTS = """\
from enum import Enum

import httpx


class Endpoint(str, Enum):
    ORDER_CANCEL = "/orders/{id}/cancel"
    ORDER_SHIPMENT = "/orders/{id}/shipment"
    WEBHOOK = "/webhooks/{id}"

    def fmt(self, **params):
        return self.value.format(**params)


client = httpx.Client(base_url="https://open.shopline.io/v1")
"""

USES_THE_ENUM = """\
from .endpoints import Endpoint, client


def cancel(order_id):
    return client.post(Endpoint.ORDER_CANCEL.fmt(id=order_id), json={})  # <- SL018


def ship(order_id):
    return client.patch(Endpoint.ORDER_SHIPMENT.fmt(id=order_id), json={})  # <- SL018


def move_hook(hook_id):
    return client.put(Endpoint.WEBHOOK.fmt(id=hook_id), json={"address": "https://x.test"})
"""


def test_paths_an_enum_method_formats(tmp_path: Path, ruleset: RuleSet) -> None:
    """`Endpoint.ORDER_CANCEL.fmt(id=…)`, a method of the enum that formats its member's
    value, is that value: a wrong method and an undocumented path are reported at the
    call, and the registry entry a call uses is not reported again."""
    files = {"shop/__init__.py": "", "shop/endpoints.py": ENUM_ENDPOINTS}
    files["shop/calls.py"] = USES_THE_ENUM
    _check(tmp_path, ruleset, files, "SL018")


HELD_CLIENTS = """\
import httpx
import requests

from . import settings

client = httpx.Client(base_url=settings.API_BASE, timeout=30)
erp = httpx.Client(base_url="https://erp.example.com/v1")
session = requests.Session()
"""

SENDS_THROUGH_THEM = """\
from .http import client, erp, session


def cancel(order_id):
    return client.post(f"/orders/{order_id}/cancel", json={})  # <- SL018


def claim(code):
    return client.post("/user_coupons/singleMultiCoupon", json={"couponCode": code})  # <- SL003


def erp_cancel(order_id):
    return erp.post(f"/orders/{order_id}/cancel", json={})


def bare(order_id):
    return session.post(f"/orders/{order_id}/cancel", json={})
"""


def test_a_client_another_module_holds(tmp_path: Path, ruleset: RuleSet) -> None:
    """`from .http import client` sends through the base URL that module's client was built
    with (here from its settings); another company's client, and one built without a base,
    reach no Open API operation."""
    files = {
        "shop/__init__.py": "",
        "shop/settings.py": 'API_BASE = "https://open.shopline.io/v1"\n',
        "shop/http.py": HELD_CLIENTS,
        "shop/calls.py": SENDS_THROUGH_THEM,
    }
    _check(tmp_path, ruleset, files, "SL003", "SL018")


FACTORY_CLIENT = """\
import requests


class ShoplineClient:
    def __init__(self, base_url="https://open.shopline.io"):
        self.base_url = base_url
        self.session = requests.Session()

    def _call(self, method, path, params=None):
        resp = self.session.request(method, f"{self.base_url}{path}", params=params)
        resp.raise_for_status()
        return resp.json()


def get_client():
    return ShoplineClient()
"""

READS_THROUGH_THE_FACTORY = """\
from .client import get_client


def birthdays():
    client = get_client()
    data = client._call("GET", "/v1/customers")
    return [c["birthday"] for c in data["items"]]  # <- SL009


def chained():
    data = get_client()._call("GET", "/v1/customers")
    return [c.get("birthday") for c in data.get("items", [])]  # <- SL009
"""


def test_what_a_client_a_factory_makes_answers(tmp_path: Path, ruleset: RuleSet) -> None:
    """`get_client()` of another module makes a client: what its method answers is read
    there (the client is not itself an answer, though its factory may look like an
    operation by its name)."""
    files = {"shop/__init__.py": "", "shop/client.py": FACTORY_CLIENT}
    files["shop/tasks.py"] = READS_THROUGH_THE_FACTORY
    _check(tmp_path, ruleset, files, "SL009")


CACHED_READS = """\
import requests

BASE = "https://open.shopline.io/v1/"
_cache = {}


def cached_get(path, **params):
    if path not in _cache:
        _cache[path] = requests.get(BASE + path, params=params, timeout=30).json()
    return _cache[path]
"""

LEAVES = """\
from .api import cached_get

CATEGORIES = "categories"


def leaf_categories():
    data = cached_get(CATEGORIES, per_page=200)
    return [c for c in data.get("items", []) if c.get("children") is None]  # <- SL011
"""


def test_a_key_read_of_what_a_getter_of_another_module_answers(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """`data.get("items", [])` of `data = cached_get("categories")`, a function of another
    module named like an operation: a key's read of its answer, whatever that function
    turns out to be."""
    files = {"shop/__init__.py": "", "shop/api.py": CACHED_READS, "shop/leaves.py": LEAVES}
    _check(tmp_path, ruleset, files, "SL011", "SL018")


BUILT_WITH_A_BASE = """\
import requests

from . import settings


class ApiClient:
    def __init__(self, base_url, token=None):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()

    def fetch(self, path):
        return self.session.get(self.base_url + path, timeout=30).json()


class ShopClient:
    def __init__(self, base_url="https://open.shopline.io"):
        self.base_url = base_url

    def fetch(self, path):
        return requests.get(self.base_url + path, timeout=30).json()


shop = ApiClient(settings.API_BASE, "token")
erp = ApiClient("https://erp.example.com")
default = ShopClient()


def pull():
    shop.fetch("/v1/order_list")  # <- SL018
    erp.fetch("/v1/order_list")
    default.fetch("/v1/order_list")  # <- SL018
"""


def test_a_client_built_with_its_base_url(tmp_path: Path, ruleset: RuleSet) -> None:
    """`ApiClient(settings.API_BASE, token)`, a class whose `__init__` keeps the base URL it
    is given, sends to that URL, and another instance of it to another company's host; one
    built with no URL, to its parameter's default."""
    files = {
        "shop/__init__.py": "",
        "shop/settings.py": 'API_BASE = "https://open.shopline.io/"\n',
        "shop/sync.py": BUILT_WITH_A_BASE,
    }
    _check(tmp_path, ruleset, files, "SL018")

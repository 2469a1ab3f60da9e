"""From a request's URL to what it reaches: the platform its host belongs to (current or
retired), a foreign host, or an unknown one that only a tie by name makes a platform's."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.apis.platforms import Platforms, load_platforms
from scanner.apis.resolve import Resolved, Tie, resolve_url, split_url
from scanner.apis.routes import HOLE
from scanner.rulepack.resources import rules_dir

PLATFORMS: Platforms = load_platforms(str(Path(rules_dir()) / "platforms.yaml"))
OPEN_API_TIE = Tie("shopline", "client `ShoplineClient`")
GET_ORDER = ("GET", "/v1/orders/{id}")


def _summary(
    resolved: Resolved,
) -> tuple[str, str | None, str | None, str | None, tuple[str, str] | None, str | None]:
    """(identity, platform id, host, path, operation, assumed) of a resolution."""
    operation = resolved.operation
    return (
        resolved.identity,
        resolved.platform.id if resolved.platform is not None else None,
        resolved.host,
        resolved.path,
        (operation.method, operation.path) if operation is not None else None,
        resolved.assumed,
    )


@pytest.mark.parametrize(
    ("method", "url", "expected"),
    [
        # the Open API's current host: the router picks the operation, exactly
        (
            "GET",
            "https://open.shopline.io/v1/orders/5",
            ("platform", "shopline", "open.shopline.io", "/v1/orders/5", GET_ORDER, None),
        ),
        (
            "GET",
            "https://user:secret@open.shopline.io:443/v1/orders/search?query=x",
            (
                "platform", "shopline", "open.shopline.io", "/v1/orders/search",
                ("GET", "/v1/orders/search"), None,
            ),
        ),
        (
            "GET",
            "https://OPEN.SHOPLINE.IO/v1/orders/5/",
            ("platform", "shopline", "OPEN.SHOPLINE.IO", "/v1/orders/5", GET_ORDER, None),
        ),
        # with its host known, a path without /v1 is no documented operation
        (
            "GET",
            "https://open.shopline.io/orders/5",
            ("platform", "shopline", "open.shopline.io", "/orders/5", None, None),
        ),
        (
            "DELETE",
            "https://open.shopline.io/v1/orders/5",
            ("platform", "shopline", "open.shopline.io", "/v1/orders/5", None, None),
        ),
        # the retired host still belongs to the Open API
        (
            "GET",
            "https://open.shoplineapp.com/v1/orders/5",
            ("retired", "shopline", "open.shoplineapp.com", "/v1/orders/5", GET_ORDER, None),
        ),
        # foreign hosts, look-alikes included
        (
            "GET",
            "https://api.example.com/v1/orders/5",
            ("foreign", None, "api.example.com", "/v1/orders/5", None, None),
        ),
        (
            "GET",
            "https://open.shopline.io.example.com/v1/orders/5",
            ("foreign", None, "open.shopline.io.example.com", "/v1/orders/5", None, None),
        ),
        (
            "GET",
            "https://xopen.shopline.io/v1/orders/5",
            ("foreign", None, "xopen.shopline.io", "/v1/orders/5", None, None),
        ),
        # the other SHOPLINE platform: a store's Admin API
        (
            "GET",
            "https://acme.myshopline.com/admin/openapi/v20240601/orders.json",
            (
                "platform", "shopline_admin", "acme.myshopline.com",
                "/admin/openapi/v20240601/orders.json", None, None,
            ),
        ),
        (
            "GET",
            "https://acme.myshopline.com/v1/orders/5",
            ("platform", "shopline_admin", "acme.myshopline.com", "/v1/orders/5", None, None),
        ),
        # no host in the code, nothing tying it anywhere
        ("GET", "/orders/5", ("unknown", None, None, "/orders/5", None, None)),
        ("GET", f"{HOLE}/v1/orders/5", ("unknown", None, None, "/v1/orders/5", None, None)),
        ("GET", f"https://{HOLE}/orders/5", ("unknown", None, None, "/orders/5", None, None)),
    ],
)  # fmt: skip
def test_identity_by_host(
    method: str,
    url: str,
    expected: tuple[str, str | None, str | None, str | None, tuple[str, str] | None, None],
) -> None:
    resolved = resolve_url(method, url, PLATFORMS)
    assert _summary(resolved) == expected
    assert resolved.note == ""


def test_a_handle_left_open_is_still_the_admin_api() -> None:
    resolved = resolve_url(
        "GET", f"https://{HOLE}.myshopline.com/admin/openapi/v20240601/orders.json", PLATFORMS
    )
    assert resolved.identity == "platform"
    assert resolved.reaches("shopline_admin")
    assert not resolved.reaches("shopline")
    assert resolved.operation is None


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.com/v1/orders/5",
        "https://acme.myshopline.com/v1/orders/5",
    ],
)
def test_a_tie_never_overrides_a_known_host(url: str) -> None:
    resolved = resolve_url("GET", url, PLATFORMS, OPEN_API_TIE)
    assert not resolved.reaches("shopline")
    assert resolved.operation is None
    assert resolved.assumed is None
    assert resolved.note == ""


@pytest.mark.parametrize(
    ("method", "url", "operation"),
    [
        # the unknown base may hold /v1: a path without it still resolves
        ("GET", "/orders/5", GET_ORDER),
        ("GET", f"{HOLE}/orders/5", GET_ORDER),
        ("GET", "/v1/orders/5", GET_ORDER),
        ("GET", f"https://{HOLE}/orders/5", GET_ORDER),
        ("GET", "/orders/search?query=x", ("GET", "/v1/orders/search")),
        ("PATCH", "/orders/5/cancel", ("PATCH", "/v1/orders/{orderId}/cancel")),
        # tied, but no documented operation there
        ("GET", "/orders/5/6", None),
        ("DELETE", "/orders/5", None),
        ("GET", "/api/orders/5", None),
    ],
)
def test_an_unknown_host_tied_by_name(
    method: str, url: str, operation: tuple[str, str] | None
) -> None:
    resolved = resolve_url(method, url, PLATFORMS, OPEN_API_TIE)
    found = resolved.operation
    assert resolved.identity == "platform"
    assert resolved.reaches("shopline")
    assert resolved.host is None
    assert ((found.method, found.path) if found is not None else None) == operation
    assert resolved.assumed == "client `ShoplineClient`"
    assert resolved.note == " (assumed SHOPLINE Open API: client `ShoplineClient`)"


def test_a_tie_to_another_platform_says_that_platform() -> None:
    resolved = resolve_url("GET", "/orders.json", PLATFORMS, Tie("shopline_admin", "module `x`"))
    assert resolved.reaches("shopline_admin")
    assert resolved.operation is None
    assert resolved.note == " (assumed SHOPLINE Admin API (myshopline.com): module `x`)"


def test_a_tie_to_no_known_platform_stays_unknown() -> None:
    resolved = resolve_url("GET", "/orders/5", PLATFORMS, Tie("nowhere", "client `x`"))
    assert _summary(resolved) == ("unknown", None, None, "/orders/5", None, None)
    assert resolved.note == ""


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://open.shopline.io/v1/orders/5?x=1", ("open.shopline.io", "/v1/orders/5")),
        ("https://open.shopline.io", ("open.shopline.io", "/")),
        ("http://open.shopline.io/v1/orders#frag", ("open.shopline.io", "/v1/orders")),
        ("https://u:p@host.example:8443/a//b/", ("host.example", "/a/b")),
        ("/v1/orders/", (None, "/v1/orders")),
        ("orders/5", (None, "/orders/5")),
        ("/orders/5?page=2", (None, "/orders/5")),
        # a hole where the URL starts: the path below the unknown base, if one starts
        (f"{HOLE}/orders/5", (None, "/orders/5")),
        (f"{HOLE}{HOLE}/orders", (None, "/orders")),
        (f"{HOLE}orders/5", (None, None)),
        (HOLE, (None, None)),
        (f"{HOLE}://host.example/x", (None, None)),
        # a hole in the host: a host that may be anything
        (f"https://{HOLE}.myshopline.com/x", (f"{HOLE}.myshopline.com", "/x")),
    ],
)
def test_split_url(url: str, expected: tuple[str | None, str | None]) -> None:
    assert split_url(url) == expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("open.shopline.io", ("shopline", True)),
        ("open.shoplineapp.com", ("shopline", False)),
        ("OPEN.SHOPLINEAPP.COM", ("shopline", False)),
        ("shop-1.myshopline.com", ("shopline_admin", True)),
        (f"{HOLE}.myshopline.com", ("shopline_admin", True)),
        ("api.rms.rakuten.co.jp", ("rakuten", True)),
        ("myshopline.com", None),
        ("acme.myshopline.com.example.io", None),
        ("open-shopline.io", None),
        ("api.example.com", None),
    ],
)
def test_of_host(host: str, expected: tuple[str, bool] | None) -> None:
    found = PLATFORMS.of_host(host)
    assert ((found[0].id, found[1]) if found is not None else None) == expected


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["MyShoplineAdmin"], ("shopline_admin", "MyShoplineAdmin")),
        (["ShoplineClient"], ("shopline", "ShoplineClient")),
        (["SHOPLINE_API_URL"], ("shopline", "SHOPLINE_API_URL")),
        # the most specific name wins, wherever it stands
        (["shopline_client", "MyShoplineClient"], ("shopline_admin", "MyShoplineClient")),
        (["MyShoplineClient", "shopline_client"], ("shopline_admin", "MyShoplineClient")),
        (["erp", "ShoplineAPI", "client"], ("shopline", "ShoplineAPI")),
        (["RakutenOrders"], ("rakuten", "RakutenOrders")),
        (["erp", "client", "orders"], None),
        ([], None),
    ],
)
def test_named_in_picks_the_most_specific_name(
    names: list[str], expected: tuple[str, str] | None
) -> None:
    found = PLATFORMS.named_in(names)
    assert ((found[0].id, found[1]) if found is not None else None) == expected

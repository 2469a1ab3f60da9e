"""The Open API route table as a web router: every documented row resolves to itself, static
segments beat parameters, a parameter fills exactly one segment, never a suffix."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from scanner.apis.platforms import load_platforms
from scanner.apis.routes import HOLE, Operation, RouteTable, request_path
from scanner.rulepack.resources import rules_dir

CATALOGUE = Path(rules_dir()) / "shopline" / "data" / "openapi-endpoints.tsv"
_PARAMETER = re.compile(r"\{[^}/]*\}")


def _rows() -> list[dict[str, str]]:
    """The catalogue's rows, read here without the code under test."""
    with CATALOGUE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


ROWS = _rows()


def _table() -> RouteTable:
    platforms = load_platforms(str(Path(rules_dir()) / "platforms.yaml"))
    platform = platforms.by_id("shopline")
    assert platform is not None and platform.routes is not None
    return platform.routes


TABLE = _table()


def _concrete(path: str, value: str) -> str:
    """The documented path with every `{param}` replaced by `value`."""
    return _PARAMETER.sub(value, path)


def _row_id(row: dict[str, str]) -> str:
    return f"{row['method']} {row['path']}"


def _key(operation: Operation | None) -> tuple[str, str] | None:
    return None if operation is None else (operation.method, operation.path)


def test_the_table_is_the_whole_catalogue() -> None:
    assert len(ROWS) > 300
    assert {(op.method, op.path, op.title) for op in TABLE.operations} == {
        (row["method"].upper(), row["path"], row["operation"]) for row in ROWS
    }
    assert len(TABLE.operations) == len(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_every_row_resolves_to_itself(row: dict[str, str]) -> None:
    expected = Operation(row["method"].upper(), row["path"], row["operation"])
    assert TABLE.resolve(row["method"].upper(), _concrete(row["path"], "123")) == expected


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_every_row_resolves_to_itself_with_unknown_parameters(row: dict[str, str]) -> None:
    """A hole (a value the code leaves open) fills a parameter as a concrete value does."""
    expected = Operation(row["method"].upper(), row["path"], row["operation"])
    assert TABLE.resolve(row["method"].upper(), _concrete(row["path"], HOLE)) == expected


ORDER = ("GET", "/v1/orders/{id}")


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        # static segments win over the `{id}` beside them
        ("GET", "/v1/orders/search", ("GET", "/v1/orders/search")),
        ("GET", "/v1/orders/tags", ("GET", "/v1/orders/tags")),
        ("GET", "/v1/orders/transactions", ("GET", "/v1/orders/transactions")),
        ("POST", "/v1/orders/archived_orders", ("POST", "/v1/orders/archived_orders")),
        ("GET", "/v1/orders/label", ("GET", "/v1/orders/label")),
        # a static route that lacks the method is not Get Order / Update Order instead
        ("GET", "/v1/orders/archived_orders", None),
        ("PATCH", "/v1/orders/tags", None),
        ("PATCH", "/v1/orders/search", None),
        # a parameter fills one segment, any value
        ("GET", "/v1/orders/5", ORDER),
        ("GET", "/v1/orders/abc-DEF_9", ORDER),
        ("PATCH", "/v1/orders/5", ("PATCH", "/v1/orders/{id}")),
        ("GET", "/v1/orders/5/6", None),
        ("GET", "/v1/orders", ("GET", "/v1/orders")),
        ("POST", "/v1/orders", ("POST", "/v1/orders")),
        ("PUT", "/v1/orders/5/tags", ("PUT", "/v1/orders/{id}/tags")),
        ("GET", "/v1/orders/5/tags", None),
        ("PATCH", "/v1/orders/5/cancel", ("PATCH", "/v1/orders/{orderId}/cancel")),
        (
            "GET",
            "/v1/orders/5/metafields/7",
            ("GET", "/v1/orders/{order_id}/metafields/{metafield_id}"),
        ),
        # never a suffix, never a prefix
        (
            "GET",
            "/v1/metafield_definitions/orders/5",
            ("GET", "/v1/metafield_definitions/orders/{metafield_definition_id}"),
        ),
        ("GET", "/orders/5", None),
        ("GET", "/api/v1/orders/5", None),
        ("GET", "/v1/orders/5/extra", None),
        ("GET", "/v2/orders/5", None),
        # query strings, fragments, trailing and repeated slashes are ignored
        ("GET", "/v1/orders/5?fields=id,status", ORDER),
        ("GET", "/v1/orders/5/", ORDER),
        ("GET", "/v1/orders/5#top", ORDER),
        ("GET", "/v1//orders/5", ORDER),
        ("GET", "/v1/orders/search?query=abc&per_page=5", ("GET", "/v1/orders/search")),
        ("GET", "/v1/orders/search/", ("GET", "/v1/orders/search")),
        ("GET", "v1/orders/5", ORDER),
        # an undocumented method at a documented path
        ("DELETE", "/v1/orders/5", None),
        ("PUT", "/v1/orders/5", None),
        ("POST", "/v1/orders/search", None),
        # an unknown part (HOLE) fills parameters only, never a static segment
        ("GET", f"/v1/orders/{HOLE}", ORDER),
        ("GET", f"/v1/orders/ord-{HOLE}", ORDER),
        ("GET", f"/v1/{HOLE}/5", None),
        ("GET", f"/v1/orders/{HOLE}/tags", None),
        ("PUT", f"/v1/orders/{HOLE}/tags", ("PUT", "/v1/orders/{id}/tags")),
        ("GET", HOLE, None),
        ("GET", "/", None),
    ],
)
def test_resolve_like_a_router(method: str, path: str, expected: tuple[str, str] | None) -> None:
    assert _key(TABLE.resolve(method, path)) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/v1/orders/tags", ("GET", "/v1/orders/tags")),
        ("/v1/orders/archived_orders", ("POST", "/v1/orders/archived_orders")),
        ("/v1/orders/5", None),  # Get Order and Update Order: the method decides
        ("/v1/orders/5/split", ("POST", "/v1/orders/{id}/split")),
        ("/v1/nothing/here", None),
    ],
)
def test_resolve_without_a_method(path: str, expected: tuple[str, str] | None) -> None:
    """With an unknown method, the route's only operation, or none when it has several."""
    assert _key(TABLE.resolve(None, path)) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/v1/orders/5", {("GET", "/v1/orders/{id}"), ("PATCH", "/v1/orders/{id}")}),
        ("/v1/orders/search", {("GET", "/v1/orders/search")}),
        ("/v1/orders/archived_orders", {("POST", "/v1/orders/archived_orders")}),
        ("/v1/webhooks/9", {("GET", "/v1/webhooks/{id}"), ("PUT", "/v1/webhooks/{id}"),
                            ("DELETE", "/v1/webhooks/{id}")}),
        ("/v1/orders/5/6", set()),
    ],
)  # fmt: skip
def test_routes_are_one_route_every_method(path: str, expected: set[tuple[str, str]]) -> None:
    assert {(op.method, op.path) for op in TABLE.routes(path)} == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/v1/orders/5?x=1", "/v1/orders/5"),
        ("/v1//orders/5/", "/v1/orders/5"),
        ("v1/orders#frag", "/v1/orders"),
        ("", "/"),
        ("/?a=b", "/"),
    ],
)
def test_request_path(raw: str, expected: str) -> None:
    assert request_path(raw) == expected


@pytest.mark.parametrize(
    ("method", "path", "first"),
    [
        ("GET", "/v1/order/5", ("GET", "/v1/orders/{id}")),
        ("GET", "/v1/ordrs/5", ("GET", "/v1/orders/{id}")),
        ("GET", "/v1/order/search", ("GET", "/v1/orders/search")),
        ("GET", "/v1/customer/5", ("GET", "/v1/customers/{id}")),
        ("GET", "/v1/orders/5/action_log", ("GET", "/v1/orders/{id}/action_logs")),
        ("POST", "/v1/webhook", ("POST", "/v1/webhooks")),
        ("PUT", "/v1/orders/5/cancel", ("PATCH", "/v1/orders/{orderId}/cancel")),
        (
            "PUT",
            "/v1/products/1/variations/2/price",
            ("PUT", "/v1/products/{product_id}/variations/{id}/update_price"),
        ),
    ],
)
def test_closest_suggests_the_documented_operation(
    method: str, path: str, first: tuple[str, str]
) -> None:
    assert TABLE.resolve(method, path) is None
    suggestions = TABLE.closest(method, path)
    assert 1 <= len(suggestions) <= 2
    assert _key(suggestions[0]) == first


def test_closest_respects_count() -> None:
    assert len(TABLE.closest("GET", "/v1/order/5", count=1)) == 1
    assert _key(TABLE.closest("GET", "/v1/order/5", count=1)[0]) == ORDER


def test_by_path_is_the_written_path_not_a_match() -> None:
    assert _key(TABLE.by_path("GET", "/v1/orders/{id}")) == ORDER
    assert TABLE.by_path("GET", "/v1/orders/5") is None
    assert TABLE.by_path(None, "/v1/orders/{order_id}") is None
    assert TABLE.by_path("DELETE", "/v1/orders/{id}") is None


@pytest.mark.parametrize(
    ("method", "path", "first"),
    [
        ("GET", "/v1/orders/5/labels", "GET /v1/orders/label"),
        ("GET", "/v1/orders/5/action-logs", "GET /v1/orders/{id}/action_logs"),
        ("GET", "/v1/orders/archived", "POST /v1/orders/archived_orders"),
        ("GET", "/v1/customer-groups", "GET /v1/customer_groups"),
        ("PATCH", "/v1/orders/5/delivery-status", "PATCH /v1/orders/{id}/order_delivery_status"),
        ("POST", "/v1/coupons/claim", "POST /v1/user_coupons/{coupon_code}/claim"),
    ],
)
def test_suggestions_read_resources_as_spelt_alike(method: str, path: str, first: str) -> None:
    """Hyphens, plurals and a word of a compound name are read as the same resource."""
    assert str(_table().closest(method, path)[0]) == first


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        # A lower-case compound name is a route's name, never an id: not Update Product.
        ("PUT", "/v1/products/bulk-update-quantities", None),
        ("GET", "/v1/customers/5/store-credit-history", None),
        ("POST", "/v1/products/bulk_assign_categories", None),
        # An id, a word, or a name-valued parameter still fills the slot.
        ("PUT", "/v1/products/5e8f0c2a9d1b4c0012ab34cd", "PUT /v1/products/{id}"),
        ("GET", "/v1/orders/archived", "GET /v1/orders/{id}"),
        ("GET", "/v1/themes/ultra_chic", "GET /v1/themes/{theme_key}"),
        ("POST", "/v1/user_coupons/summer-sale/claim", "POST /v1/user_coupons/{coupon_code}/claim"),
    ],
)
def test_a_compound_name_fills_no_id_parameter(
    method: str, path: str, operation: str | None
) -> None:
    found = TABLE.resolve(method, path)
    assert (str(found) if found is not None else None) == operation


@pytest.mark.parametrize(
    ("method", "path", "suggested"),
    [
        ("POST", "/v1/products/bulk-assign-categories", "POST /v1/categories/bulk_assign"),
        (
            "GET",
            "/v1/customers/5/membership-tier-history",
            "GET /v1/customers/{id}/membership_tier/action_logs",
        ),
    ],
)
def test_suggestions_read_the_words_of_a_name_wherever_they_stand(
    method: str, path: str, suggested: str
) -> None:
    """A compound name's words, under another resource or split across segments, point at
    the operation that has them."""
    assert suggested in [str(operation) for operation in TABLE.closest(method, path)]

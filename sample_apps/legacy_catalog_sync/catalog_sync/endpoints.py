"""Open API hosts and paths used by the sync worker.

All paths are relative to :data:`API_HOST` so that the sync and async
clients agree on the exact routes.
"""
from __future__ import annotations

# Production Open API host. Outages: https://status.shoplineapp.com
API_HOST = "https://open.shoplineapp.com"
API_VERSION = "v1"

ORDERS = "/v1/orders"
PRODUCTS = "/v1/products"
CUSTOMERS = "/v1/customers"
CATEGORIES = "/v1/categories"
PRODUCT = "/v1/products/{product_id}"
VARIATION_PRICE = "/v1/products/{product_id}/variations/{variation_id}/update_price"
COUPON_CLAIM = "/v1/user_coupons/singleMultiCoupon"

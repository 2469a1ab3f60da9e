"""A generated SDK's requests: resource classes hand `ApiClient.call_api` a templated path and
a method (`call_api("/customers/{id}", "GET", path_params=…)`); the client fills the path's
parameters with a regular expression and sends through a client it builds with the base URL
of its `Configuration`. Those requests go to the Open API and are judged there, not listed as
requests the scan cannot resolve."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

CONFIGURATION = """\
class Configuration:
    def __init__(self, host="https://open.shopline.io/v1", access_token=""):
        self.host = host.rstrip("/")
        self.access_token = access_token
"""

API_CLIENT = """\
import re
from urllib.parse import quote

import httpx

from .configuration import Configuration


class ApiClient:
    _PATH_PARAM = re.compile(r"{(\\w+)}")

    def __init__(self, configuration=None):
        self.configuration = configuration or Configuration()
        self._http = httpx.AsyncClient(base_url=self.configuration.host)

    def _render_path(self, resource_path, path_params):
        def fill(match):
            return quote(str(path_params[match.group(1)]), safe="")

        return self._PATH_PARAM.sub(fill, resource_path)

    async def call_api(self, resource_path, method, path_params=None, body=None):
        url = self._render_path(resource_path, path_params or {})
        resp = await self._http.request(method.upper(), url, json=body)
        if not 200 <= resp.status_code < 300:
            raise RuntimeError(resp.text)
        return resp.json()
"""

CUSTOMERS = """\
from .api_client import ApiClient


class CustomersApi:
    def __init__(self, api_client: ApiClient):
        self.api_client = api_client

    async def get_customer(self, customer_id):
        return await self.api_client.call_api(
            "/customers/{id}", "GET", path_params={"id": customer_id}
        )

    async def claim_coupon_kiosk(self, code, customer_id):
        return await self.api_client.call_api(
            "/user_coupons/singleMultiCoupon",
            "POST",
            body={"couponCode": code, "userId": customer_id},
        )
"""

# The same client, its path parameters filled by `str.replace` one by one.
REPLACING_CLIENT = API_CLIENT.replace(
    """        def fill(match):
            return quote(str(path_params[match.group(1)]), safe="")

        return self._PATH_PARAM.sub(fill, resource_path)
""",
    """        for name, value in path_params.items():
            resource_path = resource_path.replace("{" + name + "}", quote(str(value)))
        return resource_path
""",
)


@pytest.mark.parametrize("client", [API_CLIENT, REPLACING_CLIENT], ids=["re-sub", "replace"])
def test_call_api_requests_are_judged(tmp_path: Path, ruleset: RuleSet, client: str) -> None:
    """The retired claim is reported (SL003) at the resource class's call; the documented
    Get Customer is clean; neither is listed as unresolved."""
    write_tree(
        tmp_path,
        {
            "sdk/__init__.py": "",
            "sdk/configuration.py": CONFIGURATION,
            "sdk/api_client.py": client,
            "sdk/customers.py": CUSTOMERS,
        },
    )
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == {("sdk/customers.py", 14, "SL003")}
    assert result.unresolved_calls == []

"""What every matcher reads of one Python file: its facts, its string values and its HTTP
calls, each worked out once and shared."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import libcst as cst

from scanner.code.facts import ModuleFacts, Scope
from scanner.code.functions import FunctionKey, module_functions
from scanner.code.httpcalls import HttpCall, classify
from scanner.code.strings import Evaluator, Shape, has_refs, render
from scanner.code.wrappers import Wrappers


@dataclass(eq=False)
class PythonContext:
    facts: ModuleFacts
    consumed: dict[str, set[int]] = field(default_factory=dict)
    # What later stages work out once per file and call (resolved requests, say).
    memo: dict[Hashable, Any] = field(default_factory=dict)

    @cached_property
    def evaluator(self) -> Evaluator:
        return Evaluator(self.facts, follow_names=True)

    @cached_property
    def literal_evaluator(self) -> Evaluator:
        return Evaluator(self.facts, follow_names=False)

    @cached_property
    def http_calls(self) -> list[HttpCall]:
        """The outbound requests: a call used as a decorator declares an inbound route of
        the scanned app (`@router.get("/orders")`, `@app.route`), and sends nothing."""
        declared = {id(d.decorator) for d, _, _ in self.facts.decorators}
        # `app.get("/orders")(view)`: a call whose result is called is a decorator factory
        # applied by hand (a response cannot be called).
        declared |= {id(s.node.func) for s in self.facts.calls if isinstance(s.node.func, cst.Call)}
        requests = {
            id(site.node): found
            for site in self.facts.calls
            if id(site.node) not in declared and (found := classify(site)) is not None
        }
        wrapped = self._through_wrappers(requests, declared)
        calls: list[HttpCall] = []
        for site in self.facts.calls:
            key = id(site.node)
            if key in wrapped:
                calls.extend(wrapped[key])
            elif key in requests:
                calls.append(requests[key])
        return calls

    def _through_wrappers(
        self, requests: dict[int, HttpCall], declared: set[int]
    ) -> dict[int, list[HttpCall]]:
        """Calls to the module's own functions that send requests, as those requests (by
        call node), where the wrapper's body tells their URL."""
        wrappers = Wrappers(self.facts, self.functions, requests, self.evaluator)
        if not wrappers.sending:
            return {}
        found: dict[int, list[HttpCall]] = {}
        for site in self.facts.calls:
            if id(site.node) in declared:
                continue
            for request in wrappers.forwarded(site, self.evaluator):
                url = render(request.url)
                if "://" in url or url.startswith("/") or has_refs(request.url):
                    made = HttpCall(
                        site, request.method, site.node, request.body, request.params, request.url
                    )
                    found.setdefault(id(site.node), []).append(made)
        return found

    @cached_property
    def functions(self) -> dict[FunctionKey, cst.FunctionDef]:
        """The module's functions and methods (see `code/functions.py`)."""
        return module_functions(self.facts)

    @cached_property
    def _scopes(self) -> dict[int, Scope]:
        return {id(scope.node): scope for scope in self.facts.scopes if scope.node is not None}

    def scope_of(self, function: cst.FunctionDef) -> Scope:
        """The scope a function of the module opens."""
        return self._scopes[id(function)]

    @cached_property
    def http_by_node(self) -> dict[int, HttpCall]:
        return {id(found.call.node): found for found in self.http_calls}

    @cached_property
    def literal_values(self) -> list[tuple[cst.BaseExpression, Shape, str]]:
        values = []
        for item in self.facts.strings:
            shape = self.literal_evaluator.shape(item.node, item.site)
            values.append((item.node, shape, render(shape)))
        return values

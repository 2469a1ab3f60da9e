"""A client handed from one module to another's function: `sync_orders(client, since)` in
`main.py`, after `client = ShoplineClient(token)`, makes `client` of `def sync_orders(client,
since)` in `sync.py` a `ShoplineClient`, which `sync.py` cannot tell alone.

The caller's module records each such handing (`Handing`); the callee's module names the
instance it is handed by a reference to its own module (`handed_name`), which linking turns
into a reference to the class the callers hand (`scanner.code.imports.Linker.redirected`):
its base URL, its methods' request templates, as if the callee had imported the class. A
function that returns a client (`make_client()`) stands for the class it returns
(`returned_name`).
"""

from __future__ import annotations

from dataclasses import dataclass

from scanner.code.strings import Ref

# How a handed instance is named among its module's names: no Python name holds a colon.
_PREFIX = "handed:"


@dataclass(frozen=True)
class Handing:
    """A call of another module's function that hands one of its parameters an instance of
    a class (`instance`: the class, as the caller's module names it): by its position among
    the parameters a call fills by position (a method's `self` left out), or by keyword."""

    callee: Ref
    position: int | None
    keyword: str | None
    instance: Ref


@dataclass(frozen=True)
class Handed:
    """What `handed_name` names: parameter `param` (at `position`, None when keyword-only)
    of the module's function `function`, and the rest of the name (`.get#url`, an attribute
    of the instance)."""

    function: str
    position: int | None
    param: str
    rest: str

    def takes(self, handing: Handing) -> bool:
        """Whether the call `handing` records hands this parameter."""
        if handing.keyword is not None:
            return handing.keyword == self.param
        return handing.position is not None and handing.position == self.position


def handed_name(function: str, position: int | None, param: str) -> str:
    """The name of what callers in other modules hand parameter `param` of the module-level
    function `function` (`position`: among those a call fills by position)."""
    return f"{_PREFIX}{function}:{'' if position is None else position}:{param}"


def read_handed(name: str) -> Handed | None:
    """What a name `handed_name` made stands for (with anything added after it: an
    attribute, a template's part); None for any other name."""
    if not name.startswith(_PREFIX):
        return None
    head, dot, rest = name[len(_PREFIX) :].partition(".")
    function, _, tail = head.partition(":")
    position, _, param = tail.partition(":")
    param, hash_, part = param.partition("#")
    return Handed(
        function,
        int(position) if position.isdigit() else None,
        param,
        f"{dot}{rest}" if dot else f"{hash_}{part}",
    )


def returned_name(function: str) -> str:
    """How the class a module-level function returns an instance of (`make_client() ->
    ShoplineClient`) is named among its module's exports: an instance other modules make
    with it is looked up as that class's."""
    return f"{function}()#returns"


def held_base_name(name: str) -> str:
    """How the base URL of the client a module-level name holds (`client =
    httpx.Client(base_url=BASE)`, `api = ShoplineClient()`) is named among its module's
    exports: a module that imports the client sends through that base."""
    return f"{name}#base"

"""What the call graph says each function reaches: its own services and, however deep, those
of every function it calls, through cycles as well."""

from __future__ import annotations

from scanner.maintenance.services import CallGraph, FunctionUsage

OPEN_API = ("shopline", "open_api")
RMS = ("rakuten", "rms")


def _graph(functions: dict[str, FunctionUsage]) -> CallGraph:
    """One module, `shop`, holding `functions`."""
    return CallGraph({"shop": functions})


def test_services_are_carried_back_however_deep() -> None:
    graph = _graph(
        {
            "job": FunctionUsage(callees=frozenset({"a"})),
            "a": FunctionUsage(callees=frozenset({"b"})),
            "b": FunctionUsage(callees=frozenset({"c"})),
            "c": FunctionUsage(services=frozenset({OPEN_API})),
            "idle": FunctionUsage(callees=frozenset({"print"})),
        }
    )
    assert graph.services([("shop", "job")]) == {OPEN_API}
    assert graph.services([("shop", "a")]) == {OPEN_API}
    assert graph.services([("shop", "idle")]) == set()


def test_a_cycle_reaches_what_any_of_its_functions_reaches() -> None:
    """Mutual recursion: each function of the cycle reaches both services, and a caller of
    the cycle too; a function the cycle calls reaches only its own."""
    graph = _graph(
        {
            "ping": FunctionUsage(services=frozenset({OPEN_API}), callees=frozenset({"pong"})),
            "pong": FunctionUsage(callees=frozenset({"ping", "leaf"})),
            "leaf": FunctionUsage(services=frozenset({RMS})),
            "caller": FunctionUsage(callees=frozenset({"pong"})),
            "itself": FunctionUsage(callees=frozenset({"itself"})),
        }
    )
    for name in ("ping", "pong", "caller"):
        assert graph.services([("shop", name)]) == {OPEN_API, RMS}, name
    assert graph.services([("shop", "leaf")]) == {RMS}
    assert graph.services([("shop", "itself")]) == set()


def test_two_paths_to_one_function_and_services_met_on_the_way() -> None:
    graph = _graph(
        {
            "top": FunctionUsage(callees=frozenset({"left", "right"})),
            "left": FunctionUsage(services=frozenset({RMS}), callees=frozenset({"bottom"})),
            "right": FunctionUsage(callees=frozenset({"bottom"})),
            "bottom": FunctionUsage(services=frozenset({OPEN_API})),
        }
    )
    assert graph.services([("shop", "top")]) == {OPEN_API, RMS}
    assert graph.services([("shop", "right")]) == {OPEN_API}
    assert graph.reached == {
        ("shop", "top"): {OPEN_API, RMS},
        ("shop", "left"): {OPEN_API, RMS},
        ("shop", "right"): {OPEN_API},
        ("shop", "bottom"): {OPEN_API},
    }

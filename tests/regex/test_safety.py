"""Rule regexes that can take exponential time are refused when the rules load; the ones
accepted finish quickly on the inputs that make backtracking explode."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from scanner.regex.safety import backtracking_risk
from scanner.rulepack.resources import rules_dir
from scanner.rulepack.ruleset import load_rules

REFUSED = [
    "((a+))+$", "(a|a)*$", "(?:(?:a)+)+$", "(a+)+", "(x{1,5})*", "(?:_?[a-z]+)*",
    r"(\w+\s?)*$", r"(single\w+)+Coupon", "(a*)*", "(?i:(A|a)+)+", r"(\d+)*-",
    # A fixed count: no longer exponential, but the text's length to the count's power.
    "(.*,){20}legacy_export", r"^(.*,){3}x", r"(\w+\s?){5}$", "(?:a+){3,9}$",
]  # fmt: skip
ACCEPTED = [
    r"(\w|-)+", "(foo|bar)+", r"(\d{1,2}:){2}", r"\d+\d+", "(?:a++)+", "(?>a+)+",
    r"[a-z]+(?:_[a-z]+)*", r"(?:\s*,\s*\w+)*", r"(?:\.\w+)*", "(a*b)*", "(?:a|b)*",
    r"(?i)update_price|variation", r"\bNone\b", r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}",
    r"(.*,){2}x", r"(\w+\.){2,5}com", r"(?:\s*,\w+){5}", r"(?:[\w-]+\.){1,3}example\.com",
]  # fmt: skip


@pytest.mark.parametrize("pattern", REFUSED)
def test_patterns_that_backtrack_exponentially_are_refused(pattern: str) -> None:
    assert backtracking_risk(pattern) is not None


@pytest.mark.parametrize("pattern", ACCEPTED)
def test_ordinary_patterns_are_accepted(pattern: str) -> None:
    assert backtracking_risk(pattern) is None


def test_every_shipped_rule_pattern_is_accepted() -> None:
    assert load_rules([rules_dir()]).rules  # `compiled` checks each pattern as it loads


# Small patterns of the shapes that go wrong: repeats of groups of repeats and alternatives.
_ATOMS = ["a", "ab", "a+", "a*", r"\w+", "[ab]", "(?:a|b)", "(?:a|ab)", "b?a", ","]
_CANDIDATES = [
    f"(?:{inner}{tail}){count}$"
    for inner, tail, count in itertools.product(_ATOMS, ["", "a+", ",", r"\s?", "b"], ["+", "{8}"])
]


def test_accepted_patterns_finish_on_inputs_that_make_backtracking_explode() -> None:
    """Each accepted candidate runs against runs of its own characters ending in a
    character that makes the match fail, in a child process with a time limit: a pattern
    that backtracks exponentially would run for hours."""
    accepted = [p for p in _CANDIDATES if backtracking_risk(p) is None]
    refused = [p for p in _CANDIDATES if backtracking_risk(p) is not None]
    assert accepted and refused
    program = (
        "import re, sys\n"
        "for pattern in sys.argv[1:]:\n"
        "    for text in ('a' * 40 + '!', 'ab' * 20 + '!', 'a,' * 20 + '!', 'a ' * 20 + '!'):\n"
        "        re.search(pattern, text)\n"
    )
    subprocess.run([sys.executable, "-c", program, *accepted], check=True, timeout=60)

"""A module's character escapes read as their characters, for the prefilter."""

from __future__ import annotations

import pytest

from scanner.code.escapes import unescaped

ALPHABET = frozenset("shoplineapp.comL参")


@pytest.mark.parametrize(
    ("text", "read", "places"),
    [
        ('"open.shop\\x6cineapp.com"', '"open.shoplineapp.com"', [10]),
        ('"open.shop\\u006cineapp.com"', '"open.shoplineapp.com"', [10]),
        ('"open.shop\\U0000006cineapp.com"', '"open.shoplineapp.com"', [10]),
        ('"open.shop\\N{LATIN SMALL LETTER L}ineapp.com"', '"open.shoplineapp.com"', [10]),
        ('"open.shop\\154ineapp.com"', '"open.shoplineapp.com"', [10]),
        ('"open.shop\\x4cineapp.com"', '"open.shopLineapp.com"', [10]),
        ('"\\x6f\\x70en"', '"open"', [1, 2]),
        # Octal of fewer than three digits, where no octal digit follows (`.` is 056).
        ('"open\\56shop"', '"open.shop"', [5]),
        # A character that is not ASCII, as a rule literal of a team's may hold.
        ('"\\u53c2"', '"参"', [1]),
        # Only what stands for a character of the alphabet is read; the rest stays.
        ('"\\x6c\\x00\\n\\x1b"', '"l\\x00\\n\\x1b"', [1]),
    ],
)
def test_an_escape_of_a_character_a_trigger_holds_is_read(
    text: str, read: str, places: list[int]
) -> None:
    assert unescaped(text, ALPHABET) == (read, places)


@pytest.mark.parametrize(
    "text",
    [
        "no backslash at all",
        '"\\x00\\x1b\\0\\t\\n"',  # control characters only
        '"\\N{NO SUCH NAME}"',  # no character has that name
        '"\\UFFFFFFFF"',  # past the last code point
        '"\\x6"',  # cut short
        '"\\x41"',  # `A`: printable, but no trigger literal holds it
        '"\\5600"',  # `\560` is no `.` (Python reads three octal digits)
    ],
)
def test_a_text_without_such_an_escape_is_not_read_again(text: str) -> None:
    assert unescaped(text, ALPHABET) is None


def test_a_quote_a_backslash_or_a_line_break_is_never_read() -> None:
    """Read, they would move where literals start and end: `"\\x22"` would open a string
    statement of three quotes around what follows."""
    alphabet = ALPHABET | frozenset("\"'\\\n")
    for text in ('"\\x22"', "'\\x27'", '"\\x5c"', '"\\N{QUOTATION MARK}"', '"\\42"', '"\\x0a"'):
        assert unescaped(text, alphabet) is None, text

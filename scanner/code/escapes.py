"""A Python module's character escapes read as the characters they stand for, for the
prefilter's search.

The analysis reads a string literal's value: `"https://open.shop\\x6cineapp.com"` holds the
Open API's old host, though its text does not. The prefilter searches text, so a module whose
trigger literal is written with an escape (`\\x6c`, `\\u006c`, `\\U0000006c`, `\\N{LATIN
SMALL LETTER L}`, `\\154`) would be passed by, and its findings lost (`--no-prefilter` finds
them). Other files are read as their text stands, by the prefilter and the analysis alike.

Only escapes of characters that some trigger literal holds are read: most escapes in code
are of control characters (`\\x00`, `\\x1b`, `\\0`), and a text that holds no other is not
searched again. An escape is read wherever it stands (a raw string's, a comment's, a
doubled backslash's): the prefilter may then let a file by that holds nothing, never pass
one by that does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

# Never read: a quote, a backslash or a line break read from an escape would change where
# literals start and end (`"\\x22"` would open a string statement of three quotes).
_KEPT = frozenset("\"'\\\r\n")


def unescaped(text: str, alphabet: frozenset[str]) -> tuple[str, list[int]] | None:
    """`text` with each character escape that stands for a character of `alphabet` (but a
    quote, a backslash or a line break) read as that character, and the places in it of the
    characters read (ascending); None when it holds none."""
    if "\\" not in text:
        return None
    pieces: list[str] = []
    places: list[int] = []
    length = done = 0
    for found in _escapes_of(alphabet).finditer(text):
        char = _character(found.group())
        if char is None or char not in alphabet or char in _KEPT:
            continue
        pieces.append(text[done : found.start()])
        length += found.start() - done
        places.append(length)
        pieces.append(char)
        length += 1
        done = found.end()
    if not places:
        return None
    pieces.append(text[done:])
    return "".join(pieces), places


@lru_cache(maxsize=8)
def _escapes_of(alphabet: frozenset[str]) -> re.Pattern[str]:
    """The escapes of the characters of `alphabet`: hexadecimal (in any case of its digits),
    octal (of up to three digits, and fewer only where no octal digit follows, as Python
    reads them), and every named one (`\\N{...}`, whose name is looked up)."""
    codes = sorted(ord(char) for char in alphabet - _KEPT)
    octal = [f"{code:03o}" for code in codes if code < 0o1000]
    forms = [
        *(f"{kind}{_digits(f'{code:0{width}x}' for code in codes if code < 16**width)}"
          for kind, width in (("x", 2), ("u", 4), ("U", 8))),
        _digits(octal),
        # Two digits (or one) where no octal digit follows: `\56` is `.`, `\560` is not.
        f"(?:{_digits(text[1:] for text in octal if text[0] == '0')})(?![0-7])",
        f"(?:{_digits(text[2:] for text in octal if text[:2] == '00')})(?![0-7])",
        r"N\{[^}\r\n]{1,100}\}",
    ]  # fmt: skip
    return re.compile(rf"\\(?:{'|'.join(form for form in forms if form)})")


def _digits(numbers: Iterable[str]) -> str:
    """An expression that matches each of `numbers` (digits of one length, any case), in
    few alternatives: one per all but the last digit, with a class of last digits."""
    by_start: dict[str, set[str]] = {}
    for number in numbers:
        by_start.setdefault(number[:-1].lower(), set()).add(number[-1].lower())
    if not by_start:
        return "(?!)"
    return "(?i:{})".format(
        "|".join(f"{start}[{''.join(sorted(ends))}]" for start, ends in sorted(by_start.items()))
    )


def _character(escape: str) -> str | None:
    """The character the escape stands for; None for a name no character has."""
    kind = escape[1]
    if kind == "N":
        import unicodedata  # here: named escapes are rare

        try:
            return unicodedata.lookup(escape[3:-1])
        except KeyError:
            return None
    if kind in "xuU":
        return chr(int(escape[2:], 16))
    return chr(int(escape[1:], 8))

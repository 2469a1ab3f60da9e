"""Where a module's comments, string literals and string statements stand, read by a small
lexer instead of Python's parser: a tenth of the cost of `ast.parse` and a walk of its tree,
for the prefilter's question of whether a trigger literal stands only in comments and
docstrings (see `scanner.code.inert`).

The lexer reads what Python's tokenizer reads of quotes, brackets and comments, and no more;
it answers only when it is sure, else None (the caller then asks `ast`):
- a literal that does not end (a line break in a one-line literal, or the module's end);
- a prefix that is no prefix of Python's (`bar"x"`), or a quote after a word character;
- an f-string whose braces do not pair up once `{{` and `}}` are set aside: Python 3.12 lets
  a replacement field hold quotes of the f-string's own kind (`f"{d["k"]}"`), which would cut
  the literal short here;
- brackets that do not pair up.
A string statement is told only in its plainest forms: literals (no f-string among them) that
begin a statement and end it (a logical line, or where a `;` parts one), at the module's
outermost bracket level or in one pair of parentheses. Any other (after a compound
statement's `:`, in brackets in brackets) is taken for code: the
prefilter then parses the module, as it would have. A module whose every trigger literal
sits in comments and docstrings is not parsed even when a syntax error the lexer does not
see lies elsewhere in it: no rule reads it, and the scan reads it as a module without them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from scanner.code.lines import line_start

_NEXT = re.compile(r"[#'\"()\[\]{}]")
_PREFIXES = frozenset(("", "r", "u", "b", "br", "rb", "f", "fr", "rf"))
_WORD_CHAR = re.compile(r"\w")
_LINE_END = re.compile(r"[\r\n]")
# The rest of a literal after its opening quote, up to and with its closing quote.
_BODIES = {
    "'": re.compile(r"(?:[^'\\\r\n]++|\\(?:\r\n|[\s\S]))*+'"),
    '"': re.compile(r'(?:[^"\\\r\n]++|\\(?:\r\n|[\s\S]))*+"'),
    "'''": re.compile(r"(?:[^'\\]++|\\[\s\S]|'(?!''))*+'''"),
    '"""': re.compile(r'(?:[^"\\]++|\\[\s\S]|"(?!""))*+"""'),
}
_BRACES = re.compile(r"\{\{|\}\}|[{}]")
_OPENING = {")": "(", "]": "[", "}": "{"}
# What may follow a string statement's last literal on its line: blanks, a comment.
_STATEMENT_END = re.compile(r"[ \t\f]*(?:#[^\r\n]*)?(?:\r\n|\r|\n|$)")
_BLANKS_THEN_SEMICOLON = re.compile(r"[ \t\f]*;")
# What may stand between literals Python joins: blanks and line continuations; in brackets,
# line breaks and comments as well.
_BETWEEN = re.compile(r"(?:[ \t\f]+|\\(?:\r\n|\r|\n))*")
_BETWEEN_IN_BRACKETS = re.compile(r"(?:[ \t\f\r\n]+|\\(?:\r\n|\r|\n)|#[^\r\n]*)*")


@dataclass(frozen=True)
class Literal:
    """A string or bytes literal: from its prefix to its closing quote; `formatted` when it
    is an f-string or joined to one (Python reads the joined literal as one f-string)."""

    start: int
    end: int
    formatted: bool


@dataclass(frozen=True)
class StringSpans:
    """The comments (each from its `#` to its line's end), the literals, and the string
    statements (from the first literal's prefix to the last one's closing quote) of a
    module, in the order they stand."""

    comments: list[tuple[int, int]]
    literals: list[Literal]
    statements: list[tuple[int, int]]

    @cached_property
    def literal_starts(self) -> list[int]:
        return [literal.start for literal in self.literals]

    @cached_property
    def comment_starts(self) -> list[int]:
        return [start for start, _ in self.comments]


def string_spans(text: str) -> StringSpans | None:
    """The module's comments, literals and string statements; None when the lexer cannot be
    sure of them (see the module's docstring)."""
    if "\x00" in text:
        return None  # no module Python reads
    comments: list[tuple[int, int]] = []
    literals: list[Literal] = []
    statements: list[tuple[int, int]] = []
    # Each bracket open, and where.
    brackets: list[tuple[str, int]] = []
    at = 0
    while (found := _NEXT.search(text, at)) is not None:
        at = found.start()
        char = text[at]
        if char == "#":
            end = _LINE_END.search(text, at)
            stop = len(text) if end is None else end.start()
            comments.append((at, stop))
            at = stop
        elif char in "([{":
            brackets.append((char, at))
            at += 1
        elif char in ")]}":
            if not brackets or brackets.pop()[0] != _OPENING[char]:
                return None
            at += 1
        else:
            literal = _literal(text, at)
            if literal is None:
                return None
            run = [literal]
            # The literals Python joins with it (one statement, if it is one), and the
            # comments between them (in brackets, where lines may break between them).
            between = _BETWEEN_IN_BRACKETS if brackets else _BETWEEN
            gap_comments: list[tuple[int, int]] = []
            while True:
                gap = between.match(text, run[-1].end)
                assert gap is not None  # it matches the empty string
                following = gap.end()
                if not text.startswith(("'", '"'), following) and not _prefixed(text, following):
                    break
                joined = _literal(text, _quote_of(text, following))
                if joined is None:
                    return None
                gap_comments += _comments_in(text, gap.start(), following)
                run.append(joined)
            comments += gap_comments
            formatted = any(piece.formatted for piece in run)
            literals += [Literal(piece.start, piece.end, formatted) for piece in run]
            if not formatted and _is_statement(text, brackets, literal.start, run[-1].end):
                statements.append((literal.start, run[-1].end))
            at = run[-1].end
    if brackets:
        return None
    return StringSpans(comments, literals, statements)


def _is_statement(text: str, brackets: list[tuple[str, int]], start: int, end: int) -> bool:
    """Whether the literals joined from `text[start]` to `text[end]` are a statement of their
    own: they begin and end a statement (a logical line, or where a `;` parts it), at the outermost
    level or in one pair of parentheses that does (`("a"` ... `"b")`)."""
    if brackets:
        if len(brackets) > 1 or brackets[0][0] != "(":
            return False
        opened = brackets[0][1]
        before = _BETWEEN_IN_BRACKETS.match(text, opened + 1)
        after = _BETWEEN_IN_BRACKETS.match(text, end)
        assert before is not None and after is not None  # they match the empty string
        if before.end() != start or not text.startswith(")", after.end()):
            return False
        start, end = opened, after.end() + 1
    line = line_start(text, start)
    # After a `;` (in no literal or comment: the lexer is past those), a statement begins.
    begins = _begins_line(text, start) or text[line:start].rstrip(" \t\f").endswith(";")
    ends = _STATEMENT_END.match(text, end) is not None or _BLANKS_THEN_SEMICOLON.match(text, end)
    return begins and bool(ends)


def _comments_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The comments between two literals joined in brackets (`text[start:end]`)."""
    found = []
    at = text.find("#", start, end)
    while at >= 0:
        stop = _LINE_END.search(text, at, end)
        found.append((at, end if stop is None else stop.start()))
        at = text.find("#", found[-1][1], end)
    return found


def _prefixed(text: str, at: int) -> bool:
    """Whether a literal's prefix begins at `text[at]` (its quote follows)."""
    end = at
    while end < len(text) and end - at < 2 and text[end] in "rRbBuUfF":
        end += 1
    return end > at and end < len(text) and text[end] in "'\""


def _quote_of(text: str, at: int) -> int:
    """Where the quote of the literal that begins (with its prefix) at `text[at]` stands."""
    while text[at] not in "'\"":
        at += 1
    return at


def _literal(text: str, quote: int) -> Literal | None:
    """The literal whose opening quote stands at `text[quote]`, with the prefix before it;
    None when it does not end, or its prefix or braces say the lexer may misread it."""
    begin = quote
    while begin > 0 and quote - begin < 3 and _WORD_CHAR.match(text, begin - 1):
        begin -= 1
    prefix = text[begin:quote].lower()
    if prefix not in _PREFIXES or (begin > 0 and _WORD_CHAR.match(text, begin - 1)):
        return None
    opening = text[quote] * 3 if text.startswith(text[quote] * 3, quote) else text[quote]
    body = _BODIES[opening].match(text, quote + len(opening))
    if body is None:
        return None
    formatted = "f" in prefix
    if formatted:
        depth = 0
        for brace in _BRACES.finditer(text, quote + len(opening), body.end()):
            if brace.group() == "{":
                depth += 1
            elif brace.group() == "}":
                depth -= 1
                if depth < 0:
                    return None
        if depth:
            return None
    return Literal(begin, body.end(), formatted)


def _begins_line(text: str, at: int) -> bool:
    """Whether only blanks stand before `text[at]` on its line, and the line before does
    not go on into it with a backslash (brackets are the caller's)."""
    line = line_start(text, at)
    if text[line:at].strip(" \t\f"):
        return False
    if line == 0:
        return True
    before = line - 1
    if text[before] == "\n" and before > 0 and text[before - 1] == "\r":
        before -= 1
    return not (before > 0 and text[before - 1] == "\\")

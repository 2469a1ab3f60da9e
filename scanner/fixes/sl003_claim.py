"""SL003: POST …/user_coupons/singleMultiCoupon becomes POST …/user_coupons/{coupon_code}/claim.

Notice: 001_24598c5a0c606af8.txt, "Sept. 11, 2024 領取優惠券 API 與參數異動 (Claim Coupon API &
Parameters' Breaking Change)". The couponCode value moves into the path (the string becomes an
f-string when it is not one; a code written as a plain string goes into the path as it is),
userId is renamed customer_id and couponCode is dropped. Only when the URL is a string and
the body a dict literal in the call; otherwise the finding says why nothing was changed.
"""

from __future__ import annotations

import re

import libcst as cst

from scanner.code.facts import string_key
from scanner.fixes.dictkeys import without
from scanner.fixes.positioned import PositionedTransformer

CODE = "SL003"
SAFE = True
OLD = "singleMultiCoupon"
_BODY_KEYWORDS = ("json", "data", "body", "payload")


def _body(call: cst.Call) -> cst.Arg | None:
    for arg in call.args:
        if (
            arg.keyword is not None
            and arg.keyword.value in _BODY_KEYWORDS
            and isinstance(arg.value, cst.Dict)
        ):
            return arg
    dicts = [arg for arg in call.args if arg.keyword is None and isinstance(arg.value, cst.Dict)]
    return dicts[0] if dicts else None


def _url(call: cst.Call) -> cst.Arg | None:
    for arg in call.args:
        value = arg.value
        if isinstance(value, cst.SimpleString | cst.FormattedString) and OLD in cst.Module(
            []
        ).code_for_node(value):
            return arg
    return None


def _coupon(body: cst.Dict) -> cst.DictElement | None:
    return next(
        (
            e
            for e in body.elements
            if isinstance(e, cst.DictElement) and string_key(e.key) == "couponCode"
        ),
        None,
    )


# A coupon code written as a string of these characters goes into the path as it is: they
# need no escaping in a URL's path, nor in any string literal.
_PLAIN_CODE = re.compile(r"[A-Za-z0-9._~-]+")


def _plain_code(value: cst.BaseExpression) -> str | None:
    """The coupon code itself, when it is a string literal of path-safe characters."""
    if isinstance(value, cst.SimpleString) and "b" not in value.prefix.lower():
        text = value.evaluated_value
        if isinstance(text, str) and _PLAIN_CODE.fullmatch(text):
            return text
    return None


def _claim_url(url: cst.BaseExpression, code: cst.BaseExpression) -> cst.BaseExpression | None:
    plain = _plain_code(code)
    if plain is not None:
        return _with_plain_code(url, plain)
    return _with_code_expression(url, cst.Module([]).code_for_node(code))


def _with_plain_code(url: cst.BaseExpression, plain: str) -> cst.BaseExpression | None:
    if isinstance(url, cst.SimpleString):
        if "b" in url.prefix.lower():
            return None
        return url.with_changes(value=url.value.replace(OLD, f"{plain}/claim", 1))
    if isinstance(url, cst.FormattedString):
        parts = [
            part.with_changes(value=part.value.replace(OLD, f"{plain}/claim", 1))
            if isinstance(part, cst.FormattedStringText) and OLD in part.value
            else part
            for part in url.parts
        ]
        return url.with_changes(parts=parts)
    return None


def _with_code_expression(url: cst.BaseExpression, code: str) -> cst.BaseExpression | None:
    if isinstance(url, cst.SimpleString):
        prefix, quote = url.prefix, url.quote
        if "b" in prefix.lower() or quote in code or "\\" in code or "\n" in code:
            return None
        inner = url.value[len(prefix) + len(quote) : -len(quote)]
        inner = inner.replace("{", "{{").replace("}", "}}").replace(OLD, "{" + code + "}/claim")
        return cst.parse_expression(f"f{prefix}{quote}{inner}{quote}")
    if isinstance(url, cst.FormattedString):
        if url.end in code or "\\" in code or "\n" in code:
            return None
        parts: list[cst.BaseFormattedStringContent] = []
        for part in url.parts:
            if isinstance(part, cst.FormattedStringText) and OLD in part.value:
                before, after = part.value.split(OLD, 1)
                parts += [
                    cst.FormattedStringText(before),
                    cst.FormattedStringExpression(cst.parse_expression(code)),
                    cst.FormattedStringText("/claim" + after),
                ]
            else:
                parts.append(part)
        return url.with_changes(parts=parts)
    return None


def _rewritten_body(body: cst.Dict) -> cst.Dict:
    """The body without couponCode (as `dictkeys.without` takes a key out), userId renamed."""
    elements = []
    for element in body.elements:
        if (
            isinstance(element, cst.DictElement)
            and string_key(element.key) == "userId"
            and isinstance(element.key, cst.SimpleString)
        ):
            element = element.with_changes(
                key=element.key.with_changes(
                    value=element.key.value.replace("userId", "customer_id")
                )
            )
        elements.append(element)
    gone = [
        isinstance(element, cst.DictElement) and string_key(element.key) == "couponCode"
        for element in body.elements
    ]
    return without(body.with_changes(elements=elements), gone)


class Transformer(PositionedTransformer):
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if not self.at_target(original):
            return updated
        url, body = _url(updated), _body(updated)
        if url is None:
            self.refuse(original, "the URL is not a string written in the call")
            return updated
        if body is None or not isinstance(body.value, cst.Dict):
            self.refuse(original, "the body is not a dict literal in the call")
            return updated
        coupon = _coupon(body.value)
        if coupon is None:
            self.refuse(original, "the body has no couponCode to move into the path")
            return updated
        keys = [string_key(e.key) for e in body.value.elements if isinstance(e, cst.DictElement)]
        if keys.count("couponCode") > 1 or keys.count("userId") > 1 or "customer_id" in keys:
            # Python sends the last of the same keys: which value is meant needs a person.
            self.refuse(original, "the body holds couponCode or userId twice, or customer_id")
            return updated
        claim = _claim_url(url.value, coupon.value)
        if claim is None:
            self.refuse(original, "the coupon code expression cannot be put in this string")
            return updated
        args = [
            arg.with_changes(value=claim) if arg is url
            else arg.with_changes(value=_rewritten_body(body.value)) if arg is body
            else arg
            for arg in updated.args
        ]  # fmt: skip
        self.done(original)
        return updated.with_changes(args=args)

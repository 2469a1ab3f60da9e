"""SL002: webhook topics user/new_member and user/send_info_reward become customer/….

Notice: 001_24598c5a0c606af8.txt, "TBD, 2024 Webhook topics transition". Only the topic
strings themselves; parsing that accepts only the user/ prefix needs a person.
"""

from __future__ import annotations

import libcst as cst

from scanner.code.facts import string_key
from scanner.fixes.positioned import PositionedTransformer

CODE = "SL002"
SAFE = True
TOPICS = {
    "user/new_member": "customer/new_member",
    "user/send_info_reward": "customer/send_info_reward",
}


class Transformer(PositionedTransformer):
    def leave_SimpleString(
        self, original: cst.SimpleString, updated: cst.SimpleString
    ) -> cst.SimpleString:
        value = string_key(original)
        if value in TOPICS and self.at_target(original):
            self.done(original)
            # The whole string is the topic, however it is written (`"user/new\x5fmember"`).
            quote = original.quote
            return updated.with_changes(value=f"{original.prefix}{quote}{TOPICS[value]}{quote}")
        return updated


def fix_line(line: str, column: int) -> str:
    start = column - 1
    for old, new in TOPICS.items():
        if line[start : start + len(old)] == old:
            return line[:start] + new + line[start + len(old) :]
    return line

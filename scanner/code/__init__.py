"""Reading one source file, whatever the rules: decoding, parsing, the tree walk, the facts
matchers ask about, string and URL values, imports, HTTP calls, request bodies, value origins
and positions."""

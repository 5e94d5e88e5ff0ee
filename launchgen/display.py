"""Text read from repos, records and bundles, made safe to print.

A name or key id holding a newline could forge a second output line, and terminal
escape sequences could rewrite what a reviewer sees; every value that came from input
goes through `printable` before it reaches a terminal, a log or a report.
"""

from __future__ import annotations

_SAFE_CONTROLS = {"\t"}


def printable(value: object, *, limit: int = 200) -> str:
    """`value` as one line of visible text: controls escaped, at most `limit` characters."""
    text = value if isinstance(value, str) else repr(value)
    if text.isprintable():
        out = text
    else:
        out = "".join(
            ch
            if ch.isprintable() or ch in _SAFE_CONTROLS
            else ch.encode("unicode_escape").decode("ascii")
            for ch in text
        )
    if len(out) > limit:
        out = out[: limit - 1] + "…"
    return out

"""gitignore-style path patterns for the `lint.ignore` setting.

A pattern with a `/` (other than a trailing one; a leading one included) is anchored at the repo root, one
without matches at any depth; `**` crosses folders, `*` and `?` do not; a trailing `/`
matches a folder and everything in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    folder = pattern.endswith("/")
    body = pattern.strip("/")
    anchored = "/" in pattern.rstrip("/")  # a leading or middle slash anchors, as in .gitignore
    out = []
    i = 0
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    suffix = "/.*" if folder else "(?:/.*)?"
    return re.compile(f"^{prefix}{''.join(out)}{suffix}$")


def matches(relpath: str, patterns: Iterable[str]) -> bool:
    return any(_compile(p).match(relpath) for p in patterns)

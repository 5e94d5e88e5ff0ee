"""What the report formats share: one-line safe text, the summary line, fingerprints."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from launchgen.display import printable
from launchgen.problem import Problem

DOCS_URL = "https://launchgen.dev/rules/{rule}"


def safe(value: str, limit: int = 4000) -> str:
    """Text from a repo (paths, messages quoting names) as one line of visible text:
    control characters, terminal escapes and undecodable bytes escaped (display.py)."""
    return printable(value, limit=limit)


def summary(problems: Sequence[Problem]) -> str:
    counts = Counter(p.severity for p in problems)
    parts = [
        f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}"
        for s in ("error", "warning", "info")
        if counts[s]
    ]
    return ", ".join(parts) if parts else "no problems"


def fingerprints(problems: Sequence[Problem]) -> list[str]:
    """A stable id per problem that survives lines moving: rule, path and message, plus
    the occurrence number among identical ones (as GitHub's primaryLocationLineHash)."""
    import hashlib

    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for p in problems:
        key = (p.rule, p.path, p.message)
        seen[key] += 1
        digest = hashlib.sha256("\0".join(key).encode("utf-8", "surrogatepass")).hexdigest()[:32]
        out.append(f"{digest}:{seen[key]}")
    return out

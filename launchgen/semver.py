"""SemVer 2.0: what an exact version is, and ordering for "the chart version must increase" checks."""

from __future__ import annotations

import re

# Exact SemVer 2.0 (no ranges): what "pinned to an exact version" means.
EXACT_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?\Z"
)
_SEMVER = re.compile(
    r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\Z"
)


def parse(version: str) -> tuple[int, int, int, tuple[tuple[int, int | str], ...] | None] | None:
    """A sortable key for `version`, or None when it is not SemVer."""
    match = _SEMVER.match(str(version).strip())
    if not match:
        return None
    pre = None
    if match[4]:
        # Numeric identifiers sort before alphanumeric ones (SemVer 11.4.3).
        pre = tuple((0, int(p)) if p.isdigit() else (1, p) for p in match[4].split("."))
    return int(match[1]), int(match[2]), int(match[3]), pre


def is_greater(new: str, old: str) -> bool | None:
    """new > old in SemVer order; None when either is not SemVer."""
    a, b = parse(new), parse(old)
    if a is None or b is None:
        return None
    if a[:3] != b[:3]:
        return a[:3] > b[:3]
    # A release is greater than any of its pre-releases.
    if a[3] is None or b[3] is None:
        return a[3] is None and b[3] is not None
    return a[3] > b[3]

"""JSON from a bundle, parsed within bounds: size, nesting, one meaning per document.

`json.loads` recurses once per nesting level (100,000 '[' end in RecursionError),
silently keeps the last of duplicate keys and accepts NaN; here the size is checked
first, then the nesting depth by one linear scan with strings blanked out, and only
then is the text parsed, refusing duplicate keys and non-finite numbers.
"""

from __future__ import annotations

import json
import re
from typing import Any

from launchgen.bundle.errors import VerifyError
from launchgen.bundle.limits import size
from launchgen.display import printable

_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def depth(text: str, limit: int) -> int:
    """How deeply `text` nests arrays and objects, counting no further than `limit` + 1."""
    level = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub("", text)):
        level += 1 if match.group() in "[{" else -1
        if level > deepest:
            deepest = level
            if deepest > limit:
                break
    return deepest


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def loads(raw: bytes, what: str, *, max_bytes: int, max_depth: int) -> Any:
    """The value of the UTF-8 JSON document `raw`; VerifyError when it is too big, too deep or invalid."""
    if len(raw) > max_bytes:
        raise VerifyError(f"{what} is {len(raw)} bytes, over the {size(max_bytes)} limit")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise VerifyError(f"{what} is not UTF-8 JSON") from None
    if depth(text, max_depth) > max_depth:
        raise VerifyError(f"{what} nests deeper than the limit of {max_depth} levels")
    try:
        return json.loads(text, object_pairs_hook=_object, parse_constant=_constant)
    except (ValueError, RecursionError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise VerifyError(f"{what} is not valid JSON: {printable(reason)}") from None

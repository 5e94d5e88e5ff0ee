"""The text layout of `deployments/<env>.yaml`, line by line.

launchgen reads exactly the layout it writes, a small subset of YAML with the same
meaning, so that whatever reads fine can also be appended to as text, and so that the
file can be read from its end without parsing what came before:

    # comments and blank lines anywhere
    apiVersion: launchgen.dev/v1        top-level `key: value` lines, then
    kind: DeploymentHistory
    service: checkout
    environment: prod
    entries:                            `entries:` last (or `entries: []`, nothing after)
      - seq: 1                          each entry starts with `  - key: value`
        event: "deployed"               and goes on with `    key: value` lines
        at: 2026-11-26T10:00:00Z

Values are one-line scalars: JSON-style "double-quoted" strings (as launchgen writes
them), 'single-quoted' strings, or plain words and numbers. Flow style, block scalars,
anchors, tags, nested values, document markers (`---` after the start, `...`) and other
indentation are refused with the line they are on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Literal, Required, TypedDict

ENTRY_START = "  - "
ENTRY_INDENT = "    "
MAX_LINE_BYTES = 8192
MAX_ENTRY_BYTES = 64 * 1024
MAX_HEADER_BYTES = 64 * 1024
ENTRY_ORDER = (
    "seq",
    "event",
    "appVersion",
    "chartVersion",
    "bundleDigest",
    "release",
    "namespace",
    "revision",
    "dataSchema",
    "of",
    "note",
    # `at` and `by` are required and come last: an entry cut short anywhere before its
    # final line break lacks `by` or ends in an unterminated string, and is refused.
    "at",
    "by",
)

Event = Literal["deployed", "failed", "approved", "rejected", "rolled-back", "pruned"]


class Entry(TypedDict, total=False):
    """One entry of `entries:`, as schemas/deployment-history.schema.json defines it.

    `deployed` and `failed` carry what was deployed (appVersion ... namespace, revision
    and dataSchema when known); the other events refer to a deployment by `of`."""

    seq: Required[int]  # 1, 2, 3, ... in file order
    event: Required[Event]
    at: Required[str]  # UTC, 2026-11-26T10:00:00Z
    by: Required[str]  # who (or which pipeline identity) did it
    appVersion: str
    chartVersion: str
    bundleDigest: str  # sha256:<64 hex>
    release: str  # helm release name
    namespace: str
    revision: int  # helm release revision
    dataSchema: int
    of: int  # the seq of the deployment an approval, rejection, rollback or prune is about
    note: str


class HistoryHeader(TypedDict):
    """The top-level keys before `entries:`."""

    apiVersion: Literal["launchgen.dev/v1"]
    kind: Literal["DeploymentHistory"]
    service: str
    environment: str


_KEY_VALUE = re.compile(r"([A-Za-z][A-Za-z0-9_-]{0,63}):(?:( +)(.*))?\Z")
_COMMENT_AFTER = re.compile(r"(?:\s+#.*)?\s*\Z")
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?\Z|[-+]?[0-9]+[eE][-+]?[0-9]+\Z"
    r"|[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z"
)
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")
# Plain values whose YAML meaning depends on the YAML version or the parser: quote them.
_AMBIGUOUS = re.compile(
    r"[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?\Z|[-+]?0[xXoObB][0-9a-fA-F_]*\Z|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?\Z"
    r"|(?i:y|n|yes|no|on|off|true|false|null)\Z"
)
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = {"null", "Null", "NULL", "~"}
_NOT_PLAIN_START = set("[]{},&*!|>%@`#'\"?:")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


class LayoutError(Exception):
    """A line breaks the layout; `message` says how and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_blank_or_comment(line: str) -> bool:
    stripped = line.strip(" \t")
    return not stripped or stripped.startswith("#")


def check_line(line: str) -> str:
    """`line` without its line break, or LayoutError for characters YAML forbids."""
    line = line.removesuffix("\r")
    if len(line) > MAX_LINE_BYTES:
        raise LayoutError(f"line longer than {MAX_LINE_BYTES} characters")
    bad = _CONTROL.search(line)
    if bad:
        raise LayoutError(
            f"control character {bad.group()!r} (write it as a \\u escape inside double quotes)"
        )
    return line


def key_value(text: str) -> tuple[str, Any]:
    """`key: value` (nothing around it) as (key, value)."""
    match = _KEY_VALUE.match(text)
    if not match:
        if text.startswith(("---", "...")):
            raise LayoutError(f"document marker {text[:3]!r}: a record file is one YAML document")
        raise LayoutError(f"expected 'key: value', got {text[:60]!r}")
    key, space, rest = match.group(1), match.group(2), match.group(3)
    if space is None or not rest or rest.startswith("#"):
        return key, None
    return key, scalar(rest)


def scalar(text: str) -> Any:
    """One YAML scalar on one line, possibly followed by a comment."""
    first = text[0]
    if first == '"':
        end = _closing_double(text)
        _only_comment_after(text[end + 1 :])
        try:
            return json.loads(text[: end + 1])
        except ValueError:
            raise LayoutError(
                f'{text[:60]}: double-quoted values use JSON escapes (\\n, \\", \\\\, \\uXXXX)'
            ) from None
    if first == "'":
        end = _closing_single(text)
        _only_comment_after(text[end + 1 :])
        return text[1:end].replace("''", "'")
    if first in _NOT_PLAIN_START or text.startswith(("- ", "-\t")) or text == "-":
        raise LayoutError(
            f"value {text[:60]!r}: flow style, anchors, tags and block scalars are not used in "
            "records; write a one-line value (quote it if needed)"
        )
    value = text.split(" #", 1)[0].rstrip(" \t")
    if ": " in value or value.endswith(":") or "\t" in value:
        raise LayoutError(f"value {value[:60]!r}: quote it")
    return plain(value)


def plain(value: str) -> Any:
    """A plain scalar as YAML 1.2 reads it; refuses the ones YAML versions read differently."""
    if _INT.match(value):
        return int(value)
    if value in _BOOLS:
        return _BOOLS[value]
    if value in _NULLS:
        return None
    if _FLOAT.match(value):
        special = value.lstrip("+-").lower()
        if special in (".inf", ".nan"):
            return float(value.replace(".", "", 1))
        return float(value)
    if _TIMESTAMP.match(value):
        return value
    if _AMBIGUOUS.match(value):
        raise LayoutError(
            f"value {value!r} means different things to different YAML readers: quote it"
        )
    return value


def _closing_double(text: str) -> int:
    index = 1
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == '"':
            return index
        index += 1
    raise LayoutError("unterminated double-quoted value: values are on one line")


def _closing_single(text: str) -> int:
    index = 1
    while index < len(text):
        if text[index] == "'":
            if text[index + 1 : index + 2] == "'":
                index += 2
                continue
            return index
        index += 1
    raise LayoutError("unterminated single-quoted value: values are on one line")


def _only_comment_after(rest: str) -> None:
    if not _COMMENT_AFTER.match(rest):
        raise LayoutError(f"unexpected {rest.strip()[:40]!r} after a quoted value")


def entry_line(line: str, first: bool) -> tuple[str, Any]:
    """One line of an entry: `  - key: value` (first) or `    key: value`."""
    prefix = ENTRY_START if first else ENTRY_INDENT
    if not line.startswith(prefix) or line[len(prefix) : len(prefix) + 1] in (" ", "\t", ""):
        if not line.startswith((" ", "\t")):
            if line.startswith(("---", "...")):
                raise LayoutError(
                    f"document marker {line[:3]!r}: a record file is one YAML document"
                )
            raise LayoutError(
                f"{line[:40]!r} after the entries: `entries:` must be the last key of the file"
            )
        raise LayoutError(
            "unexpected indentation: each entry is '  - key: value' followed by '    key: value' "
            "lines (no nested values)"
        )
    return key_value(line[len(prefix) :])


# --- writing ------------------------------------------------------------------


def header_text(service: str, environment: str) -> str:
    return (
        f"# Deployment history of {service} in {environment}: appended by launchgen deploy,\n"
        "# approve, reject, rollback and prune. Append-only: never edit or remove an entry.\n"
        "apiVersion: launchgen.dev/v1\n"
        "kind: DeploymentHistory\n"
        f"service: {service}\n"
        f"environment: {environment}\n"
        "entries:\n"
    )


def entry_text(entry: Entry) -> str:
    """An entry as launchgen writes it: keys in a fixed order, strings JSON-quoted."""
    values: Mapping[str, object] = entry
    lines = []
    for index, key in enumerate(k for k in ENTRY_ORDER if k in values):
        value = values[key]
        # JSON strings (ASCII, escaped) are valid YAML double-quoted scalars with the same meaning.
        rendered = json.dumps(value) if isinstance(value, str) else str(value)
        lines.append((ENTRY_START if index == 0 else ENTRY_INDENT) + f"{key}: {rendered}")
    return "\n".join(lines) + "\n"

"""Where a key path sits in a document's text: (line, column), 1-based, in the document.

Only a document with a problem needs positions. Rendered manifests are block-style
YAML, where a key's line can be found by indentation alone, far faster than building
a position-tracking tree; flow style (`{...}`, `[...]`), quoted or multi-line keys
and anything else unusual go to PyYAML's composer (C), which knows every position.
Like `yamlio.position`, a path that does not exist to its end gives the position of
the deepest key or item found (a missing child points at its parent).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Keys = Sequence[str | int]


class _Unsure(Exception):
    """The text scan cannot tell: ask the composer."""


def _entries(
    lines: list[str], lo: int, hi: int, first_indent: int | None
) -> list[tuple[int, int, str]]:
    """(line index, indent, content) of the region's lines at its own (least) indent.

    The region's first line may start inside a sequence item (`- key: v`): its content
    then starts at `first_indent`.
    """
    entries: list[tuple[int, int, str]] = []
    level: int | None = None
    for index in range(lo, hi):
        text = lines[index]
        if index == lo and first_indent is not None:
            indent, content = first_indent, text[first_indent:]
        else:
            content = text.lstrip(" ")
            indent = len(text) - len(content)
        if not content or content[0] == "#" or content.isspace():
            continue
        if content[0] == "\t":
            raise _Unsure
        if level is None:
            level = indent
        if indent < level:
            raise _Unsure  # less indented than the first entry: not a block we understand
        if indent == level:
            entries.append((index, indent, content))
    return entries


def _key_of(content: str) -> str | None:
    """The key of `key: value` (plain keys only), None when the line is no such entry."""
    colon = content.find(":")
    while colon > 0:
        after = content[colon + 1 : colon + 2]
        if after in ("", " ", "\r", "\n"):
            key = content[:colon].rstrip()
            if key[:1] in ("'", '"', "?", "{", "[", "&", "*", "!", "|", ">", "-"):
                raise _Unsure
            return key
        colon = content.find(":", colon + 1)
    return None


def _value_is_block(content: str) -> bool:
    """Does `key:` on this line leave its value to the following lines?"""
    colon = content.find(":")
    while colon >= 0:
        if content[colon + 1 : colon + 2] in ("", " ", "\r", "\n"):
            rest = content[colon + 1 :].strip()
            return not rest or rest.startswith("#")
        colon = content.find(":", colon + 1)
    return False


def _end_of(
    lines: list[str], start: int, hi: int, indent: int, sequence_at_same_indent: bool
) -> int:
    """The end of the block belonging to the entry on line `start` at `indent`."""
    for index in range(start + 1, hi):
        text = lines[index]
        content = text.lstrip(" ")
        if not content or content[0] == "#" or content.isspace():
            continue
        own = len(text) - len(content)
        if own < indent or (
            own == indent and not (sequence_at_same_indent and content.startswith("- "))
        ):
            return index
    return hi


def _scan(text: str, keys: Keys) -> tuple[int, int]:
    lines = text.split("\n")
    lo, hi, first_indent = 0, len(lines), None
    found: tuple[int, int] | None = None
    for depth, key in enumerate(keys):
        entries = _entries(lines, lo, hi, first_indent)
        if not entries:
            break
        if isinstance(key, int):
            items = [
                entry for entry in entries if entry[2].startswith("- ") or entry[2].rstrip() == "-"
            ]
            if len(items) != len(entries):
                raise _Unsure
            if key >= len(items):
                break
            index, indent, content = items[key]
            found = (index + 1, indent + 3)
            if content.rstrip() == "-":
                raise _Unsure
            item_content = content[2:]
            inner = len(item_content) - len(item_content.lstrip(" "))
            if item_content.lstrip(" ")[:1] in ("{", "[", '"', "'", "- ", "|", ">", "&", "!", "*"):
                raise _Unsure
            end = _end_of(lines, index, hi, indent, False)
            lo, hi, first_indent = index, end, indent + 2 + inner
            found = (index + 1, indent + 3 + inner)
            continue
        match = None
        for index, indent, content in entries:
            if content.startswith("- "):
                raise _Unsure  # a sequence where a mapping was expected
            name = _key_of(content)
            if name is None:
                raise _Unsure
            if name == key:
                match = (index, indent, content)
                break
        if match is None:
            break
        index, indent, content = match
        found = (index + 1, indent + 1)
        if not _value_is_block(content):
            if depth != len(keys) - 1:
                raise _Unsure  # a flow or plain value on the key's line: its inside is not ours to scan
            break
        lo, hi, first_indent = index + 1, _end_of(lines, index, hi, indent, True), None
    if found is None:
        first = next(
            (
                i
                for i, line in enumerate(lines)
                if line.strip() and not line.lstrip().startswith("#")
            ),
            0,
        )
        return first + 1, 1
    return found


def _compose(text: str, keys: Keys) -> tuple[int, int]:
    import yaml

    try:
        node: Any = yaml.compose(text, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, RecursionError, ValueError):
        return 1, 1
    line, column = 1, 1
    if node is not None:
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
    for key in keys:
        if isinstance(node, yaml.MappingNode) and isinstance(key, str):
            pair = next(
                (
                    (k, v)
                    for k, v in node.value
                    if isinstance(k, yaml.ScalarNode) and k.value == key
                ),
                None,
            )
            if pair is None:
                break
            line, column = pair[0].start_mark.line + 1, pair[0].start_mark.column + 1
            node = pair[1]
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(key, int)
            and 0 <= key < len(node.value)
        ):
            node = node.value[key]
            line, column = node.start_mark.line + 1, node.start_mark.column + 1
        else:
            break
    return line, column


def position(text: str, keys: Keys) -> tuple[int, int]:
    """1-based (line, column) within `text` of the value at `keys` (or its deepest part found)."""
    try:
        return _scan(text, keys)
    except _Unsure:
        return _compose(text, keys)

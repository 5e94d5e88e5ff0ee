"""YAML documents with positions, read fast and safely.

libyaml (PyYAML's C parser) composes the node graph, which keeps the mark of every
node, at a fraction of ruamel's round-trip cost. On top of the graph this module:
- refuses nesting deeper than MAX_DEPTH before composing (libyaml's composer recurses
  on the C stack and crashes the interpreter on pathological nesting);
- measures alias expansion without expanding (billion laughs) and detects cycles;
- reports duplicate keys (helm rejects them; PyYAML silently keeps the last);
- builds plain data (dicts, lists, scalars: what helm sees) plus a map from each
  key path to its position, and scalar value spans for --fix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from launchgen.lint.yamlfiles import MAX_DEPTH as MAX_DEPTH
from launchgen.lint.yamlfiles import depth_bound as _depth_bound

MAX_EXPANDED_NODES = 100_000
# Python refuses to convert ints of more digits to or from text (CVE-2020-10735); no tool
# downstream reads such a number either, so the file is refused as it is parsed.
MAX_INT_DIGITS = 4_300

_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MERGE = "tag:yaml.org,2002:merge"

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    column: int  # 1-based
    message: str


@dataclass(frozen=True)
class Scalar:
    """A scalar value's span in the text (character offsets) and how it is written."""

    start: int
    end: int
    line: int
    column: int
    style: str | None  # None plain, "'" or '"' quoted, "|" or ">" block
    tag: str
    value: str


@dataclass
class Document:
    data: Any
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    scalars: dict[Path, Scalar] = field(default_factory=dict)

    def position(self, path: Sequence[str | int]) -> tuple[int, int]:
        """(line, column) of the deepest existing prefix of `path`; (1, 1) for the root."""
        for end in range(len(path), 0, -1):
            found = self.keys.get(tuple(path[:end]))
            if found:
                return found
        return 1, 1


@dataclass
class Parsed:
    """The outcome of parsing: a document, or an error; plus anomalies found on the way."""

    document: Document | None
    error: Mark | None = None
    duplicate_keys: list[Mark] = field(default_factory=list)
    alias_abuse: Mark | None = None


def _max_depth(text: str) -> tuple[int, Any]:
    """The real nesting depth from the event stream (iterative in libyaml: safe)."""
    import yaml

    depth = deepest = 0
    mark = None
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > deepest:
                    deepest, mark = depth, event.start_mark
                if deepest > MAX_DEPTH:
                    break
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass  # compose reports the syntax error with its position
    return deepest, mark


def _error_mark(exc: Exception, text: str) -> Mark:
    import yaml

    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        if mark is not None:
            return Mark(mark.line + 1, mark.column + 1, message)
        return Mark(1, 1, message)
    if isinstance(exc, yaml.reader.ReaderError):
        before = text[: exc.position]
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        return Mark(
            line,
            column,
            f"unacceptable character #x{exc.character:04x}: control characters are not allowed"
            if isinstance(exc.character, int)
            else str(exc.reason),
        )
    return Mark(1, 1, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def parse(text: str) -> Parsed:
    """Parse one YAML document; never raises on any input text."""
    import yaml

    if _depth_bound(text) > MAX_DEPTH:
        deepest, mark = _max_depth(text)
        if deepest > MAX_DEPTH:
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            return Parsed(
                None,
                alias_abuse=None,
                error=Mark(line, column, f"nesting deeper than {MAX_DEPTH} levels"),
            )
    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        return Parsed(None, error=_error_mark(exc, text))
    if root is None:
        return Parsed(Document(None))
    builder = _Builder(text)
    try:
        if _ALIAS.search(text):
            abuse = _alias_abuse(root)
            if abuse is not None:
                return Parsed(None, alias_abuse=abuse)
            data = builder.build(root, ())
        else:
            # No alias: the graph is a tree, built in linear time, and the abuse check (a third
            # of the parse time) can only find too many nodes, which the build counts.
            data = builder.build(root, ())
            if builder.visits > MAX_EXPANDED_NODES:
                abuse = _alias_abuse(root)
                if abuse is not None:
                    return Parsed(None, alias_abuse=abuse)
    except _Unreadable as exc:
        return Parsed(None, error=exc.mark)
    return Parsed(Document(data, builder.keys, builder.scalars), duplicate_keys=builder.duplicates)


# Where an alias can be: `*` and an anchor name, at a line's start or after a space, a flow
# indicator or a JSON-like key's colon. Text without a match holds no alias (quoted or
# plain scalars with a `*` may match: they only take the longer way).
_ALIAS = re.compile(r"(?:^|[\s\[\]{},:])\*[^\s\[\]{},]", re.M)


def _children(node: Any) -> list[Any]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _alias_abuse(root: Any) -> Mark | None:
    """A cycle, or aliases expanding the document past MAX_EXPANDED_NODES."""
    sizes: dict[int, int] = {}
    unique = 0
    # Iterative post-order walk: the graph may be as deep as MAX_DEPTH and shared.
    stack: list[tuple[Any, bool]] = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in _children(node))
            if sizes[key] > MAX_EXPANDED_NODES:
                mark = node.start_mark
                return Mark(
                    mark.line + 1,
                    mark.column + 1,
                    f"aliases expand this document to more than {MAX_EXPANDED_NODES} nodes "
                    f"(from {unique} written); a billion-laughs document",
                )
            continue
        if key in sizes:
            continue
        if key in on_path:
            mark = node.start_mark
            return Mark(
                mark.line + 1,
                mark.column + 1,
                "an alias refers to its own anchor: the document is infinite",
            )
        unique += 1
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                mark = child.start_mark
                return Mark(
                    mark.line + 1,
                    mark.column + 1,
                    "an alias refers to its own anchor: the document is infinite",
                )
            if id(child) not in sizes:
                stack.append((child, False))
    return None


class _Unreadable(Exception):
    def __init__(self, mark: Mark) -> None:
        super().__init__(mark.message)
        self.mark = mark


class _Builder:
    """Plain data from the node graph, recording key positions and scalar spans."""

    def __init__(self, text: str) -> None:
        import yaml.constructor

        self.text = text
        self.constructor = yaml.constructor.SafeConstructor()
        self.keys: dict[Path, tuple[int, int]] = {}
        self.scalars: dict[Path, Scalar] = {}
        self.duplicates: list[Mark] = []
        self.built: dict[int, Any] = {}
        self.visits = 0  # nodes built

    def build(self, node: Any, path: Path) -> Any:
        import yaml

        shared = self.built.get(id(node))
        if shared is not None:
            return shared  # an alias: the same object, positions stay at the anchor
        self.visits += 1
        if isinstance(node, yaml.ScalarNode):
            value = self.scalar(node)
            start, end = node.start_mark, node.end_mark
            self.scalars[path] = Scalar(
                start.index,
                end.index,
                start.line + 1,
                start.column + 1,
                node.style or None,
                node.tag,
                node.value,
            )
            return value
        if isinstance(node, yaml.SequenceNode):
            items: list[Any] = []
            self.built[id(node)] = items
            for index, child in enumerate(node.value):
                self.keys[(*path, index)] = (
                    child.start_mark.line + 1,
                    child.start_mark.column + 1,
                )
                items.append(self.build(child, (*path, index)))
            return items
        mapping: dict[str, Any] = {}
        self.built[id(node)] = mapping
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                for source in (
                    value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                ):
                    built = self.build(source, path)
                    if isinstance(built, dict):
                        merged = {**built, **merged}
                continue
            key = self.key(key_node)
            mark = key_node.start_mark
            if key in mapping:
                self.duplicates.append(
                    Mark(mark.line + 1, mark.column + 1, f"duplicate key {key!r}")
                )
            self.keys[(*path, key)] = (mark.line + 1, mark.column + 1)
            mapping[key] = self.build(value_node, (*path, key))
        for key, value in merged.items():
            mapping.setdefault(key, value)
        return mapping

    def key(self, node: Any) -> str:
        import yaml

        if not isinstance(node, yaml.ScalarNode):
            mark = node.start_mark
            raise _Unreadable(
                Mark(
                    mark.line + 1,
                    mark.column + 1,
                    "a complex key (a list or mapping used as a key): helm cannot read it",
                )
            )
        if node.tag == _BOOL:
            value = self.scalar(node)
            return str(value).lower() if isinstance(value, bool) else node.value
        if node.tag == _NULL:
            return "null"
        return str(node.value)

    def scalar(self, node: Any) -> Any:
        if node.tag == _INT and len(node.value) > MAX_INT_DIGITS:
            mark = node.start_mark
            raise _Unreadable(
                Mark(
                    mark.line + 1,
                    mark.column + 1,
                    f"an integer of {len(node.value)} characters: "
                    f"longer than the {MAX_INT_DIGITS} digits tools can read",
                )
            )
        try:
            if node.tag == _NULL:
                return None
            if node.tag == _BOOL:
                return self.constructor.construct_yaml_bool(node)
            if node.tag == _INT:
                return self.constructor.construct_yaml_int(node)
            if node.tag == _FLOAT:
                return self.constructor.construct_yaml_float(node)
        except (ValueError, KeyError, TypeError, OverflowError):
            pass
        return node.value

"""Reading manifest files fast: documents with their lines, duplicate keys refused.

Validation reads every byte of every manifest, so parsing is most of its cost. Each
document goes through rapidyaml (a C++ parser) to JSON and the C JSON decoder, about
twenty times faster than PyYAML. YAML's corners, where YAML 1.1 (what Kubernetes'
own decoder speaks) and rapidyaml's YAML 1.2 could disagree (anchors, tags, `~`,
yes/no/on/off, hex and octal numbers, .inf), and anything rapidyaml rejects, go
through PyYAML instead, which also gives the error's line. Without rapidyaml
everything goes through PyYAML.

A file is split into documents on its bytes, lazily: a 50 MB stream is never held as
a list of copies, and each document is decoded on its own (a bad byte is reported at
its line). Nothing a file holds raises: every failure is a `DocumentError`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator
from functools import cache
from typing import Any

try:  # pragma: no cover - exercised by whichever is installed
    import ryml
except ImportError:  # pragma: no cover
    ryml = None

# A line holding only `---` or `...` (a comment may follow) separates documents.
_SEPARATOR = re.compile(rb"^(?:---|\.\.\.)[ \t]*(?:#[^\n]*)?\r?$", re.MULTILINE)
_SEPARATOR_TAIL = re.compile(rb"[ \t]*(?:#[^\n]*)?\r?(?=\n|\Z)")
_CONTENT = re.compile(rb"^[ \t]*[^ \t\r\n#%]", re.MULTILINE)
# Where YAML 1.1 and rapidyaml's YAML 1.2 may disagree. Syntax first, in the YAML
# text (a plain substring test is cheapest); then plain scalars that YAML 1.1 reads
# as booleans, nulls or numbers, which rapidyaml hands over as strings, in its JSON.
_RISKY_SYNTAX = (b"&", b"*", b"!", b"<<", b"\t", b"? ", b"?\n")
_RISKY_STRING = re.compile(
    r'"(?:[yYnN~]|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|True|TRUE|False|FALSE|Null|NULL'
    r'|0[xXoObB][0-9a-fA-F_]*|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN))"'
)
# Deeper than this, a document is refused before any recursive code sees it.
MAX_DEPTH = 200
# From this size on, a document is decoded for memory rather than speed.
LARGE = 1 << 20


class DocumentError(Exception):
    """A document cannot be read: `line` is 1-based within the document."""

    def __init__(self, rule: str, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.rule, self.message, self.line, self.column = rule, message, line, column


class Document:
    __slots__ = ("_text", "raw", "start_line")

    def __init__(self, start_line: int, raw: bytes, text: str | None = None) -> None:
        self.start_line = start_line  # 1-based line of the document's first line in its file
        self.raw = raw
        self._text = text

    @property
    def text(self) -> str:
        """The document as text (decoded on first use: most documents never need it)."""
        if self._text is None:
            self._text = self.raw.decode("utf-8", errors="replace")
        return self._text

    def has_content(self) -> bool:
        """Anything but blank lines, comments and directives."""
        return _CONTENT.search(self.raw) is not None


def next_boundary(raw: bytes, start: int, offset: int) -> int:
    """The offset of the first separator line after `start`, at or after the line holding
    `offset` (or the end of `raw`)."""
    if offset >= len(raw):
        return len(raw)
    line = raw.rfind(b"\n", 0, offset) + 1
    if line <= start:
        line = raw.find(b"\n", start) + 1
        if line == 0:
            return len(raw)
    match = _SEPARATOR.search(raw, line)
    return match.start() if match else len(raw)


def _separators(raw: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of each separator line (`---` or `...`, then only blanks or a
    comment), found with bytes.find: a regex anchored at line starts tries every byte."""
    heads = {
        marker: (0 if raw.startswith(marker) else _find(raw, marker, 0))
        for marker in (b"---", b"...")
    }
    while True:
        live = [(at, marker) for marker, at in heads.items() if at >= 0]
        if not live:
            return
        at, marker = min(live)
        match = _SEPARATOR_TAIL.match(raw, at + 3)
        if match:
            yield at, match.end()
        heads[marker] = _find(raw, marker, at + 3)


def _find(raw: bytes, marker: bytes, start: int) -> int:
    at = raw.find(b"\n" + marker, start)
    return at + 1 if at >= 0 else -1


def iter_documents(raw: bytes, first_line: int = 1) -> Iterator[Document]:
    """The documents of a YAML stream (empty and comment-only ones left out), lazily."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    start, line = 0, first_line
    for begin, end in _separators(raw):
        if begin < start:
            continue
        doc = Document(line, raw[start:begin])
        if doc.has_content():
            yield doc
        line += raw.count(b"\n", start, end) + 1
        start = end + 1
    doc = Document(line, raw[start:])
    if doc.has_content():
        yield doc


def split(text: str) -> list[Document]:
    """The documents of a YAML stream held as text."""
    return list(iter_documents(text.encode("utf-8", errors="surrogateescape")))


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
    return result


class _Duplicate(Exception):
    pass


@cache
def _loader() -> Any:
    """PyYAML's loader with duplicate keys refused, keys as strings (as JSON has them)
    and timestamps kept as strings; PyYAML is imported only when a document needs it."""
    import yaml

    class Loader(yaml.CSafeLoader):
        pass

    def construct_mapping(loader: Any, node: Any) -> dict[Any, Any]:
        loader.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise DocumentError(
                    "yaml-syntax",
                    "a mapping key must be a plain value, not a list or mapping",
                    line,
                    column,
                )
            key = _key_text(loader.construct_object(key_node, deep=True))
            if key in mapping:
                raise DocumentError(
                    "yaml-duplicate-key", f"duplicate key {_short(key)}", line, column
                )
            mapping[key] = loader.construct_object(value_node, deep=True)
        return mapping

    Loader.add_constructor("tag:yaml.org,2002:map", construct_mapping)
    Loader.add_constructor(
        "tag:yaml.org,2002:timestamp", yaml.constructor.SafeConstructor.construct_yaml_str
    )  # type: ignore[type-var]
    return Loader


def _key_text(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def _short(key: str) -> str:
    from launchgen.display import printable

    return repr(printable(key, limit=80))


def _pyyaml(text: str) -> Any:
    data = _pyyaml_load(text)
    _bounded(data, len(text))
    return data


def _pyyaml_load(text: str) -> Any:
    import yaml

    try:
        return yaml.load(text, Loader=_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise DocumentError(
            "yaml-syntax",
            f"invalid YAML: {_line(problem)}",
            mark.line + 1 if mark else 1,
            mark.column + 1 if mark else 1,
        ) from None
    except yaml.YAMLError as exc:
        raise DocumentError("yaml-syntax", f"invalid YAML: {_line(str(exc))}", 1, 1) from None
    except RecursionError:
        raise DocumentError("yaml-syntax", f"nested deeper than {MAX_DEPTH} levels", 1, 1) from None
    except (ValueError, TypeError, OverflowError) as exc:
        if "digits" in str(exc):
            raise DocumentError("yaml-syntax", "a number has more than 4300 digits", 1, 1) from None
        raise DocumentError(
            "yaml-syntax", f"a value cannot be read: {_line(str(exc))}", 1, 1
        ) from None


def _line(text: str) -> str:
    from launchgen.display import printable

    return printable(text.strip().splitlines()[0] if text.strip() else "invalid YAML")


def _duplicate_line(text: str, key: str) -> tuple[int, int]:
    """Where a duplicate key (found in JSON) sits: its second occurrence at any depth."""
    pattern = re.compile(rf"^([ \t-]*)[\"']?{re.escape(key)}[\"']?[ \t]*:", re.MULTILINE)
    hits = list(pattern.finditer(text))
    hit = hits[1] if len(hits) > 1 else (hits[0] if hits else None)
    if hit is None:
        return 1, 1
    return text.count("\n", 0, hit.start()) + 1, len(hit.group(1)) + 1


def _too_deep(raw: bytes) -> bool:
    """Cheap bound on nesting: flow brackets and indentation (a deep document is refused,
    never recursed into)."""
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH:
        depth = 0
        for byte in raw:
            if byte in (0x5B, 0x7B):
                depth += 1
                if depth > MAX_DEPTH:
                    return True
            elif byte in (0x5D, 0x7D):
                depth -= 1
    return False


def _bounded(value: Any, size: int) -> None:
    """Refuse what PyYAML built when it nests deeper than MAX_DEPTH or, through aliases,
    holds more nodes than its text could (an alias bomb). Iterative: never recurses."""
    budget = size + 10_000
    todo = [(value, 0)]
    while todo:
        node, depth = todo.pop()
        if depth > MAX_DEPTH:
            raise DocumentError("yaml-syntax", f"nested deeper than {MAX_DEPTH} levels", 1, 1)
        children = (
            node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        )
        budget -= 1 + len(children)
        if budget < 0:
            raise DocumentError(
                "yaml-syntax", "excessive aliasing: the document expands far beyond its size", 1, 1
            )
        todo.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def parse(doc: Document | str) -> Any:
    """One document's data; DocumentError for anything that is not a readable document."""
    if isinstance(doc, str):
        doc = Document(1, doc.encode("utf-8", errors="surrogateescape"), doc)
    raw = doc.raw
    try:
        raw.decode("utf-8")  # checked, not kept: a large document is not held twice
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise DocumentError(
            "yaml-syntax", "not valid UTF-8: save the file as UTF-8", line, column
        ) from None
    if _too_deep(raw):
        raise DocumentError("yaml-syntax", f"nested deeper than {MAX_DEPTH} levels", 1, 1)
    return _parse(doc)


def _nodes(value: Any) -> int:
    """How many nodes `value` has, as rapidyaml counts its tree's (containers and scalars)."""
    count = 1
    todo = [value] if isinstance(value, (dict, list)) else []
    while todo:
        node = todo.pop()
        children = node.values() if isinstance(node, dict) else node
        count += len(children)
        todo.extend(child for child in children if isinstance(child, (dict, list)))
    return count


def _parse(doc: Document) -> Any:
    raw = doc.raw
    if ryml is None or any(marker in raw for marker in _RISKY_SYNTAX):
        return _pyyaml(doc.text)
    try:
        tree = ryml.parse_in_arena(raw)
        data = ryml.emit_json(tree)
        size = tree.size()
        del tree  # its arena holds a copy of the document
    except Exception:
        return _pyyaml(doc.text)
    if not isinstance(data, str) or _RISKY_STRING.search(data):
        return _pyyaml(doc.text)
    try:
        if len(raw) < LARGE:
            return json.loads(data, object_pairs_hook=_no_duplicates)
        # A large document: decoded without the hook's lists of pairs (memory), its
        # duplicate keys found by node count (one node fewer than rapidyaml's tree).
        value = json.loads(data)
        if _nodes(value) == size:
            return value
        del value
        return json.loads(data, object_pairs_hook=_no_duplicates)
    except _Duplicate as dup:
        line, column = _duplicate_line(doc.text, str(dup.args[0]))
        raise DocumentError(
            "yaml-duplicate-key", f"duplicate key {_short(str(dup.args[0]))}", line, column
        ) from None
    except (ValueError, RecursionError):
        return _pyyaml(doc.text)


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Silence rapidyaml, which prints its parse errors to file descriptor 2 itself
    (PyYAML reports them properly instead)."""
    if ryml is None:
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)

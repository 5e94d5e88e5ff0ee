"""Reading YAML, and writing it back, without global parser state.

Two readers, one per need:

* `load`/`loads`: ruamel.yaml's round-trip loader, which keeps every key's line and
  column (`position`), for files whose problems point inside them (the org config,
  checked against its schema) and files launchgen writes back (`dumps`). Each call
  builds its own YAML object: no state leaks between files or threads.
* `load_fast`: libyaml (PyYAML's C parser), plain data only, many times faster to
  import and to run, for files read for their values (`.launchgen.yaml`,
  Chart.yaml, Chart.lock). A syntax error still names its line.

Either way, a problem is a `YamlError` naming the file and line.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from launchgen.errors import LaunchgenError


class YamlError(LaunchgenError):
    """A YAML file cannot be read or parsed."""

    def __init__(
        self, message: str, *, path: str, line: int | None = None, column: int | None = None
    ) -> None:
        super().__init__(message, path=path, line=line)
        self.column = column


def _round_trip() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def decode(raw: bytes, path: str) -> str:
    """Bytes to text: UTF-8 with an optional BOM, anything else is a one-line error."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", path=path, line=line
        ) from None
    return text


def loads(text: str, path: str) -> Any:
    """Parse one YAML document, keeping positions; errors become YamlError with a line."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return _round_trip().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise YamlError(f"invalid YAML: {problem}", path=path, line=line, column=column) from None
    except YAMLError as exc:
        raise YamlError(f"invalid YAML: {str(exc).splitlines()[0]}", path=path) from None


def load_fast(source: str | bytes, path: str, *, unique_keys: bool = False) -> Any:
    """Parse one YAML document with libyaml into plain data; errors become YamlError with
    a line. `unique_keys`: a key given twice in a mapping is an error (as `loads`)."""
    import yaml

    loader = _unique_key_loader()(source) if unique_keys else yaml.CSafeLoader(source)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise YamlError(
            f"invalid YAML: {problem}",
            path=path,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    finally:
        loader.dispose()


@cache
def _unique_key_loader() -> type[Any]:
    """libyaml's loader, refusing a mapping key given twice (built on first use: PyYAML
    is imported only by whoever reads with it)."""
    import yaml
    from yaml.constructor import ConstructorError

    class UniqueKeyLoader(yaml.CSafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[tuple[str, str]] = set()
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if (key.tag, key.value) in seen:
                        raise ConstructorError(
                            None, None, f"found duplicate key {key.value!r}", key.start_mark
                        )
                    seen.add((key.tag, key.value))
            return super().construct_mapping(node, deep=deep)

    return UniqueKeyLoader


def load(path: Path, display: str | None = None) -> Any:
    shown = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlError(f"cannot read: {exc.strerror}", path=shown) from None
    return loads(decode(raw, shown), shown)


def position(document: Any, keys: Sequence[str | int]) -> tuple[int, int]:
    """1-based (line, column) of the value at `keys` in a round-trip document.

    Walks as deep as the path exists and returns the position of the deepest key or
    item found, so a problem about a missing child points at its parent.
    """
    line, column = 1, 1
    node = document
    for key in keys:
        lc = getattr(node, "lc", None)
        if lc is None:
            break
        try:
            if isinstance(key, int):
                line, column = lc.item(key)
                node = node[key]
            else:
                line, column = lc.key(key)
                node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        line, column = line + 1, column + 1
    return line, column


def to_plain(value: Any) -> Any:
    """A round-trip document as plain dicts, lists and scalars (for comparing and JSON)."""
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value


def dumps(data: Any) -> str:
    stream = io.StringIO()
    yaml = _round_trip()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never fold long values: folding leaves trailing spaces
    yaml.dump(data, stream)
    return stream.getvalue()

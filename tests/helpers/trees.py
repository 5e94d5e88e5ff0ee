"""Build file trees from dicts, as copier's tests do."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def build_file_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def edit(root: Path, relative: str, old: str, new: str) -> str:
    """The text of `root/relative` with `old` replaced by `new` (which must be there)."""
    text = (root / relative).read_text()
    assert old in text, f"{old!r} not in {relative}"
    return text.replace(old, new)

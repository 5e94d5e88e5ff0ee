"""One file of a repo, read once, safely: size-limited, symlink-checked, decoded, parsed.

Reading never raises: anything wrong with the file (too big, outside the repo, not a
regular file, not UTF-8) is recorded as `unreadable`, and the files rules
(lint/rules/files.py) say what it means and report it.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from launchgen.lint.yamldoc import Document, Parsed

DEFAULT_MAX_BYTES = 1024 * 1024
# Parsing (ours, and yamllint's pure-Python one, which is superlinear: 100,000 keys take
# minutes) is bounded by lines; a flow collection's items count too (its commas).
DEFAULT_MAX_LINES = 10_000


class Unreadable(NamedTuple):
    """Why a file cannot be read as text: what was found, and the limit it broke."""

    reason: str  # outside | not-regular | bytes | grew | lines | os-error | encoding
    detail: str | int = ""  # the link's target, the size, the OS error, the decoding error
    limit: int = 0
    line: int = 1


class SourceFile:
    def __init__(
        self,
        root: Path,
        relpath: str,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_lines: int = DEFAULT_MAX_LINES,
    ) -> None:
        self.root = root
        self.relpath = relpath
        self.path = root / relpath
        self.max_bytes = max_bytes
        self.max_lines = max_lines
        self.unreadable: Unreadable | None = None
        self.bom = False
        self._raw: bytes | None = None
        self._read_done = False

    @property
    def raw(self) -> bytes | None:
        if not self._read_done:
            self._read_done = True
            self._raw = self._read()
        return self._raw

    def _read(self) -> bytes | None:
        try:
            target = os.path.realpath(self.path)
            real_root = os.path.realpath(self.root)
            if not target.startswith(real_root + os.sep):
                self.unreadable = Unreadable("outside", target)
                return None
            info = self.path.stat()
            if not stat.S_ISREG(info.st_mode):
                self.unreadable = Unreadable("not-regular")
                return None
            if info.st_size > self.max_bytes:
                self.unreadable = Unreadable("bytes", info.st_size, self.max_bytes)
                return None
            with open(self.path, "rb") as handle:
                data = handle.read(self.max_bytes + 1)
            if len(data) > self.max_bytes:  # grew while we looked
                self.unreadable = Unreadable("grew", "", self.max_bytes)
                return None
            lines = data.count(b"\n") + data.count(b",")
            if lines > self.max_lines:
                self.unreadable = Unreadable("lines", lines, self.max_lines)
                return None
            return data
        except OSError as exc:
            self.unreadable = Unreadable("os-error", exc.strerror or str(exc))
            return None

    @cached_property
    def digest(self) -> str:
        """Content hash (what the cache keys on); the reason stands in for unreadable files."""
        raw = self.raw
        if raw is None:
            return "unreadable:" + repr(self.unreadable)
        return hashlib.sha256(raw).hexdigest()

    @cached_property
    def text(self) -> str | None:
        from launchgen.yamlio import YamlError, decode

        raw = self.raw
        if raw is None:
            return None
        self.bom = raw.startswith(codecs.BOM_UTF8)
        try:
            return decode(raw, self.relpath)
        except YamlError as exc:
            self.unreadable = Unreadable("encoding", exc.message, line=exc.line or 1)
            return None

    @cached_property
    def parsed(self) -> Parsed | None:
        from launchgen.lint.yamldoc import parse

        text = self.text
        return None if text is None else parse(text)

    @property
    def document(self) -> Document | None:
        parsed = self.parsed
        return parsed.document if parsed else None

    @property
    def data(self) -> object:
        document = self.document
        return document.data if document else None

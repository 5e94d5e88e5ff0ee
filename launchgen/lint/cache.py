"""A content-hash cache of rule results, safe against stale results.

Every entry is keyed on what its outcome depends on: the file's bytes, the repo's
`.launchgen.yaml` (rule settings included), the yamllint config and installation,
other inputs rules declare (the values schema), the launchgen version and the lint
code itself. Change any of them and the key changes; nothing is ever invalidated by
time. One JSON file per repo under $LAUNCHGEN_CACHE_DIR (default
~/.cache/launchgen/lint); a cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from launchgen import __version__

if TYPE_CHECKING:
    from launchgen.lint.contract import Hit

FORMAT = 1


def default_dir() -> Path:
    if os.environ.get("LAUNCHGEN_CACHE_DIR"):
        return Path(os.environ["LAUNCHGEN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "launchgen" / "lint"


@cache
def code_fingerprint() -> str:
    """The launchgen version and the lint code's files, so editing a rule invalidates."""
    package = Path(__file__).resolve().parents[1]
    parts = [__version__]
    for path in sorted([*package.joinpath("lint").rglob("*.py"), *package.glob("*.py")]):
        info = path.stat()
        parts.append(f"{path.name}:{info.st_mtime_ns}:{info.st_size}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def dump_hits(hits: list[tuple[str, Hit, str | None]]) -> list[list[Any]]:
    return [[rule, h.message, h.hint, h.line, h.column, h.path, level] for rule, h, level in hits]


def load_hits(rows: list[list[Any]]) -> list[tuple[str, Hit, str | None]]:
    from launchgen.lint.contract import Hit

    return [(r[0], Hit(r[1], r[2], line=r[3], column=r[4], path=r[5]), r[6]) for r in rows]


class Cache:
    def __init__(self, directory: Path | None, enabled: bool) -> None:
        self.directory = directory or default_dir()
        self.enabled = enabled
        self._loaded: dict[Path, dict[str, Any]] = {}  # root -> what `load` read

    def _file(self, root: Path) -> Path:
        return self.directory / (key(str(root.resolve())) + ".json")

    def load(self, root: Path) -> dict[str, Any]:
        if not self.enabled:
            return {}
        try:
            with open(self._file(root), encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return {}
        self._loaded[root] = data
        return data

    def save(self, root: Path, data: dict[str, Any]) -> None:
        if not self.enabled:
            return
        data = {**data, "format": FORMAT}
        if self._loaded.get(root) == data:
            return  # a second run over unchanged files: nothing new to write
        target = self._file(root)
        # Our own process's temporary name: no tempfile module to import after yamllint.
        tmp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            # No fsync (unlike files.atomic_write): a lost cache entry only costs time.
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(data, separators=(",", ":")))
            os.replace(tmp, target)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)

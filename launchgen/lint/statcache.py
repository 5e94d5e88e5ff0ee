"""Content hashes told by stat() alone, as git's index and ruff's cache do.

The lint cache (lint/cache.py) keys every result on a file's content hash, so a warm
run would read and hash every file. Per file this table keeps what `lstat` says
(device, inode, size, mtime, ctime, mode, all in nanoseconds), the content hash read
with it, whether the bytes hold an inline suppression marker, and the time the run
that stamped it started. A later run reuses the hash without opening the file when
all six fields are the same, the file is a regular file (not a symlink) whose folder
is still inside the repo, and the entry is not racy:

- **Racy** (git's rule): a file whose mtime or ctime is not older than the stamping
  run's start minus RACY_NS may have been changed again within the same timestamp
  tick after it was read, leaving every field the same; such a file is read and
  hashed again, until its timestamps are older than that.
- ctime is in the key because no user can set it: a file edited and then dated back
  with `touch -d`/`os.utime` has a new ctime. A file replaced by a rename has a new
  inode; a chmod changes the mode and the ctime.

Everything else a result depends on (rule settings, read limits' effects, other
files, the launchgen code) is in the result keys, which this table only feeds with
hashes. The table itself is dropped when the code or the read limits change.
"""

from __future__ import annotations

import os
import stat
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

import launchgen.lint.cache as cache_mod

if TYPE_CHECKING:
    from launchgen.lint.source import SourceFile

# How close to the stamping run's start a timestamp may be before the entry is racy.
# FAT stores mtime in 2-second steps, ext3, HFS+ and many NFS servers in seconds, and
# the kernel's coarse clock lags the one time.time_ns() reads by up to a tick (10 ms
# at 100 Hz); 2 s covers all of these. (Measured on this project's Linux 6.18 and
# ext4/tmpfs: mtime never fell before a clock read that preceded the write, in 20,000
# writes.) A file server whose clock runs behind ours by more than this is not covered.
RACY_NS = 2_000_000_000
# Inline suppressions start with it (lint/rules/suppression.py); files without it are
# never parsed for them, so the table remembers whether the bytes hold it.
MARKER = b"launchgen:"
# Hits and misses of the last runs in this process, for tests and benchmarks:
# "stat": hash reused without reading; "hashed": read and hashed.
STATS: Counter[str] = Counter()

_clock = time.time_ns
_lstat = os.lstat

Stamp = tuple[int, int, int, int, int, int]
# An entry: [dev, ino, size, mtime_ns, ctime_ns, mode, run start ns, digest, has marker]
_FIELDS = 6


def stamp(info: os.stat_result) -> Stamp:
    return (
        info.st_dev,
        info.st_ino,
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
        info.st_mode,
    )


def _matches(entry: object, info: os.stat_result) -> TypeGuard[list[Any]]:
    """The entry is one and has this stamp (a cache file someone edited is not used,
    never a traceback)."""
    return (
        isinstance(entry, list)
        and len(entry) == _FIELDS + 3
        and tuple(entry[:_FIELDS]) == stamp(info)
        and type(entry[_FIELDS]) is int
        and isinstance(entry[7], str)
    )


def _racy(entry: list[Any]) -> bool:
    return bool(max(entry[3], entry[4]) >= entry[6] - RACY_NS)


class Digests:
    """One repo's content hashes for one run: from the stored table when stat() allows,
    else read. The table is keyed on what its hashes depend on besides the files: the
    code and the read limits (`limits`: max bytes, max lines; a file over them has
    another "hash"); a table stored under another key is not used."""

    def __init__(self, root: Path, stored: Any, limits: tuple[int, int]) -> None:
        # Before any of this repo's files is stamped or read: see _racy.
        self.started = _clock()
        self.root = root
        self.table_key = cache_mod.key(
            cache_mod.code_fingerprint(), *(str(n) for n in (*limits, RACY_NS))
        )
        self._old: dict[str, Any] = {}
        if isinstance(stored, dict) and stored.get("key") == self.table_key:
            entries = stored.get("entries")
            self._old = entries if isinstance(entries, dict) else {}
        self._new: dict[str, list[Any]] = {}
        self._known: dict[str, tuple[str, bool]] = {}
        self._inside: dict[str, bool] = {}  # folder -> a folder of the repo, no symlink

    def digest(self, source: SourceFile) -> str:
        """The content hash `source.digest` would give; `source` is one of the repo's."""
        return self._entry(source, source.relpath)[0]

    def has_marker(self, source: SourceFile) -> bool:
        """Whether the file's bytes hold MARKER (an inline suppression may be there)."""
        return self._entry(source, source.relpath)[1]

    def input_digest(self, path: Path) -> str:
        """The content hash of a file a rule reads besides the checked one, which may
        be outside the repo (the app repo's values schema): read as SourceFile reads it."""
        from launchgen.lint.source import SourceFile

        return self._entry(SourceFile(path.parent, path.name), str(path))[0]

    def _entry(self, source: SourceFile, name: str) -> tuple[str, bool]:
        known = self._known.get(name)
        if known is not None:
            return known
        try:
            info: os.stat_result | None = _lstat(source.path)
        except OSError:
            info = None
        regular = info is not None and stat.S_ISREG(info.st_mode)
        old = self._old.get(name)
        if (
            info is not None
            and regular
            and _matches(old, info)
            and not _racy(old)
            and self._folder_inside(source)
        ):
            known = (old[7], bool(old[8]))
            self._new[name] = old
            STATS["stat"] += 1
        else:
            # Stamped before the read: a change in between gives another stamp next
            # time, or a racy one (its ctime is after this run started).
            raw = source.raw
            known = (source.digest, raw is not None and MARKER in raw)
            STATS["hashed"] += 1
            if info is not None and regular and raw is not None:
                self._new[name] = self._restamped(old, info, known)
        self._known[name] = known
        return known

    def _restamped(self, old: Any, info: os.stat_result, known: tuple[str, bool]) -> list[Any]:
        new = [*stamp(info), self.started, known[0], int(known[1])]
        if _racy(new) and _matches(old, info) and old[7:] == new[7:]:
            return old  # racy still, and the same: nothing worth rewriting the cache for
        return new

    def _folder_inside(self, source: SourceFile) -> bool:
        """The file's folder is still inside its root, no symlink on the way (SourceFile
        reads nothing outside the root): a folder swapped for a symlink leaves the
        file's own stat the same. One lstat per folder and run."""
        folder = os.path.dirname(source.relpath)
        if source.root != self.root:
            return folder == ""  # an input: its own folder is its root
        return self._inside_repo(folder)

    def _inside_repo(self, folder: str) -> bool:
        if not folder:
            return True
        inside = self._inside.get(folder)
        if inside is None:
            parent = os.path.dirname(folder)
            inside = self._inside_repo(parent) and not os.path.islink(
                os.path.join(self.root, folder)
            )
            self._inside[folder] = inside
        return inside

    def dump(self, whole: bool) -> dict[str, Any]:
        """The table to store: this run's entries; plus, unless the run looked at the
        whole repo, the stored ones of files it did not look at (the per-file hook)."""
        entries = self._new if whole else {**self._old, **self._new}
        return {"key": self.table_key, "entries": entries}

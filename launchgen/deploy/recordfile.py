"""Reading a deployment history file safely, from its end, and appending under a lock.

* The file is opened without following symbolic links and must be a regular file (a
  committed symlink could point at /etc/passwd or loop; a folder is not a history).
* Only the header (the first lines, up to `entries:`) and as many entries as the caller
  asks for, read backwards from the end in blocks, are parsed: `status` costs the same
  with 20 entries or 200,000.
* Appends take an exclusive lock (`records.lock_path`), re-read the tail under it for
  the next seq and write the new entry at the end in one `write` on an O_APPEND
  descriptor, then fsync: the cost does not depend on the history's length, and the
  bytes of every earlier entry are never rewritten.
* A write that fails part-way (a full disk, a file size limit) is cut back to the size
  the file had, under the same lock: those bytes are certainly ours. A file that a crash
  left ending in half an entry is refused when read, with the line, and never repaired
  by guessing: whoever reads it decides (`git diff` shows the incomplete entry).
"""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchgen.deploy import recordformat as fmt

BLOCK = 64 * 1024
MAX_FILE_BYTES = 256 * 1024 * 1024
LOCK_TIMEOUT = 120.0


class Bad(Exception):
    """A problem at byte `offset` of the file (its line is counted only when reported)."""

    def __init__(self, message: str, offset: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class Source:
    """Random access to the bytes of one version of a history file."""

    size: int

    def read(self, offset: int, length: int) -> bytes:
        raise NotImplementedError

    def line_of(self, offset: int) -> int:
        """1-based line number of byte `offset` (reads everything before it: errors only)."""
        count, position = 0, 0
        while position < offset:
            chunk = self.read(position, min(1024 * 1024, offset - position))
            if not chunk:
                break
            count += chunk.count(b"\n")
            position += len(chunk)
        return count + 1

    def close(self) -> None:
        pass


class BytesSource(Source):
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = len(data)

    def read(self, offset: int, length: int) -> bytes:
        return self.data[offset : offset + length]


class FileSource(Source):
    """An open file descriptor; it stays open (the version read) until `close`."""

    def __init__(self, fd: int, size: int) -> None:
        self.fd: int | None = fd
        self.size = size

    def read(self, offset: int, length: int) -> bytes:
        if self.fd is None:
            raise ValueError("history file already closed")
        return os.pread(self.fd, length, offset)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def open_history(path: Path, *, for_append: bool = False) -> FileSource | None:
    """The history file at `path`, or None when there is none. Refuses symlinks, folders,
    devices and files larger than MAX_FILE_BYTES (Bad with offset None). `for_append`
    opens it for reading and appending (`append`)."""
    parent = path.parent
    try:
        if stat.S_ISLNK(os.lstat(parent).st_mode):
            raise Bad(
                f"{parent.name}/ is a symbolic link: deployment records must live in the repo itself",
                None,
            )
    except FileNotFoundError:
        return None
    flags = os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    flags |= os.O_RDWR | os.O_APPEND if for_append else os.O_RDONLY
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Bad(
                "is a symbolic link: deployment records must be regular files, not links", None
            ) from None
        if exc.errno == errno.EISDIR:
            raise Bad("is a folder, not a deployment history file", None) from None
        verb = "open for appending" if for_append else "read"
        raise Bad(f"cannot {verb}: {exc.strerror or exc}", None) from None
    info = os.fstat(fd)
    problem = None
    if stat.S_ISDIR(info.st_mode):
        problem = "is a folder, not a deployment history file"
    elif not stat.S_ISREG(info.st_mode):
        problem = "is not a regular file"
    elif info.st_size > MAX_FILE_BYTES:
        problem = f"is {info.st_size} bytes; launchgen reads history files of at most {MAX_FILE_BYTES // 2**20} MiB"
    if problem:
        os.close(fd)
        raise Bad(problem, None)
    return FileSource(fd, info.st_size)


# --- reading ----------------------------------------------------------------


@dataclass
class Header:
    values: dict[str, Any]
    offsets: dict[str, int]  # key -> byte offset of its line
    entries_offset: int  # first byte after the `entries:` line
    entries_line: tuple[
        int, int
    ]  # (start, end) byte offsets of the `entries:` line, end after its "\n"
    empty_list: bool  # `entries: []`


def _decode(raw: bytes, offset: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Bad(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", offset) from None


def read_header(source: Source) -> Header:
    data = source.read(0, min(source.size, fmt.MAX_HEADER_BYTES + 1))
    values: dict[str, Any] = {}
    offsets: dict[str, int] = {}
    position = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    seen_content = False
    while position < len(data):
        end = data.find(b"\n", position)
        if end == -1:
            end = len(data)
            if source.size > len(data):
                break  # the header goes on past the limit
        line = _line(data[position:end], position)
        start, position = position, end + 1
        if fmt.is_blank_or_comment(line):
            continue
        if line.rstrip() == "---" and not seen_content:
            seen_content = True
            continue
        seen_content = True
        if line[:1] in (" ", "\t"):
            raise Bad(
                "unexpected indented line before `entries:`: the header is top-level 'key: value' lines",
                start,
            )
        key, value = _key_value(line, start)
        if key in values or key in offsets:
            raise Bad(f"duplicate key {key!r}", start)
        if key == "entries":
            if value not in (None, []):
                raise Bad("entries must be written as `entries:` followed by '  - ' items", start)
            return Header(
                values,
                offsets,
                min(position, source.size),
                (start, min(position, source.size)),
                value == [],
            )
        values[key] = value
        offsets[key] = start
    if len(data) > fmt.MAX_HEADER_BYTES:
        raise Bad(f"no `entries:` within the first {fmt.MAX_HEADER_BYTES // 1024} KiB", None)
    raise Bad("no `entries:` key: not a deployment history", 0)


def _line(raw: bytes, offset: int) -> str:
    try:
        return fmt.check_line(_decode(raw, offset))
    except fmt.LayoutError as exc:
        raise Bad(exc.message, offset) from None


def _key_value(line: str, offset: int) -> tuple[str, Any]:
    if line.startswith("entries:") and line[8:].strip(" \t").split("#", 1)[0].strip() == "[]":
        return "entries", []
    try:
        return fmt.key_value(line)
    except fmt.LayoutError as exc:
        raise Bad(exc.message, offset) from None


@dataclass
class RawEntry:
    offset: int  # byte offset of its first line
    values: dict[str, Any]
    offsets: dict[str, int] = field(default_factory=dict)  # key -> byte offset of its line


def backward(source: Source, header: Header) -> Iterator[RawEntry]:
    """Each entry, newest first, read block by block from the end of the file."""
    start, end = header.entries_offset, source.size
    if header.empty_list:
        _only_comments(source.read(start, end - start), start)
        return
    buf_start, buf = end, b""
    while True:
        index = buf.rfind(b"\n  - ")
        if index == -1 and buf_start == start:
            if buf.startswith(b"  - "):  # an entry right at the start of the region
                yield _entry(buf, buf_start)
                buf = b""
            _only_comments(buf, buf_start)
            return
        if index == -1:
            if len(buf) > fmt.MAX_ENTRY_BYTES:
                raise Bad(
                    f"no entry start ('  - ') within {fmt.MAX_ENTRY_BYTES // 1024} KiB",
                    buf_start + buf.rfind(b"\n", 0, len(buf) - fmt.MAX_ENTRY_BYTES) + 1,
                )
            new_start = max(start, buf_start - BLOCK)
            buf = source.read(new_start, buf_start - new_start) + buf
            buf_start = new_start
            continue
        yield _entry(buf[index + 1 :], buf_start + index + 1)
        buf = buf[: index + 1]


def _only_comments(raw: bytes, offset: int) -> None:
    position = 0
    for raw_line in raw.split(b"\n"):
        line = _line(raw_line, offset + position)
        if not fmt.is_blank_or_comment(line):
            try:
                fmt.entry_line(line, first=not line.startswith(fmt.ENTRY_INDENT))
            except fmt.LayoutError as exc:
                raise Bad(exc.message, offset + position) from None
            raise Bad(
                "a value before the first entry: entries start with '  - '", offset + position
            )
        position += len(raw_line) + 1


def _entry(raw: bytes, offset: int) -> RawEntry:
    if len(raw) > fmt.MAX_ENTRY_BYTES:
        raise Bad(f"entry longer than {fmt.MAX_ENTRY_BYTES // 1024} KiB", offset)
    entry = RawEntry(offset, {})
    position, first = 0, True
    for raw_line in raw.split(b"\n"):
        line_offset = offset + position
        position += len(raw_line) + 1
        line = _line(raw_line, line_offset)
        if not first and fmt.is_blank_or_comment(line):
            continue
        try:
            key, value = fmt.entry_line(line, first)
        except fmt.LayoutError as exc:
            raise Bad(exc.message, line_offset) from None
        first = False
        if key in entry.values:
            raise Bad(f"duplicate key {key!r}", line_offset)
        entry.values[key] = value
        entry.offsets[key] = line_offset
    return entry


# --- appending ----------------------------------------------------------------


def ends_mid_line(source: Source) -> bool:
    """Does the file end without a line break (a write cut short, or a hand edit)?"""
    return source.size > 0 and source.read(source.size - 1, 1) != b"\n"


def append(source: FileSource, data: bytes) -> None:
    """Write `data` at the end of the file (opened `for_append`) in one write and fsync it.

    The caller holds the lock and has read the file at `source.size`. If the write or the
    fsync fails, the file is cut back to that size: whatever was written past it is ours.
    """
    if source.fd is None:
        raise ValueError("history file already closed")
    fd, size = source.fd, source.size
    if os.fstat(fd).st_size != size:
        raise Bad("changed while launchgen held its lock (written by something else?)", None)
    try:
        written = os.write(fd, data)
        if written != len(data):
            raise OSError(
                errno.EFBIG, f"only {written} of {len(data)} bytes could be written (disk full?)"
            )
        os.fsync(fd)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        try:
            os.ftruncate(fd, size)
            os.fsync(fd)
        except OSError as undo:
            raise Bad(
                f"cannot append ({reason}), nor remove the part written after byte {size} "
                f"({undo.strerror or undo}): remove the incomplete last entry",
                size,
            ) from None
        raise Bad(f"cannot append: {reason}; the file was left as it was", None) from None
    source.size = size + len(data)


@contextmanager
def locked(lock: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on `lock` (created if missing, never followed if a link)."""
    import fcntl

    try:
        fd = os.open(
            lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, 0o644
        )
    except OSError as exc:
        raise Bad(f"cannot open the lock file {lock.name}: {exc.strerror or exc}", None) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Bad(f"the lock file {lock.name} is not a regular file", None)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise Bad(
                        f"still locked by another launchgen after {timeout:.0f} s ({lock.name})",
                        None,
                    ) from None
                time.sleep(0.01)
        yield
    finally:
        os.close(fd)

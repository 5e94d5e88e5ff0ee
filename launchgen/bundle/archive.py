"""The bundle archive: a canonical tar.gz, so the same files give the same bytes.

Canonical means: entries sorted by name, regular files only, mode 0644, owner 0:0
with no names, one mtime ($SOURCE_DATE_EPOCH or 1980-01-01) in every header and in
the gzip header, USTAR format, gzip level 9. Reading streams the archive and demands
exactly those bytes as it goes: every tar header must be the one launchgen would write
for its name, size and the gzip header's mtime, padding and the end of the archive
must be zeros, and the compressed stream must be the canonical compression of it all
(gzstream). So no byte of the bundle goes unchecked, and a hostile archive is refused
at the first byte that differs or the first limit it crosses, never after being
unpacked whole.
"""

from __future__ import annotations

import re
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import BinaryIO

from launchgen.bundle.errors import VerifyError
from launchgen.bundle.gzstream import CanonicalGzipReader
from launchgen.bundle.limits import DEFAULT, Limits, size
from launchgen.charts import reproducible_targz, source_date
from launchgen.display import printable

BLOCK = tarfile.BLOCKSIZE
RECORD = tarfile.RECORDSIZE
_NUL_BLOCK = bytes(BLOCK)
# launchgen's own names: manifests/NN-kind-name.yaml, inputs/values-ENV.yaml, ...
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*\Z")
NAME_MAX = 255


def write(files: Mapping[str, bytes], mtime: int | None = None) -> bytes:
    """The canonical tar.gz of `files` (name -> bytes)."""
    return reproducible_targz(files, int(source_date().timestamp()) if mtime is None else mtime)


def safe_name(name: str) -> bool:
    """A relative name of plain components (letters, digits, '.', '_', '-'), no '..', no '/' around."""
    return len(name) <= NAME_MAX and _NAME.match(name) is not None and ".." not in name.split("/")


@dataclass(frozen=True)
class Unpacked:
    files: dict[str, bytes]
    mtime: int
    digest: str  # sha256 of the archive's bytes, all of them read and checked


def _canonical_header(name: str, length: int, mtime: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = length, mtime, 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info.tobuf(tarfile.USTAR_FORMAT, tarfile.ENCODING, "surrogateescape")


def _member(block: bytes, mtime: int, what: str) -> tuple[str, int]:
    """(name, size) of a canonical tar header; VerifyError for anything else."""
    try:
        info = tarfile.TarInfo.frombuf(block, tarfile.ENCODING, "surrogateescape")
    except tarfile.HeaderError as exc:
        raise VerifyError(f"{what} is not a valid tar archive: {printable(str(exc))}") from None
    name = info.name
    if not info.isreg() or info.type != tarfile.REGTYPE:
        raise VerifyError(f"{what}: {printable(name)} is not a regular file")
    if not safe_name(name):
        raise VerifyError(f"{what}: unsafe file name {printable(name)}")
    try:
        canonical = _canonical_header(name, info.size, mtime)
    except ValueError:
        canonical = b""
    if canonical != block:
        raise VerifyError(
            f"{what}: the tar header of {name} is not the one launchgen writes "
            "(archive metadata was altered: time, mode, owner, format or padding)"
        )
    return name, info.size


def read(
    source: BinaryIO,
    what: str,
    limits: Limits = DEFAULT,
    file_bytes: Mapping[str, int] | None = None,
) -> Unpacked:
    """The files of a canonical bundle archive, streamed from `source` within `limits`.

    `file_bytes` gives some names a size limit of their own (the envelope's).
    """
    stream = CanonicalGzipReader(source, what, limits)
    mtime = stream.mtime
    files: dict[str, bytes] = {}
    offset, previous = 0, ""
    while (block := stream.read_exact(BLOCK)) != _NUL_BLOCK:
        if len(files) >= limits.files:
            raise VerifyError(f"{what} holds more than the limit of {limits.files} files")
        name, length = _member(block, mtime, what)
        if name in files:
            raise VerifyError(f"{what}: {name} appears twice")
        if name < previous:
            raise VerifyError(
                f"{what}: {name} is out of order (a canonical archive is sorted by name)"
            )
        limit = (file_bytes or {}).get(name, limits.file_bytes)
        if length > limit:
            raise VerifyError(
                f"{what}: {name} is {length} bytes, over the {size(limit)} limit for one file"
            )
        padded = length + (-length % BLOCK)
        data = stream.read_exact(padded)
        if data[length:] != bytes(padded - length):
            raise VerifyError(
                f"{what}: the padding after {name} is not zeros (archive metadata was altered)"
            )
        files[name] = data[:length]
        previous = name
        offset += BLOCK + padded
    end = (
        -(-(offset + 2 * BLOCK) // RECORD) * RECORD - offset - BLOCK
    )  # tarfile pads to a whole record
    if stream.read_exact(end) != bytes(end):
        raise VerifyError(f"{what}: data after the end of the tar archive")
    if not files:
        raise VerifyError(f"{what} holds no files")
    stream.finish()
    return Unpacked(files, mtime, stream.digest)

"""The bundle archive: a canonical tar.gz, so the same files give the same bytes.

Canonical means: entries sorted by name, regular files only, mode 0644, owner 0:0
with no names, one mtime ($SOURCE_DATE_EPOCH or 1980-01-01) in every header and in
the gzip header, USTAR format, gzip level 9. Verification rebuilds the archive from
the files it read and demands the same bytes, so no byte of the bundle goes
unchecked: not tar metadata, not padding, not the gzip header.
"""

from __future__ import annotations

import gzip
import io
import posixpath
import tarfile
import zlib
from collections.abc import Mapping

from launchgen.bundle.errors import VerifyError
from launchgen.charts import reproducible_targz, source_date

def write(files: Mapping[str, bytes], mtime: int | None = None) -> bytes:
    """The canonical tar.gz of `files` (name -> bytes)."""
    return reproducible_targz(files, int(source_date().timestamp()) if mtime is None else mtime)


def _safe_name(name: str) -> bool:
    normal = posixpath.normpath(name)
    return bool(name) and normal == name and not name.startswith("/") and ".." not in name.split("/")


def read(data: bytes, what: str) -> tuple[dict[str, bytes], int]:
    """(files, mtime) of a bundle; VerifyError when it is not a canonical launchgen bundle."""
    if data[:2] != b"\x1f\x8b":
        raise VerifyError(f"{what} is not a tar.gz file (no gzip header)")
    try:
        raw = gzip.decompress(data)
    except EOFError:
        raise VerifyError(f"{what} is truncated: the compressed stream ends early") from None
    except (OSError, zlib.error) as exc:
        raise VerifyError(f"{what} is corrupt: {exc}") from None
    files: dict[str, bytes] = {}
    mtimes: set[int] = set()
    try:
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:
            for member in tar:
                if not member.isfile():
                    raise VerifyError(f"{what}: {member.name} is not a regular file")
                if not _safe_name(member.name):
                    raise VerifyError(f"{what}: unsafe file name {member.name!r}")
                if member.name in files:
                    raise VerifyError(f"{what}: {member.name} appears twice")
                handle = tar.extractfile(member)
                files[member.name] = handle.read() if handle else b""
                mtimes.add(int(member.mtime))
    except tarfile.TarError as exc:
        raise VerifyError(f"{what} is not a valid tar archive: {exc}") from None
    if not files:
        raise VerifyError(f"{what} holds no files")
    if len(mtimes) != 1:
        raise VerifyError(f"{what}: archive metadata was altered (file times differ)")
    return files, mtimes.pop()


def check_canonical(data: bytes, files: Mapping[str, bytes], mtime: int, what: str) -> None:
    """Demand that `data` is byte for byte the canonical archive of `files`."""
    if write(files, mtime) != data:
        raise VerifyError(
            f"{what}: archive bytes differ from the canonical archive of its verified files "
            "(tar metadata, padding or compression was altered)"
        )

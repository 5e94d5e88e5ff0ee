"""The gzip layer of a bundle, read as a bounded stream and checked to be canonical.

A canonical stream is what `gzip.compress(tar, compresslevel=9, mtime=M)` writes: a
fixed 10-byte header holding M, one raw deflate stream at level 9, the CRC-32 and
length of the data, nothing after. The reader decompresses only as much as its caller
asks for, never more than `unpacked_bytes` in all, and recompresses what it produced
as it goes, comparing each compressed byte with the input: a stream that is not
canonical (another compressor, a second gzip member, trailing bytes, a changed header
or trailer) fails as soon as the first byte differs, before it is read to its end.
"""

from __future__ import annotations

import gzip
import hashlib
import struct
import zlib
from typing import BinaryIO

from launchgen.bundle.errors import VerifyError
from launchgen.bundle.limits import Limits, size

CHUNK = 256 * 1024
HEADER_SIZE = 10
LEVEL = 9


def header(mtime: int) -> bytes:
    """The gzip header `gzip.compress` writes for `mtime` (so bundles of every launchgen verify)."""
    return gzip.compress(b"", compresslevel=LEVEL, mtime=mtime)[:HEADER_SIZE]


class CanonicalGzipReader:
    """Decompressed bytes of `handle`, on demand, within `limits`; see the module docstring."""

    def __init__(self, handle: BinaryIO, what: str, limits: Limits) -> None:
        self._handle, self._what, self._limits = handle, what, limits
        self._sha = hashlib.sha256()
        self._read = 0
        self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        self._deflate = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        self._crc = 0
        self._unpacked = 0
        self._actual = bytearray()  # input after the header, not yet matched
        self._expected = bytearray()  # canonical recompression, not yet matched
        self._out = bytearray()  # decompressed, not yet handed out
        first = self._raw(HEADER_SIZE)
        if first[:2] != b"\x1f\x8b":
            raise VerifyError(f"{what} is not a tar.gz file (no gzip header)")
        if len(first) < HEADER_SIZE:
            raise VerifyError(f"{what} is truncated: the gzip header ends early")
        self.mtime: int = struct.unpack("<I", first[4:8])[0]
        if first != header(self.mtime):
            raise VerifyError(
                f"{what}: the gzip header is not the one launchgen writes (flags, level or OS byte differ)"
            )

    @property
    def digest(self) -> str:
        """sha256 of the compressed bytes read so far (all of them once `finish` returned)."""
        return self._sha.hexdigest()

    @property
    def unpacked(self) -> int:
        return self._unpacked

    def _raw(self, n: int) -> bytes:
        data = self._handle.read(n)
        self._read += len(data)
        if self._read > self._limits.bundle_bytes:
            raise VerifyError(
                f"{self._what} is larger than the {size(self._limits.bundle_bytes)} limit"
            )
        self._sha.update(data)
        return data

    def _match(self) -> None:
        n = min(len(self._actual), len(self._expected))
        if self._actual[:n] != self._expected[:n]:
            raise VerifyError(
                f"{self._what}: archive bytes differ from the canonical archive of its files "
                "(compression, gzip trailer or trailing data was altered)"
            )
        del self._actual[:n]
        del self._expected[:n]

    def _inflate_some(self) -> bool:
        """Decompress one step into the buffer; False at the end of the deflate stream."""
        if self._inflate.eof:
            return False
        data = self._inflate.unconsumed_tail
        if not data:
            data = self._raw(CHUNK)
            if not data:
                raise VerifyError(f"{self._what} is truncated: the compressed stream ends early")
            self._actual += data
        budget = self._limits.unpacked_bytes - self._unpacked
        try:
            out = self._inflate.decompress(data, min(CHUNK, budget + 1))
        except zlib.error as exc:
            raise VerifyError(f"{self._what} is corrupt: {exc}") from None
        self._unpacked += len(out)
        if self._unpacked > self._limits.unpacked_bytes:
            raise VerifyError(
                f"{self._what} unpacks to more than the {size(self._limits.unpacked_bytes)} limit"
            )
        self._crc = zlib.crc32(out, self._crc)
        self._expected += self._deflate.compress(out)
        self._match()
        self._out += out
        return True

    def read_exact(self, n: int) -> bytes:
        """The next `n` decompressed bytes; VerifyError when the stream ends first."""
        if self._unpacked - len(self._out) + n > self._limits.unpacked_bytes:
            raise VerifyError(
                f"{self._what} unpacks to more than the {size(self._limits.unpacked_bytes)} limit"
            )
        while len(self._out) < n:
            if not self._inflate_some():
                raise VerifyError(
                    f"{self._what} is not a valid tar archive: it ends before its end-of-archive marker"
                )
        data = bytes(self._out[:n])
        del self._out[:n]
        return data

    def finish(self) -> None:
        """Demand the end: no more data, the right trailer, canonical bytes to the last one."""
        while self._out or self._inflate_some():
            if self._out:
                raise VerifyError(f"{self._what}: data after the end of the tar archive")
        while chunk := self._raw(CHUNK):
            self._actual += chunk
        self._expected += self._deflate.flush() + struct.pack(
            "<II", self._crc, self._unpacked & 0xFFFFFFFF
        )
        self._match()
        if self._actual:
            raise VerifyError(
                f"{self._what}: {len(self._actual)} bytes of trailing data after the gzip stream"
            )
        if self._expected:
            raise VerifyError(f"{self._what} is truncated: the gzip trailer is missing")

"""How big a bundle may be: `verify` refuses anything beyond these before allocating it.

A bundle comes from whoever hands it over, and the job verifying it holds cluster
credentials, so no input may make it use unbounded memory or time. The defaults are
far above any real render (the API server refuses objects over 3 MiB and helm stores
a whole release in one 1 MiB Secret) and keep `verify`'s peak memory, on any input,
under 256 MB (benchmarks/verify_limits.py measures it).
"""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    bundle_bytes: int = 128 * MiB  # the .tar.gz file itself
    unpacked_bytes: int = 128 * MiB  # the decompressed tar stream: headers, files, padding
    files: int = 10_000  # entries in the archive
    file_bytes: int = 16 * MiB  # one manifest or input
    envelope_bytes: int = 8 * MiB  # attestation.dsse.json
    json_depth: int = 16  # nesting of the signed statement (launchgen writes 6)
    key_bytes: int = 64 * 1024  # a PEM key file


DEFAULT = Limits()


def size(n: int) -> str:
    """`n` bytes for a message: '16 MiB', '512 bytes'."""
    return f"{n // MiB} MiB" if n >= MiB and n % MiB == 0 else f"{n} bytes"

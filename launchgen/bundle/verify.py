"""`verify`: a bundle is what its signer packaged, byte for byte, or it fails saying why.

Checked in order, each step bounded (limits.py) so hostile input costs little: the
file is a regular file within the size limit; the archive, streamed, is the canonical
tar.gz launchgen writes (every header, padding and compressed byte); the envelope is
the canonical one, signed by the given key; the statement has the shape launchgen
writes, with safe names; and it names exactly the files present, each with its digest.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import launchgen.bundle.archive as archive
import launchgen.bundle.dsse as dsse
import launchgen.bundle.intoto as intoto
import launchgen.bundle.keys as keys
from launchgen.bundle.errors import VerifyError
from launchgen.bundle.limits import DEFAULT, Limits, size
from launchgen.display import printable
from launchgen.errors import LaunchgenError

ENVELOPE_NAME = dsse.NAME


@dataclass(frozen=True)
class Verified:
    path: Path
    statement: dict[str, Any]
    files: dict[str, bytes]
    digest: str = (
        ""  # "sha256:..." of the exact bytes verified (read once: no second read can differ)
    )

    @property
    def parameters(self) -> dict[str, Any]:
        params: dict[str, Any] = self.statement["predicate"]["buildDefinition"][
            "externalParameters"
        ]
        return params


def _open(bundle: Path, what: str, limits: Limits) -> BinaryIO:
    """`bundle` opened for reading: a regular file (a FIFO or a device is not even opened blocking)."""
    try:
        fd = os.open(bundle, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise LaunchgenError(f"cannot read {what}: {exc.strerror}") from None
    handle = os.fdopen(fd, "rb")
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        handle.close()
        raise LaunchgenError(f"cannot read {what}: not a regular file")
    if info.st_size > limits.bundle_bytes:
        handle.close()
        raise VerifyError(
            f"{what} is {info.st_size} bytes, over the {size(limits.bundle_bytes)} limit"
        )
    return handle


def _check_file_set(what: str, expected: dict[str, str], present: dict[str, bytes]) -> None:
    missing = sorted(set(expected) - set(present))
    if missing:
        raise VerifyError(
            f"{what}: {missing[0]} is in the signed statement but missing from the bundle"
            + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
        )
    extra = sorted(set(present) - set(expected))
    if extra:
        raise VerifyError(
            f"{what}: {extra[0]} is in the bundle but not in the signed statement"
            + (f" (and {len(extra) - 1} more)" if len(extra) > 1 else "")
        )
    for name in sorted(expected):
        actual = intoto.sha256(present[name])
        if actual != expected[name]:
            raise VerifyError(
                f"{what}: {name} has sha256 {actual}, the signed statement says {expected[name]}"
            )


def verify(bundle: Path, public_key: Path, limits: Limits = DEFAULT) -> Verified:
    key = keys.load_public_key(public_key)
    what = f"bundle {printable(str(bundle))}"
    with _open(bundle, what, limits) as handle:
        unpacked = archive.read(handle, what, limits, {ENVELOPE_NAME: limits.envelope_bytes})
    files = unpacked.files
    envelope = files.get(ENVELOPE_NAME)
    if envelope is None:
        raise VerifyError(f"{what} has no {ENVELOPE_NAME}: it was not signed")
    try:
        statement = intoto.parse(dsse.verify(envelope, intoto.PAYLOAD_TYPE, key, limits), limits)
    except VerifyError as exc:
        raise VerifyError(f"{what}: {exc.message}") from None
    present = {name: content for name, content in files.items() if name != ENVELOPE_NAME}
    _check_file_set(what, intoto.bundle_digests(statement), present)
    return Verified(bundle, statement, files, "sha256:" + unpacked.digest)

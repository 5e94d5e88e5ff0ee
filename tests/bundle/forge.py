"""Bundles built in the test, no helm: signed ones to tamper with, and hostile archives."""

from __future__ import annotations

import copy
import gzip
import struct
import tarfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from launchgen.bundle import archive, dsse, intoto, keys

ENVELOPE = "attestation.dsse.json"

MTIME = 315532800  # 1980-01-01, launchgen's default
RECORD: dict[str, Any] = {
    "kind": "app",
    "service": "checkout",
    "environment": "prod",
    "release": "checkout",
    "namespace": "checkout-prod",
    "immutable": False,
    "app_version": "1.4.2",
    "chart": {"name": "checkout", "version": "0.1.0"},
    "repos": {},
    "helm_version": "v4.1.4",
    "kube_version": "1.35",
    "values": ["inputs/values-prod.yaml"],
}
MANIFESTS = {
    "manifests/01-service-checkout.yaml": b"kind: Service\n",
    "manifests/02-deployment-checkout.yaml": b"kind: Deployment\n",
}
INPUTS = {"inputs/values-prod.yaml": b"replicas: 2\n"}


def statement(**params: Any) -> dict[str, Any]:
    stmt = intoto.statement(RECORD, MANIFESTS, INPUTS, "1.35")
    stmt["predicate"]["buildDefinition"]["externalParameters"].update(params)
    return stmt


def signed_files(
    key: keys.PrivateKey, stmt: dict[str, Any] | None = None, payload: bytes | None = None
) -> dict[str, bytes]:
    """Manifests, inputs and the envelope over `stmt` (or over the raw `payload`)."""
    body = (
        payload if payload is not None else intoto.encode(stmt if stmt is not None else statement())
    )
    envelope = dsse.sign(body, intoto.PAYLOAD_TYPE, key)
    return {**MANIFESTS, **INPUTS, ENVELOPE: dsse.dumps(envelope)}


def envelope_of(files: dict[str, bytes]) -> dict[str, Any]:
    import json

    return copy.deepcopy(json.loads(files[ENVELOPE]))


def write(path: Path, files: dict[str, bytes]) -> Path:
    path.write_bytes(archive.write(files, MTIME))
    return path


def header(name: str, size: int, mtime: int = MTIME) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, mtime, 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info.tobuf(tarfile.USTAR_FORMAT, tarfile.ENCODING, "surrogateescape")


def canonical_gzip(chunks: Iterable[bytes], mtime: int = MTIME) -> Iterator[bytes]:
    """The canonical gzip stream of the concatenated `chunks`, without holding them all."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    crc = length = 0
    yield gzip.compress(b"", compresslevel=9, mtime=mtime)[:10]
    for chunk in chunks:
        crc, length = zlib.crc32(chunk, crc), length + len(chunk)
        yield deflate.compress(chunk)
    yield deflate.flush() + struct.pack("<II", crc, length & 0xFFFFFFFF)


def zeros(total: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    block = bytes(chunk)
    while total > 0:
        yield block[: min(chunk, total)]
        total -= chunk


def write_stream(path: Path, chunks: Iterable[bytes]) -> Path:
    with path.open("wb") as out:
        for chunk in canonical_gzip(chunks):
            out.write(chunk)
    return path


def many_members(count: int) -> Iterator[bytes]:
    for index in range(count):
        yield header(f"manifests/{index:07d}.yaml", 0)


Edit = Callable[[dict[str, Any]], None]

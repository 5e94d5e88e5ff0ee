"""`verify`: a bundle is what its signer packaged, byte for byte, or it fails saying why.

Checked in order: the archive is a readable tar.gz; the envelope is signed by the
given key; the statement names exactly the files present, each with its digest; and
the archive's bytes are the canonical archive of those files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launchgen.bundle import archive, dsse, intoto, keys
from launchgen.bundle.errors import VerifyError
from launchgen.bundle.package import ENVELOPE_NAME
from launchgen.errors import LaunchgenError


@dataclass(frozen=True)
class Verified:
    path: Path
    statement: dict[str, Any]
    files: dict[str, bytes]

    @property
    def parameters(self) -> dict[str, Any]:
        params: dict[str, Any] = self.statement["predicate"]["buildDefinition"]["externalParameters"]
        return params


def verify(bundle: Path, public_key: Path) -> Verified:
    key = keys.load_public_key(public_key)
    try:
        data = bundle.read_bytes()
    except OSError as exc:
        raise LaunchgenError(f"cannot read bundle {bundle}: {exc.strerror}") from None
    what = f"bundle {bundle}"
    files, mtime = archive.read(data, what)
    envelope = files.get(ENVELOPE_NAME)
    if envelope is None:
        raise VerifyError(f"{what} has no {ENVELOPE_NAME}: it was not signed")
    payload = dsse.verify(envelope, intoto.PAYLOAD_TYPE, key)
    expected = intoto.bundle_digests(payload)
    present = {name: content for name, content in files.items() if name != ENVELOPE_NAME}
    missing = sorted(set(expected) - set(present))
    if missing:
        raise VerifyError(f"{what}: {missing[0]} is in the signed statement but missing from the bundle"
                          + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    extra = sorted(set(present) - set(expected))
    if extra:
        raise VerifyError(f"{what}: {extra[0]} is in the bundle but not in the signed statement"
                          + (f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""))
    for name in sorted(expected):
        actual = intoto.sha256(present[name])
        if actual != expected[name]:
            raise VerifyError(f"{what}: {name} has sha256 {actual}, the signed statement says {expected[name]}")
    archive.check_canonical(data, files, mtime, what)
    return Verified(bundle, json.loads(payload), files)

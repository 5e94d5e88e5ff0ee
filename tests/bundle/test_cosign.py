"""cosign (github.com/sigstore/cosign/v2 v2.6.5) verifies launchgen's attestations as they are.

The canonical envelope launchgen now demands is the one it always wrote, so tools that
read DSSE keep working: `cosign verify-blob-attestation` checks the signature with the
.pub and that the manifest given is a subject of the statement. cosign is one of the
Go tools scripts/install-tools.sh builds (scripts/go-tools.txt).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from launchgen.bundle.keys import generate, public_pem
from tests.bundle import forge
from tests.helpers.tools import tool


def _cosign(public: Path, envelope: Path, blob: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(tool("cosign")),
            "verify-blob-attestation",
            "--key",
            str(public),
            "--signature",
            str(envelope),
            "--type",
            "slsaprovenance1",
            "--insecure-ignore-tlog=true",
            str(blob),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={"HOME": str(envelope.parent), "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.parametrize("key_type", ["ed25519", "ecdsa-p256"])
def test_cosign_verifies_a_launchgen_attestation(key_type: str, tmp_path: Path) -> None:
    key = generate(key_type)
    public = tmp_path / "signing.pub"
    public.write_bytes(public_pem(key))
    files = forge.signed_files(key)
    envelope = tmp_path / "attestation.dsse.json"
    envelope.write_bytes(files[forge.ENVELOPE])
    name = sorted(forge.MANIFESTS)[0]
    blob = tmp_path / "manifest.yaml"
    blob.write_bytes(files[name])

    ok = _cosign(public, envelope, blob)
    assert ok.returncode == 0, ok.stderr
    assert "Verified OK" in ok.stderr + ok.stdout

    blob.write_bytes(files[name] + b"# changed\n")  # not a subject: cosign must refuse it
    assert _cosign(public, envelope, blob).returncode != 0
    blob.write_bytes(files[name])
    other = tmp_path / "other.pub"
    other.write_bytes(public_pem(generate(key_type)))
    assert _cosign(other, envelope, blob).returncode != 0

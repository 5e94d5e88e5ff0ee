"""cosign v2.6.5 verifies the attestation publish attached, as pulled from the registry.

The attestation's subjects are the bundle's manifests (it is signed when the bundle
is packaged, before any OCI digest exists), so cosign checks it against a manifest:
both the envelope at `sha256-<hex>.att` and the Sigstore bundle found through the
referrers index verify with the .pub, and a changed manifest does not.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from launchgen.bundle.verify import verify
from launchgen.publish.registry import digest_of
from tests.helpers.cli import invoke
from tests.helpers.ociregistry import serve_oci_registry
from tests.helpers.tools import tool
from tests.publish.conftest import Signer
from tests.publish.test_oci import Pull

# cosign reads a key-based Sigstore bundle offline given a trusted root; none is needed here.
TRUSTED_ROOT = '{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}'


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_oci_registry(tmp_path_factory.mktemp("oci")) as host:
        yield host


def _cosign(home: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(tool("cosign")),
            "verify-blob-attestation",
            "--type",
            "slsaprovenance1",
            "--insecure-ignore-tlog=true",
            *map(str, args),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_cosign_verifies_the_published_attestation(
    signer: Signer, registry: str, tmp_path: Path
) -> None:
    bundle = signer.bundle("1.4.2", "prod")
    result = invoke(
        "publish",
        bundle,
        "--key",
        signer.public,
        "--oci",
        f"oci://{registry}/cosign/checkout",
        "--plain-http",
        "--no-record",
        "--by",
        "ci",
    )
    assert result.exit_code == 0, result.output
    pull = Pull(registry, "cosign/checkout")
    hex_ = digest_of(pull.manifest("prod")[0]).removeprefix("sha256:")
    _, att = pull.manifest(f"sha256-{hex_}.att")
    envelope = tmp_path / "attestation.dsse.json"
    envelope.write_bytes(pull.blob(att["layers"][0]["digest"]))
    _, index = pull.manifest(f"sha256-{hex_}")
    _, referrer = pull.manifest(index["manifests"][0]["digest"])
    sigstore = tmp_path / "attestation.sigstore.json"
    sigstore.write_bytes(pull.blob(referrer["layers"][0]["digest"]))
    root = tmp_path / "trusted_root.json"
    root.write_text(TRUSTED_ROOT)
    manifest = tmp_path / "deployment.yaml"
    manifest.write_bytes(
        verify(bundle, signer.public).files["manifests/01-deployment-checkout.yaml"]
    )

    def with_envelope() -> subprocess.CompletedProcess[str]:
        return _cosign(tmp_path, "--key", signer.public, "--signature", envelope, manifest)

    def with_bundle() -> subprocess.CompletedProcess[str]:
        args: list[str | Path] = [
            "--bundle",
            sigstore,
            "--new-bundle-format",
            "--trusted-root",
            root,
        ]
        return _cosign(tmp_path, "--key", signer.public, *args, manifest)

    for verified in (with_envelope(), with_bundle()):
        assert verified.returncode == 0, verified.stderr
        assert "Verified OK" in verified.stdout + verified.stderr
    assert json.loads(sigstore.read_bytes())["verificationMaterial"]["publicKey"]["hint"]

    manifest.write_bytes(manifest.read_bytes() + b"# changed\n")
    assert with_envelope().returncode != 0
    assert with_bundle().returncode != 0


def test_cosign_verifies_the_artifact_signature(
    signer: Signer, registry: str, tmp_path: Path
) -> None:
    from launchgen.bundle import keys

    bundle = signer.bundle("1.4.2", "prod")
    signed, unsigned = f"{registry}/signed/checkout", f"{registry}/unsigned/checkout"
    signing: list[str | Path] = ["--signing-key", signer.private]
    for repo, extra in ((signed, signing), (unsigned, [])):
        result = invoke(
            "publish", bundle, "--key", signer.public, "--oci", f"oci://{repo}", "--plain-http",
            "--no-record", "--by", "ci", *extra,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    digest = digest_of(Pull(registry, "signed/checkout").manifest("prod")[0])
    root = tmp_path / "trusted_root.json"
    root.write_text(TRUSTED_ROOT)
    _, other = keys.write_key_pair(tmp_path / "other", "ecdsa-p256")

    def cosign_verify(key: Path, ref: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                str(tool("cosign")), "verify", "--key", str(key), "--insecure-ignore-tlog=true",
                "--allow-http-registry", "--new-bundle-format", "--trusted-root", str(root), ref,
            ],
            capture_output=True, text=True, timeout=120, check=False,
            env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip

    ok = cosign_verify(signer.public, f"{signed}@{digest}")
    assert ok.returncode == 0, ok.stderr
    assert digest in ok.stdout
    assert cosign_verify(other, f"{signed}@{digest}").returncode != 0
    # Same bytes, same digest, but nothing signed it there: the attestation alone is no signature.
    assert cosign_verify(signer.public, f"{unsigned}@{digest}").returncode != 0

"""publish --oci against the real local registry: pulled back and compared byte for byte."""

from __future__ import annotations

import base64
import io
import json
import tarfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from launchgen import records
from launchgen.bundle import keys
from launchgen.bundle.verify import verify
from launchgen.publish import content as published
from launchgen.publish import oci
from launchgen.publish.ociref import repository
from launchgen.publish.registry import INDEX, MANIFEST, Registry, canonical_json, digest_of
from tests.helpers.cli import invoke
from tests.helpers.ociregistry import serve_oci_registry
from tests.publish.conftest import COMMIT, Signer

ACCEPT = ", ".join([MANIFEST, INDEX])


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_oci_registry(tmp_path_factory.mktemp("oci")) as host:
        yield host


class Pull:
    """A plain HTTP reader of the registry, independent of the code under test."""

    def __init__(self, host: str, path: str) -> None:
        self.base = f"http://{host}/v2/{path}"

    def get(self, kind: str, ref: str, accept: str = ACCEPT) -> bytes | None:
        request = urllib.request.Request(f"{self.base}/{kind}/{ref}", headers={"Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                data: bytes = response.read()
                return data
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise

    def manifest(self, ref: str) -> tuple[bytes, dict[str, Any]]:
        data = self.get("manifests", ref)
        assert data is not None, ref
        return data, json.loads(data)

    def blob(self, digest: str) -> bytes:
        data = self.get("blobs", digest)
        assert data is not None and digest_of(data) == digest
        return data

    def tags(self) -> list[str]:
        data = self.get("tags", "list")
        return list(json.loads(data)["tags"] or []) if data else []


def _publish(signer: Signer, bundle: Path, url: str, *extra: str | Path) -> tuple[int, str]:
    result = invoke(
        "publish",
        bundle,
        "--key",
        signer.public,
        "--oci",
        url,
        "--plain-http",
        "--by",
        "ci-bot",
        *extra,
    )
    return result.exit_code, result.output


def test_the_artifact_is_the_bundle_in_fluxs_media_types(
    signer: Signer, registry: str, properties: Path
) -> None:
    bundle = signer.bundle("1.4.2", "prod")
    url = f"oci://{registry}/deploy/checkout"
    code, out = _publish(
        signer, bundle, url, "--properties", properties, "--signing-key", signer.private
    )
    assert code == 0, out
    pull = Pull(registry, "deploy/checkout")
    raw, manifest = pull.manifest("prod")
    digest = digest_of(raw)
    assert digest in out
    assert pull.manifest("prod-1.4.2")[0] == raw
    assert manifest["config"]["mediaType"] == "application/vnd.cncf.flux.config.v1+json"
    assert [layer["mediaType"] for layer in manifest["layers"]] == [
        "application/vnd.cncf.flux.content.v1.tar+gzip"
    ]
    notes = manifest["annotations"]
    assert notes["org.opencontainers.image.version"] == "1.4.2"
    assert notes["org.opencontainers.image.revision"] == COMMIT
    assert notes["org.opencontainers.image.source"] == "https://git.example.com/shop/checkout.git"
    # The layer, pulled back, is exactly what publish built from the verified bundle...
    verified = verify(bundle, signer.public)
    expected = published.from_verified(verified)
    layer = pull.blob(manifest["layers"][0]["digest"])
    assert layer == expected.tarball()
    # ...and holds the bundle's manifests and envelope byte for byte.
    with tarfile.open(fileobj=io.BytesIO(layer), mode="r:gz") as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]
    for name in ("manifests/01-deployment-checkout.yaml", "attestation.dsse.json"):
        assert files[name] == verified.files[name]
    assert "checkout:1.4.2" in files["manifests/01-deployment-checkout.yaml"].decode()
    assert json.loads(files["launchgen.json"])["bundleDigest"] == verified.digest
    history = records.load(properties, "prod", "checkout")
    assert history is not None and history.current() is not None
    assert f"@{digest}" in history.current()["note"]  # type: ignore[index]


def test_the_attestation_is_a_referrer_and_the_signature_is_cosigns(
    signer: Signer, registry: str
) -> None:
    bundle = signer.bundle("1.4.2", "prod")
    code, out = _publish(
        signer,
        bundle,
        f"oci://{registry}/att/checkout",
        "--no-record",
        "--signing-key",
        signer.private,
    )
    assert code == 0, out
    pull = Pull(registry, "att/checkout")
    raw, _ = pull.manifest("prod")
    digest = digest_of(raw)
    hex_ = digest.removeprefix("sha256:")
    envelope = verify(bundle, signer.public).files["attestation.dsse.json"]
    # This registry has no referrers API: the referrers tag schema's index lists the bundle.
    assert pull.get("referrers", digest) is None
    _, index = pull.manifest(f"sha256-{hex_}")
    by_type = {m["annotations"]["dev.sigstore.bundle.predicateType"]: m for m in index["manifests"]}
    assert sorted(by_type) == [
        "https://sigstore.dev/cosign/sign/v1",
        "https://slsa.dev/provenance/v1",
    ]
    entry = by_type["https://slsa.dev/provenance/v1"]
    assert entry["artifactType"] == "application/vnd.dev.sigstore.bundle.v0.3+json"
    assert entry["annotations"]["dev.sigstore.bundle.content"] == "dsse-envelope"
    _, referrer = pull.manifest(entry["digest"])
    assert referrer["subject"] == {"mediaType": MANIFEST, "digest": digest, "size": len(raw)}
    assert referrer["config"]["mediaType"] == "application/vnd.oci.empty.v1+json"
    sigstore = json.loads(pull.blob(referrer["layers"][0]["digest"]))
    signed = json.loads(envelope)
    assert sigstore["dsseEnvelope"]["payload"] == signed["payload"]
    assert sigstore["dsseEnvelope"]["signatures"][0]["sig"] == signed["signatures"][0]["sig"]
    # cosign's older layout: the envelope itself at sha256-<hex>.att.
    _, att = pull.manifest(f"sha256-{hex_}.att")
    assert pull.blob(att["layers"][0]["digest"]) == envelope
    # The signature: cosign's simple-signing payload naming this digest, signed by the key.
    _, sig = pull.manifest(f"sha256-{hex_}.sig")
    layer = sig["layers"][0]
    payload = pull.blob(layer["digest"])
    assert json.loads(payload)["critical"]["image"]["docker-manifest-digest"] == digest
    signature = base64.b64decode(layer["annotations"]["dev.cosignproject.cosign/signature"])
    public = keys.load_public_key(signer.public)
    assert keys.is_valid(public, signature, payload)
    assert not keys.is_valid(public, signature, payload.replace(hex_.encode(), b"0" * 64))


def test_the_same_bundle_gives_the_same_digest_and_promotion_moves_the_tag(
    signer: Signer, registry: str, properties: Path
) -> None:
    first = signer.bundle("1.4.2", "prod")
    again = signer.bundle("1.4.2", "prod", name="copy.tar.gz")
    url = f"oci://{registry}/promote/checkout"
    assert _publish(signer, first, url, "--properties", properties)[0] == 0
    pull = Pull(registry, "promote/checkout")
    one = digest_of(pull.manifest("prod")[0])
    code, out = _publish(signer, again, url, "--properties", properties)
    assert code == 0 and "already published" in out
    assert records.load(properties, "prod", "checkout").last_seq == 1  # type: ignore[union-attr]
    other = f"oci://{registry}/elsewhere/checkout"
    assert _publish(signer, first, other, "--no-record")[0] == 0
    assert digest_of(Pull(registry, "elsewhere/checkout").manifest("prod")[0]) == one

    assert _publish(signer, signer.bundle("1.5.0", "prod"), url, "--properties", properties)[0] == 0
    two = digest_of(pull.manifest("prod")[0])
    assert two != one and digest_of(pull.manifest("prod-1.5.0")[0]) == two
    assert digest_of(pull.manifest("prod-1.4.2")[0]) == one
    # Rollback: re-publishing the earlier bundle moves the tag back to the earlier digest.
    assert _publish(signer, first, url, "--properties", properties)[0] == 0
    assert digest_of(pull.manifest("prod")[0]) == one
    assert records.load(properties, "prod", "checkout").last_seq == 3  # type: ignore[union-attr]


def test_the_argocd_flavour_is_one_image_layer(signer: Signer, registry: str) -> None:
    bundle = signer.bundle("1.4.2", "dev")
    code, out = _publish(
        signer, bundle, f"oci://{registry}/argo/checkout", "--no-record", "--flavour", "argocd"
    )
    assert code == 0, out
    pull = Pull(registry, "argo/checkout")
    _, manifest = pull.manifest("dev")
    assert [layer["mediaType"] for layer in manifest["layers"]] == [
        "application/vnd.oci.image.layer.v1.tar+gzip"
    ]
    assert manifest["artifactType"] == oci.ARTIFACT_TYPE
    assert manifest["config"]["mediaType"] == "application/vnd.oci.empty.v1+json"
    assert pull.blob(manifest["config"]["digest"]) == b"{}"
    expected = published.from_verified(verify(bundle, signer.public)).tarball()
    assert pull.blob(manifest["layers"][0]["digest"]) == expected


def test_the_gitops_block_gives_the_target_and_the_engines_media_types(
    signer: Signer, registry: str, tmp_path: Path
) -> None:
    # `new --gitops argocd:oci` records engine argocd: publish pushes Argo CD's one
    # image layer there, with neither --oci nor --flavour given.
    properties = tmp_path / "checkout-properties"
    properties.mkdir()
    (properties / ".launchgen.yaml").write_text(
        "kind: properties\nservice: checkout\nenvironments: [dev]\n"
        f"gitops:\n  engine: argocd\n  source: oci\n  url: oci://{registry}/shop/checkout\n"
    )
    bundle = signer.bundle("1.4.2", "dev")
    result = invoke(
        "publish", bundle, "--key", signer.public, "--properties", properties, "--plain-http"
    )
    assert result.exit_code == 0, result.output
    _, manifest = Pull(registry, "shop/checkout").manifest("dev")
    assert [layer["mediaType"] for layer in manifest["layers"]] == [
        "application/vnd.oci.image.layer.v1.tar+gzip"
    ]


def test_the_referrers_index_keeps_other_entries_and_lists_each_once(registry: str) -> None:
    client = Registry(repository(f"oci://{registry}/index/checkout"), plain_http=True)
    config = client.push_blob(b"{}", oci.EMPTY)
    subject = client.push_manifest(
        canonical_json({"schemaVersion": 2, "config": config, "layers": []}), MANIFEST, "s"
    )
    entries: list[dict[str, Any]] = []
    for n in (1, 2):
        body = canonical_json(
            {"schemaVersion": 2, "config": config, "layers": [], "annotations": {"n": str(n)}}
        )
        entries.append(
            {
                "mediaType": MANIFEST,
                "digest": client.push_manifest(body, MANIFEST, f"m{n}"),
                "size": len(body),
            }
        )
    first, second = entries
    oci._add_to_referrers_index(client, subject, first)
    oci._add_to_referrers_index(client, subject, second)
    oci._add_to_referrers_index(client, subject, first)
    _, index = Pull(registry, "index/checkout").manifest(subject.replace(":", "-"))
    assert sorted(m["digest"] for m in index["manifests"]) == sorted(
        [first["digest"], second["digest"]]
    )


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://127.0.0.1/deploy/checkout", "oci://HOST/PATH"),
        ("oci://127.0.0.1:5000/Deploy/Checkout", "lowercase"),
        ("oci://127.0.0.1:5000/deploy/checkout:prod", "without a tag"),
        ("oci://127.0.0.1:5000/deploy/checkout@sha256:" + "0" * 64, "without a tag"),
        ("oci://-H:evil/deploy", "host"),
        ("oci://127.0.0.1:99999/deploy", "host"),
        ("oci://127.0.0.1/deploy/../x", "lowercase"),
    ],
)
def test_bad_references_are_refused_before_any_request(
    signer: Signer, tmp_path: Path, url: str, says: str
) -> None:
    code, out = _publish(signer, signer.bundle(), url, "--no-record")
    assert code == 2, out
    assert says in out and out.count("\n") == 1 and "Traceback" not in out


def test_an_unreachable_registry_fails_fast_and_records_nothing(
    signer: Signer, properties: Path
) -> None:
    started = time.monotonic()
    code, out = _publish(
        signer, signer.bundle(), "oci://127.0.0.1:9/deploy/checkout", "--properties", properties
    )
    assert code == 2, out
    assert "not reachable" in out and out.count("\n") == 1 and "Traceback" not in out
    assert time.monotonic() - started < 30
    assert records.load(properties, "prod", "checkout") is None


def test_an_unverified_bundle_pushes_nothing(signer: Signer, registry: str, tmp_path: Path) -> None:
    bundle = signer.bundle()
    data = bytearray(bundle.read_bytes())
    data[-40] ^= 0x01
    bundle.write_bytes(bytes(data))
    code, out = _publish(signer, bundle, f"oci://{registry}/tampered/checkout", "--no-record")
    assert code == 1, out
    assert Pull(registry, "tampered/checkout").tags() == []


def test_signing_needs_an_oci_target(signer: Signer, deploy_remote: Path) -> None:
    result = invoke(
        "publish",
        signer.bundle(),
        "--key",
        signer.public,
        "--git",
        deploy_remote,
        "--no-record",
        "--sign",
    )
    assert result.exit_code == 2 and "give --oci too" in result.output

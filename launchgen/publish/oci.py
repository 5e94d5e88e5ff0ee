"""Publish to an OCI registry: one artifact per environment, its attestation attached.

The artifact is one gzipped tarball of the published files (content.py) in the media
types the chosen engine reads:

- `flux`: config `application/vnd.cncf.flux.config.v1+json`, layer
  `application/vnd.cncf.flux.content.v1.tar+gzip` (what `flux push artifact` writes);
- `argocd`: a single `application/vnd.oci.image.layer.v1.tar+gzip` layer, which
  Argo CD's OCI source extracts (and which a Flux OCIRepository reads too, given
  `layerSelector.mediaType`).

It carries the `org.opencontainers.image.source/revision/version` annotations, and is
tagged `<env>-<appVersion>` and then `<env>`, the tag the engine follows: that tag
moves last, once the attestation (and signature) are in place.

The attestation (the bundle's DSSE envelope) is attached as cosign attaches one:

- a Sigstore bundle in a manifest whose `subject` is the artifact (cosign's bundle
  spec), found through the referrers API, or, on registries without it, through the
  referrers tag schema's index at tag `sha256-<hex>`;
- the envelope itself at tag `sha256-<hex>.att`, as cosign's older layout, which
  `cosign download attestation` reads.

With a signing key, the artifact's digest is also signed as `cosign sign` does, both
ways: a simple-signing signature at tag `sha256-<hex>.sig` (what a Flux
OCIRepository's `verify.provider: cosign` checks before anything is applied), and a
Sigstore bundle referrer over an in-toto statement naming the digest (what `cosign
verify --new-bundle-format` checks; cosign switches to that format as soon as an
artifact has bundle referrers, which the attestation gives it).

Every byte is deterministic: the same bundle gives the same digests.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from launchgen.publish import ociref
from launchgen.publish.registry import INDEX, MANIFEST, Registry, canonical_json, digest_of

if TYPE_CHECKING:
    from launchgen.bundle.keys import PrivateKey
    from launchgen.publish.content import Content

FLAVOURS: dict[str, tuple[str, str]] = {  # flavour: (config media type, layer media type)
    "flux": (
        "application/vnd.cncf.flux.config.v1+json",
        "application/vnd.cncf.flux.content.v1.tar+gzip",
    ),
    "argocd": ("application/vnd.oci.empty.v1+json", "application/vnd.oci.image.layer.v1.tar+gzip"),
}
ARTIFACT_TYPE = (
    "application/vnd.launchgen.deployment.v1"  # names the artifact when the config is empty
)
EMPTY = "application/vnd.oci.empty.v1+json"
SIGSTORE_BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json"
DSSE_ENVELOPE = "application/vnd.dsse.envelope.v1+json"
IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json"
COSIGN_SIGN = (
    "https://sigstore.dev/cosign/sign/v1"  # the predicate of cosign's bundle-format signatures
)


@dataclass(frozen=True)
class OciPublished:
    repository: str  # oci://host/path
    digest: str
    tags: tuple[str, ...]
    attestation: str  # digest of the referrer manifest
    referrers_api: bool  # False: the referrers tag schema's index was written instead
    signature: str | None  # the .sig tag's manifest digest, when signed
    changed: bool  # False: the environment tag already named this digest


def artifact_annotations(content: Content) -> dict[str, str]:
    source = content.source
    app = content.repos.get("app") or {}
    found = {
        "org.opencontainers.image.title": source.service,
        "org.opencontainers.image.version": source.app_version,
        "org.opencontainers.image.source": app.get("uri", ""),
        "org.opencontainers.image.revision": app.get("commit", ""),
        "dev.launchgen.environment": source.environment,
        "dev.launchgen.chart.version": source.chart_version,
        "dev.launchgen.bundle.digest": source.digest,
    }
    return {key: value for key, value in found.items() if value}


def artifact_manifest(
    content: Content, flavour: str, config: dict[str, Any], layer: dict[str, Any]
) -> dict[str, Any]:
    manifest: dict[str, Any] = {"schemaVersion": 2, "mediaType": MANIFEST}
    if config["mediaType"] == EMPTY:
        manifest["artifactType"] = ARTIFACT_TYPE
    title = f"{content.source.service}-{content.source.environment}.tar.gz"
    manifest.update(
        config=config,
        layers=[{**layer, "annotations": {"org.opencontainers.image.title": title}}],
        annotations=artifact_annotations(content),
    )
    return manifest


def sigstore_bundle(envelope: bytes) -> bytes:
    """The DSSE envelope as a Sigstore bundle v0.3, key-based (the key named by its hint)."""
    parsed = json.loads(envelope)
    signatures = parsed["signatures"]
    hint = str(signatures[0].get("keyid") or "")
    bundle = {
        "mediaType": SIGSTORE_BUNDLE,
        "verificationMaterial": {"publicKey": {"hint": hint}},
        "dsseEnvelope": {
            "payload": parsed["payload"],
            "payloadType": parsed["payloadType"],
            # keyid left out: verifiers skip a signature whose keyid is not theirs, and
            # cosign's key ids differ from launchgen's; the hint names the key instead.
            "signatures": [{"sig": s["sig"]} for s in signatures],
        },
    }
    return canonical_json(bundle)


def _descriptor(manifest_bytes: bytes, media_type: str = MANIFEST) -> dict[str, Any]:
    return {
        "mediaType": media_type,
        "digest": digest_of(manifest_bytes),
        "size": len(manifest_bytes),
    }


def _attach_bundle(
    registry: Registry, envelope: bytes, predicate_type: str, subject: dict[str, Any]
) -> tuple[str, bool]:
    """A DSSE envelope as a Sigstore bundle referring to `subject` (cosign's bundle spec):
    (the referrer's digest, whether the registry has the referrers API)."""
    bundle = sigstore_bundle(envelope)
    layer = registry.push_blob(bundle, SIGSTORE_BUNDLE)
    layer["annotations"] = {
        "org.opencontainers.image.title": digest_of(bundle).replace(":", "-") + ".sigstore.json"
    }
    notes = {
        "dev.sigstore.bundle.content": "dsse-envelope",
        "dev.sigstore.bundle.predicateType": predicate_type,
    }
    manifest = canonical_json(
        {
            "schemaVersion": 2,
            "mediaType": MANIFEST,
            "artifactType": SIGSTORE_BUNDLE,
            "config": registry.push_blob(b"{}", EMPTY),
            "layers": [layer],
            "subject": subject,
            "annotations": notes,
        }
    )
    digest = registry.push_manifest(manifest, MANIFEST, digest_of(manifest))
    if registry.referrers(subject["digest"]) is not None:
        return digest, True
    entry = {**_descriptor(manifest), "artifactType": SIGSTORE_BUNDLE, "annotations": notes}
    _add_to_referrers_index(registry, subject["digest"], entry)
    return digest, False


def _add_to_referrers_index(registry: Registry, subject: str, entry: dict[str, Any]) -> None:
    """The referrers tag schema: the index at tag sha256-<hex> lists `entry` (once)."""
    tag = ociref.referrers_tag(subject)
    found = registry.manifest(tag, (INDEX,))
    manifests: list[dict[str, Any]] = []
    if found is not None:
        try:
            index = json.loads(found[0])
            listed = index.get("manifests") if isinstance(index, dict) else None
        except ValueError:
            listed = None
        manifests = [
            m for m in listed or [] if isinstance(m, dict) and m.get("digest") != entry["digest"]
        ]
    manifests.append(entry)
    index_bytes = canonical_json({"schemaVersion": 2, "mediaType": INDEX, "manifests": manifests})
    registry.push_manifest(index_bytes, INDEX, tag)


def _attach_legacy_attestation(registry: Registry, content: Content, digest: str) -> None:
    """The envelope at tag sha256-<hex>.att, as cosign's pre-referrers layout stores attestations."""
    envelope = content.envelope
    layer = registry.push_blob(envelope, DSSE_ENVELOPE)
    layer["annotations"] = {"predicateType": content.predicate_type}
    config = registry.push_blob(_image_config(envelope), IMAGE_CONFIG)
    manifest = canonical_json(
        {"schemaVersion": 2, "mediaType": MANIFEST, "config": config, "layers": [layer]}
    )
    registry.push_manifest(manifest, MANIFEST, ociref.referrers_tag(digest) + ".att")


def _image_config(layer: bytes) -> bytes:
    """The image config cosign writes beside a signature or attestation layer."""
    return canonical_json(
        {
            "architecture": "",
            "config": {},
            "created": "0001-01-01T00:00:00Z",
            "history": [{"created": "0001-01-01T00:00:00Z"}],
            "os": "",
            "rootfs": {"type": "layers", "diff_ids": [digest_of(layer)]},
        }
    )


def _sign_bundle(registry: Registry, subject: dict[str, Any], key: PrivateKey) -> None:
    """The artifact's signature as `cosign sign --new-bundle-format` writes it: an in-toto
    statement naming the digest, signed, attached as a Sigstore bundle referrer."""
    from launchgen.bundle import dsse

    statement = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [
            {
                "name": f"{registry.repo.host}/{registry.repo.path}",
                "digest": {"sha256": subject["digest"].removeprefix("sha256:")},
            }
        ],
        "predicateType": COSIGN_SIGN,
        "predicate": {},
    }
    envelope = dsse.sign(canonical_json(statement), "application/vnd.in-toto+json", key)
    _attach_bundle(registry, dsse.dumps(envelope), COSIGN_SIGN, subject)


def _sign(registry: Registry, digest: str, key: PrivateKey) -> str:
    """A cosign simple-signing signature of `digest` at tag sha256-<hex>.sig."""
    from launchgen.bundle.keys import sign

    payload = canonical_json(
        {
            "critical": {
                "identity": {"docker-reference": f"{registry.repo.host}/{registry.repo.path}"},
                "image": {"docker-manifest-digest": digest},
                "type": "cosign container image signature",
            },
            "optional": None,
        }
    )
    layer = registry.push_blob(payload, "application/vnd.dev.cosign.simplesigning.v1+json")
    layer["annotations"] = {
        "dev.cosignproject.cosign/signature": base64.b64encode(sign(key, payload)).decode()
    }
    config = registry.push_blob(_image_config(payload), IMAGE_CONFIG)
    manifest = canonical_json(
        {"schemaVersion": 2, "mediaType": MANIFEST, "config": config, "layers": [layer]}
    )
    return registry.push_manifest(manifest, MANIFEST, ociref.referrers_tag(digest) + ".sig")


def publish(
    content: Content,
    repository: str,
    *,
    flavour: str = "flux",
    plain_http: bool = False,
    signing_key: PrivateKey | None = None,
) -> OciPublished:
    """Push the artifact, attach its attestation (and signature), then move the environment tag."""
    repo = ociref.repository(repository)
    source = content.source
    env_tag = ociref.tag(source.environment)
    version_tag = ociref.tag(f"{source.environment}-{source.app_version}")
    config_type, layer_type = FLAVOURS[flavour]
    registry = Registry(repo, plain_http=plain_http)
    before = registry.manifest(env_tag, (MANIFEST,))
    config = registry.push_blob(b"{}", config_type)
    layer = registry.push_blob(content.tarball(), layer_type)
    manifest = canonical_json(artifact_manifest(content, flavour, config, layer))
    digest = registry.push_manifest(manifest, MANIFEST, version_tag)
    subject = _descriptor(manifest)
    attestation, api = _attach_bundle(registry, content.envelope, content.predicate_type, subject)
    _attach_legacy_attestation(registry, content, digest)
    signature = None
    if signing_key is not None:
        _sign_bundle(registry, subject, signing_key)
        signature = _sign(registry, digest, signing_key)
    registry.push_manifest(manifest, MANIFEST, env_tag)
    changed = before is None or digest_of(before[0]) != digest
    return OciPublished(
        repo.url, digest, (version_tag, env_tag), attestation, api, signature, changed
    )


@dataclass(frozen=True)
class Retagged:
    repository: str  # oci://host/path
    digest: str  # the artifact the environment tag names now
    tag: str  # the environment tag
    changed: bool  # False: the tag already named it


def retag(
    repository: str,
    environment: str,
    version: str,
    bundle_digest: str,
    *,
    recorded: str | None = None,
    plain_http: bool = False,
    move: bool = True,
) -> Retagged:
    """Point tag `<env>` back at the artifact tagged `<env>-<version>`: what the engine
    follows goes back to an earlier publish, the same bytes and digest (its attestation
    and signature referrers still name it).

    Checked first, never moved onto on the record's word alone: the artifact must be the
    one published from bundle `bundle_digest` for this environment (its annotations), and
    have digest `recorded` when the record names one; otherwise NotAsRecorded.
    `move=False` only checks (the tag stays)."""
    from launchgen.publish.content import NotAsRecorded

    repo = ociref.repository(repository)
    bundle_digest = ociref.check_digest(bundle_digest)
    if recorded is not None:
        recorded = ociref.check_digest(recorded)
    env_tag = ociref.tag(environment)
    version_tag = ociref.tag(f"{environment}-{version}")
    registry = Registry(repo, plain_http=plain_http)
    found = registry.manifest(version_tag, (MANIFEST,))
    if found is None:
        raise NotAsRecorded(
            f"{repo.ref(version_tag)} does not exist: {version} was not published there; "
            "nothing was changed"
        )
    data, _ = found
    digest = digest_of(data)
    if recorded is not None and digest != recorded:
        raise NotAsRecorded(
            f"{repo.ref(version_tag)} is {digest}, but the record names {recorded}: "
            "the tag was published over since; nothing was changed"
        )
    notes = _annotations(data)
    if (notes.get("dev.launchgen.bundle.digest"), notes.get("dev.launchgen.environment")) != (
        bundle_digest,
        environment,
    ):
        raise NotAsRecorded(
            f"{repo.ref(digest)} is not the artifact published from bundle {bundle_digest} "
            f"for {environment}: nothing was changed"
        )
    before = registry.manifest(env_tag, (MANIFEST,))
    changed = before is None or digest_of(before[0]) != digest
    if changed and move:
        registry.push_manifest(data, MANIFEST, env_tag)
    return Retagged(repo.url, digest, env_tag, changed)


def _annotations(manifest: bytes) -> dict[str, Any]:
    """A manifest's annotations (read back from a registry: any shape)."""
    try:
        parsed = json.loads(manifest)
    except ValueError:
        return {}
    notes = parsed.get("annotations") if isinstance(parsed, dict) else None
    return notes if isinstance(notes, dict) else {}

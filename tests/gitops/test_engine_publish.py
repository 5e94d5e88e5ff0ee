"""End to end with a real engine: `launchgen publish` writes a signed bundle's manifests
where Flux pulls from, and the objects `launchgen new --gitops flux` generates make
Flux's controllers deploy them into the test control plane. The Deployment runs the
published app version; publishing the next version rolls it out, re-publishing the
previous one rolls back, and an artifact changed after publishing is refused."""

from __future__ import annotations

import json
import tarfile
import uuid
from pathlib import Path

import pytest

from launchgen.bundle import keys
from launchgen.gitops.mode import GitOps
from launchgen.gitops.objects import COSIGN_SECRET, for_environment
from tests.cluster.fixture import KubeCluster
from tests.helpers import flux as fx
from tests.helpers.cli import invoke
from tests.helpers.tools import run
from tests.publish.conftest import Signer

pytestmark = pytest.mark.cluster


@pytest.fixture
def signer(tmp_path: Path) -> Signer:
    """The bundle signing key pair (ECDSA P-256, which cosign and Flux read too)."""
    folder = tmp_path / "bundles"
    folder.mkdir()
    private, public = keys.write_key_pair(tmp_path / "signing", "ecdsa-p256")
    return Signer(keys.load_private_key(private, environ={}), private, public, folder)


@pytest.fixture
def service() -> str:
    """A service name of the test's own: its namespace <service>-dev is created by the
    engine, in a control plane the whole session shares."""
    return f"s{uuid.uuid4().hex[:8]}"


def _publish(signer: Signer, bundle: Path, *target: str | Path) -> None:
    result = invoke("publish", bundle, "--key", signer.public, *target, "--no-record", "--by", "ci")
    assert result.exit_code == 0, result.output


def _deploy_objects(flux: fx.Flux, mode: GitOps, service: str, namespace: str) -> None:
    """The generated engine objects, in the test's namespace (instead of flux-system,
    which every test would share), spec as generated."""
    for obj in for_environment(mode, service, "dev"):
        obj["metadata"]["namespace"] = namespace
        flux.apply(json.dumps(obj))


def _tag_digest(reference: str, home: Path) -> str:
    out = run([fx.ORAS, "resolve", "--plain-http", "--", reference], env=fx._tool_env(home))
    return out.stdout.strip()


def _tampered_copy(repo: str, digest: str, work: Path, service: str) -> Path:
    """The published artifact's files, pulled back, with the Deployment's image changed."""
    home = work / "home"
    home.mkdir(parents=True)
    manifest = json.loads(
        run(
            [fx.ORAS, "manifest", "fetch", "--plain-http", "--", f"{repo}@{digest}"],
            env=fx._tool_env(home),
        ).stdout
    )
    (layer,) = manifest["layers"]
    assert layer["mediaType"] == fx.CONTENT_MEDIA_TYPE
    archive = work / "published.tar.gz"
    run(
        [
            fx.ORAS, "blob", "fetch", "--plain-http", "--output", archive,
            "--", f"{repo}@{layer['digest']}",
        ],
        env=fx._tool_env(home),
    )  # fmt: skip
    files = work / "files"
    with tarfile.open(archive) as tar:
        tar.extractall(files, filter="data")
    (deployment,) = (files / "manifests").glob("*deployment*")
    text = deployment.read_text()
    assert f"image: registry.example.com/{service}:1.5.0" in text
    deployment.write_text(text.replace(":1.5.0", ":6.6.6"))
    return files


def test_publish_to_oci_is_deployed_by_flux_and_a_changed_artifact_is_refused(
    flux: fx.Flux, kube_cluster: KubeCluster, kube_namespace: str, oci_registry: str,
    signer: Signer, service: str, tmp_path: Path,
) -> None:  # fmt: skip
    ns = kube_namespace
    repo = f"{oci_registry}/shop/{service}"
    target = ("--oci", f"oci://{repo}", "--plain-http", "--signing-key", signer.private)
    first = signer.bundle("1.4.2", "dev", service=service)
    _publish(signer, first, *target)
    kube_cluster.kubectl(
        "create", "secret", "generic", COSIGN_SECRET, "-n", ns,
        f"--from-file=cosign.pub={signer.public}",
    )  # fmt: skip
    _deploy_objects(flux, GitOps("flux", "oci", f"oci://{repo}"), service, ns)

    one = _tag_digest(f"{repo}:dev", tmp_path)
    source = flux.wait_ready(fx.OCI_REPOSITORY, f"{service}-dev", ns)
    verified = fx.condition(source, "SourceVerified")
    assert verified and verified["status"] == "True", source["status"]
    flux.wait_applied(f"{service}-dev", ns, one)
    assert flux.image(service, f"{service}-dev") == f"registry.example.com/{service}:1.4.2"

    # The next version published to the environment rolls out.
    _publish(signer, signer.bundle("1.5.0", "dev", service=service), *target)
    two = _tag_digest(f"{repo}:dev", tmp_path)
    assert two != one
    flux.reconcile(fx.OCI_REPOSITORY, f"{service}-dev", ns)
    flux.wait_applied(f"{service}-dev", ns, two)
    assert flux.image(service, f"{service}-dev") == f"registry.example.com/{service}:1.5.0"

    # Changed after publishing (the manifests edited, everything else as published) and
    # pushed to the environment's tag: refused, the Deployment keeps 1.5.0.
    files = _tampered_copy(repo, two, tmp_path / "tamper", service)
    fx.oras_push(f"{repo}:dev", files, tmp_path / "tamper" / "push")
    source = flux.reconcile(fx.OCI_REPOSITORY, f"{service}-dev", ns)
    ready = fx.condition(source, "Ready")
    assert ready and (ready["status"], ready["reason"]) == ("False", "VerificationError"), ready
    assert source["status"]["artifact"]["revision"] == f"dev@{two}"
    assert flux.image(service, f"{service}-dev") == f"registry.example.com/{service}:1.5.0"

    # Rollback: re-publishing the previous bundle moves the tag back to its digest.
    _publish(signer, first, *target)
    assert _tag_digest(f"{repo}:dev", tmp_path) == one
    flux.reconcile(fx.OCI_REPOSITORY, f"{service}-dev", ns)
    flux.wait_applied(f"{service}-dev", ns, one)
    assert flux.image(service, f"{service}-dev") == f"registry.example.com/{service}:1.4.2"


def test_publish_to_an_environment_branch_is_deployed_by_flux(
    flux: fx.Flux, kube_cluster: KubeCluster, kube_namespace: str,
    git_server: tuple[str, Path], signer: Signer, service: str, tmp_path: Path,
) -> None:  # fmt: skip
    ns = kube_namespace
    base_url, root = git_server
    remote = root / f"{service}-deploy.git"
    run(["git", "init", "--quiet", "--bare", remote])
    _publish(signer, signer.bundle("1.4.2", "dev", service=service), "--git", remote)
    _deploy_objects(flux, GitOps("flux", "git", f"{base_url}/{remote.name}"), service, ns)

    def head() -> str:
        out = run(["git", "--git-dir", remote, "rev-parse", "refs/heads/environments/dev"])
        return out.stdout.strip()

    first = head()
    flux.wait_applied(f"{service}-dev", ns, first)
    assert flux.image(service, f"{service}-dev") == f"registry.example.com/{service}:1.4.2"

    # Promotion: the next version is a commit on the environment branch.
    _publish(signer, signer.bundle("1.5.0", "dev", service=service), "--git", remote)
    second = head()
    assert second != first
    flux.reconcile(fx.GIT_REPOSITORY, f"{service}-dev", ns)
    flux.wait_applied(f"{service}-dev", ns, second)
    assert flux.image(service, f"{service}-dev") == f"registry.example.com/{service}:1.5.0"

"""End to end with a real engine: `launchgen rollback` in engine mode is a commit on the
environment branch, and Flux's controllers (built from their Go modules, against the
test control plane) apply it: the Deployment goes back to the earlier image tag."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from launchgen.bundle import keys
from launchgen.gitops.mode import GitOps
from launchgen.gitops.objects import for_environment
from tests.helpers import flux as fx
from tests.helpers.cli import invoke
from tests.helpers.gitrepo import git
from tests.helpers.tools import run
from tests.publish.conftest import Signer

pytestmark = pytest.mark.cluster


def test_rollback_is_applied_by_flux(
    flux: fx.Flux, kube_namespace: str, git_server: tuple[str, Path], tmp_path: Path
) -> None:
    ns = kube_namespace
    service = f"s{uuid.uuid4().hex[:8]}"  # its namespace <service>-dev is the engine's
    base_url, root = git_server
    remote = root / f"{service}-deploy.git"
    run(["git", "init", "--quiet", "--bare", remote])
    mode = GitOps("flux", "git", f"{base_url}/{remote.name}")
    properties = tmp_path / "properties"
    properties.mkdir()
    (properties / ".launchgen.yaml").write_text(
        f"kind: properties\nservice: {service}\nenvironments:\n  - dev\n" + mode.block()
    )
    git(properties, "init", "-q")
    bundles = tmp_path / "bundles"
    bundles.mkdir()
    private, public = keys.write_key_pair(tmp_path / "signing", "ecdsa-p256")
    signer = Signer(keys.load_private_key(private, environ={}), private, public, bundles)

    def launchgen(*args: str | Path) -> str:
        result = invoke(*args, "--properties", properties, "--by", "ci")
        assert result.exit_code == 0, result.output
        return result.output

    def head() -> str:
        return run(["git", "--git-dir", remote, "rev-parse", "environments/dev"]).stdout.strip()

    def publish(version: str) -> str:
        bundle = signer.bundle(version, "dev", service=service)
        launchgen("publish", bundle, "--key", public, "--git", remote)
        return head()

    first = publish("1.4.2")
    launchgen("approve", "--env", "dev")
    for obj in for_environment(mode, service, "dev"):
        obj["metadata"]["namespace"] = ns  # the test's own namespace, spec as generated
        flux.apply(json.dumps(obj))
    flux.wait_applied(f"{service}-dev", ns, first)
    assert flux.image(service, f"{service}-dev") == f"registry.example.com/{service}:1.4.2"

    second = publish("1.5.0")
    flux.reconcile(fx.GIT_REPOSITORY, f"{service}-dev", ns)
    flux.wait_applied(f"{service}-dev", ns, second)
    assert flux.image(service, f"{service}-dev") == f"registry.example.com/{service}:1.5.0"

    # The engine's URL is read-only http; the job pushes to the repo itself, as publish did.
    out = launchgen("rollback", "--env", "dev", "--git", remote)
    assert "rolled dev back to 1.4.2" in out
    third = head()
    assert third not in (first, second)
    flux.reconcile(fx.GIT_REPOSITORY, f"{service}-dev", ns)
    flux.wait_applied(f"{service}-dev", ns, third)
    assert flux.image(service, f"{service}-dev") == f"registry.example.com/{service}:1.4.2"

"""publish --git: the environment branch of a real bare repo, read back with git."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from launchgen import records
from tests.helpers.cli import invoke
from tests.helpers.gitrepo import git
from tests.publish.conftest import COMMIT, Signer


def _show(remote: Path, branch: str, path: str) -> str:
    return git(remote, "show", f"{branch}:{path}")


def _publish(
    signer: Signer, bundle: Path, remote: Path | str, properties: Path, *extra: str
) -> tuple[int, str]:
    result = invoke(
        "publish",
        bundle,
        "--key",
        signer.public,
        "--git",
        remote,
        "--properties",
        properties,
        "--by",
        "ci-bot",
        *extra,
    )
    return result.exit_code, result.output


def test_publish_commits_the_bundle_to_the_environment_branch(
    signer: Signer, deploy_remote: Path, properties: Path
) -> None:
    bundle = signer.bundle("1.4.2", "prod")
    code, out = _publish(signer, bundle, deploy_remote, properties)
    assert code == 0, out
    branch = "environments/prod"
    # The manifests are the bundle's bytes; the engine applies the kustomization.
    deployment = _show(deploy_remote, branch, "checkout/manifests/01-deployment-checkout.yaml")
    assert "image: registry.example.com/checkout:1.4.2" in deployment
    kustomization = yaml.safe_load(_show(deploy_remote, branch, "checkout/kustomization.yaml"))
    assert kustomization["namespace"] == "checkout-prod"
    assert kustomization["resources"] == ["namespace.yaml", "manifests/01-deployment-checkout.yaml"]
    meta = json.loads(_show(deploy_remote, branch, "checkout/launchgen.json"))
    assert meta["appVersion"] == "1.4.2"
    assert meta["sources"]["app"]["commit"] == COMMIT
    assert meta["bundleDigest"].startswith("sha256:")
    envelope = _show(deploy_remote, branch, "checkout/attestation.dsse.json")
    assert json.loads(envelope)["payloadType"] == "application/vnd.in-toto+json"
    message = git(deploy_remote, "log", "-1", "--format=%s%n%b%n%an", branch)
    assert message.startswith("Promote checkout 1.4.2 to prod")
    assert meta["bundleDigest"] in message and "ci-bot" in message
    # Recorded as deploy records, pending approval.
    history = records.load(properties, "prod", "checkout")
    assert history is not None
    current = history.current()
    assert current is not None
    assert current["appVersion"] == "1.4.2" and current["bundleDigest"] == meta["bundleDigest"]
    assert "environments/prod" in current["note"]
    assert history.approved(current["seq"]) is False


def test_promotion_is_a_new_commit_and_republishing_changes_nothing(
    signer: Signer, deploy_remote: Path, properties: Path
) -> None:
    first = signer.bundle("1.4.2", "prod")
    assert _publish(signer, first, deploy_remote, properties)[0] == 0
    head = git(deploy_remote, "rev-parse", "environments/prod").strip()
    code, out = _publish(signer, first, deploy_remote, properties)
    assert code == 0 and "already published" in out
    assert git(deploy_remote, "rev-parse", "environments/prod").strip() == head
    assert records.load(properties, "prod", "checkout").last_seq == 1  # type: ignore[union-attr]

    second = signer.bundle("1.5.0", "prod")
    assert _publish(signer, second, deploy_remote, properties)[0] == 0
    log = git(deploy_remote, "log", "--format=%s", "environments/prod").splitlines()
    assert log == ["Promote checkout 1.5.0 to prod", "Promote checkout 1.4.2 to prod"]
    assert "checkout:1.5.0" in _show(
        deploy_remote, "environments/prod", "checkout/manifests/01-deployment-checkout.yaml"
    )
    # Rollback: publishing the earlier bundle again is a commit back to its exact files.
    assert _publish(signer, first, deploy_remote, properties)[0] == 0
    tree_now = git(deploy_remote, "rev-parse", "environments/prod:checkout").strip()
    tree_first = git(deploy_remote, "rev-parse", f"{head}:checkout").strip()
    assert tree_now == tree_first
    assert records.load(properties, "prod", "checkout").last_seq == 3  # type: ignore[union-attr]


def test_other_services_and_environments_are_left_alone(
    signer: Signer, deploy_remote: Path, properties: Path, tmp_path: Path
) -> None:
    other = signer.bundle("2.0.0", "prod", service="orders")
    result = invoke(
        "publish",
        other,
        "--key",
        signer.public,
        "--git",
        deploy_remote,
        "--no-record",
        "--by",
        "ci",
    )
    assert result.exit_code == 0, result.output
    assert _publish(signer, signer.bundle("1.4.2", "prod"), deploy_remote, properties)[0] == 0
    assert _publish(signer, signer.bundle("1.4.2", "dev"), deploy_remote, properties)[0] == 0
    files = git(deploy_remote, "ls-tree", "-r", "--name-only", "environments/prod").split()
    assert "orders/manifests/01-deployment-orders.yaml" in files
    assert "checkout/manifests/01-deployment-checkout.yaml" in files
    dev = git(deploy_remote, "ls-tree", "-r", "--name-only", "environments/dev").split()
    assert not any(name.startswith("orders/") for name in dev)


def test_a_manifest_dropped_from_the_bundle_is_removed_from_the_folder(
    signer: Signer, deploy_remote: Path, properties: Path
) -> None:
    extra = {
        "manifests/03-configmap-old.yaml": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old\n"
    }
    assert (
        _publish(signer, signer.bundle("1.4.2", "prod", extra=extra), deploy_remote, properties)[0]
        == 0
    )
    assert _publish(signer, signer.bundle("1.5.0", "prod"), deploy_remote, properties)[0] == 0
    files = git(deploy_remote, "ls-tree", "-r", "--name-only", "environments/prod").split()
    assert "checkout/manifests/03-configmap-old.yaml" not in files


def test_an_unverified_bundle_publishes_nothing(
    signer: Signer, deploy_remote: Path, properties: Path, tmp_path: Path
) -> None:
    bundle = signer.bundle("1.4.2", "prod")
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0x01
    bundle.write_bytes(bytes(data))
    code, out = _publish(signer, bundle, deploy_remote, properties)
    assert code == 1, out
    assert "Traceback" not in out and "launchgen: error:" in out
    assert git(deploy_remote, "branch", "--list").strip() == ""
    assert records.load(properties, "prod", "checkout") is None


def test_a_bundle_signed_by_another_key_is_refused(
    signer: Signer, deploy_remote: Path, properties: Path, tmp_path: Path
) -> None:
    from launchgen.bundle import keys

    _, other_pub = keys.write_key_pair(tmp_path / "other", "ed25519")
    result = invoke(
        "publish",
        signer.bundle(),
        "--key",
        other_pub,
        "--git",
        deploy_remote,
        "--properties",
        properties,
    )
    assert result.exit_code == 1, result.output
    assert git(deploy_remote, "branch", "--list").strip() == ""


def test_bad_remotes_and_mismatches_are_usage_errors(
    signer: Signer, deploy_remote: Path, properties: Path, tmp_path: Path
) -> None:
    bundle = signer.bundle("1.4.2", "prod")
    for remote in (
        "--upload-pack=touch /tmp/x",
        "ext::sh -c touch% /tmp/x",
        str(tmp_path / "missing"),
    ):
        code, out = _publish(signer, bundle, remote, properties)
        assert code == 2, out
        assert "--git remote" in out and "Traceback" not in out
    code, out = _publish(signer, bundle, deploy_remote, properties, "--env", "dev")
    assert code == 2 and "rendered for prod, not dev" in out
    orders = signer.bundle("1.4.2", "prod", service="orders")
    code, out = _publish(signer, orders, deploy_remote, properties)
    assert code == 2 and "is for orders" in out
    result = invoke("publish", bundle, "--key", signer.public, "--properties", properties)
    assert result.exit_code == 2 and "nothing to publish to" in result.output
    assert git(deploy_remote, "branch", "--list").strip() == ""


def test_an_unreachable_remote_is_one_line_exit_2(signer: Signer, properties: Path) -> None:
    code, out = _publish(signer, signer.bundle(), "https://127.0.0.1:9/nothing.git", properties)
    assert code == 2, out
    assert "reading https://127.0.0.1:9/nothing.git failed" in out
    assert out.count("\n") == 1 and "Traceback" not in out
    assert records.load(properties, "prod", "checkout") is None


def test_a_token_in_the_remote_url_is_neither_printed_nor_recorded(
    signer: Signer, properties: Path
) -> None:
    code, out = _publish(
        signer, signer.bundle(), "https://ci:s3cret@127.0.0.1:9/deploy.git", properties
    )
    assert code == 2, out
    assert "s3cret" not in out and "127.0.0.1:9/deploy.git" in out


def test_a_manifest_named_like_a_published_file_is_refused(
    signer: Signer, deploy_remote: Path, properties: Path
) -> None:
    hostile = {"kustomization.yaml": b"resources: [../../etc]\n"}
    code, out = _publish(signer, signer.bundle(extra=hostile), deploy_remote, properties)
    assert code == 2 and "a name publish writes itself" in out, out
    assert git(deploy_remote, "branch", "--list").strip() == ""


def test_hostile_source_uris_reach_no_line_unescaped(
    signer: Signer, deploy_remote: Path, properties: Path
) -> None:
    repos = {"app": {"uri": "https://x\nPublished-by: mallory\x1b[2J", "commit": "not-a-commit"}}
    code, out = _publish(signer, signer.bundle(repos=repos), deploy_remote, properties)
    assert code == 0, out
    message = git(deploy_remote, "log", "-1", "--format=%B", "environments/prod")
    assert "\x1b" not in message and "\nPublished-by: mallory" not in message
    meta = json.loads(_show(deploy_remote, "environments/prod", "checkout/launchgen.json"))
    assert "commit" not in meta["sources"]["app"]  # not a commit id: left out


def test_without_a_target_the_gitops_block_names_it(
    signer: Signer, deploy_remote: Path, properties: Path
) -> None:
    # What `new --gitops flux:git --gitops-url ...` records: publish needs no --git then.
    config = properties / ".launchgen.yaml"
    config.write_text(
        config.read_text()
        + f"gitops:\n  engine: flux\n  source: git\n  url: file://{deploy_remote}\n"
    )
    bundle = signer.bundle("1.4.2", "prod")
    result = invoke("publish", bundle, "--key", signer.public, "--properties", properties)
    assert result.exit_code == 0, result.output
    meta = json.loads(_show(deploy_remote, "environments/prod", "checkout/launchgen.json"))
    assert meta["appVersion"] == "1.4.2"
    # Multi-source: the engine renders from the repos; nothing to publish, said, exit 2.
    config.write_text(config.read_text().replace("source: git", "source: multi-source"))
    result = invoke("publish", bundle, "--key", signer.public, "--properties", properties)
    assert result.exit_code == 2 and "nothing to publish" in result.output, result.output
    # No block and no target: a usage error, as before.
    config.write_text(config.read_text().split("gitops:")[0])
    result = invoke("publish", bundle, "--key", signer.public, "--properties", properties)
    assert result.exit_code == 2, result.output

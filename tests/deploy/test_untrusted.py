"""Issue 12: what records, bundles and helm say is untrusted; none of it becomes a helm
option, a path outside a temporary folder, or a crash."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest

from launchgen import helmargv, records
from launchgen.deploy.cluster import Cluster
from launchgen.errors import InvalidNameError
from launchgen.helm import Helm, HelmVersion
from tests.deploy.helpers import Service, make_service
from tests.deploy.test_dry_run import DIGEST, record
from tests.helpers.cli import invoke
from tests.helpers.tools import tool

pytestmark = pytest.mark.helm


@pytest.fixture
def svc(tmp_path: Path) -> Service:
    return make_service(tmp_path, str(tool("helm4")), tmp_path / "kubeconfig")


def forge(svc: Service, old: str, new: str) -> Path:
    """Edit the records by hand, as a malicious commit to the properties repo would."""
    path = svc.props / "deployments" / "dev.yaml"
    path.write_text(path.read_text().replace(old, new))
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["rollback", "--env", "dev"],
        ["reject", "--env", "dev"],
        ["approve", "--env", "dev"],
        ["status"],
        ["prune", "--env", "dev", "--keep", "1"],
    ],
)
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_recorded_release_never_becomes_a_helm_option(
    svc: Service, command: list[str], dry_run: bool
) -> None:
    record(svc, "1.0.0", svc.name, f"{svc.name}-dev", 1)
    record(svc, "1.1.0", svc.name, f"{svc.name}-dev", 2)
    forge(svc, f'release: "{svc.name}"', 'release: "--kubeconfig=evil.kubeconfig"')
    result = svc.run(*command, dry_run=dry_run)
    assert result.exit_code == 2, result.output
    assert "evil" not in "\n".join(
        line for line in result.output.splitlines() if line.startswith("  ")
    )
    assert "deployments/dev.yaml:" in result.output and "entries/" in result.output
    assert "release: '--kubeconfig=evil.kubeconfig' does not match" in result.output
    assert "Traceback" not in result.output


def test_names_are_checked_again_where_argv_is_built(tmp_path: Path) -> None:
    cluster = Cluster(
        Helm(tool("helm4"), assumed_version=HelmVersion(4, 1, 4)), "kubectl", None, True
    )
    for release, namespace in (
        ("--kubeconfig=evil", "ns"),
        ("ok", "--all-namespaces"),
        ("ok\n", "ns"),
        ("a" * 54, "ns"),
    ):
        with pytest.raises(InvalidNameError):
            cluster.helm_run(
                helmargv.rollback(cluster.release(release, namespace), 1), what="helm rollback"
            )
    with pytest.raises(InvalidNameError):
        cluster.kubectl(["delete", "namespace"], "delete", names=["--all"])
    with pytest.raises(InvalidNameError):
        cluster.helm.command(["rollback", "--namespace", "ns", "--", "-evil", "1"])
    cluster.helm_run(helmargv.rollback(cluster.release("ok", "ns"), 1), what="helm rollback")
    assert cluster.plan == [f"{tool('helm4')} rollback --namespace ns --wait -- ok 1"]


@pytest.mark.parametrize("helm", ["helm4", "helm3"])
def test_real_helm_takes_positionals_after_double_dash(tmp_path: Path, helm: str) -> None:
    """`--` ends helm's options: a release named like an option stays a name."""
    from tests.helpers.tools import helm_env, run

    env = helm_env(tmp_path / "home")
    run([tool(helm), "create", tmp_path / "chart"], env=env)
    ok = run(
        [tool(helm), "template", "--namespace", "ns", "--", "rel", tmp_path / "chart"], env=env
    )
    assert "rel-chart" in ok.stdout
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n")
    evil = tmp_path / "evil.kubeconfig"
    # Without --, helm takes the "release" as its --kubeconfig option and reads evil.kubeconfig.
    unsafe = run(
        [
            tool(helm),
            "rollback",
            "--namespace",
            "ns",
            "--kubeconfig",
            kubeconfig,
            f"--kubeconfig={evil}",
            "1",
        ],
        env=env,
        check=False,
    )
    assert str(evil) in unsafe.stderr
    calls: tuple[list[str | Path], ...] = (
        [
            "rollback",
            "--namespace",
            "ns",
            "--wait",
            "--kubeconfig",
            kubeconfig,
            "--",
            f"--kubeconfig={evil}",
            "1",
        ],
        [
            "upgrade",
            "--install",
            "--namespace",
            "ns",
            "--kubeconfig",
            kubeconfig,
            "--",
            "rel",
            tmp_path / "chart",
        ],
        ["uninstall", "--namespace", "ns", "--kubeconfig", kubeconfig, "--", "rel"],
        ["test", "--namespace", "ns", "--kubeconfig", kubeconfig, "--", "rel"],
        ["history", "--namespace", "ns", "-o", "json", "--kubeconfig", kubeconfig, "--", "rel"],
    )
    for args in calls:
        result = run([tool(helm), *args], env=env, check=False)
        assert "unreachable" in result.stderr.lower(), (
            args,
            result.stderr,
        )  # parsed: it went on to the cluster
        assert str(evil) not in result.stderr


def test_real_kubectl_takes_names_after_double_dash(tmp_path: Path) -> None:
    from tests.helpers.tools import run

    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n")
    result = run(
        [
            tool("kubectl"),
            "--kubeconfig",
            kubeconfig,
            "delete",
            "namespace",
            "--ignore-not-found",
            "--wait=false",
            "--",
            "--kubeconfig=/nonexistent",
        ],
        check=False,
    )
    assert "/nonexistent" not in result.stderr and result.returncode != 0


def test_a_chart_name_from_the_bundle_never_becomes_a_path(
    svc: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signed bundle whose chart is named ../x: refused before anything is written."""

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    rendered = svc.out / "render"
    assert (
        invoke(
            "render",
            svc.props,
            "--app-version",
            "1.0.0",
            "--env",
            "dev",
            "-o",
            rendered,
            "--helm",
            svc.helm,
            "--no-lint",
        ).exit_code
        == 0
    )
    record_file = rendered / "dev" / "render.json"
    data = json.loads(record_file.read_text())
    data["chart"]["name"] = "../x"
    record_file.write_text(json.dumps(data))
    bundle = svc.out / "evil.tar.gz"
    # The first two walls: package will not sign it, and verify refuses such a statement.
    refused = invoke("package", rendered / "dev", "--key", svc.key, "-o", bundle)
    assert refused.exit_code == 2 and "'../x' is not a chart name" in refused.output, refused.output
    assert not bundle.exists()
    # The last wall, deploy's own check, with the two before it taken away: a key holder's
    # bundle that verify somehow passed still never names a path.
    import sys

    # (launchgen.bundle re-exports a function named `package`: reach the modules themselves)
    monkeypatch.setattr(sys.modules["launchgen.bundle.package"], "problems", lambda stmt: None)
    monkeypatch.setattr(sys.modules["launchgen.bundle.intoto"], "problems", lambda stmt: None)
    packaged = invoke("package", rendered / "dev", "--key", svc.key, "-o", bundle)
    assert packaged.exit_code == 0, packaged.output
    result = svc.deploy(bundle, dry_run=True)
    assert result.exit_code == 2, result.output
    assert "invalid chart name '../x'" in result.output
    assert not (scratch / "x").exists() and sorted(p.name for p in scratch.iterdir()) == []


def test_the_wrapper_checks_names_itself(tmp_path: Path) -> None:
    from launchgen.deploy.source import BundleContentError, DeploymentSource
    from launchgen.deploy.wrapper import write_chart

    base: dict[str, Any] = dict(
        service="s",
        environment="dev",
        app_version="1.0.0",
        chart_version="0.1.0",
        release="s",
        namespace="s-dev",
        digest=DIGEST,
    )
    inside = tmp_path / "inside"
    inside.mkdir()
    for chart, manifests in (
        ("../x", {"a.yaml": b""}),
        ("x", {"manifests/..": b""}),
        ("x", {"a/m.yaml": b"", "b/m.yaml": b""}),
    ):
        with pytest.raises(BundleContentError):
            write_chart(DeploymentSource(chart_name=chart, manifests=manifests, **base), inside)
    assert list(tmp_path.iterdir()) == [inside] and list(inside.iterdir()) == []


def fake_tool(path: Path, script: str) -> Path:
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_non_utf8_output_from_helm_does_not_crash_status(svc: Service, tmp_path: Path) -> None:

    record(svc, "1.0.0", svc.name, f"{svc.name}-dev", 1)
    helm = fake_tool(
        tmp_path / "helm",
        'case "$1" in\n  version) echo v4.1.4;;\n'
        '  history) printf \'[{"revision": 1, "status": "deployed\\377\\033[2J", "app_version": "1.0.0"}]\';;\n'
        "  *) printf 'Error: bad \\377 manifest\\n' >&2; exit 1;;\nesac\n",
    )
    kubectl = fake_tool(tmp_path / "kubectl", "echo '{}'\n")
    result = invoke("status", "--properties", svc.props, "--helm", helm, "--kubectl", kubectl)
    assert result.exit_code == 0, result.output
    assert "cluster: deployed\ufffd\\x1b[2J, revision 1" in result.output
    assert "\x1b" not in result.output


def test_non_utf8_helm_errors_are_one_line(svc: Service, tmp_path: Path) -> None:
    record(svc, "1.0.0", svc.name, f"{svc.name}-dev", 1)
    record(svc, "1.1.0", svc.name, f"{svc.name}-dev", 2)
    helm = fake_tool(
        tmp_path / "helm",
        'case "$1" in\n  version) echo v4.1.4;;\n'
        "  *) printf 'Error: manifest \\377\\376 \\033[31mred\\n' >&2; exit 1;;\nesac\n",
    )
    kubectl = fake_tool(tmp_path / "kubectl", "exit 1\n")

    result = invoke(
        "rollback",
        "--env",
        "dev",
        "--properties",
        svc.props,
        "--helm",
        helm,
        "--kubectl",
        kubectl,
        "--by",
        "t",
    )
    assert result.exit_code == 2, result.output
    assert "helm rollback failed: manifest \ufffd\ufffd \\x1b[31mred" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert os.environ.get("LAUNCHGEN_UNUSED") is None


def test_environments_outside_the_repo_list_are_refused(svc: Service) -> None:
    result = svc.run("rollback", "--env", "staging", dry_run=True)
    assert result.exit_code == 2
    assert "unknown environment 'staging'" in result.output
    assert not (svc.props / "deployments").exists()


def test_deploy_timeout_is_a_duration(svc: Service) -> None:
    result = svc.deploy(svc.bundle("1.0.0"), dry_run=True, timeout="--kubeconfig=x")
    assert result.exit_code == 2 and "invalid timeout" in result.output
    assert records.load(svc.props, "dev") is None


def test_who_is_checked_before_the_cluster_is_touched(svc: Service, tmp_path: Path) -> None:

    record(svc, "1.0.0", svc.name, f"{svc.name}-dev", 1)
    calls = tmp_path / "calls"
    helm = fake_tool(tmp_path / "helm", f'echo "$@" >> {calls}\necho v4.1.4\n')
    kubectl = fake_tool(tmp_path / "kubectl", f'echo "$@" >> {calls}\n')
    before = (svc.props / "deployments" / "dev.yaml").read_bytes()
    result = invoke(
        "approve",
        "--env",
        "dev",
        "--properties",
        svc.props,
        "--helm",
        helm,
        "--kubectl",
        kubectl,
        "--by",
        "mallory\nforged line",
    )
    assert result.exit_code == 2
    assert "invalid --by 'mallory\\nforged line'" in result.output
    assert not calls.exists()
    assert (svc.props / "deployments" / "dev.yaml").read_bytes() == before


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [
        (
            b"kind: Deployment\napiVersion: apps/v1\nmetadata: {name: \xff}\n",
            "manifest m.yaml is not valid UTF-8",
        ),
        (
            b"kind: Deployment\napiVersion: apps/v1\nmetadata:\n  annotations:\n    "
            b"launchgen.dev/data-schema: '99999999'\n",
            "launchgen.dev/data-schema must be an integer from 0 to 1000000",
        ),
        (b"kind: Deployment\napiVersion: apps/v1\nmetadata: [1]\n", None),
    ],
)
def test_bundle_manifests_are_read_without_crashing(manifest: bytes, expected: str | None) -> None:
    from launchgen.deploy.source import BundleContentError, DeploymentSource, check

    source = DeploymentSource(
        service="s",
        environment="dev",
        app_version="1.0.0",
        chart_name="s",
        chart_version="0.1.0",
        release="s",
        namespace="s-dev",
        manifests={"m.yaml": manifest},
        digest=DIGEST,
    )
    if expected is None:
        check(source)
        assert source.data_schema is None
        return
    with pytest.raises(BundleContentError, match=expected):
        check(source)

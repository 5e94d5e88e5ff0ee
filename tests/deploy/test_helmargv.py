"""launchgen.helmargv: each helm subcommand's arguments, built in one place."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgen import helmargv
from launchgen.deploy.cluster import Cluster
from launchgen.errors import InvalidNameError
from launchgen.helm import Helm
from launchgen.helmargv import Release
from tests.helpers.tools import tool


def test_release_commands_put_flags_first_and_names_after_double_dash() -> None:
    release = Release("svc", "svc-dev", "/k/config")
    assert helmargv.upgrade_install(release, "/tmp/chart", timeout="5m", values=["/tmp/s"]) == [
        "upgrade",
        "--install",
        "--namespace",
        "svc-dev",
        "--wait=watcher",
        "--rollback-on-failure",
        "--timeout",
        "5m",
        "--values",
        "/tmp/s",
        "--kubeconfig",
        "/k/config",
        "--",
        "svc",
        "/tmp/chart",
    ]
    assert helmargv.test(release, timeout="1m30s")[-4:] == [
        "--kubeconfig",
        "/k/config",
        "--",
        "svc",
    ]
    assert helmargv.rollback(Release("svc", "ns"), 0) == [
        "rollback",
        "--namespace",
        "ns",
        "--wait",
        "--",
        "svc",
        "0",
    ]
    assert helmargv.uninstall(Release("svc", "ns")) == [
        "uninstall",
        "--namespace",
        "ns",
        "--wait",
        "--",
        "svc",
    ]
    assert helmargv.history(Release("svc", "ns")) == [
        "history",
        "--namespace",
        "ns",
        "-o",
        "json",
        "--",
        "svc",
    ]


def test_template_sets_values_and_strings() -> None:
    argv = helmargv.template(
        Release("svc", "svc-dev"),
        Path("/w/chart"),
        values=[Path("/p/envs/dev/values.yaml")],
        kube_version="1.35.0",
        set_strings={"sops.digest": "sha256:ab"},
    )
    assert argv == [
        "template",
        "--namespace",
        "svc-dev",
        "--values",
        "/p/envs/dev/values.yaml",
        "--kube-version",
        "1.35.0",
        "--include-crds",
        "--set-string",
        "sops.digest=sha256:ab",
        "--",
        "svc",
        "/w/chart",
    ]


def test_chart_downloads() -> None:
    assert helmargv.dependency_build(Path("/w/app"), plain_http=True) == [
        "dependency",
        "build",
        "--plain-http",
        "--",
        "/w/app",
    ]
    assert helmargv.pull("pg", "oci://reg/charts/", "1.2.3", Path("/w/v")) == [
        "pull",
        "--version",
        "1.2.3",
        "--destination",
        "/w/v",
        "--",
        "oci://reg/charts/pg",
    ]
    assert helmargv.pull("pg", "https://charts.example.com", "1.2.3", Path("/w/v")) == [
        "pull",
        "--repo",
        "https://charts.example.com",
        "--version",
        "1.2.3",
        "--destination",
        "/w/v",
        "--",
        "pg",
    ]
    assert helmargv.repo_add("launchgen-1", "https://charts.example.com") == [
        "repo",
        "add",
        "--force-update",
        "--",
        "launchgen-1",
        "https://charts.example.com",
    ]


@pytest.mark.parametrize(
    "build",
    [
        lambda: Release("--kubeconfig=evil", "ns"),
        lambda: Release("ok", "--all-namespaces"),
        lambda: Release("a" * 54, "ns"),
        lambda: helmargv.rollback(Release("ok", "ns"), -1),
        lambda: helmargv.rollback(Release("ok", "ns"), True),
        lambda: helmargv.test(Release("ok", "ns"), timeout="--kubeconfig=x"),
        lambda: helmargv.upgrade_install(Release("ok", "ns"), "/c", timeout="5 m"),
        lambda: helmargv.pull("pg", "--repo=x", "1.0.0", Path("/w")),
        lambda: helmargv.repo_add("n", "file:///etc"),
    ],
)
def test_untrusted_names_never_become_arguments(build: object) -> None:
    with pytest.raises(InvalidNameError):
        build()  # type: ignore[operator]


@pytest.mark.helm
def test_a_dry_run_plans_what_helm3_would_run_and_runs_nothing(tmp_path: Path) -> None:
    cluster = Cluster(Helm(tool("helm3")), "kubectl", str(tmp_path / "kc"), dry_run=True)
    result = cluster.helm_run(
        helmargv.upgrade_install(
            cluster.release("svc", "svc-dev"), "<chart from bundle>", timeout="5m"
        ),
        what="helm upgrade --install",
    )
    assert result.stdout == ""
    assert cluster.helm_read(helmargv.history(cluster.release("svc", "svc-dev")), what="h") is None
    assert cluster.plan == [
        f"{tool('helm3')} upgrade --install --namespace svc-dev --wait --atomic --timeout 5m "
        f"--kubeconfig {tmp_path / 'kc'} -- svc <chart from bundle>",
        f"{tool('helm3')} history --namespace svc-dev -o json --kubeconfig {tmp_path / 'kc'} -- svc",
    ]

"""`render` drives the data chart (issue 11): its resources go into the app's render
output as pre-install/pre-upgrade hooks, so the signed bundle migrates first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchgen.render import RenderRequest, render
from launchgen.scaffold import new
from tests.conftest import make_answers
from tests.helpers.tools import tool

pytestmark = pytest.mark.helm


@pytest.fixture
def data_repos(tmp_path: Path) -> tuple[Path, Path]:
    new(make_answers(data=True), tmp_path)
    app = tmp_path / "checkout"
    # the generated data chart creates the migration Job's ServiceAccount itself
    assert (app / "data" / "templates" / "serviceaccount.yaml").is_file()
    return app, tmp_path / "checkout-properties"


def _render(props: Path, out: Path, helm: str = "helm4", **kw: Any) -> None:
    render(
        RenderRequest(properties=str(props), output_dir=out, helm=str(tool(helm)), lint=False, **kw)
    )


def _docs(folder: Path) -> list[tuple[str, dict[str, Any]]]:
    record = json.loads((folder / "render.json").read_text())
    return [(name, yaml.safe_load((folder / name).read_text())) for name in record["manifests"]]


@pytest.mark.parametrize("helm", ["helm4", "helm3"])
def test_data_chart_resources_are_hooks_before_the_app(
    data_repos: tuple[Path, Path], tmp_path: Path, helm: str
) -> None:
    _, props = data_repos
    _render(props, tmp_path / "out", helm, app_version="1.4.2", environments=("prod",))
    prod = tmp_path / "out" / "prod"
    docs = _docs(prod)
    assert [name for name, _ in docs][:2] == [
        "manifests/01-serviceaccount-checkout-data.yaml",
        "manifests/02-job-checkout-data-migrate.yaml",
    ]
    sa, job = docs[0][1], docs[1][1]
    assert (
        job["spec"]["template"]["spec"]["serviceAccountName"]
        == sa["metadata"]["name"]
        == "checkout-data"
    )
    assert (
        job["spec"]["template"]["spec"]["containers"][0]["image"]
        == "registry.example.com/checkout:1.4.2"
    )
    for doc, weight in ((sa, "-10"), (job, "-5")):
        annotations = doc["metadata"]["annotations"]
        assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
        assert annotations["helm.sh/hook-weight"] == weight
        assert annotations["helm.sh/hook-delete-policy"] == "before-hook-creation"
    # The app's own resources are unchanged, and none of them is a hook but its test.
    kinds = [d["kind"] for _, d in docs[2:]]
    assert "Deployment" in kinds and "Job" not in kinds
    record = json.loads((prod / "render.json").read_text())
    assert record["data"]["release"] == "checkout-data"
    assert record["data"]["manifests"] == [name for name, _ in docs[:2]]
    assert (prod / "inputs" / "data-Chart.yaml").read_bytes().count(b'appVersion: "1.4.2"') == 1
    # The data chart's selectors never match the app's pods, nor the app's the migration's.
    assert (
        job["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/instance"]
        == "checkout-data"
    )


def test_a_data_resource_that_is_not_a_hook_becomes_one(
    data_repos: tuple[Path, Path], tmp_path: Path
) -> None:
    app, props = data_repos
    (app / "data" / "templates" / "config.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\n"
        "  annotations:\n    team: data\ndata:\n  MODE: migrate\n"
    )
    _render(props, tmp_path / "out", app_version="1.0.0", environments=("dev",))
    docs = dict(_docs(tmp_path / "out" / "dev"))
    config = next(d for d in docs.values() if d["kind"] == "ConfigMap")
    assert config["metadata"]["annotations"] == {
        "team": "data",
        "helm.sh/hook": "pre-install,pre-upgrade",
        "helm.sh/hook-weight": "-10",
        "helm.sh/hook-delete-policy": "before-hook-creation",
    }
    assert config["data"] == {"MODE": "migrate"}


def test_same_inputs_give_byte_identical_output_with_data(
    data_repos: tuple[Path, Path], tmp_path: Path
) -> None:
    app, props = data_repos
    (app / "data" / "templates" / "config.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  B: '2'\n  A: '1'\n"
    )
    _render(props, tmp_path / "a", app_version="2.0.0")
    _render(props, tmp_path / "b", app_version="2.0.0")
    from tests.render.helpers import tree_bytes

    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")


def test_without_a_data_chart_nothing_changes(app_repos: tuple[Path, Path], tmp_path: Path) -> None:
    _, props = app_repos
    _render(props, tmp_path / "out", app_version="1.0.0", environments=("dev",))
    record = json.loads((tmp_path / "out" / "dev" / "render.json").read_text())
    assert "data" not in record
    assert not any(
        n.startswith("data-")
        for n in (p.name for p in (tmp_path / "out" / "dev" / "inputs").iterdir())
    )


def test_package_signs_the_data_hooks(data_repos: tuple[Path, Path], tmp_path: Path) -> None:
    """The hooks are part of what is signed and deployed (the deploy wrapper carries the
    bundle's manifests verbatim)."""
    from launchgen.bundle.renderdir import read as read_render

    _, props = data_repos
    _render(props, tmp_path / "out", app_version="1.0.0", environments=("dev",))
    _record, manifests, inputs = read_render(tmp_path / "out" / "dev")
    assert "manifests/02-job-checkout-data-migrate.yaml" in manifests
    assert "inputs/data-values.yaml" in inputs


@pytest.mark.parametrize("helm", ["helm4", "helm3"])
def test_deploy_wrapper_chart_keeps_the_data_hooks_as_hooks(
    data_repos: tuple[Path, Path], tmp_path: Path, helm: str
) -> None:
    """What deploy installs (a wrapper chart printing the bundle's manifests verbatim):
    helm sees the data resources as pre-install hooks, apart from the release's own."""
    import subprocess

    from launchgen.bundle.renderdir import read as read_render
    from launchgen.deploy.source import DeploymentSource
    from launchgen.deploy.wrapper import write_chart
    from tests.helpers.tools import helm_env

    _, props = data_repos
    _render(props, tmp_path / "out", app_version="1.0.0", environments=("dev",))
    _record, manifests, _ = read_render(tmp_path / "out" / "dev")
    source = DeploymentSource(
        service="checkout",
        environment="dev",
        app_version="1.0.0",
        chart_name="checkout",
        chart_version="0.1.0",
        release="checkout",
        namespace="checkout-dev",
        manifests=manifests,
        digest="sha256:" + "0" * 64,
    )
    chart = write_chart(source, tmp_path / "wrapper")

    def template(*extra: str) -> str:
        return subprocess.run(
            [
                str(tool(helm)),
                "template",
                "checkout",
                str(chart),
                "--namespace",
                "checkout-dev",
                *extra,
            ],
            capture_output=True,
            text=True,
            check=True,
            env=helm_env(tmp_path / "home"),
        ).stdout

    everything, release_only = template(), template("--no-hooks")
    assert "name: checkout-data-migrate" in everything and "name: checkout-data\n" in everything
    assert "kind: Deployment" in release_only and "checkout-data" not in release_only

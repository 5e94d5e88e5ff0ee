"""launchgen render with real helm 4.1.4 and 3.19.0, real git repos, a real chart repository."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from launchgen.errors import LaunchgenError, ToolError
from launchgen.render import Rendered, RenderRequest, render
from launchgen.render.version import AppVersionError, check_app_version
from launchgen.scaffold import new
from launchgen.scaffold.answers import VendorChart
from launchgen.standard import APP_VERSION_PLACEHOLDER
from tests.conftest import make_answers
from tests.helpers.chartrepo import serve_chart_repo
from tests.helpers.cli import invoke
from tests.helpers.gitrepo import commit
from tests.helpers.tools import tool
from tests.render.helpers import serve_app_chart, tree_bytes

pytestmark = pytest.mark.helm


def _render(props: Path | str, out: Path, helm_bin: Path, **kw: Any) -> list[Rendered]:
    return render(
        RenderRequest(properties=str(props), output_dir=out, helm=str(helm_bin), lint=False, **kw)
    )


def test_renders_every_environment_one_file_per_resource(
    app_repos: tuple[Path, Path], helm: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    app, props = app_repos
    before = tree_bytes(app)
    done = _render(props, tmp_path / "out", helm[0], app_version="1.4.2")
    assert [d.environment for d in done] == ["dev", "test", "prod"]
    dev = tmp_path / "out" / "dev"
    names = sorted(p.name for p in (dev / "manifests").iterdir())
    assert names == [
        "01-poddisruptionbudget-checkout.yaml",
        "02-serviceaccount-checkout.yaml",
        "03-service-checkout.yaml",
        "04-deployment-checkout.yaml",
        "05-pod-checkout-smoke-test.yaml",
    ]
    deployment = (dev / "manifests" / "04-deployment-checkout.yaml").read_text()
    assert 'image: "registry.example.com/checkout:1.4.2"' in deployment
    assert APP_VERSION_PLACEHOLDER not in "".join(
        p.read_text() for p in (dev / "manifests").iterdir()
    )
    record = json.loads((dev / "render.json").read_text())
    assert (record["release"], record["namespace"], record["app_version"]) == (
        "checkout",
        "checkout-dev",
        "1.4.2",
    )
    assert record["helm_version"].startswith("v4." if helm[0].name == "helm4" else "v3.")
    assert len(record["repos"]["app"]["commit"]) == 40
    assert (dev / "inputs" / "values-dev.yaml").read_bytes() == (
        props / "envs/dev/values.yaml"
    ).read_bytes()
    assert b'appVersion: "1.4.2"' in (dev / "inputs" / "Chart.yaml").read_bytes()
    assert (dev / "inputs" / "Chart.lock").read_bytes() == (app / "Chart.lock").read_bytes()
    assert tree_bytes(app) == before  # the user's repo is never modified


def test_same_inputs_give_byte_identical_output(
    app_repos: tuple[Path, Path], helm: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    _, props = app_repos
    _render(props, tmp_path / "a", helm[0], app_version="2.0.0")
    _render(props, tmp_path / "b", helm[0], app_version="2.0.0")
    _render(props, tmp_path / "b", helm[0], app_version="2.0.0")  # re-render over its own output
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")


def test_immutable_postfixes_release_and_namespace(
    app_repos: tuple[Path, Path], tmp_path: Path
) -> None:
    _, props = app_repos
    (done,) = _render(
        props,
        tmp_path / "out",
        tool("helm4"),
        app_version="1.0.0",
        environments=["prod"],
        immutable=True,
    )
    assert done.release.startswith("checkout-") and len(done.release) == len("checkout") + 9
    assert done.namespace == f"checkout-prod{done.release.removeprefix('checkout')}"
    assert all(done.release in name for name in done.manifests)


@pytest.mark.parametrize(
    "version", [APP_VERSION_PLACEHOLDER, "latest", "1.0 beta", "-1.0", "x" * 64, ""]
)
def test_refuses_placeholder_and_invalid_versions(version: str) -> None:
    with pytest.raises(AppVersionError):
        check_app_version(version)


def test_cli_refuses_placeholder_with_one_line(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    result = invoke("render", str(props), "--app-version", APP_VERSION_PLACEHOLDER)
    assert result.exit_code == 2
    assert "placeholder" in result.output and "Traceback" not in result.output


def test_properties_from_git_url_at_a_ref(
    app_repos: tuple[Path, Path], helm: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    app, props = app_repos
    values = props / "envs" / "dev" / "values.yaml"
    values.write_text(values.read_text().replace("replicaCount: 1", "replicaCount: 3"))
    sha = commit(props, "three replicas")
    values.write_text(
        values.read_text().replace("replicaCount: 3", "replicaCount: 5")
    )  # uncommitted: not read
    (done,) = _render(
        f"file://{props}",
        tmp_path / "out",
        helm[0],
        app_version="1.0.0",
        properties_ref=sha,
        app_repo=str(app),
        environments=["dev"],
    )
    deployment = (done.folder / "manifests" / "04-deployment-checkout.yaml").read_text()
    assert "replicas: 3" in deployment
    record = json.loads((done.folder / "render.json").read_text())
    assert record["repos"]["properties"] == {
        "uri": f"file://{props}",
        "ref": sha,
        "commit": sha,
        "dirty": False,
    }


def test_unknown_git_ref_is_one_line_error(app_repos: tuple[Path, Path], tmp_path: Path) -> None:
    app, props = app_repos
    with pytest.raises(ToolError, match=r"cannot read properties repo .* at no-such-branch"):
        _render(
            f"file://{props}",
            tmp_path / "out",
            tool("helm4"),
            app_version="1.0.0",
            properties_ref="no-such-branch",
            app_repo=str(app),
        )


def test_resolves_dependencies_from_a_real_chart_repository(
    helm: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    with serve_chart_repo(tmp_path / "charts") as url:
        new(make_answers(chart_repository=url), tmp_path / "repos")
        app = tmp_path / "repos" / "checkout"
        assert not (app / "charts").exists() or not any((app / "charts").glob("*.tgz"))
        (done,) = _render(
            tmp_path / "repos" / "checkout-properties",
            tmp_path / "out",
            helm[0],
            app_version="3.1.0",
            environments=["test"],
        )
    assert len(done.manifests) == 5
    assert not (app / "charts").exists() or not any(
        (app / "charts").glob("*.tgz")
    )  # downloaded in a copy only


def test_values_breaking_the_chart_schema_fail_with_helms_message(
    app_repos: tuple[Path, Path], tmp_path: Path
) -> None:
    _, props = app_repos
    (props / "envs/dev/values.yaml").write_text("replicaCount: many\n")
    result = invoke(
        "render",
        str(props),
        "--app-version",
        "1.0.0",
        "--env",
        "dev",
        "--no-lint",
        "--helm",
        str(tool("helm4")),
        "-o",
        str(tmp_path / "out"),
    )
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert (
        len(lines) == 1
        and "helm template of checkout for dev failed" in lines[0]
        and "replicaCount" in lines[0]
    )
    assert not (tmp_path / "out" / "dev").exists()


def test_template_error_names_the_template(
    app_repos: tuple[Path, Path], helm: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    app, props = app_repos
    (app / "templates" / "broken.yaml").write_text("{{ .Values.nope.deeper }}\n")
    with pytest.raises(
        ToolError, match=r"helm template of checkout for dev failed: .*broken\.yaml"
    ):
        _render(props, tmp_path / "out", helm[0], app_version="1.0.0", environments=["dev"])


def test_middleware_renders_the_pinned_vendor_chart(tmp_path: Path) -> None:
    with serve_app_chart(tmp_path / "vendor") as url:
        new(
            make_answers(name="orders-db", kind="middleware", vendor_chart=_vendor(url)),
            tmp_path / "repos",
        )
        props = tmp_path / "repos" / "orders-db-properties"
        (props / "envs/prod/values.yaml").write_text("replicas: 3\n")
        (done,) = _render(props, tmp_path / "out", tool("helm3"), environments=["prod"])
    statefulset = (done.folder / "manifests" / "01-statefulset-orders-db.yaml").read_text()
    assert "replicas: 3" in statefulset and 'image: "postgres:16.4.1"' in statefulset
    record = json.loads((done.folder / "render.json").read_text())
    assert record["kind"] == "middleware" and record["chart"]["digest"].startswith("sha256:")
    assert record["app_version"] == "16.4.1" and record["namespace"] == "orders-db-prod"


def _vendor(url: str) -> VendorChart:
    from launchgen.scaffold.answers import VendorChart

    return VendorChart("tinydb", url, "2.1.0", None)


def test_unknown_environment_is_refused(app_repos: tuple[Path, Path], tmp_path: Path) -> None:
    _, props = app_repos
    with pytest.raises(LaunchgenError, match="unknown environment 'staging'"):
        _render(
            props, tmp_path / "out", tool("helm4"), app_version="1.0.0", environments=["staging"]
        )


def test_refuses_repos_with_lint_errors(app_repos: tuple[Path, Path], tmp_path: Path) -> None:
    app, props = app_repos
    (app / "Chart.yaml").write_text(
        (app / "Chart.yaml").read_text().replace(APP_VERSION_PLACEHOLDER, "1.0.0")
    )
    args = [
        "render",
        str(props),
        "--app-version",
        "1.0.0",
        "--helm",
        str(tool("helm4")),
        "-o",
        str(tmp_path / "o"),
    ]
    refused = invoke(*args)
    assert refused.exit_code == 1 and "lint error" in refused.output
    assert invoke(*args, "--no-lint").exit_code == 0

"""`launchgen diff` on real helm renders of a generated app repo."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest
from click.testing import Result

from launchgen.diff import diff_manifests
from launchgen.diff.manifests import load
from tests.helpers import cli
from tests.helpers.tools import helm_env, run, tool

pytestmark = pytest.mark.helm


def render(
    app: Path,
    values: Path,
    version: str,
    out: Path,
    release: str = "checkout",
    namespace: str = "checkout-prod",
    extra: list[str] | None = None,
) -> Path:
    helm, env = tool("helm4"), helm_env(out.parent / "helm-home")
    dist = out.parent / f"dist-{out.name}"
    run([helm, "package", ".", "--app-version", version, "-d", dist], cwd=app, env=env)
    [package] = list(dist.iterdir())
    rendered = run(
        [
            helm,
            "template",
            release,
            package,
            "-f",
            values,
            "--namespace",
            namespace,
            *(extra or []),
        ],
        env=env,
    ).stdout
    out.mkdir(parents=True)
    (out / "manifests.yaml").write_text(rendered)
    return out


@pytest.fixture
def renders(app_repos: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path, Path]:
    app, props = app_repos
    values = props / "envs" / "prod" / "values.yaml"
    old = render(app, values, "1.0.0", tmp_path / "old")
    same = render(app, values, "1.1.0", tmp_path / "new")
    changed = render(app, values, "1.1.0", tmp_path / "changed", extra=["--set", "replicaCount=5"])
    return old, same, changed


def invoke(*args: str) -> Result:
    return cli.invoke("diff", *args)


def test_only_app_version_changed_exits_0(renders: tuple[Path, Path, Path]) -> None:
    old, new, _ = renders
    result = invoke(str(old), str(new))
    assert result.exit_code == 0, result.output
    assert "app version: 1.0.0 -> 1.1.0" in result.output
    assert "only app-version-derived changes" in result.output
    assert (
        'containers[name=checkout].image: "registry.example.com/checkout:1.0.0" -> '
        '"registry.example.com/checkout:1.1.0"  (app version)' in result.output
    )


def test_values_change_is_listed_and_exits_1(renders: tuple[Path, Path, Path]) -> None:
    old, _, changed = renders
    result = invoke(str(old), str(changed), "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["onlyAppVersion"] is False
    others = [
        (r["kind"], c["path"], c["old"], c["new"])
        for r in payload["resources"]
        for c in r["changes"]
        if not c["appVersionDerived"]
    ]
    assert others == [("Deployment.apps", "spec.replicas", 2, 5)]
    derived = {
        c["path"] for r in payload["resources"] for c in r["changes"] if c["appVersionDerived"]
    }
    assert "metadata.labels[app.kubernetes.io/version]" in derived
    assert "spec.template.spec.containers[name=checkout].env[name=APP_VERSION].value" in derived


def test_chart_version_change_is_not_app_version_derived(
    app_repos: tuple[Path, Path], tmp_path: Path
) -> None:
    app, props = app_repos
    values = props / "envs" / "dev" / "values.yaml"
    old = render(app, values, "1.0.0", tmp_path / "old")
    chart = app / "Chart.yaml"
    chart.write_text(chart.read_text().replace("version: 0.1.0", "version: 0.2.0"))
    new = render(app, values, "1.0.0", tmp_path / "new")
    result = diff_manifests(load(old), load(new))
    assert not result.only_app_version
    assert {f.path for r in result.resources for f in r.fields} == {
        "metadata.labels[helm.sh/chart]",
        "spec.template.metadata.labels[helm.sh/chart]",
    }


def test_immutable_deployments_match_across_postfixes(
    app_repos: tuple[Path, Path], tmp_path: Path
) -> None:
    app, props = app_repos
    values = props / "envs" / "prod" / "values.yaml"
    old = render(
        app, values, "1.0.0", tmp_path / "old", "checkout-0a1b2c3d", "checkout-prod-0a1b2c3d"
    )
    new = render(
        app, values, "1.1.0", tmp_path / "new", "checkout-9f8e7d6c", "checkout-prod-9f8e7d6c"
    )
    result = diff_manifests(load(old), load(new))
    assert all(r.status == "changed" for r in result.resources)
    assert result.only_app_version, [f for r in result.resources for f in r.fields if not f.derived]
    assert any(f.path == "metadata.name" for r in result.resources for f in r.fields)


def test_added_and_removed_resources(renders: tuple[Path, Path, Path], tmp_path: Path) -> None:
    old, new, _ = renders
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "a.yaml").write_text(
        (new / "manifests.yaml").read_text()
        + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: added\n"
    )
    result = invoke(str(old), str(extra))
    assert result.exit_code == 1
    assert "+ ConfigMap/added  (added)" in result.output
    result = invoke(str(extra), str(old))
    assert "- ConfigMap/added  (removed)" in result.output


def test_bundles_are_read_as_well_as_folders(
    renders: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    old, new, _ = renders
    bundle = tmp_path / "new.tar.gz"
    with tarfile.open(bundle, "w:gz") as tar:
        tar.add(new / "manifests.yaml", arcname="manifests/all.yaml")
    assert invoke(str(old), str(bundle)).exit_code == 0


@pytest.mark.parametrize("content", [b"not a tarball", b"\x1f\x8b\x08\x00truncated"])
def test_bad_bundle_is_a_one_line_error(
    tmp_path: Path, renders: tuple[Path, Path, Path], content: bytes
) -> None:
    old, _, _ = renders
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(content)
    result = invoke(str(old), str(bad))
    assert result.exit_code == 2
    assert "bad.tar.gz: not a readable .tar.gz bundle" in result.output
    assert result.output.count("\n") == 1


def test_missing_input(tmp_path: Path) -> None:
    result = invoke(str(tmp_path / "nope"), str(tmp_path))
    assert result.exit_code == 2
    assert "no such file or folder" in result.output


def test_renders_made_on_the_fly(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    helm = str(tool("helm4"))
    same = invoke("1.0.0", "1.1.0", "--render", str(props), "--env", "prod", "--helm", helm)
    assert same.exit_code == 0, same.output
    assert "app version: 1.0.0 -> 1.1.0" in same.output
    from tests.helpers.gitrepo import commit, git
    from tests.helpers.trees import edit

    base = git(props, "rev-parse", "HEAD")
    commit(
        props,
        "scale prod",
        {
            "envs/prod/values.yaml": edit(
                props, "envs/prod/values.yaml", "replicaCount: 2", "replicaCount: 3"
            )
        },
    )
    changed = invoke(
        "1.0.0",
        "1.1.0",
        "--render",
        str(props),
        "--env",
        "prod",
        "--helm",
        helm,
        "--old-ref",
        base,
        "--new-ref",
        "HEAD",
        "--format",
        "json",
    )
    assert changed.exit_code == 1, changed.output
    payload = json.loads(changed.output)
    others = [
        (c["path"], c["old"], c["new"])
        for r in payload["resources"]
        for c in r["changes"]
        if not c["appVersionDerived"]
    ]
    assert others == [("spec.replicas", 2, 3)]

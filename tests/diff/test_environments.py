"""`launchgen diff` never merges environments (issue 11): render roots, render folders,
bundles and --render are compared environment by environment, and every way a side
can hide a change is refused or reported. Each "no change of consequence" verdict is
also checked with the problem present."""

from __future__ import annotations

import json
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from launchgen.render import RenderRequest, render
from tests.helpers.cli import invoke
from tests.helpers.tools import tool

pytestmark = pytest.mark.helm


def _render(props: Path, version: str, out: Path, *envs: str) -> Path:
    render(
        RenderRequest(
            properties=str(props),
            app_version=version,
            environments=envs,
            output_dir=out,
            helm=str(tool("helm4")),
            lint=False,
        )
    )
    return out


def _diff(*args: str | Path) -> Result:
    return invoke("diff", *(str(a) for a in args))


def _scale(props: Path, env: str, replicas: int) -> None:
    path = props / "envs" / env / "values.yaml"
    text = path.read_text()
    lines = [line for line in text.splitlines() if line.startswith("replicaCount:")]
    path.write_text(text.replace(lines[0], f"replicaCount: {replicas}"))


@pytest.fixture
def roots(app_repos: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path, Path]:
    """(1.0.0, 1.1.0 unchanged values, 1.1.0 with prod scaled): render roots of dev, test, prod."""
    _, props = app_repos
    old = _render(props, "1.0.0", tmp_path / "old")
    same = _render(props, "1.1.0", tmp_path / "same")
    _scale(props, "prod", 7)
    scaled = _render(props, "1.1.0", tmp_path / "scaled")
    return old, same, scaled


def test_render_roots_unchanged_values_are_green(roots: tuple[Path, Path, Path]) -> None:
    old, same, _ = roots
    result = _diff(old, same)
    assert result.exit_code == 0, result.output
    assert "environment prod:" in result.output and "environment dev:" in result.output
    assert "in 3 environments; only app-version-derived changes." in result.output


def test_render_roots_prod_scaled_is_a_change_of_consequence(
    roots: tuple[Path, Path, Path],
) -> None:
    """The issue: merged environments hid prod's replicaCount and exited 0."""
    old, _, scaled = roots
    result = _diff(old, scaled, "--format", "json")
    assert result.exit_code == 1, result.output
    payload = json.loads(result.output)
    assert payload["onlyAppVersion"] is False
    others = [
        (r["environment"], r["kind"], c["path"], c["old"], c["new"])
        for r in payload["resources"]
        for c in r["changes"]
        if not c["appVersionDerived"]
    ]
    assert others == [("prod", "Deployment.apps", "spec.replicas", 2, 7)]
    assert {e["new"]: e["onlyAppVersion"] for e in payload["environments"]} == {
        "dev": True,
        "prod": False,
        "test": True,
    }
    text = _diff(old, scaled)
    assert text.exit_code == 1
    assert "spec.replicas: 2 -> 7" in text.output


def test_render_folders_of_one_environment(roots: tuple[Path, Path, Path]) -> None:
    old, same, scaled = roots
    assert _diff(old / "prod", same / "prod").exit_code == 0
    assert _diff(old / "prod", scaled / "prod").exit_code == 1
    assert _diff(old / "dev", scaled / "dev").exit_code == 0


def test_an_environment_on_one_side_only_is_a_change_of_consequence(
    roots: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    old, same, _ = roots
    fewer = tmp_path / "fewer"
    shutil.copytree(same, fewer)
    shutil.rmtree(fewer / "test")
    result = _diff(old, fewer)
    assert result.exit_code == 1, result.output
    assert "- environment test  (only in OLD)" in result.output
    result = _diff(fewer, old)
    assert result.exit_code == 1
    assert "+ environment test  (only in NEW)" in result.output


def test_renders_of_two_environments_are_not_green(roots: tuple[Path, Path, Path]) -> None:
    """dev and test render the same resources (same values): still not the same deployment."""
    old, same, _ = roots
    result = _diff(old / "dev", same / "test")
    assert result.exit_code == 1, result.output
    assert "renders of different environments (dev -> test)" in result.output


def test_a_plain_folder_mixing_renders_is_refused(
    roots: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """Without render.json a folder holding several environments' manifests would merge them."""
    old, _, scaled = roots
    for name, root in (("old-plain", old), ("new-plain", scaled)):
        for env in ("dev", "prod"):
            shutil.copytree(root / env / "manifests", tmp_path / name / env)
    result = _diff(tmp_path / "old-plain", tmp_path / "new-plain")
    assert result.exit_code == 2, result.output
    assert "appears twice" in result.output
    assert result.output.count("\n") == 1


def test_a_bundle_mixing_environments_is_refused(
    roots: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    old, _, scaled = roots
    bundle = tmp_path / "mixed.tar.gz"
    with tarfile.open(bundle, "w:gz") as tar:
        for env in ("prod", "dev"):
            for path in sorted((scaled / env / "manifests").iterdir()):
                tar.add(path, arcname=f"manifests/{env}-{path.name}")
    result = _diff(old / "dev", bundle)
    assert result.exit_code == 2, result.output
    assert "appears twice" in result.output


def test_nothing_to_compare_is_an_error_not_green(
    roots: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    old, _, _ = roots
    empty = tmp_path / "empty"
    empty.mkdir()
    for args in ((empty, empty), (old / "prod" / "inputs", old / "prod" / "inputs")):
        result = _diff(*args)
        assert result.exit_code == 2, result.output
        assert "holds no Kubernetes resources" in result.output


def test_render_root_with_stray_manifests_is_refused(roots: tuple[Path, Path, Path]) -> None:
    old, same, _ = roots
    (same / "extra.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stray\n")
    result = _diff(old, same)
    assert result.exit_code == 2, result.output
    assert "not part of any render" in result.output


def test_render_on_the_fly_compares_every_environment(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    helm = str(tool("helm4"))
    same = _diff("1.0.0", "1.1.0", "--render", props, "--helm", helm)
    assert same.exit_code == 0, same.output
    assert "in 3 environments" in same.output
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
    changed = _diff(
        "1.0.0",
        "1.1.0",
        "--render",
        props,
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
    assert [
        (r["environment"], c["path"])
        for r in payload["resources"]
        for c in r["changes"]
        if not c["appVersionDerived"]
    ] == [("prod", "spec.replicas")]


def test_env_and_refs_need_render(roots: tuple[Path, Path, Path]) -> None:
    old, same, _ = roots
    result = _diff(old, same, "--env", "prod")
    assert result.exit_code == 2
    assert "--render" in result.output


def test_signed_bundles_are_paired_by_the_environment_their_statement_names(
    roots: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    old, same, scaled = roots
    assert invoke("keygen", "-o", str(tmp_path / "signing")).exit_code == 0

    def bundle(folder: Path, name: str) -> Path:
        out = tmp_path / f"{name}.tar.gz"
        result = invoke(
            "package", str(folder), "--key", str(tmp_path / "signing.key"), "-o", str(out)
        )
        assert result.exit_code == 0, result.output
        return out

    old_prod, same_prod = bundle(old / "prod", "old-prod"), bundle(same / "prod", "same-prod")
    assert _diff(old_prod, same_prod).exit_code == 0
    assert _diff(old_prod, bundle(scaled / "prod", "scaled-prod")).exit_code == 1
    result = _diff(bundle(old / "dev", "old-dev"), bundle(same / "test", "same-test"))
    assert result.exit_code == 1, result.output
    assert "renders of different environments (dev -> test)" in result.output
    # A bundle against the render root it came from: its environment is found there,
    # the others are on one side only.
    mixed = _diff(old, same_prod, "--format", "json")
    assert mixed.exit_code == 1
    assert {
        (e["old"], e["new"], e["status"]) for e in json.loads(mixed.output)["environments"]
    } == {("dev", None, "removed"), ("test", None, "removed"), ("prod", "prod", "compared")}


def _config_map(version: str, value: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "app", "labels": {"app.kubernetes.io/version": version}},
        "data": {"PORT": value, "IMAGE": f"registry.example.com/app:{version}"},
    }


def test_a_value_merely_containing_the_version_is_a_change_of_consequence() -> None:
    """Build-number versions (42 -> 43) must not turn 4200 -> 4300 into an app-version change."""
    from launchgen.diff import diff_manifests

    moved = diff_manifests([_config_map("42", "4200")], [_config_map("43", "4300")])
    assert not moved.only_app_version
    assert [(f.path, f.derived) for r in moved.resources for f in r.fields] == [
        ("data.IMAGE", True),
        ("data.PORT", False),
        ("metadata.labels[app.kubernetes.io/version]", True),
    ]
    same = diff_manifests([_config_map("42", "4200")], [_config_map("43", "4200")])
    assert same.only_app_version
